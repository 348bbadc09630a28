"""`hearth talk`: a spoken conversation with the chat model in the terminal, like whisper.cpp's talk-llama.

With --json, one JSON object per line: {"event": "heard"|"sent"|"reply"|"spoken"|"dropped"|"error",
"text": ..., "t": seconds since listening began, "time": ISO 8601 wall clock, ...}; "spoken" also has
"sound_at" (seconds since listening began when its sound started), "reply" its "stop_reason".
"""

from __future__ import annotations

import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from backend.audio import AudioDeviceError, MicrophoneCapture
from backend.cli import fail
from backend.dictation import DictationConfig
from backend.errors import HearthError
from backend.llm import DEFAULT_N_CTX, SamplingParams
from backend.llm_service import LlmService
from backend.models import bundled
from backend.speech import WhisperEngine
from backend.speech_out import SpeechOutput, available_voices, default_voice_id, list_output_devices
from backend.voice_loop import ChatResponder, VoiceConfig, VoiceEvent, VoiceLoop


def register(subparsers) -> None:
    p = subparsers.add_parser("talk", help="talk with the chat model and hear it answer (Ctrl+C stops)")
    p.add_argument("-m", "--model", help="chat GGUF file (default: the bundled model)")
    p.add_argument("--speech-model", type=Path, help="whisper.cpp model (default: the bundled tiny.en)")
    p.add_argument("--voice", help="voice id (see --list-voices; default: the best installed)")
    p.add_argument("--list-voices", action="store_true", help="list the voices and output devices and exit")
    p.add_argument("--device", type=int, help="input device number (see `dictate --list-devices`)")
    p.add_argument("--output-device", type=int, help="output device number (see --list-voices)")
    p.add_argument("--pause", type=float, default=VoiceConfig.send_pause_seconds, help="seconds of silence that send")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")
    p.add_argument("--json", action="store_true", help="print one JSON line per event")
    p.add_argument("-s", "--seed", type=int, help="sampling seed (replies repeat with the same seed)")
    p.add_argument("--temp", type=float, default=0.7, help="temperature")
    p.set_defaults(func=talk)


def _list() -> int:
    print("voices:")
    for voice in available_voices():
        print(f"  {voice.id}  {voice.name}  [{voice.language}]")
    print("output devices:")
    for dev in list_output_devices():
        print(f"{'*' if dev.is_default else ' '} {dev.index:3d}  {dev.name}  ({dev.default_rate} Hz)")
    return 0


class _Printer:
    def __init__(self, as_json: bool, start: float):
        self.as_json, self.start = as_json, start
        self.lock = threading.Lock()

    def __call__(self, event: VoiceEvent) -> None:
        if event.kind == "heard" and not self.as_json:
            return  # the terminal shows what was sent, not every revision of it
        record = {
            "event": event.kind,
            "text": event.text,
            "t": round(event.at - self.start, 3),
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }
        if event.started_at is not None:
            record["sound_at"] = round(event.started_at - self.start, 3)
        if event.stop_reason is not None:
            record["stop_reason"] = event.stop_reason
        with self.lock:
            if self.as_json:
                print(json.dumps(record, ensure_ascii=False), flush=True)
            elif event.kind in ("sent", "reply", "dropped", "error"):
                label = {"sent": "you", "reply": "hearth", "dropped": "(dropped)", "error": "error"}[event.kind]
                print(f"{label}: {event.text}", flush=True)


def talk(args) -> int:
    if args.list_voices:
        try:
            return _list()
        except HearthError as exc:
            return fail(str(exc))
    # Bad input is refused before seconds of model loading.
    if args.voice and args.voice not in {v.id for v in available_voices()}:
        return fail(f"no voice {args.voice!r} is installed; `talk --list-voices` lists them")
    if args.pause <= 0:
        return fail("--pause must be more than 0 seconds")
    service = LlmService()
    speech = capture = None
    try:
        print("loading the models and the voice…", file=sys.stderr)
        speech_path = args.speech_model or bundled.ensure(bundled.DEFAULT_SPEECH)
        whisper = WhisperEngine(speech_path)
        service.load(args.model or "", n_ctx=DEFAULT_N_CTX, n_threads=None, n_gpu_layers=0).result()
        speech = SpeechOutput(args.voice or default_voice_id(), device=args.output_device)
        speech.warm_up()
        capture = MicrophoneCapture(device=args.device)
        capture.start()
    except (HearthError, bundled.BundledModelError) as exc:
        for thing in (speech, capture):
            if thing is not None:
                thing.close()
        service.close()
        return fail(str(exc))
    params = SamplingParams(temperature=args.temp, seed=args.seed, max_tokens=160)
    config = VoiceConfig(send_pause_seconds=args.pause, dictation=DictationConfig())
    printer = _Printer(args.json, time.monotonic())
    loop = VoiceLoop(capture, whisper, ChatResponder(service, params), speech, config, on_event=printer)
    stop = threading.Event()
    outcome: dict = {}

    def pump() -> None:
        try:
            loop.run(stop)
        except AudioDeviceError as exc:
            outcome["error"] = exc

    print("listening… speak, then pause (Ctrl+C stops)", file=sys.stderr)
    worker = threading.Thread(target=pump, name="voice-loop")
    worker.start()
    deadline = time.monotonic() + args.seconds if args.seconds else None
    interrupted = False
    try:
        while worker.is_alive() and (deadline is None or time.monotonic() < deadline):
            worker.join(0.1)
    except KeyboardInterrupt:
        interrupted = True  # Ctrl+C also interrupts the audio stream: its "device stopped" is no fault
    finally:
        stop.set()
        worker.join()
        capture.close()
        speech.close()
        service.close()
    if "error" in outcome and not interrupted:
        return fail(str(outcome["error"]))
    return 0
