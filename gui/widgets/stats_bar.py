"""Live generation figures: TTFT, prompt t/s, generation t/s, tokens, context used, sparkline."""

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
            ("ttft", "time to first token: from pressing Send to the first word"),
            ("prompt", "prompt evaluation speed (tokens of your conversation read per second)"),
            ("gen", "generation speed, from the first generated token on"),
            ("tokens", "tokens generated in this reply"),
            ("context", "context window used / size"),
        ]:
            label = QLabel("–")
            label.setToolTip(tip)
            label.setObjectName(f"stat_{key}")
            self.labels[key] = label
            layout.addWidget(label)
        self.sparkline = Sparkline()
        layout.addWidget(self.sparkline)
        layout.addStretch(1)
        self.reset()

    def reset(self) -> None:
        self.show_stats(None)
        self.sparkline.clear()

    def show_stats(self, s: LiveStats | GenerationStats | None, live: bool = False) -> None:
        def fmt(value, unit, digits=1):
            return f"{value:.{digits}f} {unit}" if value else "–"

        s = s or GenerationStats()
        self.labels["ttft"].setText(f"TTFT {fmt(s.ttft_ms, 'ms', 0)}")
        self.labels["prompt"].setText(f"prompt {fmt(s.prompt_tokens_per_second, 't/s')}")
        self.labels["gen"].setText(f"<b>{fmt(s.tokens_per_second, 't/s')}</b>")
        self.labels["tokens"].setText(f"{s.generated_tokens} tokens")
        self.labels["context"].setText(f"ctx {s.context_used}/{s.n_ctx}")
        if live and s.tokens_per_second:
            self.sparkline.add(s.tokens_per_second)

    def text(self) -> str:
        return " | ".join(label.text() for label in self.labels.values())
