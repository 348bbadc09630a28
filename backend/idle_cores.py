"""How many CPU cores were free just now: whisper.cpp's thread count, chosen call by call.

whisper.cpp's threads spin at ggml barriers, so a thread more than there are free cores is ruinous
(2 cores with one busy: 2 threads 8.5 s, 1 thread 0.6 s), while on an idle machine every core helps
(live dictation's passes on 2 cores: 0.63 s on one thread, 0.37 s on two). So each call uses the cores
that were idle since the previous call ended (Whisper's own work is not in that span), up to a cap.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

MIN_SPAN_SECONDS = 0.1  # /proc/stat counts in 10 ms ticks: shorter spans say little
FREE_ENOUGH = 0.7  # a core idle this much of the span counts as free
# Calls back to back (a file's windows) leave no span between them: the machine is then looked at for
# PROBE_SECONDS before the first call, and again once the last look is RECHECK_SECONDS old.
PROBE_SECONDS = 0.1
RECHECK_SECONDS = 10.0


def read_proc_stat() -> tuple[float, float] | None:
    """(idle, total) CPU ticks of the whole machine; None where /proc/stat is not there."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    ticks = [float(x) for x in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return ticks[3] + ticks[4], sum(ticks)


class IdleCores:
    def __init__(
        self,
        cpus: int | None = None,
        read: Callable[[], tuple[float, float] | None] = read_proc_stat,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.cpus = cpus or os.cpu_count() or 1
        self._read, self._clock, self._sleep = read, clock, sleep
        self._since: tuple[float, tuple[float, float]] | None = None
        # The calling thread's own CPU time at `mark`: its work between calls (the dictation loop's VAD
        # over a backlog) is not competition, since that thread then runs Whisper.
        self._own: tuple[int, float] | None = None
        self._last: int | None = None
        self._judged_at = 0.0

    def mark(self) -> None:
        """The start of a span to judge: call it when Whisper's own work ends."""
        sample = self._read()
        self._since = (self._clock(), sample) if sample else None
        self._own = (threading.get_ident(), time.thread_time())

    def threads(self, cap: int) -> int:
        """Threads for the next call: the cores free since `mark`, 1 to `cap`. Without /proc/stat, half
        the cores, which is safe when one of two is busy."""
        now, sample = self._clock(), self._read()
        if sample is None:
            return max(1, min(cap, self.cpus // 2))
        if self._since is None or now - self._since[0] < MIN_SPAN_SECONDS:
            if self._last is not None and now - self._judged_at < RECHECK_SECONDS:
                return min(cap, self._last)
            self.mark()
            self._sleep(PROBE_SECONDS)
            now, sample = self._clock(), self._read()
        (idle0, total0), (idle, total) = self._since[1], sample
        free = self.cpus * (idle - idle0) / (total - total0) if total > total0 else self.cpus
        if self._own and self._own[0] == threading.get_ident() and now > self._since[0]:
            free += (time.thread_time() - self._own[1]) / (now - self._since[0])
        self._last, self._judged_at = max(1, min(cap, int(free + (1 - FREE_ENOUGH)))), now
        return self._last
