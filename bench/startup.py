"""Start-up to an interactive window, and memory with the default models loaded."""

from __future__ import annotations

import subprocess
import sys
import time
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
print(json.dumps({"rss": rss(), "n_ctx": info["n_ctx"], "chat_model": info["path"]}))
window.close()
"""


def time_to_window(repeats: int, env: dict) -> list[float]:
    """From process start to the first turn of the event loop with the window shown."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "main.py")],
            env={**env, "HEARTH_STARTUP_PROBE": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.terminate()
        proc.wait(timeout=30)
        if line.startswith("hearth-ready"):
            times.append(elapsed)
    return times


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
