"""The window: Models | Chat | Dictation, with the model and compute backend in the status bar.

It owns the one LlmService (`self.llm_service`) every panel that needs the chat engine shares: the
chat, the local server, the benchmark all queue their work on it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QTabWidget

from backend.atomic import write_text_atomic
from backend.chat_model_status import ChatModelStatus
from backend.conversations import ConversationStore
from backend.errors import HearthError
from backend.export import load_export
from backend.llm_service import LlmService
from backend.settings import Settings
from gui import icons
from gui.backend_text import model_summary
from gui.benchmark_tab import BenchmarkTab
from gui.chat_pane import ChatPane
from gui.dictation_anywhere import AnywhereDictation
from gui.dictation_panel import DictationPanel
from gui.error_text import error_text
from gui.i18n import LanguageMenu
from gui.model_manager import ModelManager
from gui.model_picker import offer_installed_models
from gui.server_panel import ServerPanel
from gui.settings_dialog import SettingsDialog
from gui.shortcuts_dialog import ShortcutsDialog
from gui.voice_mode import VoiceMode


class MainWindow(QMainWindow):
    def __init__(self, store: ConversationStore, settings: Settings, *, load_models: bool = True):
        super().__init__()
        self.store = store
        self.settings = settings
        self.setWindowTitle(self.tr("Hearth"))
        self.resize(1200, 780)

        self.llm_service = LlmService()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Sections"))
        self.chat_pane = ChatPane(store, settings, self.llm_service)
        self.tabs.addTab(self.chat_pane, self.tr("Chat"))
        self.voice_mode = VoiceMode(self.chat_pane, settings)  # the bar under the chat box
        self.dictation_panel = DictationPanel(settings)
        self.tabs.addTab(self.dictation_panel, self.tr("Dictation"))
        self.server_panel = ServerPanel(settings, self.llm_service)  # off until the user starts it
        self.tabs.addTab(self.server_panel, self.tr("Server"))
        self.benchmark_tab = BenchmarkTab(self.llm_service)  # its runs queue on the chat engine: chat waits
        self.tabs.addTab(self.benchmark_tab, self.tr("Benchmark"))
        self.benchmark_tab.run_state_changed.connect(self._on_busy_changed)
        self.dictation_panel.send_to_chat_requested.connect(self._on_dictation_panel_send_to_chat_requested)
        self.model_manager = ModelManager(settings, in_use_paths=self._models_in_use)
        self.tabs.insertTab(0, self.model_manager, self.tr("Models"))
        self.tabs.setCurrentWidget(self.chat_pane)
        self.model_manager.chat_model_chosen.connect(self._on_model_manager_chat_model_chosen)
        self.model_manager.speech_model_chosen.connect(self.dictation_panel.on_speech_model_chosen)
        offer_installed_models(self)  # the model pickers' menus and the welcome's suggestion
        self.model_manager.servers.use_requested.connect(self.chat_pane.load_model)
        self.chat_pane.model_picker.add_provider(self.model_manager.servers.choices)  # remote models, by server
        self.setAcceptDrops(True)  # model files dropped anywhere on the window are imported
        self.setCentralWidget(self.tabs)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.tr("&New conversation"), QKeySequence.New, self.chat_pane.new_conversation)
        self.export_action = file_menu.addAction(self.tr("&Export conversation…"), self._on_export_triggered)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.settings_action = file_menu.addAction(self.tr("&Settings…"), QKeySequence("Ctrl+,"), self.open_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.tr("&Quit"), QKeySequence("Ctrl+Q"), self.close)  # some platforms' Quit has no key
        self._add_keyboard_menus()
        self.language_menu = LanguageMenu(settings, self)
        self.menuBar().addMenu(self.language_menu)
        self._add_help_menu()
        self.anywhere = AnywhereDictation(self.dictation_panel, settings, parent=self)
        self.anywhere.attach(self)  # tray icon, global shortcut, File → Dictate into other applications…
        self.chat_pane.input.setFocus()

        self.model_label = QLabel(self.tr("No chat model loaded"))
        self.model_label.setTextFormat(Qt.PlainText)  # the model's name comes from its file
        self.model_label.setObjectName("status_model")
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setVisible(False)
        self.statusBar().addWidget(self.model_label, 1)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.busy_bar)
        self.chat_pane.model_status_changed.connect(self._on_chat_pane_model_status_changed)
        self.chat_pane.busy_changed.connect(self._on_busy_changed)

        geometry = settings.window_geometry
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if store.recovered_from:
            self.statusBar().showMessage(
                self.tr(
                    "The conversation database was damaged: a copy was kept at {path} and a fresh one opened."
                ).format(path=store.recovered_from),
                30000,
            )
        if load_models:
            self.chat_pane.load_model(settings.chat_model)

    def _add_keyboard_menus(self) -> None:
        """View and Chat menus: every tab and every chat action has a key, and the menus list them."""
        for page, name in (
            (self.model_manager, "models"),
            (self.chat_pane, "chat"),
            (self.dictation_panel, "dictation"),
            (self.server_panel, "server"),
            (self.benchmark_tab, "benchmark"),
        ):
            icons.set_tab_icon(self.tabs, page, name)
        view = self.menuBar().addMenu(self.tr("&View"))
        for number, (page, label) in enumerate(
            (
                (self.model_manager, self.tr("&Models")),
                (self.chat_pane, self.tr("&Chat")),
                (self.dictation_panel, self.tr("&Dictation")),
                (self.server_panel, self.tr("&Server")),
                (self.benchmark_tab, self.tr("&Benchmark")),
            ),
            start=1,
        ):
            view.addAction(label, QKeySequence(f"Ctrl+{number}"), lambda p=page: self._show_page(p))
        chat = self.menuBar().addMenu(self.tr("&Chat"))
        pane = self.chat_pane
        chat.addAction(self.tr("Go to the &message box"), QKeySequence("Ctrl+L"), lambda: self._show_page(pane.input))
        chat.addAction(
            self.tr("&Search conversations"), QKeySequence.Find, lambda: self._show_page(pane.conversations.search)
        )
        self.stop_action = chat.addAction(self.tr("S&top the reply"), QKeySequence("Ctrl+."), pane.stop)
        chat.addAction(self.tr("&Regenerate the last reply"), QKeySequence("Ctrl+Shift+R"), pane.regenerate)
        chat.addAction(self.tr("&Edit your last message"), QKeySequence("Ctrl+Shift+E"), pane.edit_last)
        chat.addAction(self.tr("Conversation se&ttings"), QKeySequence("Ctrl+Shift+,"), pane.settings_button.toggle)

    def _add_help_menu(self) -> None:
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&Keyboard shortcuts"), QKeySequence.HelpContents, self.show_shortcuts)

    def _show_page(self, widget) -> None:
        """Show the tab holding `widget` and focus it; for a whole tab, its tab, from where Tab walks into it."""
        page = widget
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        (self.tabs.tabBar() if widget is page else widget).setFocus(Qt.ShortcutFocusReason)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self)
        dialog.models_requested.connect(lambda: self._show_page(self.model_manager))
        dialog.anywhere_requested.connect(self.anywhere.open_settings)
        dialog.shortcuts_requested.connect(self.show_shortcuts)
        dialog.open()  # window-modal, and a test can drive it without a nested event loop
        return dialog

    def _on_chat_pane_model_status_changed(self, status: ChatModelStatus | None) -> None:
        self.model_label.setText(model_summary(status) if status else self.tr("No chat model loaded"))

    def _on_busy_changed(self, message: str, progress: float) -> None:
        self.busy_label.setText(message)
        self.busy_bar.setVisible(bool(message))
        if progress < 0:
            self.busy_bar.setRange(0, 0)
        else:
            self.busy_bar.setRange(0, 100)
            self.busy_bar.setValue(int(progress * 100))

    def closeEvent(self, event) -> None:
        if self.anywhere.keep_running_in_tray(event.spontaneous()):
            event.ignore()  # the window's close button, with "keep in the tray" on: dictation stays at hand
            self.hide()
            return
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.shutdown()
        super().closeEvent(event)

    def _models_in_use(self) -> list[str]:
        chat = self.chat_pane.model_info
        return [chat.path if chat else "", self.settings.speech_model]

    def _on_dictation_panel_send_to_chat_requested(self, text: str) -> None:
        self.chat_pane.insert_text(text)
        self.tabs.setCurrentWidget(self.chat_pane)

    def _on_model_manager_chat_model_chosen(self, path: str) -> None:
        self.chat_pane.load_model(path)
        self.tabs.setCurrentWidget(self.chat_pane)

    def dragEnterEvent(self, event) -> None:
        if self.model_manager.accepts_drop(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if self.model_manager.handle_drop(event.mimeData()):
            self.tabs.setCurrentWidget(self.model_manager)
            event.acceptProposedAction()

    def export_conversation(self, path: Path) -> bool:
        """Write the shown conversation to `path`: Markdown, or JSON when the name ends in .json."""
        fmt = "json" if path.suffix.lower() == ".json" else "md"
        try:
            text = load_export(self.store, self.chat_pane.conversation_id).render(fmt)
            write_text_atomic(path, text)
        except (HearthError, OSError) as exc:
            QMessageBox.warning(
                self,
                self.tr("Export conversation"),
                self.tr("Could not export to {path}: {error}").format(path=path, error=error_text(exc)),
            )
            return False
        self.statusBar().showMessage(self.tr("Exported the conversation to {path}").format(path=path), 10000)
        return True

    def _on_export_triggered(self) -> None:
        conversation = self.store.get_conversation(self.chat_pane.conversation_id)
        if conversation is None:
            self.statusBar().showMessage(self.tr("Open a conversation to export it."), 5000)
            return
        name = "".join(c if c.isalnum() or c in " -_" else "_" for c in conversation.title).strip() or "conversation"
        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export conversation"),
            str(Path.home() / f"{name}.md"),
            self.tr("Markdown (*.md);;JSON with timings (*.json)"),
        )
        if path:
            path = Path(path)
            if not path.suffix:
                path = path.with_suffix(".json" if "json" in chosen.lower() else ".md")
            self.export_conversation(path)

    def shutdown(self) -> None:
        self.voice_mode.shutdown()  # its replies go through the chat pane: it stops first
        self.model_manager.shutdown()
        self.chat_pane.shutdown()
        self.benchmark_tab.shutdown()
        self.server_panel.shutdown()  # clients' requests stop before the engine closes
        self.llm_service.close()
        self.anywhere.shutdown()
        self.dictation_panel.shutdown()
