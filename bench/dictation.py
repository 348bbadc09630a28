"""Dictation through the real microphone path at real time: the held-out dev session (3.3 minutes,
see bench/speech_sessions.py) played into the PulseAudio virtual source, captured by PortAudio,
committed by the live policy. Compared with the reference, and with the same model transcribing each
utterance alone with its full 30 s window (what a user gets from a file)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

from backend.audio import decode_file
from backend.dictation import DictationConfig, encoder_ctx_for
from backend.models import bundled
from backend.speech import FULL_AUDIO_CTX, SAMPLE_RATE, WhisperEngine, audio_ctx_for
from backend.wer import wer
from bench.dictation_devset import offline, repeated_runs
from bench.dictation_profile import live_run
from bench.speech_sessions import held_out_session
from bench.stats import percentile

CLIPS = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech"


def _write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


def _clips() -> list[tuple[str, np.ndarray, str]]:
    out = []
    for wav in sorted(CLIPS.glob("*.wav")):
        ref = wav.with_suffix(".txt").read_text().strip()
        out.append((wav.stem, decode_file(wav), ref))
    return out


def _live(engine: WhisperEngine, wav: Path, sink: str, audio_seconds: float) -> dict:
    """Play `wav` into the virtual microphone and dictate it live. Latency is counted from the time
    PortAudio delivered the block holding the end of the last committed word."""
    run = live_run(engine, wav, sink, audio_seconds, DictationConfig(language="en"))
    updates, final = run["updates"], run["final"]
    return {
        "text": final.committed,
        "latencies": [u.commit_latency for u in updates if u.commit_latency is not None],
        "dropped_seconds": final.dropped_seconds,
        "rtf": [p.seconds / p.audio_seconds for p in run["session"].passes],
        "whisper_calls": run["session"].whisper_calls,
        "profile": run["profile"],
    }


def _gui_gaps_while_dictating(wav: Path, sink: str) -> dict:
    """A 5 ms timer on the GUI thread while the real Dictation panel records the virtual microphone."""
    from PySide6.QtCore import QEventLoop, QTimer

    from backend.settings import Settings
    from gui.dictation_panel import DictationPanel

    panel = DictationPanel(Settings())
    gaps, last = [], [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    probe = QTimer()
    probe.setInterval(5)
    probe.timeout.connect(tick)
    loop = QEventLoop()
    started = []
    panel.worker.dictation_started.connect(lambda: (started.append(1), loop.quit()))
    panel.start_recording()
    if not started:
        loop.exec()
    player = subprocess.Popen(["paplay", f"--device={sink}", str(wav)])
    last[0] = time.perf_counter()
    probe.start()
    poll = QTimer()
    poll.setInterval(100)
    poll.timeout.connect(lambda: player.poll() is not None and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    probe.stop()
    panel.stop_recording()
    done, finished = QEventLoop(), []
    panel.worker.dictation_finished.connect(lambda _r: (finished.append(1), done.quit()))
    if not finished:
        done.exec()
    text = panel.committed_text()
    panel.shutdown()
    gaps = gaps[1:]
    return {
        "p50": percentile(gaps, 50),
        "p99": percentile(gaps, 99),
        "max": max(gaps) if gaps else 0.0,
        "committed_words": len(text.split()),
    }


def _audio_ctx_effect(engine: WhisperEngine, clips) -> list[dict]:
    rows = []
    for label, ctx_for in [
        ("full 30 s window (1500)", lambda s: FULL_AUDIO_CTX),
        ("15 s window", lambda s: audio_ctx_for(DictationConfig().window_seconds)),
        ("fitted in 256-frame steps (live dictation's)", encoder_ctx_for),
        ("fitted to the clip, +128 frames", lambda s: audio_ctx_for(s)),
        ("fitted to the clip, +64 frames", lambda s: min(FULL_AUDIO_CTX, int(np.ceil(s * 50)) + 64)),
    ]:
        seconds = 0.0
        audio_total = 0.0
        texts = []
        for _name, audio, ref in clips:
            start = time.perf_counter()
            segs = engine.transcribe(audio, language="en", audio_ctx=ctx_for(len(audio) / SAMPLE_RATE))
            seconds += time.perf_counter() - start
            audio_total += len(audio) / SAMPLE_RATE
            texts.append((ref, " ".join(s.text for s in segs)))
        wer_all = wer(" ".join(r for r, _ in texts), " ".join(h for _, h in texts))
        rows.append({"audio_ctx": label, "rtf": seconds / audio_total, "wer": wer_all})
    return rows


def run(app=None, progress=print, repeats: int = 2) -> dict:
    sink = os.environ.get("HEARTH_TEST_SINK")
    engine = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))
    clips = _clips()
    result: dict = {"audio_ctx": _audio_ctx_effect(engine, clips)}
    session = held_out_session()
    offline_engine = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))  # its own window, its own state
    offline_texts = offline(offline_engine, session)
    offline_wer = wer(session.reference, " ".join(offline_texts))
    result["session"] = {
        "name": session.name,
        "seconds": session.seconds,
        "utterances": len(session.utterances),
        "words": len(session.reference.split()),
        "offline_wer": offline_wer,
    }
    progress(f"  offline, each utterance alone, full window: WER {offline_wer:.3f}")
    if not sink:
        progress("  live: skipped (no virtual microphone: run through ./hearth.sh bench)")
        result["table_rows"] = _rows(result)
        return result
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "session.wav"
        _write_wav(wav, session.audio)
        for i in range(repeats):
            live = _live(engine, wav, sink, session.seconds)
            live_wer = wer(session.reference, live["text"])
            run_result = {
                "wer": live_wer,
                "wer_ratio": live_wer / offline_wer if offline_wer else float("inf"),
                "wer_vs_offline_text": wer(" ".join(offline_texts), live["text"]),
                "latency_median_s": percentile(live["latencies"], 50),
                "latency_p90_s": percentile(live["latencies"], 90),
                "latency_max_s": max(live["latencies"]) if live["latencies"] else None,
                "commits": len(live["latencies"]),
                "dropped_seconds": live["dropped_seconds"],
                "repeated_runs": repeated_runs(live["text"], session.reference),
                "rtf_median": percentile(live["rtf"], 50),
                "whisper_calls": live["whisper_calls"],
                "lag_max_s": live["profile"]["lag_max_s"],
                "profile": live["profile"],
                "load_average": os.getloadavg()[0],
                "committed_text": live["text"],
            }
            result.setdefault("live", []).append(run_result)
            progress(
                f"  live {i + 1}/{repeats}: WER {live_wer:.3f} ({run_result['wer_ratio']:.2f} x offline), latency"
                f" median {run_result['latency_median_s']:.2f} s p90 {run_result['latency_p90_s']:.2f} s,"
                f" dropped {live['dropped_seconds']:.1f} s, lag max {run_result['lag_max_s']:.1f} s,"
                f" repeats {run_result['repeated_runs']}"
            )
        jfk = Path(tmp) / "jfk.wav"
        _write_wav(jfk, next(a for n, a, _r in clips if n.startswith("jfk")))
        result["gui_stalls_dictation_ms"] = _gui_gaps_while_dictating(jfk, sink)
    result["table_rows"] = _rows(result)
    return result


def _spread(values: list[float], fmt: str) -> str:
    """Median (min–max) over the repeats."""
    values = sorted(values)
    mid = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2
    return f"{mid:{fmt}} ({values[0]:{fmt}}–{values[-1]:{fmt}})" if len(values) > 1 else f"{mid:{fmt}}"


def _rows(r: dict) -> list[tuple[str, str, str]]:
    rows = []
    for a in r["audio_ctx"]:
        rows.append((f"audio_ctx {a['audio_ctx']}: RTF / WER", f"{a['rtf']:.3f} / {a['wer'] * 100:.1f}%", "(report)"))
    s = r["session"]
    runs = r.get("live", [])
    if runs:
        name = f"{s['name']} session ({s['seconds'] / 60:.1f} min, {s['utterances']} utterances, {len(runs)} runs)"
        rows.append(
            (
                f"Dictation live, {name}: WER vs reference, live ÷ offline (each utterance alone, 30 s window)",
                f"{_spread([x['wer'] * 100 for x in runs], '.1f')}% ÷ {s['offline_wer'] * 100:.1f}% = "
                f"{_spread([x['wer_ratio'] for x in runs], '.2f')}×",
                "≤ 1.1×",
            )
        )
        rows.append(
            (
                "… commit latency from capture, median / p90, s",
                f"{_spread([x['latency_median_s'] for x in runs], '.2f')} / "
                f"{_spread([x['latency_p90_s'] for x in runs], '.2f')}",
                "median ≤ 1.2, p90 ≤ 2.0",
            )
        )
        rows.append(
            (
                "… dropped audio, s; repeated word runs; RTF per Whisper call",
                f"{_spread([x['dropped_seconds'] for x in runs], '.1f')}; "
                f"{sum(len(x['repeated_runs']) for x in runs)}; {_spread([x['rtf_median'] for x in runs], '.2f')}",
                "0; 0",
            )
        )
        rows.append(
            (
                "… most behind capture (lag), s; Whisper passes per audio second; Whisper busy share of wall",
                f"{_spread([x['lag_max_s'] for x in runs], '.1f')}; "
                f"{_spread([x['profile']['passes_per_audio_second'] for x in runs], '.2f')}; "
                f"{_spread([x['profile']['whisper_busy_fraction'] for x in runs], '.2f')}",
                "(report)",
            )
        )
    else:
        rows.append(("Whisper offline, held-out session, each utterance alone: WER", f"{s['offline_wer']:.1%}", ""))
    g = r.get("gui_stalls_dictation_ms")
    if g:
        rows.append(
            (
                "GUI tick gaps while the Dictation panel records jfk.wav (5 ms timer), p50 / p99 / max ms",
                f"{g['p50']:.1f} / {g['p99']:.1f} / {g['max']:.1f}",
                "p99 ≤ 20, max ≤ 50",
            )
        )
    return rows
