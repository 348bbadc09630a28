"""Run every benchmark section, print a Markdown table, write JSON.

Usage: python main.py bench [--repeats N] [--tokens N] [--json] [--out DIR] [--only chat,limit,startup,memory,dictation]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

GOALS = {
    "ratio_prompt": ">= 0.97",
    "ratio_generation": ">= 0.97",
    "ttft_overhead_ms": "<= 30 ms",
    "stall_p99": "<= 20 ms",
    "stall_max": "<= 50 ms",
    "start_s": "<= 1.5 s",
    "memory_over_mb": "<= 350 MB",
    "dictation_latency_median_s": "<= 1.5 s",
    "dictation_wer_ratio": "<= 1.1",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hearth bench", description=__doc__)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--tokens", type=int, default=128, help="tokens generated per chat repeat")
    p.add_argument("--json", action="store_true", help="print the JSON result to stdout")
    p.add_argument("--out", default="bench-results", help="folder for results.json and results.md")
    p.add_argument("--only", default="chat,limit,startup,memory,dictation")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
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
    results: dict = {"machine": _machine(), "model": chat_model.name, "when": time.strftime("%Y-%m-%d %H:%M")}

    if "chat" in sections:
        from bench import chat_speed

        log("chat: app vs raw llama-cpp-python…")
        results["chat"] = chat_speed.run(chat_model, repeats=args.repeats, n_tokens=args.tokens, progress=log)
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
            from bench.stats import summary

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
    value = section.get(key, {})
    if isinstance(value, dict):
        if value.get("median") is None:
            return "–"
        return f"{fmt.format(value['median'])} ({fmt.format(value['min'])}–{fmt.format(value['max'])})"
    return fmt.format(value)


def markdown_table(r: dict) -> str:
    rows = [("Figure", "Measured: median (min–max)", "Goal")]
    chat = r.get("chat")
    if chat:
        rows += [
            ("Prompt t/s, app ÷ raw", _m(chat, "ratio_prompt", "{:.3f}"), GOALS["ratio_prompt"]),
            ("Generation t/s, app ÷ raw", _m(chat, "ratio_generation", "{:.3f}"), GOALS["ratio_generation"]),
            (
                "Generation t/s, app / raw",
                f"{_m(chat['app'], 'tokens_per_second', '{:.1f}')} / {_m(chat['raw'], 'tokens_per_second', '{:.1f}')}",
                "",
            ),
            (
                "Prompt t/s, app / raw",
                f"{_m(chat['app'], 'prompt_tokens_per_second', '{:.0f}')}"
                f" / {_m(chat['raw'], 'prompt_tokens_per_second', '{:.0f}')}",
                "",
            ),
            (
                "TTFT overhead (app TTFT − raw TTFT), ms",
                _m(chat, "ttft_overhead_ms", "{:.1f}"),
                GOALS["ttft_overhead_ms"],
            ),
            (
                f"GUI tick gaps while generating {chat['gui_stalls_chat_ms']['tokens']} tokens (5 ms timer),"
                " p50 / p99 / max ms",
                "{p50:.1f} / {p99:.1f} / {max:.1f}".format(**chat["gui_stalls_chat_ms"]),
                "p99 ≤ 20, max ≤ 50",
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
            )
        )
    if "startup_s" in r:
        rows.append(("Start to interactive window, s", _m(r, "startup_s"), GOALS["start_s"]))
    if "memory" in r:
        m = r["memory"]
        rows.append(
            (
                "RSS, both default models loaded",
                f"{m['rss'] / 2**20:.0f} MB = files {m['files'] / 2**20:.0f} MB"
                f" + KV {m['kv_cache'] / 2**20:.0f} MB + {m['over_mb']:.0f} MB",
                GOALS["memory_over_mb"],
            )
        )
    d = r.get("dictation")
    if d:
        for row in d.get("table_rows", []):
            rows.append(tuple(row))
    widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    machine = r["machine"]
    return (
        f"Machine: {machine['cpu']}, {machine['cores']} cores ({r['when']}); model {r['model']}\n\n"
        + "\n".join(lines)
        + "\n"
    )
