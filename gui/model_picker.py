"""The model picker in a panel's header: which model is in use, a menu of the others, load progress.

The menu is filled, each time it opens, from provider functions: each returns the models it knows as
ModelChoice objects. The window adds one for the installed files; another front end (remote servers)
adds its own with `add_provider`, and its choices appear under their own heading. Choosing one only
emits `chosen`; the panel that owns the engine loads it, and reports back with `set_current`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QProgressBar, QPushButton, QWidget

from backend.errors import HearthError
from backend.models.registry import InstalledModel
from backend.units import format_bytes


@dataclass(frozen=True)
class ModelChoice:
    ref: str  # what the owning panel loads: a file path; "" the automatic default; a provider's own id
    title: str  # shown as plain text: names come from model files
    detail: str = ""  # quantization, size, languages: after the title, quieter
    group: str = ""  # the menu heading it goes under ("" for models on this computer)
    english_only: bool = False  # speech models: the language menu follows it
    enabled: bool = True  # False: listed but not choosable now (a server that did not answer)


ModelProvider = Callable[[], Iterable[ModelChoice]]


def installed_choices(models: Iterable[InstalledModel], kind: str) -> list[ModelChoice]:
    """The installed models of one kind ("chat" or "speech"), for a provider."""
    choices = []
    for model in sorted((m for m in models if m.kind == kind), key=lambda m: m.title.lower()):
        quant = "" if model.quantization in model.title else model.quantization  # titles often name it already
        parts = [quant, format_bytes(model.file_size)]
        if kind == "speech" and model.languages:
            parts.append(model.languages)
        choices.append(
            ModelChoice(
                str(model.path),
                model.title,
                " · ".join(p for p in parts if p),
                english_only=model.languages == "English only",
            )
        )
    return choices


class ModelPicker(QWidget):
    chosen = Signal(object)  # ModelChoice
    more_models_requested = Signal()

    def __init__(self, label: str, parent=None):
        super().__init__(parent)
        self._providers: list[ModelProvider] = []
        self.current_ref: str | None = None
        self.button = QPushButton()  # a push button draws its menu arrow beside the text, not over it
        self.button.setObjectName("model_picker_button")
        self.button.setAccessibleName(label)
        self.menu = QMenu(self.button)
        self.menu.aboutToShow.connect(self._fill_menu)
        self.button.setMenu(self.menu)
        self.progress = QProgressBar()
        self.progress.setObjectName("model_picker_progress")
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(self.tr("Model loading progress"))
        self.progress.hide()
        self.status = QLabel()
        self.status.setObjectName("model_picker_status")
        self.status.setTextFormat(Qt.PlainText)  # names the model's file
        self.status.hide()
        caption = QLabel(label)
        caption.setBuddy(self.button)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(caption)
        layout.addWidget(self.button)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.set_current(None, self.tr("No model loaded"))

    def add_provider(self, provider: ModelProvider) -> None:
        self._providers.append(provider)

    def choices(self) -> list[ModelChoice]:
        """Everything the providers offer now, in their order (what the menu shows)."""
        out: list[ModelChoice] = []
        for provider in self._providers:
            try:
                out.extend(provider())
            except (HearthError, OSError) as exc:  # a provider's trouble must not take the menu with it
                out.append(ModelChoice("", self.tr("Unavailable: {0}").format(exc), enabled=False))
        return out

    def set_current(self, ref: str | None, title: str, detail: str = "") -> None:
        """What is in use now (None: nothing); ends any loading shown."""
        self.current_ref = ref
        self.button.setText(f"{title}  ·  {detail}" if detail else title)
        self.button.setToolTip(self.tr("In use: {0}\nClick to switch to another model.").format(title))
        self.button.setAccessibleDescription(self.button.text())
        self.set_loading("")

    def set_loading(self, message: str, progress: float = -1.0) -> None:
        """Show what is happening beside the model's name ("" hides it); progress 0..1, or -1 if unknown."""
        self.status.setText(message)
        self.status.setVisible(bool(message))
        self.progress.setVisible(bool(message))
        if progress < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(int(progress * 100))

    def _fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        group = None
        offered = self.choices()
        for choice in offered:
            if choice.group != group:
                group = choice.group
                if group:
                    menu.addSection(group)
            text = f"{choice.title}  ({choice.detail})" if choice.detail else choice.title
            action = menu.addAction(text.replace("&", "&&"))  # a name's "&" is text, not a shortcut key
            action.setCheckable(True)
            action.setChecked(choice.ref == self.current_ref)
            action.setEnabled(choice.enabled)
            action.triggered.connect(lambda _=False, c=choice: self._on_choice_triggered(c))
        if not offered:
            empty = menu.addAction(self.tr("No other models installed"))
            empty.setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.tr("Get more models…"), self.more_models_requested.emit)

    def _on_choice_triggered(self, choice: ModelChoice) -> None:
        if choice.enabled and choice.ref != self.current_ref:
            self.chosen.emit(choice)

    def choose(self, ref: str) -> bool:
        """Pick the offered model whose ref is `ref`, as a click in the menu would."""
        choice = next((c for c in self.choices() if c.ref == ref), None)
        if choice is None or not choice.enabled:
            return False
        self._on_choice_triggered(choice)
        return True


def offer_installed_models(window) -> None:
    """Feed the chat's and the Dictation tab's pickers, and the chat's welcome, from the window's Models tab."""
    manager, chat, dictation, tabs = window.model_manager, window.chat_pane, window.dictation_panel, window.tabs
    chat.model_picker.add_provider(lambda: installed_choices(manager.installed, "chat"))
    dictation.speech_picker.add_provider(lambda: installed_choices(manager.installed, "speech"))

    def show_catalog(kind: str) -> None:
        manager.show_catalog(kind)
        tabs.setCurrentWidget(manager)

    chat.model_picker.more_models_requested.connect(lambda: show_catalog("chat"))
    dictation.speech_picker.more_models_requested.connect(lambda: show_catalog("speech"))
    chat.welcome.attach_models(manager)
    chat.welcome.dictation_requested.connect(lambda: tabs.setCurrentWidget(dictation))
