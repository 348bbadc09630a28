"""Qt-free transcript: the text and timed cues of several recordings, one after another on one timeline.

Dictation reports each recording on its own clock (starting at 0). The Dictation tab, `dictate` and
any other front end keep a Transcript: each update of the current recording replaces the last one,
and when a recording ends its committed text and cues move onto the timeline, shifted to start
where the previous recording ended. Committed text never changes; unconfirmed text is only the
current recording's tail.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from backend.dictation import DictationUpdate
from backend.speech import Segment


@dataclass(frozen=True)
class RecordingUpdate:
    """One dictation update as it crosses to a front end: the policy's update and the phrases so far."""

    update: DictationUpdate
    cues: tuple[Segment, ...]  # committed phrases, times from the start of this recording


@dataclass(frozen=True)
class RecordingEnded:
    last: RecordingUpdate | None  # None: the recording never started (no model, no microphone)
    error: str | None = None  # a sentence for the user; the text so far is kept


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


class Transcript:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self._earlier: list[Segment] = []
        self._earlier_text = ""
        self._offset = 0.0  # where the current recording starts on the timeline
        self._current: RecordingUpdate | None = None

    def update(self, update: RecordingUpdate) -> None:
        """The current recording's latest state (it replaces the previous one)."""
        self._current = update

    def end_recording(self, ended: RecordingEnded) -> None:
        """The recording is over: keep its words and cues on the timeline; the next one starts after it."""
        if ended.last is not None:
            self._current = ended.last
        current, self._current = self._current, None
        if current is None:
            return
        self._earlier += self._shifted(current.cues)
        self._earlier_text = _join(self._earlier_text, current.update.committed)
        self._offset += current.update.audio_time

    def _shifted(self, cues: tuple[Segment, ...]) -> list[Segment]:
        return [replace(c, start=self._offset + c.start, end=self._offset + c.end) for c in cues]

    @property
    def current(self) -> RecordingUpdate | None:
        return self._current

    def committed_text(self) -> str:
        return _join(self._earlier_text, self._current.update.committed if self._current else "")

    def unconfirmed_text(self) -> str:
        return self._current.update.unconfirmed if self._current else ""

    def text(self) -> str:
        return _join(self.committed_text(), self.unconfirmed_text())

    def cues(self) -> list[Segment]:
        """Every committed phrase so far, timed on the whole transcript's timeline (for SRT/VTT)."""
        return self._earlier + (self._shifted(self._current.cues) if self._current else [])
