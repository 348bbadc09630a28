"""Timed text out: SRT, WebVTT and plain text, as whisper.cpp's -osrt/-ovtt/-otxt write them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from backend.atomic import write_text_atomic
from backend.speech import Segment

FORMATS = ("srt", "vtt", "txt")


def _timestamp(seconds: float, separator: str) -> str:
    ms = max(0, int(round(seconds * 1000)))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{ms:03d}"


def _cues(segments: Iterable[Segment]) -> list[Segment]:
    return [s for s in segments if s.text.strip()]


def to_srt(segments: Iterable[Segment]) -> str:
    blocks = [
        f"{i}\n{_timestamp(s.start, ',')} --> {_timestamp(s.end, ',')}\n{s.text.strip()}\n"
        for i, s in enumerate(_cues(segments), 1)
    ]
    return "\n".join(blocks)


def to_vtt(segments: Iterable[Segment]) -> str:
    blocks = [f"{_timestamp(s.start, '.')} --> {_timestamp(s.end, '.')}\n{s.text.strip()}\n" for s in _cues(segments)]
    return "WEBVTT\n\n" + "\n".join(blocks)


def to_txt(segments: Iterable[Segment]) -> str:
    return "".join(s.text.strip() + "\n" for s in _cues(segments))


def render(segments: Iterable[Segment], fmt: str) -> str:
    return {"srt": to_srt, "vtt": to_vtt, "txt": to_txt}[fmt](segments)


def write(segments: Iterable[Segment], path: Path, fmt: str | None = None) -> Path:
    """Write `path` in the format its suffix names (or `fmt`); never leaves a half-written file."""
    path = Path(path)
    fmt = fmt or path.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown subtitle format {fmt!r}; use one of {', '.join(FORMATS)}")
    write_text_atomic(path, render(segments, fmt))
    return path
