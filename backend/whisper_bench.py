"""Whisper's real-time factor on this machine: each speech model transcribes the same bundled clip.

The seed's size table (tiny ~32x … large 1x) is openai-whisper's PyTorch figure on a GPU; this
measures whisper.cpp, here, with the settings dictation uses (full 30 s window, no fallback), so a
user can pick the largest model that still keeps up. RTF = transcription time ÷ audio length
(below 1 is faster than real time). One warm-up, then timed repetitions, mean ± sample stddev.
"""

from __future__ import annotations

import datetime as dt
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backend import paths
from backend.audio import decode_file
from backend.llama_bench import BenchError, BuildInfo

SAMPLE_RATE = 16000
BENCH_CLIP = paths.RESOURCES_DIR / "benchmark" / "jfk.wav"


@dataclass(frozen=True)
class WhisperBenchResult:
    model: Path
    model_type: str  # "whisper tiny.en"
    model_size: int
    n_threads: int
    clip: str
    audio_s: float
    load_ms: float
    samples_s: tuple[float, ...]
    text: str
    test_time: str

    @property
    def avg_s(self) -> float:
        return statistics.fmean(self.samples_s)

    @property
    def stddev_s(self) -> float:
        return statistics.stdev(self.samples_s) if len(self.samples_s) > 1 else 0.0

    @property
    def rtf(self) -> float:
        return self.avg_s / self.audio_s

    def record(self, build: BuildInfo) -> dict:
        return {
            "kind": "whisper",
            "build_commit": f"llama-cpp-python {build.llama_cpp_python}",
            "cpu_info": build.cpu,
            "model_filename": str(self.model),
            "model_type": self.model_type,
            "model_size": self.model_size,
            "n_threads": self.n_threads,
            "test": f"rtf {self.clip}",
            "clip": self.clip,
            "audio_s": round(self.audio_s, 3),
            "load_ms": round(self.load_ms, 1),
            "samples_s": [round(s, 4) for s in self.samples_s],
            "avg_s": round(self.avg_s, 4),
            "stddev_s": round(self.stddev_s, 4),
            "rtf": round(self.rtf, 4),
            "text": self.text,
            "test_time": self.test_time,
        }


def model_type(path: Path) -> str:
    from backend.models.whisper_header import read_whisper_header

    header = read_whisper_header(path)
    english = "" if header.multilingual else ".en"
    return f"whisper {header.size_name}{english}"


def run(
    model: Path,
    *,
    clip: Path = BENCH_CLIP,
    repetitions: int = 3,
    n_threads: int | None = None,
    cancel: threading.Event | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> WhisperBenchResult | None:
    """Time `repetitions` transcriptions of `clip` after one warm-up; None when cancelled."""
    from backend.speech import WhisperEngine

    if repetitions < 1:
        raise BenchError("repetitions must be at least 1")
    cancel = cancel or threading.Event()
    audio = decode_file(clip)
    start = time.perf_counter()
    engine = WhisperEngine(model, n_threads=n_threads)
    load_ms = (time.perf_counter() - start) * 1000
    samples: list[float] = []
    text = ""
    for rep in range(repetitions + 1):
        if cancel.is_set():
            return None
        if on_progress:
            on_progress("warm-up" if rep == 0 else f"run {rep}/{repetitions}")
        start = time.perf_counter()
        segments = engine.transcribe(audio, fallback=False, cancel=cancel)
        elapsed = time.perf_counter() - start
        if cancel.is_set():
            return None
        if rep:
            samples.append(elapsed)
        text = " ".join(s.text.strip() for s in segments)
    return WhisperBenchResult(
        model=model,
        model_type=model_type(model),
        model_size=model.stat().st_size,
        n_threads=engine.last_threads,  # what the runs used: unpinned, the cores that were free
        clip=clip.name,
        audio_s=len(audio) / SAMPLE_RATE,
        load_ms=load_ms,
        samples_s=tuple(samples),
        text=text,
        test_time=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
