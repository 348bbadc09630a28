"""Where live dictation's time goes, at real time through the virtual microphone.

    HEARTH_TEST_SINK=mic_x PULSE_SOURCE=mic_x.monitor .venv/bin/python -m bench.dictation_profile [--threads N]

Plays the held-out dev session (3.4 min) into the sink with paplay while `run_dictation` reads the
microphone, then prints: Whisper passes per second of audio by kind (hypothesis, phrase end, full
window), the cost of a pass against its audio length and encoder window, the share of the wall time
Whisper was busy, how far behind capture the loop ran (lag), what was dropped, and the text's WER.
`bench.dictation` (the benchmark) reports the same profile for each live run.
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

from backend.audio import MicrophoneCapture
from backend.dictation import DictationConfig, DictationSession, DictationUpdate, PassKind, run_dictation
from bench.stats import percentile


def profile(
    session: DictationSession,
    updates: list[DictationUpdate],
    audio_seconds: float,
    wall: float,
    commits: list[tuple[PassKind, float]] = (),
) -> dict:
    """`commits`: (the kind of pass that committed, its commit latency), when the caller noted them."""
    passes = list(session.passes)
    by_kind = {}
    for kind in PassKind:
        mine = [p for p in passes if p.kind is kind]
        latencies = [latency for k, latency in commits if k is kind]
        if mine:
            by_kind[kind.value] = {
                "commits": len(latencies),
                "latency_median_s": round(percentile(latencies, 50), 2) if latencies else None,
                "latency_p90_s": round(percentile(latencies, 90), 2) if latencies else None,
                "passes": len(mine),
                "per_audio_second": round(len(mine) / audio_seconds, 3),
                "cost_median_s": round(percentile([p.seconds for p in mine], 50), 3),
                "cost_max_s": round(max(p.seconds for p in mine), 3),
                "audio_median_s": round(percentile([p.audio_seconds for p in mine], 50), 2),
            }
    by_window = {}
    for ctx in sorted({p.audio_ctx for p in passes}):
        mine = [p for p in passes if p.audio_ctx == ctx]
        by_window[f"{ctx} frames ({ctx / 50:.1f} s)"] = {
            "passes": len(mine),
            "cost_median_s": round(percentile([p.seconds for p in mine], 50), 3),
        }
    by_threads = {}
    for n in sorted({p.threads for p in passes if p.threads}):
        mine = [p for p in passes if p.threads == n]
        by_threads[f"{n} threads"] = {
            "passes": len(mine),
            "cost_median_s": round(percentile([p.seconds for p in mine], 50), 3),
        }
    lags = [u.lag_seconds for u in updates]
    busy = sum(p.seconds for p in passes)
    return {
        "audio_seconds": round(audio_seconds, 1),
        "wall_seconds": round(wall, 1),
        "whisper_busy_s": round(busy, 1),
        "whisper_busy_fraction": round(busy / wall, 3) if wall else None,
        "passes_per_audio_second": round(len(passes) / audio_seconds, 3),
        "by_kind": by_kind,
        "by_window": by_window,
        "by_threads": by_threads,
        "lag_median_s": round(percentile(lags, 50), 2) if lags else None,
        "lag_p90_s": round(percentile(lags, 90), 2) if lags else None,
        "lag_max_s": round(max(lags), 2) if lags else None,
    }


def live_run(engine, wav: Path, sink: str, audio_seconds: float, config: DictationConfig) -> dict:
    """Play `wav` into the virtual microphone while dictating it; the session, its updates, a profile."""
    updates: list[DictationUpdate] = []
    commits: list[tuple[PassKind, float]] = []
    stop = threading.Event()
    session = DictationSession(engine, config)
    result = {}

    def on_update(update: DictationUpdate) -> None:
        updates.append(update)
        if update.commit_latency is not None and session.passes:
            commits.append((session.passes[-1].kind, update.commit_latency))

    with MicrophoneCapture() as mic:

        def pump():
            result["final"] = run_dictation(mic, session, on_update, stop)

        worker = threading.Thread(target=pump, name="bench-dictation")
        worker.start()
        started = time.perf_counter()
        subprocess.run(["paplay", f"--device={sink}", str(wav)], check=True)
        time.sleep(2.0)  # the last phrase ends in silence: give the policy its pause to commit it
        stop.set()
        worker.join()
        wall = time.perf_counter() - started
    return {
        "final": result["final"],
        "updates": updates,
        "session": session,
        "profile": profile(session, updates, audio_seconds, wall, commits),
    }


def main(argv=None) -> int:
    from backend.models import bundled
    from backend.speech import WhisperEngine
    from backend.wer import wer
    from bench.dictation import _write_wav
    from bench.dictation_devset import repeated_runs
    from bench.speech_sessions import held_out_session

    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=0, help="Whisper threads (default: Hearth's own choice)")
    p.add_argument("--step", type=float, default=DictationConfig.step_seconds, help="seconds between hypotheses")
    p.add_argument("--pause", type=float, default=DictationConfig.pause_seconds, help="silence that ends a phrase")
    args = p.parse_args(argv)
    sink = os.environ.get("HEARTH_TEST_SINK")
    if not sink:
        raise SystemExit("HEARTH_TEST_SINK is unset: name a PulseAudio null sink (and PULSE_SOURCE its monitor)")
    engine = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH), n_threads=args.threads or None)
    session = held_out_session()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "session.wav"
        _write_wav(wav, session.audio)
        config = DictationConfig(language="en", step_seconds=args.step, pause_seconds=args.pause)
        run = live_run(engine, wav, sink, session.seconds, config)
    final = run["final"]
    latencies = [u.commit_latency for u in run["updates"] if u.commit_latency is not None]
    out = {
        "threads": engine.pinned_threads or f"up to {engine.n_threads}, the cores free before each pass",
        "load_before": round(load, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "wer": round(wer(session.reference, final.committed), 4),
        "dropped_seconds": round(final.dropped_seconds, 2),
        "repeated_runs": repeated_runs(final.committed, session.reference),
        "latency_median_s": round(percentile(latencies, 50), 2),
        "latency_p90_s": round(percentile(latencies, 90), 2),
        "latency_max_s": round(max(latencies), 2),
        **run["profile"],
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
