"""`complete` and `chat`: the seed's `./main -m MODEL -p PROMPT -n N`, on the app's own engine."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from backend.cli import fail
from backend.errors import HearthError
from backend.llm import DEFAULT_N_CTX, LlmEngine, SamplingParams
from backend.models import bundled


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-m", "--model", help="GGUF file (default: the bundled Qwen2.5-Coder 0.5B Instruct)")
    p.add_argument("-n", "--n-predict", type=int, default=256, help="max tokens to generate (default 256)")
    p.add_argument(
        "-c", "--ctx-size", type=int, default=DEFAULT_N_CTX, help=f"context length (default {DEFAULT_N_CTX})"
    )
    p.add_argument("-t", "--threads", type=int, default=None, help="CPU threads (default: all cores, up to 4)")
    p.add_argument("-ngl", "--n-gpu-layers", type=int, default=0, help="layers to offload to the GPU (-1: all)")
    p.add_argument("--temp", type=float, default=0.7)
    p.add_argument("--top-p", type=float, default=0.95)
    p.add_argument("--top-k", type=int, default=40)
    p.add_argument("--repeat-penalty", type=float, default=1.1)
    p.add_argument("-s", "--seed", type=int, default=-1, help="RNG seed (-1: random)")
    p.add_argument("--json", action="store_true", help="print text and all stats as one JSON object")


def register(subparsers) -> None:
    p = subparsers.add_parser("complete", help="continue a raw prompt (no chat template)")
    _common(p)
    p.add_argument("-p", "--prompt", required=True)
    p.set_defaults(func=run_complete)

    p = subparsers.add_parser("chat", help="one chat turn with the model's chat template")
    _common(p)
    p.add_argument("-p", "--prompt", required=True, help="the user's message")
    p.add_argument("--system", default="", help="system prompt")
    p.set_defaults(func=run_chat)


def _params(args) -> SamplingParams:
    return SamplingParams(
        temperature=args.temp,
        top_p=args.top_p,
        top_k=args.top_k,
        repeat_penalty=args.repeat_penalty,
        max_tokens=args.n_predict,
        seed=args.seed if args.seed >= 0 else None,
    )


def _load(args) -> LlmEngine:
    path = Path(args.model) if args.model else bundled.ensure(bundled.DEFAULT_CHAT)
    engine = LlmEngine()
    engine.load(path, n_ctx=args.ctx_size, n_threads=args.threads, n_gpu_layers=args.n_gpu_layers)
    return engine


def _stream(args, make_generation, echo_prompt: str) -> int:
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        engine = _load(args)
        generation = make_generation(engine, cancel)
        if generation.notice:
            print(generation.notice, file=sys.stderr)
        if not args.json:
            sys.stdout.write(echo_prompt)
            sys.stdout.flush()
        pieces = []
        for piece in generation:
            pieces.append(piece)
            if not args.json:
                sys.stdout.write(piece)
                sys.stdout.flush()
    except HearthError as exc:
        return fail(str(exc))
    finally:
        signal.signal(signal.SIGINT, previous)
    stats = generation.stats
    if args.json:
        model = engine.model
        print(
            json.dumps(
                {
                    "text": "".join(pieces),
                    "model": str(model.path),
                    "architecture": model.info.architecture,
                    "quantization": model.info.file_type_name,
                    "template": generation.template_source,
                    "n_threads": model.n_threads,
                    "n_gpu_layers": model.n_gpu_layers,
                    "stats": stats.to_dict(),
                },
                ensure_ascii=False,
            )
        )
    else:
        print("\n\n" + stats.timings_block(), file=sys.stderr)
    return 0


def run_complete(args) -> int:
    return _stream(
        args, lambda engine, cancel: engine.stream_completion(args.prompt, _params(args), cancel), args.prompt
    )


def run_chat(args) -> int:
    messages = ([{"role": "system", "content": args.system}] if args.system else []) + [
        {"role": "user", "content": args.prompt}
    ]
    return _stream(args, lambda engine, cancel: engine.stream_chat(messages, _params(args), cancel), "")
