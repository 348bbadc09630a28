"""Live generation figures: TTFT, prompt t/s, generation t/s, tokens, context used, sparkline.

A figure appears once it has a value: before the first reply the bar is empty (it keeps its
height, so the chat does not jump), never a row of placeholder dashes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from backend.chat_session import LiveStats
from backend.generation_stats import GenerationStats
from gui.widgets.sparkline import Sparkline


class StatsBar(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        self.labels: dict[str, QLabel] = {}
        for key, tip in [
            ("ttft", self.tr("Time to first token: from pressing Send to the first word")),
            ("prompt", self.tr("Prompt evaluation speed (tokens of your conversation read per second)")),
            ("gen", self.tr("Generation speed, from the first generated token on")),
            ("tokens", self.tr("Tokens generated in this reply")),
            ("context", self.tr("Context window used / size")),
        ]:
            label = QLabel()
            label.setToolTip(tip)
            label.setObjectName(f"stat_{key}")
            self.labels[key] = label
            layout.addWidget(label)
        self.sparkline = Sparkline()
        self.sparkline.setToolTip(self.tr("Generation speed over this reply"))
        layout.addWidget(self.sparkline)
        layout.addStretch(1)
        self.setMinimumHeight(max(self.sparkline.sizeHint().height(), self.fontMetrics().height() + 4))
        self.reset()

    def reset(self) -> None:
        self.show_stats(None)
        self.sparkline.clear()

    def show_stats(self, s: LiveStats | GenerationStats | None, live: bool = False) -> None:
        s = s or GenerationStats()
        values = {
            "ttft": self.tr("TTFT {0} ms").format(f"{s.ttft_ms:.0f}") if s.ttft_ms else "",
            "prompt": self.tr("prompt {0} t/s").format(f"{s.prompt_tokens_per_second:.1f}")
            if s.prompt_tokens_per_second
            else "",
            "gen": "<b>" + self.tr("{0} t/s").format(f"{s.tokens_per_second:.1f}") + "</b>"
            if s.tokens_per_second
            else "",
            "tokens": self.tr("%n token(s)", "", s.generated_tokens) if s.generated_tokens else "",
            "context": self.tr("ctx {0}/{1}").format(s.context_used, s.n_ctx) if s.n_ctx else "",
        }
        for key, text in values.items():
            self.labels[key].setText(text)
            self.labels[key].setVisible(bool(text))
        if live and s.tokens_per_second:
            self.sparkline.add(s.tokens_per_second)
        self.sparkline.setVisible(live or bool(s.tokens_per_second))

    def text(self) -> str:
        """What the bar says now ("" before any figure)."""
        return " | ".join(label.text() for label in self.labels.values() if label.text())
