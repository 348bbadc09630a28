"""`serve`: the OpenAI-compatible server, headless, like llama.cpp's ./server on port 8080."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from backend import paths
from backend.cli import fail
from backend.cli.compute_flags import add_compute_flags, compute_of
from backend.errors import HearthError
from backend.llm import DEFAULT_N_CTX
from backend.llm_service import LlmService
from backend.server.config import DEFAULT_PORT, ServerConfig
from backend.server.context import ServerContext
from backend.server.runner import ApiServer
from backend.server.speech_queue import SpeechQueue


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="an OpenAI-compatible server for other programs (chat, completions, transcription)"
    )
    p.add_argument("-m", "--model", help="GGUF chat model (default: the bundled Qwen2.5-Coder 0.5B Instruct)")
    p.add_argument("--speech-model", help="whisper.cpp model for /v1/audio (default: the bundled tiny.en)")
    p.add_argument("--no-speech", action="store_true", help="serve chat only, no /v1/audio")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument(
        "--api-key",
        default=os.environ.get("HEARTH_API_KEY"),
        help="clients must send 'Authorization: Bearer KEY' (required beyond 127.0.0.1; default $HEARTH_API_KEY)",
    )
    p.add_argument("--allow-origin", action="append", default=[], help="let web pages at this origin call the API")
    p.add_argument("--allow-host", action="append", default=[], help="accept this Host name besides IP addresses")
    p.add_argument("-c", "--ctx-size", type=int, default=DEFAULT_N_CTX, help="context length (default 4096)")
    p.add_argument("-t", "--threads", type=int, default=None, help="CPU threads (default: all cores, up to 4)")
    p.add_argument("-ngl", "--n-gpu-layers", type=int, default=0, help="layers to offload to the GPU (-1: all)")
    add_compute_flags(p)
    p.add_argument("--max-waiting", type=int, default=4, help="requests that may wait before 503 (default 4)")
    p.set_defaults(func=run_serve)


def run_serve(args) -> int:
    config = ServerConfig(
        host=args.host,
        port=args.port,
        api_key=args.api_key or None,
        allowed_origins=tuple(args.allow_origin),
        allowed_hosts=tuple(h.lower() for h in args.allow_host),
    )
    llm = LlmService(max_waiting=args.max_waiting)
    speech = None
    server = None
    try:
        config.validate()
        compute = compute_of(args)
        if args.speech_model and not Path(args.speech_model).is_file():
            return fail(f"speech model {args.speech_model} does not exist")
        print("hearth: loading the chat model…", file=sys.stderr, flush=True)
        model = llm.load(
            args.model or "",
            n_ctx=args.ctx_size,
            n_threads=args.threads,
            n_gpu_layers=args.n_gpu_layers,
            compute=compute,
        ).result()
        if not args.no_speech:
            speech = SpeechQueue(args.speech_model, n_threads=args.threads, max_waiting=args.max_waiting)
            speech.run(lambda engine: None).result()  # load it now: a bad file is an error at start, not per request
        ctx = ServerContext(
            llm=llm,
            speech=speech,
            config=config,
            models_dir=paths.models_dir(),
            on_record=lambda record: print(record.line(), file=sys.stderr, flush=True),
        )
        server = ApiServer(ctx)
        server.start()
        speech_note = f", speech: {speech.model_name}" if speech else ""
        print(f"hearth: serving {model.path.name}{speech_note} at {server.url} (Ctrl-C stops)", file=sys.stderr)
        sys.stderr.flush()
        previous = signal.signal(signal.SIGTERM, lambda *_: server.request_stop())
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        return 0
    except HearthError as exc:
        return fail(str(exc))
    finally:
        if server is not None:
            server.stop()
        if speech is not None:
            speech.close()
        llm.close()
