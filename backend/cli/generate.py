"""`complete` and `chat`: the seed's `./main -m MODEL -p PROMPT -n N`, on the app's own engine."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
from pathlib import Path

from backend.cli import fail
from backend.cli.compute_flags import add_compute_flags, compute_of
from backend.errors import HearthError
from backend.llm import DEFAULT_N_CTX, LlmEngine, SamplingParams
from backend.models import bundled
from backend.remote_engine import RemoteEngine
from backend.remote_http import Endpoint, RemoteError, normalize_url, plain_http_to_public
from backend.remote_servers import ServerStore
from backend.settings import Settings


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-m",
        "--model",
        help="GGUF file (default: the bundled Qwen2.5-Coder 0.5B Instruct); with --server, a model name",
    )
    p.add_argument("-n", "--n-predict", type=int, default=256, help="max tokens to generate (default 256)")
    p.add_argument(
        "-c", "--ctx-size", type=int, default=DEFAULT_N_CTX, help=f"context length (default {DEFAULT_N_CTX})"
    )
    p.add_argument("-t", "--threads", type=int, default=None, help="CPU threads (default: all cores, up to 4)")
    p.add_argument("-ngl", "--n-gpu-layers", type=int, default=0, help="layers to offload to the GPU (-1: all)")
    add_compute_flags(p)
    p.add_argument("--temp", type=float, default=0.7)
    p.add_argument("--top-p", type=float, default=0.95)
    p.add_argument("--top-k", type=int, default=40)
    p.add_argument("--repeat-penalty", type=float, default=1.1)
    p.add_argument("-s", "--seed", type=int, default=-1, help="RNG seed (-1: random)")
    p.add_argument("--json", action="store_true", help="print text and all stats as one JSON object")
    add_server_options(p)


def add_server_options(p: argparse.ArgumentParser) -> None:
    """--server/--api-key/--allow-http: the remote-model options `chat`, `complete` and `transcribe` share."""
    p.add_argument(
        "--server",
        metavar="URL",
        help="use a model on an OpenAI-compatible server (its base URL, or the name of a server added in Models)",
    )
    p.add_argument(
        "--api-key",
        default=os.environ.get("HEARTH_REMOTE_API_KEY"),
        help="the server's API key (default: $HEARTH_REMOTE_API_KEY, or the key saved with the server)",
    )
    p.add_argument(
        "--allow-http", action="store_true", help="allow plain http:// to an address outside this machine's network"
    )


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


def remote_endpoint(args) -> Endpoint:
    store = ServerStore(Settings())
    saved = store.find(args.server)
    endpoint = store.endpoint(saved) if saved else Endpoint(normalize_url(args.server))
    if args.api_key:
        endpoint = Endpoint(endpoint.base_url, args.api_key, endpoint.name)
    if plain_http_to_public(endpoint.base_url) and not args.allow_http:
        raise RemoteError(
            f"{endpoint.base_url} is plain http:// outside this machine's network: what you send (and any key) "
            "would cross it unencrypted. Use https://, or pass --allow-http"
        )
    return endpoint


def _load(args) -> LlmEngine | RemoteEngine:
    if args.server:
        engine = RemoteEngine()
        engine.connect(remote_endpoint(args), args.model or "")
        return engine
    compute = compute_of(args)  # a bad combination is refused before the model is prepared or read
    path = Path(args.model) if args.model else bundled.ensure(bundled.DEFAULT_CHAT)
    engine = LlmEngine()
    engine.load(path, n_ctx=args.ctx_size, n_threads=args.threads, n_gpu_layers=args.n_gpu_layers, compute=compute)
    return engine


def _compute_record(model) -> dict:
    """The compute settings the model runs with, and what llama.cpp made of them."""
    return {
        **dataclasses.asdict(model.compute),
        "flash_attn_used": model.flash_attn_used,
        "kv_cache_bytes": model.kv_cache_bytes,
    }


def _stream(args, make_generation, echo_prompt: str) -> int:
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    generation, pieces, error = None, [], None
    try:
        engine = _load(args)
        generation = make_generation(engine, cancel)
        if generation.notice:
            print(generation.notice, file=sys.stderr)
        if not args.json:
            sys.stdout.write(echo_prompt)
            sys.stdout.flush()
        for piece in generation:
            pieces.append(piece)
            if not args.json:
                sys.stdout.write(piece)
                sys.stdout.flush()
    except HearthError as exc:
        if generation is None or not pieces:
            return fail(str(exc))
        error = str(exc)  # the server went away mid-reply: what arrived is printed, then the reason
    finally:
        signal.signal(signal.SIGINT, previous)
    stats = generation.stats
    if args.json:
        model = engine.model
        remote = {"server": model.endpoint.base_url} if isinstance(engine, RemoteEngine) else {}
        print(
            json.dumps(
                {
                    "text": "".join(pieces),
                    "model": str(model.model_id if remote else model.path),
                    **remote,
                    "architecture": model.info.architecture,
                    "quantization": model.info.file_type_name,
                    "template": generation.template_source,
                    "n_threads": model.n_threads,
                    "n_gpu_layers": model.n_gpu_layers,
                    **({} if remote else {"compute": _compute_record(model)}),
                    "stats": stats.to_dict(),
                }
                | ({"error": error} if error else {}),
                ensure_ascii=False,
            )
        )
    else:
        print("\n\n" + stats.timings_block(), file=sys.stderr)
    return fail(error) if error else 0


def run_complete(args) -> int:
    return _stream(
        args, lambda engine, cancel: engine.stream_completion(args.prompt, _params(args), cancel), args.prompt
    )


def run_chat(args) -> int:
    messages = ([{"role": "system", "content": args.system}] if args.system else []) + [
        {"role": "user", "content": args.prompt}
    ]
    return _stream(args, lambda engine, cancel: engine.stream_chat(messages, _params(args), cancel), "")
