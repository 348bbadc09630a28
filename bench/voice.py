"""Voice conversation benchmark: a 10-turn scripted conversation through the real audio path.

Hearth listens on a PulseAudio null sink's monitor and speaks into the SAME sink, so everything it
says comes straight back into its microphone (the worst echo a laptop can have). Each question is
spoken by espeak-ng into the sink with paplay; we wait for the reply to be spoken to the end, then ask
the next. Measured: end of the question's speech -> first sound of the reply (when its first sample
reaches the speaker, by PortAudio's output clock), and echo turns (messages sent that were not one of
the questions). Where the time goes, per turn, from the end of the question: the phrase committed
(the reply begun), its first token, its first sentence (or clause), that sentence synthesised, the
message sent (the pause confirmed it), the audio handed to the output stream, and its sound.

Usage: python -m bench.voice [--turns N]   (needs PulseAudio; ./hearth.sh bench provides it)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from bench.stats import FAIL, PASS, summary, verdict

GOALS = {"voice_first_sound_s": "<= 2.0 s", "voice_echo_turns": "<= 0"}
QUESTIONS = [
    "How many legs does a spider have?",
    "What color is the sky on a sunny day?",
    "Tell me a fun fact about the moon.",
    "Please name a large animal that lives in Africa.",
    "What do bees make?",
    "How many days are in a week?",
    "What is the opposite of hot?",
    "Which season comes after winter?",
    "What do you call a baby cat?",
    "Name a fruit that is yellow.",
]


def _speak_to_file(text: str, path: Path) -> None:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(path), text], check=True)


class _Timeline:
    """Moments of one turn, stamped by wrappers around the loop's parts (the loop itself is unchanged)."""

    def __init__(self):
        self.marks: dict[str, float] = {}

    def first(self, name: str) -> None:
        self.marks.setdefault(name, time.monotonic())

    def begin(self) -> None:  # a reply (re)started: what an abandoned early start stamped no longer counts
        self.marks = {k: v for k, v in self.marks.items() if k not in ("first_token", "first_sentence", "synthesized")}
        self.marks["commit"] = time.monotonic()


def _instrument(timeline: _Timeline, responder, speech) -> None:
    start = responder.start

    def timed_start(text, on_piece, cancel):
        timeline.begin()

        def piece(p):
            timeline.first("first_token")
            on_piece(p)

        return start(text, piece, cancel)

    responder.start = timed_start
    for name in ("say", "prefetch"):
        method = getattr(speech, name)
        setattr(speech, name, lambda text, _m=method: (timeline.first("first_sentence"), _m(text))[1])
    synthesize = speech.synthesizer.synthesize

    def timed_synthesize(text):
        result = synthesize(text)
        if "commit" in timeline.marks and text != "Ready.":
            timeline.first("synthesized")
        return result

    speech.synthesizer.synthesize = timed_synthesize


COMPONENTS = ("commit", "first_token", "first_sentence", "synthesized", "sent", "handed", "sound")


