"""The live policy on the dev sessions, fast: real Whisper, simulated clock (audio time), no microphone.

    .venv/bin/python -m bench.dictation_devset [--sessions dev-a,dev-b,held-out] [--record DIR]

Prints, per session, live WER against the reference and against offline transcription (each utterance
alone, full 30 s window), the repeated word runs the references do not have, and where live and
offline differ. `--record DIR` writes every call the text policy received (the recorded Whisper
outputs the unit tests replay).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from backend.dictation import DictationConfig, DictationSession, LocalAgreement, run_dictation
from backend.speech import FULL_AUDIO_CTX, SAMPLE_RATE, WhisperEngine, Word
from backend.wer import normalize_words, wer, word_errors
from bench.speech_sessions import Session, build, dev_sessions, held_out_session, long_run_session


class SimulatedSource:
    """Plays audio in microphone-sized reads; its clock is the audio time, so results do not depend on load."""

    def __init__(self, audio: np.ndarray, block_seconds: float = 0.1):
        self.audio, self.block = audio, int(block_seconds * SAMPLE_RATE)
        self.pos = 0
        self.dropped_seconds = 0.0

    def read(self, timeout: float = 0.2):
        if self.pos >= len(self.audio):
            return None
        chunk = self.audio[self.pos : self.pos + self.block]
        self.pos += len(chunk)
        return chunk

    def clock(self) -> float:
        return self.pos / SAMPLE_RATE


class RecordingAgreement(LocalAgreement):
    """LocalAgreement that logs every call it gets: the replayable record of a session."""

    def __init__(self):
        super().__init__()
        self.events: list[dict] = []

    def _log(self, kind: str, **data) -> None:
        self.events.append({"kind": kind, **data})

    def new_buffer(self, start, mid_phrase, keep=0):
        self._log("new_buffer", start=round(start, 3), mid_phrase=mid_phrase, keep=keep)
        super().new_buffer(start, mid_phrase, keep)

    def insert(self, words):
        committed = super().insert(words)
        self._log("insert", words=_plain(words), committed=_plain(committed))
        return committed

    def commit_all(self, words):
        committed = super().commit_all(words)
        self._log("commit_all", words=_plain(words), committed=_plain(committed))
        return committed

    def commit_unconfirmed(self, n):
        committed = super().commit_unconfirmed(n)
        self._log("commit_unconfirmed", n=n, committed=_plain(committed))
        return committed


def _plain(words: list[Word]) -> list[list]:
    return [[round(w.start, 3), round(w.end, 3), w.text] for w in words]


def simulate(engine, audio: np.ndarray, config: DictationConfig = DictationConfig(), vad=None):
    source = SimulatedSource(audio)
    session = DictationSession(engine, config, clock=source.clock, vad=vad)
    session.agreement = RecordingAgreement()
    updates = []
    final = run_dictation(source, session, updates.append, threading.Event())
    return final, updates, session


def repeated_runs(text: str, reference: str) -> list[str]:
    """Runs of words said twice in a row in `text` that the reference does not say twice."""
    words, ref = normalize_words(text), " ".join(normalize_words(reference))
    found = []
    for n in range(1, 6):
        for i in range(len(words) - 2 * n + 1):
            run = words[i : i + n]
            if run == words[i + n : i + 2 * n] and " ".join(run + run) not in ref:
                found.append(" ".join(run))
    return found


def offline(engine, session: Session) -> list[str]:
    """Each utterance alone, full window, as a user transcribing it as a file would get it."""
    return [
        " ".join(s.text for s in engine.transcribe(session.utterance_audio(u), language="en", audio_ctx=FULL_AUDIO_CTX))
        for u in session.utterances
    ]


def evaluate(engine, session: Session, config: DictationConfig, offline_texts: list[str] | None = None, vad=None):
    started = time.perf_counter()
    final, updates, live = simulate(engine, session.audio, config, vad)
    compute = time.perf_counter() - started
    latencies = [u.commit_latency for u in updates if u.commit_latency is not None]
    result = {
        "session": session.name,
        "seconds": round(session.seconds, 1),
        "words": len(normalize_words(session.reference)),
        "live_wer": wer(session.reference, final.committed),
        "repeats": repeated_runs(final.committed, session.reference),
        "latency_median": float(np.median(latencies)) if latencies else None,
        "latency_p90": float(np.percentile(latencies, 90)) if latencies else None,
        "latency_max": max(latencies) if latencies else None,
        "whisper_calls": live.whisper_calls,
        "compute_seconds": round(compute, 1),
        "committed": final.committed,
    }
    if offline_texts is not None:
        result["offline_wer"] = wer(session.reference, " ".join(offline_texts))
        result["offline_per_utterance"] = offline_texts
    return result, live


def per_utterance(session: Session, live: DictationSession, offline_texts: list[str]) -> list[dict]:
    """Live words (by time) against each utterance's reference and offline text: where they differ."""
    words = live.agreement.committed
    rows = []
    for u, off in zip(session.utterances, offline_texts):
        said = "".join(w.text for w in words if u.start - 0.4 <= (w.start + w.end) / 2 < u.end + 0.4).strip()
        e_live, n = word_errors(u.reference, said)
        e_off, _ = word_errors(u.reference, off)
        rows.append(
            {"utterance": asdict(u), "live": said, "offline": off, "live_errors": e_live, "offline_errors": e_off}
        )
    return rows


