"""`llama-bench`: llama.cpp's benchmark with its options and output formats, on Hearth's engine build.

    main.py llama-bench [-m MODEL ...] [-p 512] [-n 128] [-r 5] [-t N] [-ngl N] [-b 2048] [-ub 512]
                        [-fa auto|on|off] [-ctk f16] [-ctv f16] [-o md|csv|json|jsonl] [--whisper [MODEL ...]]

Like llama-bench, every option but -m/-r/-o takes a comma-separated list and every combination is
measured. Results go to stdout, progress to stderr; each run is kept in the Benchmark tab's history
unless --no-save. Ctrl-C stops after the current batch and prints what was measured.
"""

from __future__ import annotations

import argparse
import itertools
import signal
import sys
import threading
from pathlib import Path

from backend import llama_bench, whisper_bench
from backend.cli import fail
from backend.errors import HearthError
from backend.llama_bench_report import FORMATS, record, render

_FA = {"0": "off", "1": "on", "-1": "auto", "off": "off", "on": "on", "auto": "auto"}


def _ints(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "llama-bench",
        help="llama.cpp's llama-bench: prompt (pp) and generation (tg) t/s of one or more models",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-m", "--model", action="append", default=[], help="GGUF file or installed name (repeatable)")
    p.add_argument("-p", "--n-prompt", type=_ints, default=[512], help="prompt tokens (default 512)")
    p.add_argument("-n", "--n-gen", type=_ints, default=[128], help="generated tokens (default 128)")
    p.add_argument("-r", "--repetitions", type=int, default=5, help="timed runs per test (default 5)")
    p.add_argument("-t", "--threads", type=_ints, default=[llama_bench.default_bench_threads()])
    p.add_argument("-ngl", "--n-gpu-layers", type=_ints, default=[99], help="layers on the GPU (default 99)")
    p.add_argument("-b", "--batch-size", type=_ints, default=[2048], help="logical batch (default 2048)")
    p.add_argument("-ub", "--ubatch-size", type=_ints, default=[512], help="physical batch (default 512)")
    p.add_argument("-fa", "--flash-attn", type=_words, default=["auto"], help="auto, on/1 or off/0 (default auto)")
    p.add_argument("-ctk", "--cache-type-k", type=_words, default=["f16"], help="KV cache type for K (default f16)")
    p.add_argument("-ctv", "--cache-type-v", type=_words, default=["f16"], help="KV cache type for V (default f16)")
    p.add_argument("-o", "--output", choices=FORMATS, default="md", help="output format (default md)")
    p.add_argument("--no-warmup", action="store_true", help="skip the warm-up run of each test")
    p.add_argument(
        "--whisper",
        nargs="*",
        metavar="MODEL",
        help="also time Whisper on the bundled clip: the given speech models, or every installed one",
    )
    p.add_argument("--no-save", action="store_true", help="do not add this run to the benchmark history")
    p.set_defaults(func=run_bench)


def _resolve(name: str) -> Path:
    from backend.models.registry import find_installed

    path = Path(name).expanduser()
    return path if path.exists() else find_installed(name)


def _speech_models(names: list[str]) -> list[Path]:
    if names:
        return [_resolve(n) for n in names]
    from backend.models.registry import list_installed

    return [m.path for m in list_installed()[0] if m.kind == "speech"]


def run_bench(args) -> int:
    from backend.models import bundled

    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        flash = [_FA.get(v.lower()) for v in args.flash_attn]
        if None in flash:
            return fail(f"-fa takes auto, on (1) or off (0), not {','.join(args.flash_attn)!r}")
        models = [_resolve(m) for m in args.model] or [bundled.ensure(bundled.DEFAULT_CHAT)]
        settings = [
            llama_bench.BenchSettings(t, ngl, b, ub, fa, ctk, ctv)
            for t, ngl, b, ub, fa, ctk, ctv in itertools.product(
                args.threads,
                args.n_gpu_layers,
                args.batch_size,
                args.ubatch_size,
                flash,
                args.cache_type_k,
                args.cache_type_v,
            )
        ]
        tests = llama_bench.plan(models, n_prompt=args.n_prompt, n_gen=args.n_gen, settings=settings)
        speech = _speech_models(args.whisper) if args.whisper is not None else []
        build = llama_bench.build_info()
        history = None
        if not args.no_save:
            from backend.bench_history import BenchHistory

            history = BenchHistory()
            run_id = history.start_run(build, _request(args, models, speech))
        records = []

        def keep(rec: dict) -> None:
            records.append(rec)
            if history:
                history.add_result(run_id, rec)
            if args.output == "jsonl":  # one line per finished test, as llama-bench streams it
                print(render([rec], "jsonl"), end="", flush=True)

        def progress(fraction: float, message: str) -> None:
            print(f"llama-bench: {fraction * 100:3.0f}% {message}", file=sys.stderr, flush=True)

        status = "failed"
        try:
            for result in llama_bench.run(
                tests, repetitions=args.repetitions, warmup=not args.no_warmup, cancel=cancel, on_progress=progress
            ):
                if not result.counters_match:
                    print(
                        f"llama-bench: warning: llama.cpp counted {result.perf_prompt_tokens}+{result.perf_gen_tokens}"
                        f" tokens for {result.test.name}, expected {len(result.samples_ns) * result.n_tokens}",
                        file=sys.stderr,
                    )
                keep(record(result, build))
            for model in speech:
                if cancel.is_set():
                    break
                timed = whisper_bench.run(
                    model,
                    repetitions=args.repetitions,
                    cancel=cancel,
                    on_progress=lambda m, name=model.name: progress(1.0, f"{name}: {m}"),
                )
                if timed is not None:
                    keep(timed.record(build))
            status = "cancelled" if cancel.is_set() else "done"
        finally:
            if history:
                history.finish_run(run_id, status)
                history.close()
    except HearthError as exc:
        return fail(str(exc))
    finally:
        signal.signal(signal.SIGINT, previous)
    if args.output != "jsonl" and records:
        print(render(records, args.output), end="")
    return 130 if cancel.is_set() else 0


def _request(args, models: list[Path], speech: list[Path]) -> dict:
    return {
        "models": [str(m) for m in models],
        "n_prompt": args.n_prompt,
        "n_gen": args.n_gen,
        "repetitions": args.repetitions,
        "threads": args.threads,
        "n_gpu_layers": args.n_gpu_layers,
        "n_batch": args.batch_size,
        "n_ubatch": args.ubatch_size,
        "flash_attn": args.flash_attn,
        "type_k": args.cache_type_k,
        "type_v": args.cache_type_v,
        "whisper": [str(m) for m in speech],
        "source": "cli",
    }