def run(turns: int = 10, progress=print) -> dict:
    from backend.audio import MicrophoneCapture
    from backend.llm import DEFAULT_N_CTX, SamplingParams
    from backend.llm_service import LlmService
    from backend.models import bundled
    from backend.speech import WhisperEngine
    from backend.speech_out import SpeechOutput, default_voice_id
    from backend.voice_loop import ChatResponder, VoiceConfig, VoiceEvent, VoiceLoop
    from backend.wer import wer

    sink = f"hearth_bench_voice_{os.getpid()}"
    load = ["pactl", "load-module", "module-null-sink", f"sink_name={sink}"]
    module = subprocess.run(load, capture_output=True, text=True, check=True).stdout.strip()
    saved = {k: os.environ.get(k) for k in ("PULSE_SINK", "PULSE_SOURCE")}
    os.environ["PULSE_SINK"], os.environ["PULSE_SOURCE"] = sink, f"{sink}.monitor"
    events: list[VoiceEvent] = []
    service = LlmService()
    stop = threading.Event()
    try:
        service.load("", n_ctx=DEFAULT_N_CTX, n_threads=None, n_gpu_layers=0).result()
        whisper = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))
        speech = SpeechOutput(default_voice_id())
        speech.warm_up()
        capture = MicrophoneCapture()
        capture.start()
        params = SamplingParams(temperature=0.0, seed=1, max_tokens=60)
        timeline = _Timeline()
        played: list = []  # Spoken, with the hand-over time the loop's events leave out
        speech.on_spoken = played.append
        responder = ChatResponder(service, params)
        _instrument(timeline, responder, speech)
        loop = VoiceLoop(capture, whisper, responder, speech, VoiceConfig(), events.append)
        worker = threading.Thread(target=loop.run, args=(stop,), name="voice-loop")
        worker.start()
        latencies, rows = [], []
        with tempfile.TemporaryDirectory() as tmp:
            for i, question in enumerate(QUESTIONS[:turns]):
                path = Path(tmp) / f"q{i}.wav"
                _speak_to_file(question, path)
                before = len(events)
                timeline.marks = {}
                subprocess.run(["paplay", f"--device={sink}", str(path)], check=True, timeout=60)
                speech_end = time.monotonic()
                deadline = speech_end + 300
                while time.monotonic() < deadline:
                    new = events[before:]
                    if any(e.kind in ("reply", "error") for e in new) and not loop.speaking:
                        break
                    time.sleep(0.05)
                time.sleep(1.5)  # the mic's tail, and room for an echo turn to show itself
                new = events[before:]
                sent = [e for e in new if e.kind == "sent"]
                spoken = [e for e in new if e.kind == "spoken"]
                first = spoken[0].started_at - speech_end if spoken else None
                if first is not None:
                    latencies.append(first)
                marks = dict(timeline.marks)
                if sent:
                    marks["sent"] = sent[0].at
                if spoken:
                    first_played = next(p for p in played if p.started_at == spoken[0].started_at)
                    marks["handed"] = first_played.handed_at or first_played.started_at
                    marks["sound"] = spoken[0].started_at
                components = {k: round(marks[k] - speech_end, 3) for k in COMPONENTS if k in marks}
                rows.append(
                    {
                        "question": question,
                        "sent": [e.text for e in sent],
                        "reply": next((e.text for e in new if e.kind == "reply"), None),
                        "first_sound_s": first,
                        "components_s": components,
                        "question_wer": wer(question, sent[0].text) if sent else None,
                    }
                )
                progress(f"voice turn {i + 1}: {rows[-1]['first_sound_s']} s, sent {rows[-1]['sent']}")
        stop.set()
        worker.join(timeout=30)
        capture.close()
        speech.close()
    finally:
        stop.set()
        service.close()
        subprocess.run(["pactl", "unload-module", module], check=False)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    echo_turns = sum(max(0, len(r["sent"]) - 1) for r in rows)
    first_sound = summary(latencies) if latencies else {}
    medians = {k: summary([r["components_s"][k] for r in rows if k in r["components_s"]])["median"] for k in COMPONENTS}
    return {
        "turns": rows,
        "first_sound_s": first_sound,
        "components_median_s": medians,
        "echo_turns": echo_turns,
        "unanswered": sum(1 for r in rows if r["first_sound_s"] is None),
        "table_rows": [
            (
                "Voice: end of speech -> first reply sound",
                f"{first_sound['median']:.2f} s ({first_sound['min']:.2f}–{first_sound['max']:.2f}, n={len(latencies)})"
                if latencies
                else "no reply was heard",
                GOALS["voice_first_sound_s"],
                verdict(first_sound.get("ci"), GOALS["voice_first_sound_s"]),
            ),
            (
                "Voice: where the time goes, medians after the end of speech (s): "
                + ", ".join(COMPONENTS).replace("_", " "),
                " / ".join("–" if medians[k] is None else f"{medians[k]:.2f}" for k in COMPONENTS),
                "",
                "",
            ),
            (
                "Voice: echo turns over the conversation",
                f"{echo_turns} in {len(rows)} turns",
                GOALS["voice_echo_turns"],
                PASS if echo_turns == 0 and rows else FAIL,
            ),
        ],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.voice", description=__doc__)
    p.add_argument("--turns", type=int, default=10)
    args = p.parse_args(argv)
    print(json.dumps(run(args.turns), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
