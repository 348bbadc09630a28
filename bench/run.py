"""Run every benchmark section, print a Markdown table, write JSON.

Usage: python main.py bench [--repeats N] [--max-repeats N] [--tokens N] [--json] [--out DIR]
                            [--only chat,llama,limit,startup,memory,dictation,voice,server]
                            [--c-tests pp,tg,tg_deep]

Each timed figure is reported as its median with a distribution-free 95% confidence interval, and a
goal is marked ✓ only when that whole interval meets it (✗ when none of it does, "inconclusive"
otherwise). The chat ratios repeat, interleaved, until their intervals decide or --max-repeats is hit.
The `llama` section compares the chat path with llama.cpp's own C llama-bench, built once from the
llama-cpp-python source distribution (fetched with pip: the bench's only network use) into
<out>/cache.
The window paints on a real X server: $DISPLAY (./hearth.sh bench starts an Xvfb), or an Xvfb the
bench starts and stops itself; never Qt's offscreen platform.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from backend.cli.compute_flags import add_compute_flags, compute_of
from bench.stats import FAIL, PASS, summary, verdict

GOALS = {
    "ratio_prompt": ">= 0.97",
    "ratio_generation": ">= 0.97",
    "ttft_overhead_ms": "<= 30 ms",
    "stall_p99": "<= 20 ms",
    "stall_max": "<= 50 ms",
    "start_s": "<= 1.5 s",
    "memory_over_mb": "<= 350 MB",
    "c_ratio": ">= 0.97",
}


def _c_tests(text: str) -> tuple[str, ...]:
    from bench.c_compare import TESTS

    tests = tuple(t.strip() for t in text.split(",") if t.strip())
    if not tests or set(tests) - set(TESTS):
        raise argparse.ArgumentTypeError(f"{text!r}: give some of {', '.join(TESTS)}, separated by commas")
    return tests


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hearth bench", description=__doc__)
    p.add_argument("--repeats", type=int, default=8, help="repeats at least (the 95%% interval needs 6 or more)")
    p.add_argument("--max-repeats", type=int, default=24, help="chat: repeat until decided, at most this often")
    p.add_argument("--tokens", type=int, default=128, help="tokens generated per chat repeat")
    p.add_argument("--json", action="store_true", help="print the JSON result to stdout")
    p.add_argument("--out", default="bench-results", help="folder for results.json and results.md")
    p.add_argument("--only", default="chat,llama,limit,startup,memory,dictation,voice,server")
    p.add_argument(
        "--c-tests",
        type=_c_tests,
        default="pp,tg,tg_deep",
        help="llama: which comparisons with C llama-bench to repeat (pp, tg, tg_deep)",
    )
    add_compute_flags(p)  # the settings the llama section runs C and the chat path with
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from bench.startup import real_display

    # The window paints on a real X server, as a user's does: $DISPLAY, or an Xvfb of the bench's own.
    with real_display(dict(os.environ)) as display:
        os.environ["DISPLAY"] = display
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        return _run(args)


def _run(args) -> int:
    _isolate_from_user_data()

    def log(msg):
        return print(msg, file=sys.stderr, flush=True)

    sections = set(args.only.split(","))

    from PySide6.QtWidgets import QApplication

    from backend.models import bundled
    from backend.models.gguf_info import read_gguf_info

    app = QApplication.instance() or QApplication([])
    chat_model = bundled.ensure(bundled.DEFAULT_CHAT)
    info = read_gguf_info(chat_model)
    results: dict = {
        "machine": _machine(),
        "model": chat_model.name,
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "display": f"{app.platformName()} {os.environ['DISPLAY']}",
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }

    if "chat" in sections:
        from bench import chat_speed

        log("chat: app vs raw llama-cpp-python…")
        results["chat"] = chat_speed.run(
            chat_model,
            min_repeats=args.repeats,
            max_repeats=max(args.repeats, args.max_repeats),
            n_tokens=args.tokens,
            progress=log,
        )
    if "llama" in sections:
        from bench import c_compare

        log("llama: the chat path vs llama.cpp's C llama-bench…")
        results["llama_c"] = c_compare.run(
            chat_model,
            Path(args.out) / "cache",
            repeats=args.repeats,
            compute=compute_of(args),
            tests=args.c_tests,
            progress=log,
        )
    if "limit" in sections:
        from bench.bandwidth import decode_limit, memory_bandwidth_gbs

        log("limit: memory bandwidth…")
        tps = results.get("chat", {}).get("raw", {}).get("tokens_per_second", {}).get("median") or 0.0
        results["limit"] = decode_limit(tps, info.tensor_bytes, memory_bandwidth_gbs())
    if "startup" in sections or "memory" in sections:
        from bench import startup

        env = dict(os.environ)
        if "startup" in sections:
            log("startup: process start to interactive window…")
            results["startup_s"] = summary(startup.time_to_window(args.repeats, env))
        if "memory" in sections:
            log("memory: RSS with both default models loaded…")
            mem = startup.memory_with_models(env)
            speech = bundled.ensure(bundled.DEFAULT_SPEECH)
            files = chat_model.stat().st_size + speech.stat().st_size
            kv = startup.kv_cache_bytes(info, mem["n_ctx"])
            results["memory"] = {
                "rss": mem["rss"],
                "files": files,
                "kv_cache": kv,
                "over_mb": (mem["rss"] - files - kv) / 2**20,
                "n_ctx": mem["n_ctx"],
            }
    if "dictation" in sections:
        try:
            from bench import dictation
        except ImportError:
            log("dictation: not available in this build")
        else:
            log("dictation: the virtual microphone at real time…")
            results["dictation"] = dictation.run(app, progress=log)
    if "voice" in sections:
        from bench import voice

        log("voice: a 10-turn spoken conversation through the virtual microphone and speaker…")
        results["voice"] = voice.run(progress=log)
    if "server" in sections:
        from bench import server

        log("server: the official client streaming through the local server vs in-process…")
        results["server"] = server.run(app, chat_model, repeats=args.repeats, n_tokens=args.tokens, progress=log)
    app.processEvents()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    table = markdown_table(results)
    (out / "results.md").write_text(table)
    print(json.dumps(results, indent=2) if args.json else table)
    return 0


def _isolate_from_user_data() -> None:
    """Conversations and settings go to a scratch folder; the prepared models are reused where they are."""
    import tempfile

    from backend import paths

    os.environ["HEARTH_MODELS_DIR"] = str(paths.models_dir())
    os.environ["HEARTH_DATA_DIR"] = tempfile.mkdtemp(prefix="hearth-bench-")


def _machine() -> dict:
    import platform

    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {"cpu": cpu, "cores": os.cpu_count(), "system": platform.platform()}


def _m(section: dict, key: str, fmt: str = "{:.2f}") -> str:
    """median [95% CI] (min–max, n): what was seen, and how sure it is."""
    value = section.get(key, {})
    if not isinstance(value, dict):
        return fmt.format(value)
    if value.get("median") is None:
        return "–"
    ci = value.get("ci")
    interval = f" [{fmt.format(ci[0])}, {fmt.format(ci[1])}]" if ci else " [n too small for a 95% CI]"
    return (
        f"{fmt.format(value['median'])}{interval} "
        f"({fmt.format(value['min'])}–{fmt.format(value['max'])}, n={value['n']})"
    )


def _v(section: dict, key: str, goal: str) -> str:
    value = section.get(key) or {}
    return verdict(value.get("ci"), goal)


def _at_most(goal: str, *values: float) -> str:
    """For figures that are themselves extremes of many samples (p99, max): the worst run decides."""
    limit = float(goal.split()[1])
    return PASS if max(values) <= limit else FAIL


def markdown_table(r: dict) -> str:
    rows = [("Figure", "Measured: median [95% CI] (min–max, n)", "Goal", "Verdict")]
    chat = r.get("chat")
    if chat:
        stalls = chat["gui_stalls_chat_ms"]
        rows += [
            (
                "Prompt t/s, app ÷ raw",
                _m(chat, "ratio_prompt", "{:.3f}"),
                GOALS["ratio_prompt"],
                _v(chat, "ratio_prompt", GOALS["ratio_prompt"]),
            ),
            (
                "Generation t/s, app ÷ raw",
                _m(chat, "ratio_generation", "{:.3f}"),
                GOALS["ratio_generation"],
                _v(chat, "ratio_generation", GOALS["ratio_generation"]),
            ),
            ("Generation t/s, app", _m(chat["app"], "tokens_per_second", "{:.1f}"), "", ""),
            ("Generation t/s, raw", _m(chat["raw"], "tokens_per_second", "{:.1f}"), "", ""),
            ("Prompt t/s, app", _m(chat["app"], "prompt_tokens_per_second", "{:.0f}"), "", ""),
            ("Prompt t/s, raw", _m(chat["raw"], "prompt_tokens_per_second", "{:.0f}"), "", ""),
            (
                "TTFT overhead (Send → first text painted, minus the raw loop's TTFT), ms",
                _m(chat, "ttft_overhead_ms", "{:.1f}"),
                GOALS["ttft_overhead_ms"],
                _v(chat, "ttft_overhead_ms", GOALS["ttft_overhead_ms"]),
            ),
            (
                "TTFT, app: signal arrival / painted, ms",
                f"{_m(chat['app'], 'signal_ttft_ms', '{:.0f}')} / {_m(chat['app'], 'painted_ttft_ms', '{:.0f}')}",
                "",
                "",
            ),
            (
                f"GUI tick gaps while generating {stalls['tokens']} tokens (5 ms timer), worst of"
                f" {stalls['runs']} runs: p50 / p99 / max ms",
                "{p50:.1f} / {p99:.1f} / {max:.1f}".format(**stalls),
                "p99 ≤ 20, max ≤ 50",
                PASS if stalls["p99"] <= 20 and stalls["max"] <= 50 else FAIL,
            ),
        ]
    c = r.get("llama_c")
    if c:
        cs = c["settings"]
        setup = (
            f"{cs['threads']} threads, batch {cs['n_batch']}/{cs['n_ubatch']}, flash attention {cs['flash_attn']}"
            f", KV {cs.get('type_k', 'f16')}/{cs.get('type_v', 'f16')}"
        )
        tests = c.get("tests", ["pp", "tg", "tg_deep"])
        compared = {
            "pp": (
                f"Prompt t/s, chat path ({c['app_prompt_tokens']} tokens) ÷ C llama-bench pp{c['n_prompt']}",
                "ratio_prompt",
                [(f"C llama-bench pp{c['n_prompt']}, t/s", "c_pp"), ("Chat path prompt, t/s", "app_pp")],
            ),
            "tg": (
                f"Generation t/s, chat path after a {c.get('short_prompt_tokens', '')}-token prompt"
                f" ÷ C llama-bench tg{c['n_gen']}",
                "ratio_generation",
                [
                    (f"C llama-bench tg{c['n_gen']}, t/s", "c_tg"),
                    ("Chat path generation after a short prompt, t/s", "app_tg"),
                ],
            ),
            "tg_deep": (
                f"Generation t/s, chat path after the {c['app_prompt_tokens']}-token prompt"
                f" ÷ C llama-bench tg{c['n_gen']} @ d{c['n_prompt']}",
                "ratio_generation_deep",
                [
                    (f"C llama-bench tg{c['n_gen']} @ d{c['n_prompt']}, t/s", "c_tg_deep"),
                    ("Chat path generation after the long prompt, t/s", "app_tg_deep"),
                ],
            ),
        }
        ratio_rows, speed_rows = [], []
        for test in tests:
            title, key, speeds = compared[test]
            ratio_rows.append((title, _m(c, key, "{:.3f}"), GOALS["c_ratio"], _v(c, key, GOALS["c_ratio"])))
            speed_rows += [(name, _m(c, speed, "{:.1f}"), "", "") for name, speed in speeds]
        first = ratio_rows[0]
        rows += [
            (f"{first[0]} ({setup})", *first[1:]),
            *ratio_rows[1:],
            (
                "Generation t/s, chat path ÷ its own llama_decode calls alone (the time C's tg measures;"
                " the rest is sampling and the Python loop), same runs",
                _m(c, "own_decode_share", "{:.4f}"),
                "(report)",
                "",
            ),
            *speed_rows,
            (
                "Building C llama-bench from the vendored llama.cpp",
                f"{c['build']['seconds']} s, {c['build']['jobs']} jobs" + (" (cached)" if c["build"]["cached"] else ""),
                "(report)",
                "",
            ),
        ]
    if "limit" in r:
        lim = r["limit"]
        rows.append(
            (
                "Decode vs bandwidth ceiling",
                f"{lim['fraction_of_ceiling'] * 100:.0f}% of {lim['ceiling_tokens_per_second']:.0f} t/s"
                f" ({lim['bandwidth_gbs']:.1f} GB/s ÷ {lim['weight_bytes'] / 1e6:.0f} MB/token)",
                "(report)",
                "",
            )
        )
    if "startup_s" in r:
        rows.append(
            (
                "Start to interactive window, s",
                _m(r, "startup_s"),
                GOALS["start_s"],
                _v(r, "startup_s", GOALS["start_s"]),
            )
        )
    if "memory" in r:
        m = r["memory"]
        rows.append(
            (
                "RSS, both default models loaded (one measurement)",
                f"{m['rss'] / 2**20:.0f} MB = files {m['files'] / 2**20:.0f} MB"
                f" + KV {m['kv_cache'] / 2**20:.0f} MB + {m['over_mb']:.0f} MB",
                GOALS["memory_over_mb"],
                _at_most(GOALS["memory_over_mb"], m["over_mb"]),
            )
        )
    for d in (r.get("dictation"), r.get("voice"), r.get("server")):
        for row in (d or {}).get("table_rows", []):
            rows.append(tuple(row) + ("",) * (4 - len(row)))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    machine = r["machine"]
    load = f", load average {r['load_average']:.1f}" if r.get("load_average") is not None else ""
    return (
        f"Machine: {machine['cpu']}, {machine['cores']} cores ({r['when']}{load}); model {r['model']};"
        f" display {r.get('display', '?')}\n\n" + "\n".join(lines) + "\n"
    )
