"""File → Settings… (Ctrl+,): the app-wide settings in one place.

It embeds what already exists rather than copying it: the language chooser (gui/i18n.py), the
sampling form the chat uses for a conversation (here: what a new conversation starts with), and
links to the Models tab (models and their compute settings) and to the dictate-anywhere dialog.
The theme previews as it is chosen; Cancel puts the old one back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from backend.settings import Settings
from gui import icons, theme
from gui.conversation_settings import ConversationSettings
from gui.i18n import LanguageChooser, offer_restart


class SettingsDialog(QDialog):
    models_requested = Signal()  # "Choose in Models…": the window shows its Models tab
    anywhere_requested = Signal()  # "Dictate into other applications…"
    shortcuts_requested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self._theme_before = settings.theme
        self.setWindowTitle(self.tr("Settings"))
        self.resize(560, 520)
        self.pages = QTabWidget()
        self.pages.setAccessibleName(self.tr("Settings sections"))
        self.pages.addTab(self._appearance_page(), self.tr("Appearance"))
        self.pages.addTab(self._chat_page(), self.tr("Chat"))
        self.pages.addTab(self._dictation_page(), self.tr("Dictation"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)

    # --- pages -------------------------------------------------------------------------------

    def _appearance_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.theme_combo = QComboBox()
        for value, label in (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme_combo.addItem(label, value)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(self.settings.theme)))
        self.theme_combo.setAccessibleName(self.tr("Theme"))
        self.theme_combo.currentIndexChanged.connect(self._on_theme_combo_changed)
        form.addRow(self.tr("&Theme:"), self.theme_combo)
        self.language_chooser = LanguageChooser(self.settings)
        form.addRow(self.tr("&Language:"), self.language_chooser)
        note = QLabel(self.tr("A new language applies when Hearth starts again."))
        note.setWordWrap(True)
        form.addRow("", note)
        shortcuts = QPushButton(self.tr("Keyboard shortcuts…"))
        icons.set_icon(shortcuts, "keyboard")
        shortcuts.clicked.connect(self.shortcuts_requested)
        form.addRow("", shortcuts)
        return page

    def _chat_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(self._model_row(self.tr("Chat model:"), self.settings.chat_model, "chat_model"))
        self.sampling = ConversationSettings()
        self.sampling.setTitle(self.tr("New conversations start with"))
        self.sampling.system_prompt.setVisible(False)  # a prompt belongs to one conversation, not to all
        self.sampling.set_values("", self.settings.default_sampling)
        column.addWidget(self.sampling)
        column.addStretch(1)
        return page

    def _dictation_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(self._model_row(self.tr("Speech model:"), self.settings.speech_model, "speech_model"))
        anywhere = QPushButton(self.tr("Dictate into other applications…"))
        icons.set_icon(anywhere, "mic")
        anywhere.setToolTip(self.tr("The global shortcut, how text is typed, the tray"))
        anywhere.clicked.connect(self._on_anywhere_clicked)
        row = QHBoxLayout()
        row.addWidget(anywhere)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        return page

    def _model_row(self, label: str, path: str, name: str) -> QHBoxLayout:
        row = QHBoxLayout()
        shown = QLabel(Path(path).name if path else self.tr("the bundled default"))
        shown.setObjectName(name)
        shown.setToolTip(path)
        row.addWidget(QLabel(label))
        row.addWidget(shown, 1)
        choose = QPushButton(self.tr("Choose in Models…"))
        icons.set_icon(choose, "models")
        choose.setAccessibleDescription(self.tr("Closes Settings and opens the Models tab"))
        choose.clicked.connect(self._on_choose_model_clicked)
        row.addWidget(choose)
        return row

    # --- actions -----------------------------------------------------------------------------

    def chosen_theme(self) -> str:
        return self.theme_combo.currentData()

    def _on_theme_combo_changed(self) -> None:
        theme.apply(QApplication.instance(), self.chosen_theme())  # a preview: Cancel restores

    def _on_choose_model_clicked(self) -> None:
        self.accept()
        self.models_requested.emit()

    def _on_anywhere_clicked(self) -> None:
        self.anywhere_requested.emit()

    def accept(self) -> None:
        self.settings.theme = self.chosen_theme()
        self.settings.default_sampling = self.sampling.params()
        restart = self.language_chooser.apply()
        super().accept()
        if restart:
            offer_restart(self.parentWidget())

    def reject(self) -> None:
        if self.chosen_theme() != self._theme_before:
            theme.apply(QApplication.instance(), self._theme_before)
        super().reject()
