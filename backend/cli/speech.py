"""`hearth transcribe FILE` and `hearth dictate`: speech recognition in the terminal, the seed's way."""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from backend.audio import AudioDeviceError, MicrophoneCapture, list_input_devices
from backend.cli import fail
from backend.cli.generate import add_server_options, remote_endpoint
from backend.defaults import default_spoken_language
from backend.dictation import DictationConfig, DictationSession, DictationUpdate, run_dictation
from backend.errors import HearthError
from backend.file_transcription import OutputExistsError, check_output_path, transcribe_file
from backend.models import bundled
from backend.remote_transcription import transcribe_remote
from backend.speech import WhisperEngine
from backend.subtitles import render


def register(subparsers) -> None:
    t = subparsers.add_parser("transcribe", help="transcribe an audio or video file (SRT, VTT, TXT or JSON)")
    t.add_argument("file", type=Path, help="any audio or video file FFmpeg can read")
    _model_options(t)
    out = t.add_mutually_exclusive_group()
    for fmt in ("srt", "vtt", "txt", "json"):
        out.add_argument(f"--{fmt}", dest="format", action="store_const", const=fmt, help=f"write {fmt.upper()}")
    t.add_argument("-o", "--output", help="write here instead of standard output ('-' is standard output)")
    t.add_argument("-f", "--force", action="store_true", help="replace the output file if it exists")
    add_server_options(t)  # --server: transcribe on an OpenAI-compatible server instead
    t.set_defaults(func=transcribe, format="txt")

    d = subparsers.add_parser("dictate", help="live dictation from the microphone (Ctrl+C stops)")
    _model_options(d)
    d.add_argument("--device", type=int, help="input device number (see --list-devices)")
    d.add_argument("--list-devices", action="store_true", help="list input devices and exit")
    d.add_argument("--seconds", type=float, help="stop after this many seconds")
    d.add_argument("--json", action="store_true", help="print one JSON line per update")
    remote = d.add_mutually_exclusive_group()
    for action, text in (
        ("toggle", "tell the running Hearth to start dictating into the focused application, or to stop"),
        ("begin", "tell the running Hearth to start dictating into the focused application"),
        ("end", "tell the running Hearth to stop and type the rest (bind these to a desktop shortcut)"),
    ):
        remote.add_argument(f"--{action}", dest="remote", action="store_const", const=action, help=text)
    d.set_defaults(func=dictate, remote=None)


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-m", "--model", type=Path, help="whisper.cpp ggml model (default: bundled, tiny.en for English, else base)"
    )
    parser.add_argument(
        "--language",
        default=default_spoken_language(),
        help="spoken language code, or auto to detect it (default: the desktop's language, else en)",
    )
    parser.add_argument("--translate", action="store_true", help="translate to English (multilingual models)")
    parser.add_argument("--threads", type=int, help="CPU threads for Whisper")


def _progress_printer(label: str):
    """Progress on stderr: rewritten in place on a terminal, a line per 10 % otherwise."""
    tty = sys.stderr.isatty()
    state = {"shown": -1}

    def show(fraction: float) -> None:
        percent = int(fraction * 100)
        if tty and percent != state["shown"]:
            print(f"\r{label}: {percent:3d}%", end="", file=sys.stderr, flush=True)
        elif not tty and percent // 10 != state["shown"] // 10:
            print(f"{label}: {percent}%", file=sys.stderr, flush=True)
        state["shown"] = percent

    def done() -> None:
        if tty and state["shown"] >= 0:
            print(file=sys.stderr)

    return show, done


def _load_engine(args) -> tuple[WhisperEngine, float]:
    started = time.perf_counter()
    if args.model:
        path = args.model
    else:
        show, done = _progress_printer("preparing the bundled speech model")
        path = bundled.ensure(bundled.speech_for(getattr(args, "language", "auto")), progress=show)
        done()
    return WhisperEngine(path, n_threads=args.threads), time.perf_counter() - started


