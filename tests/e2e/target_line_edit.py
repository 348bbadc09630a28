"""A stand-in for "another application": one line edit, focused. When it closes (window closed, or
SIGTERM) it writes {"text": what the field holds, "clipboard": the clipboard's text then} as JSON to
the file named on its command line, and mirrors its text to that name + ".live" as it changes (so a test
can wait for the typing to settle). `--clipboard TEXT` puts TEXT on the clipboard at start, so a test
can see that dictation gave the user's clipboard back."""

from __future__ import annotations

import argparse
import json
import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit


class Target(QLineEdit):
    def __init__(self, output: str):
        super().__init__()
        self.output = output
        self.written = False
        self.setWindowTitle("hearth-target")
        self.resize(900, 60)
        self.textChanged.connect(self._on_text_changed)

    def _on_text_changed(self, text: str) -> None:
        with open(self.output + ".live", "w", encoding="utf-8") as f:
            f.write(text)

    def write(self) -> None:
        if not self.written:
            self.written = True
            data = {"text": self.text(), "clipboard": QGuiApplication.clipboard().text()}
            with open(self.output, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)

    def closeEvent(self, event) -> None:
        self.write()
        super().closeEvent(event)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--clipboard")
    args = parser.parse_args()
    app = QApplication([sys.argv[0]])
    target = Target(args.output)
    if args.clipboard is not None:
        QGuiApplication.clipboard().setText(args.clipboard)

    def on_term(*_):
        try:
            target.write()
        finally:
            app.quit()

    signal.signal(signal.SIGTERM, on_term)
    tick = QTimer()
    tick.timeout.connect(lambda: None)  # Python handles signals only when the interpreter runs
    tick.start(100)
    target.show()
    target.activateWindow()
    target.setFocus()
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
