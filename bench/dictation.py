"""Dictation through the real microphone path at real time: speech played into the PulseAudio
virtual source, captured by PortAudio, committed by the live policy. Compared with the offline
transcript of the same audio by the same model."""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
import wave
from pathlib import Path

import numpy as np

from backend.audio import MicrophoneCapture, decode_file
from backend.dictation import DictationConfig, DictationSession, run_dictation
from backend.models import bundled
from backend.speech import FULL_AUDIO_CTX, SAMPLE_RATE, WhisperEngine, audio_ctx_for
from backend.wer import wer
from bench.stats import percentile

CLIPS = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech"
PAUSE_S = 1.5


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


def _live(engine: WhisperEngine, wav: Path, sink: str) -> dict:
    """Play `wav` into the virtual microphone and dictate it live; latencies in wall-clock seconds."""
    updates = []
    stop = threading.Event()
    config = DictationConfig(language="en")
    session = DictationSession(engine, config)
    with MicrophoneCapture() as mic:
        result = {}

        def pump():
            result["final"] = run_dictation(mic, session, updates.append, stop)

        worker = threading.Thread(target=pump, name="bench-dictation")
        worker.start()
        subprocess.run(["paplay", f"--device={sink}", str(wav)], check=True)
        time.sleep(2.0)  # the last phrase ends in silence: give the policy its pause to commit it
        stop.set()
        worker.join(timeout=60)
    latencies = [u.commit_latency for u in updates if u.commit_latency is not None]
    final = result["final"]
    return {
        "text": final.committed,
        "latencies": latencies,
        "dropped_seconds": final.dropped_seconds,
        "rtf": [u.real_time_factor for u in updates if u.real_time_factor],
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
        ("15 s window (live dictation's)", lambda s: audio_ctx_for(DictationConfig().window_seconds)),
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


def run(app=None, progress=print) -> dict:
    sink = os.environ.get("HEARTH_TEST_SINK")
    engine = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))
    clips = _clips()
    pause = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.float32)
    long_audio = np.concatenate([np.concatenate([a, pause]) for _n, a, _r in clips])
    refs = " ".join(r for _n, _a, r in clips)

    start = time.perf_counter()
    offline_text = " ".join(s.text for s in engine.transcribe(long_audio, language="en"))
    offline_rtf = (time.perf_counter() - start) / (len(long_audio) / SAMPLE_RATE)
    offline_wer = wer(refs, offline_text)
    result: dict = {"offline": {"rtf": offline_rtf, "wer_vs_reference": offline_wer}}
    progress(f"  offline: RTF {offline_rtf:.3f}, WER {offline_wer:.3f}")
    result["audio_ctx"] = _audio_ctx_effect(engine, clips)

    if not sink:
        progress("  live: skipped (no virtual microphone: run through ./hearth.sh bench)")
        result["table_rows"] = _rows(result)
        return result
    with tempfile.TemporaryDirectory() as tmp:
        jfk = Path(tmp) / "jfk.wav"
        _write_wav(jfk, next(a for n, a, _r in clips if n.startswith("jfk")))
        long_wav = Path(tmp) / "long.wav"
        _write_wav(long_wav, long_audio)
        jfk_offline = " ".join(s.text for s in engine.transcribe(decode_file(jfk), language="en"))
        for name, wav, offline in [("jfk", jfk, jfk_offline), ("8 clips, 1.5 s pauses", long_wav, offline_text)]:
            live = _live(engine, wav, sink)
            live_wer = wer(offline, live["text"])
            result.setdefault("live", []).append(
                {
                    "audio": name,
                    "latency_median_s": percentile(live["latencies"], 50),
                    "latency_p90_s": percentile(live["latencies"], 90),
                    "commits": len(live["latencies"]),
                    "dropped_seconds": live["dropped_seconds"],
                    "rtf_median": percentile(live["rtf"], 50),
                    "wer_vs_offline": live_wer,
                    "wer_vs_reference": wer(refs, live["text"]) if name != "jfk" else None,
                    "offline_wer_vs_reference": offline_wer if name != "jfk" else None,
                    "committed_text": live["text"],
                    "offline_text": offline,
                }
            )
            progress(
                f"  live {name}: latency median {percentile(live['latencies'], 50):.2f} s,"
                f" WER vs offline {live_wer:.3f}"
            )
        result["gui_stalls_dictation_ms"] = _gui_gaps_while_dictating(jfk, sink)
    result["table_rows"] = _rows(result)
    return result


def _rows(r: dict) -> list[tuple[str, str, str]]:
    rows = [
        (
            "Whisper offline, 8 clips: RTF / WER vs reference",
            f"{r['offline']['rtf']:.3f} / {r['offline']['wer_vs_reference'] * 100:.1f}%",
            "(report)",
        )
    ]
    for a in r["audio_ctx"]:
        rows.append((f"audio_ctx {a['audio_ctx']}: RTF / WER", f"{a['rtf']:.3f} / {a['wer'] * 100:.1f}%", "(report)"))
    for live in r.get("live", []):
        rows.append(
            (
                f"Dictation live, {live['audio']}: commit latency median / p90, s",
                f"{live['latency_median_s']:.2f} / {live['latency_p90_s']:.2f} ({live['commits']} commits)",
                "median ≤ 1.5 s",
            )
        )
        rows.append(
            (
                f"Dictation live, {live['audio']}: dropped audio, s / RTF per call",
                f"{live['dropped_seconds']:.2f} / {live['rtf_median']:.2f}",
                "no dropped audio",
            )
        )
        ratio = ""
        if live.get("wer_vs_reference") is not None and live.get("offline_wer_vs_reference"):
            times = live["wer_vs_reference"] / live["offline_wer_vs_reference"]
            ratio = f"; vs reference {live['wer_vs_reference'] * 100:.1f}% = {times:.2f} × offline"
        rows.append(
            (
                f"Dictation live, {live['audio']}: WER vs offline transcript",
                f"{live['wer_vs_offline'] * 100:.1f}%{ratio}",
                "≤ 1.1 × offline",
            )
        )
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
