"""Per-conversation system prompt and sampling settings."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QGroupBox, QPlainTextEdit, QSpinBox

from backend.llm import SamplingParams


class ConversationSettings(QGroupBox):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Conversation settings"))
        form = QFormLayout(self)
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setPlaceholderText(self.tr("System prompt (optional)"))
        self.system_prompt.setMaximumHeight(90)
        form.addRow(self.system_prompt)
        self.temperature = self._double(0.0, 2.0, 0.05, "temperature", self.tr("0 = always the most likely token"))
        self.top_p = self._double(0.0, 1.0, 0.01, "top-p")
        self.top_k = self._int(0, 1000, "top-k", self.tr("0 = off"))
        self.repeat_penalty = self._double(0.8, 2.0, 0.01, "repeat penalty")
        self.max_tokens = self._int(1, 32768, "max tokens")
        self.seed = self._int(-1, 2**31 - 1, "seed", self.tr("-1 = random each time"))
        for label, widget in [
            (self.tr("Temperature"), self.temperature),
            (self.tr("Top-p"), self.top_p),
            (self.tr("Top-k"), self.top_k),
            (self.tr("Repeat penalty"), self.repeat_penalty),
            (self.tr("Max tokens"), self.max_tokens),
            (self.tr("Seed"), self.seed),
        ]:
            form.addRow(label, widget)
        self.system_prompt.textChanged.connect(self.changed)
        self.set_values("", SamplingParams())

    def _double(self, low, high, step, name, tip=""):
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(2)
        box.setObjectName(name)
        box.setToolTip(tip)
        box.valueChanged.connect(self.changed)
        return box

    def _int(self, low, high, name, tip=""):
        box = QSpinBox()
        box.setRange(low, high)
        box.setObjectName(name)
        box.setToolTip(tip)
        box.valueChanged.connect(self.changed)
        return box

    def set_values(self, system_prompt: str, params: SamplingParams) -> None:
        # Filling the form is not the user editing it: no change signal until every field is set.
        widgets = (self, self.system_prompt, self.temperature, self.top_p, self.top_k, self.repeat_penalty)
        _blocked = [QSignalBlocker(w) for w in (*widgets, self.max_tokens, self.seed)]
        self.system_prompt.setPlainText(system_prompt)
        self.temperature.setValue(params.temperature)
        self.top_p.setValue(params.top_p)
        self.top_k.setValue(params.top_k)
        self.repeat_penalty.setValue(params.repeat_penalty)
        self.max_tokens.setValue(params.max_tokens)
        self.seed.setValue(-1 if params.seed is None else params.seed)

    def params(self) -> SamplingParams:
        seed = self.seed.value()
        return SamplingParams(
            temperature=self.temperature.value(),
            top_p=self.top_p.value(),
            top_k=self.top_k.value(),
            repeat_penalty=self.repeat_penalty.value(),
            max_tokens=self.max_tokens.value(),
            seed=None if seed < 0 else seed,
        )

    def system_text(self) -> str:
        return self.system_prompt.toPlainText()