def transcribe(args) -> int:
    output = None if args.output in (None, "-") else Path(args.output)  # '-' is stdout, as in every such CLI
    try:
        if output is not None:
            # Before the work, not after it: a refusal should cost the user nothing.
            check_output_path(output, overwrite=args.force)
    except OutputExistsError as exc:
        return fail(f"{exc}; add --force to replace it")
    try:
        if args.server:
            endpoint, load_seconds = remote_endpoint(args), 0.0
            model_name = endpoint.base_url
            result = transcribe_remote(endpoint, args.file, language=args.language, translate=args.translate)
        else:
            engine, load_seconds = _load_engine(args)
            model_name = str(engine.model_path)
            show, done = _progress_printer(f"transcribing {args.file.name}")
            result = transcribe_file(engine, args.file, language=args.language, translate=args.translate, progress=show)
            done()
    except HearthError as exc:
        return fail(str(exc))
    if args.format == "json":
        text = (
            json.dumps(
                {
                    "file": str(args.file),
                    "model": model_name,
                    "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in result.segments],
                    "timings": {
                        "load_seconds": round(load_seconds, 3),
                        "decode_seconds": round(result.decode_seconds, 3),
                        "audio_seconds": round(result.audio_seconds, 3),
                        "transcribe_seconds": round(result.transcribe_seconds, 3),
                        "real_time_factor": round(result.real_time_factor, 4),
                    },
                },
                indent=2,
            )
            + "\n"
        )
    else:
        text = render(result.segments, args.format)
    if output is not None:
        from backend.atomic import write_text_atomic

        try:
            write_text_atomic(output, text)
        except OSError as exc:
            return fail(f"cannot write {output}: {exc.strerror or exc}")
        print(f"wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


class _TerminalView:
    """Committed text as it is committed; on a terminal the grey unconfirmed tail is rewritten in place
    (cursor saved after the committed text, restored and cleared before each update)."""

    def __init__(self, as_json: bool):
        self.as_json, self.tty = as_json, sys.stdout.isatty()
        self.printed = ""

    def __call__(self, update: DictationUpdate) -> None:
        if self.as_json:
            print(
                json.dumps(
                    {
                        "committed": update.committed,
                        "unconfirmed": update.unconfirmed,
                        "audio_time": round(update.audio_time, 2),
                        "latency": None if update.commit_latency is None else round(update.commit_latency, 3),
                        "dropped_seconds": round(update.dropped_seconds, 2),
                        "lag": round(update.lag_seconds, 2),
                        "real_time_factor": round(update.real_time_factor, 3),
                        "final": update.final,
                    }
                ),
                flush=True,
            )
            return
        new = update.committed[len(self.printed) :]
        if self.tty:
            sys.stdout.write("\0338\033[J" + new + "\0337")
            if update.unconfirmed:
                sys.stdout.write((" " if update.committed else "") + f"\033[2m{update.unconfirmed}\033[0m")
        else:
            sys.stdout.write(new)
        self.printed = update.committed
        sys.stdout.flush()


def _tell_running_hearth(action: str) -> int:
    from backend import paths
    from backend.instance_socket import send_command

    try:
        answer = send_command(paths.data_dir(), f"dictate {action}")
    except HearthError as exc:
        return fail(str(exc))
    if answer != "ok":
        return fail(answer.removeprefix("error: "))
    return 0


def dictate(args) -> int:
    if args.remote:
        return _tell_running_hearth(args.remote)
    try:
        if args.list_devices:
            devices = list_input_devices()
            if not devices:
                return fail("no microphone found: connect one (or start the sound server) and try again")
            for dev in devices:
                mark = "*" if dev.is_default else " "
                print(f"{mark} {dev.index:3d}  {dev.name}  ({dev.channels} ch, {dev.default_rate} Hz)")
            return 0
        engine, _ = _load_engine(args)
        capture = MicrophoneCapture(device=args.device)
        capture.start()
    except (HearthError, bundled.BundledModelError) as exc:
        return fail(str(exc))
    stop = threading.Event()
    timer = threading.Timer(args.seconds or 0, stop.set)
    timer.daemon = True
    if args.seconds:
        timer.start()
    # Start with the cursor saved, so the first grey tail can be rewritten.
    if sys.stdout.isatty() and not args.json:
        sys.stdout.write("\0337")
    session = DictationSession(engine, DictationConfig(language=args.language, translate=args.translate))
    view = _TerminalView(args.json)
    print("listening… (Ctrl+C stops)", file=sys.stderr)
    outcome: dict = {}

    def pump() -> None:
        try:
            outcome["final"] = run_dictation(capture, session, view, stop)
        except AudioDeviceError as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=pump, name="dictation")
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        stop.set()
        worker.join()
    finally:
        timer.cancel()
        capture.close()
    if not args.json:
        print()
        print(session.committed_text)
    if capture.dropped_seconds:
        print(
            f"warning: {capture.dropped_seconds:.1f} s of audio dropped (the computer could not keep up)",
            file=sys.stderr,
        )
    if "error" in outcome:
        return fail(f"{outcome['error']} — the text so far is printed above")
    return 0
