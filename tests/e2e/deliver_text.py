"""Runs Hearth's real delivery path (gui.text_delivery.TextDelivery) in its own X client, as the window
does: types or pastes argv[1] into the focused window, prints "delivered <ms>" (or "failed: …"), then
keeps serving the clipboard it restored until a line arrives on stdin."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSocketNotifier  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from backend.text_delivery import DeliveryMethod  # noqa: E402
from gui.text_delivery import TextDelivery  # noqa: E402


def main() -> int:
    app = QApplication([sys.argv[0]])
    delivery = TextDelivery(method=DeliveryMethod(sys.argv[2] if len(sys.argv) > 2 else "auto"))
    started = time.perf_counter()
    delivery.delivered.connect(lambda _t: print(f"delivered {(time.perf_counter() - started) * 1000:.0f}", flush=True))
    delivery.failed.connect(lambda m: print(f"failed: {m}", flush=True))
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Read)
    stdin.activated.connect(app.quit)
    delivery.deliver(sys.argv[1])
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
