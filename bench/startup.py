"""Start-up to an interactive window, and memory with the default models loaded.

Start-up is timed on a real X server, as a user's window starts: the one in $DISPLAY, or an Xvfb of
its own when there is none (Qt's offscreen platform skips the connection to the display server, the
window-system integration and its fonts, so it would flatter the figure).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

_MEMORY_PROBE = r"""
import json, sys, time
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QEventLoop
app = QApplication([])
from backend import paths
from backend.conversations import ConversationStore
from backend.settings import Settings
from gui.main_window import MainWindow
window = MainWindow(ConversationStore(paths.database_path()), Settings())
window.show()
loop = QEventLoop()
window.chat_pane.model_status_changed.connect(lambda info: loop.quit())
loop.exec()
from backend.models import bundled
from backend.speech import WhisperEngine
whisper = WhisperEngine(bundled.ensure(bundled.DEFAULT_SPEECH))
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
info = window.chat_pane.model_info
print(json.dumps({"rss": rss(), "n_ctx": info.n_ctx, "chat_model": info.path}))
window.close()
"""


@contextlib.contextmanager
def real_display(env: dict) -> Iterator[str]:
    """The X display to time on: $DISPLAY, or an Xvfb started (and stopped) here."""
    if env.get("DISPLAY"):
        yield env["DISPLAY"]
        return
    if not shutil.which("Xvfb"):
        raise RuntimeError("timing start-up needs an X server: set DISPLAY or install Xvfb (./hearth.sh bench does)")
    n = 150
    while os.path.exists(f"/tmp/.X11-unix/X{n}") or os.path.exists(f"/tmp/.X{n}-lock"):
        n += 1
    xvfb = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"], stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            if time.monotonic() > deadline or xvfb.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        yield f":{n}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)


def time_to_window(repeats: int, env: dict) -> list[float]:
    """From process start to the first turn of the event loop with the window shown, on a real X server."""
    times = []
    with real_display(env) as display:
        for _ in range(repeats):
            elapsed = _one_start({**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"})
            if elapsed is not None:
                times.append(elapsed)
    return times


def _one_start(env: dict) -> float | None:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "main.py")],
        env={**env, "HEARTH_STARTUP_PROBE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    ready = False
    for line in proc.stdout:  # other output may come first; EOF means it never got there
        if line.startswith("hearth-ready"):
            ready = True
            break
    elapsed = time.perf_counter() - start
    proc.terminate()
    proc.wait(timeout=30)
    return elapsed if ready else None


def memory_with_models(env: dict) -> dict:
    import json

    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"memory probe failed: {out.stderr[-500:]}")
    return json.loads(lines[-1])


def kv_cache_bytes(info, n_ctx: int) -> int:
    return 2 * info.n_layers * n_ctx * info.n_kv_heads * info.head_dim * 2  # K and V, f16