def main(argv=None) -> int:
    from backend.models import bundled

    p = argparse.ArgumentParser()
    p.add_argument("--sessions", default="dev-a,dev-b")
    p.add_argument("--record", type=Path)
    p.add_argument("--config", default="{}", help="DictationConfig fields as JSON")
    p.add_argument("--no-offline", action="store_true")
    args = p.parse_args(argv)
    engine = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))
    offline_engine = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))  # its own window size, its own context
    config = DictationConfig(language="en", **json.loads(args.config))
    named = {"held-out": held_out_session, "long-run": long_run_session}
    sessions = (
        {s.name: s for s in dev_sessions()} if any(n.startswith("dev-") for n in args.sessions.split(",")) else {}
    )
    for name in args.sessions.split(","):
        session = sessions.get(name) or (named[name]() if name in named else build(name, seed=int(name.split("-")[-1])))
        off = None if args.no_offline else offline(offline_engine, session)
        result, live = evaluate(engine, session, config, off)
        summary = {k: v for k, v in result.items() if k not in ("committed", "offline_per_utterance")}
        print(json.dumps(summary))
        if off is not None:
            for row in per_utterance(session, live, off):
                if row["live_errors"] > row["offline_errors"]:
                    u = row["utterance"]
                    print(f"  {u['start']:.1f}-{u['end']:.1f} {u['style']} {u['source']}")
                    print(f"     ref: {u['reference']}\n     off: {row['offline']}\n    live: {row['live']}")
        if args.record:
            args.record.mkdir(parents=True, exist_ok=True)
            record = {"session": name, "reference": session.reference, "events": live.agreement.events}
            (args.record / f"{name}.json").write_text(json.dumps(record, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def vad_report(session: Session, vad, pause: float = 0.5, min_speech: float = 0.1) -> dict:
    """Frame decisions of `vad` against where the utterances really are: which utterances it would
    miss, how late it hears their start and how early it loses their end, and the bursts of non-speech
    long enough to be sent to Whisper."""
    from backend.vad import FRAME, FRAME_SECONDS

    n = len(session.audio) // FRAME
    voiced = np.array([vad.is_speech(session.audio[i * FRAME : (i + 1) * FRAME]) for i in range(n)])
    times = np.arange(n) * FRAME_SECONDS
    onsets, ends, missed = [], [], []
    inside = np.zeros(n, dtype=bool)
    for u in session.utterances:
        span = (times >= u.start - 0.05) & (times < u.end + 0.05)
        inside |= (times >= u.start - 0.3) & (times < u.end + 0.3)
        hit = np.flatnonzero(voiced & span)
        if not len(hit) or len(hit) * FRAME_SECONDS < min_speech:
            missed.append(f"{u.style}: {u.reference[:40]}")
            continue
        onsets.append(times[hit[0]] - u.start)
        ends.append(u.end - times[hit[-1]] - FRAME_SECONDS)
    false_bursts, run = 0, 0
    for v, ins in zip(voiced, inside):
        if v and not ins:
            run += 1
        else:
            false_bursts += run * FRAME_SECONDS >= min_speech
            run = 0
    return {
        "session": session.name,
        "utterances": len(session.utterances),
        "missed": missed,
        "onset_late_max": round(max(onsets), 2),
        "end_early_max": round(max(ends), 2),
        "end_early_p90": round(float(np.percentile(ends, 90)), 2),
        "false_bursts": int(false_bursts),
        "voiced_outside_s": round(float(np.sum(voiced & ~inside)) * FRAME_SECONDS, 2),
    }
