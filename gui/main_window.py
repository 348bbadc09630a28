"""The window: Chat (and the other parts as they join), with the model and compute backend in the status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QTabWidget

from backend.conversations import ConversationStore
from backend.settings import Settings
from gui.chat_pane import ChatPane
from gui.dictation_panel import DictationPanel
from gui.model_manager import ModelManager


class MainWindow(QMainWindow):
    def __init__(self, store: ConversationStore, settings: Settings, *, load_models: bool = True):
        super().__init__()
        self.store = store
        self.settings = settings
        self.setWindowTitle("Hearth")
        self.resize(1200, 780)

        self.tabs = QTabWidget()
        self.chat_pane = ChatPane(store, settings)
        self.tabs.addTab(self.chat_pane, "Chat")
        self.dictation_panel = DictationPanel(settings)
        self.tabs.addTab(self.dictation_panel, "Dictation")
        self.dictation_panel.send_to_chat_requested.connect(self._on_dictation_panel_send_to_chat_requested)
        self.model_manager = ModelManager(settings, in_use_paths=self._models_in_use)
        self.tabs.insertTab(0, self.model_manager, "Models")
        self.tabs.setCurrentWidget(self.chat_pane)
        self.model_manager.chat_model_chosen.connect(self._on_model_manager_chat_model_chosen)
        self.setAcceptDrops(True)  # model files dropped anywhere on the window are imported
        self.setCentralWidget(self.tabs)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("&New conversation", QKeySequence.New, self.chat_pane.new_conversation)
        file_menu.addSeparator()
        file_menu.addAction("&Quit", QKeySequence.Quit, self.close)
        self.chat_pane.input.setFocus()

        self.model_label = QLabel("No chat model loaded")
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

        geometry = settings.get("window_geometry")
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))
        if store.recovered_from:
            self.statusBar().showMessage(
                f"The conversation database was damaged: a copy was kept at {store.recovered_from}"
                " and a fresh one opened.",
                30000,
            )
        if load_models:
            self.chat_pane.load_model(settings.get("chat_model", ""))

    def _on_chat_pane_model_status_changed(self, info: dict) -> None:
        if not info:
            self.model_label.setText("No chat model loaded")
            return
        layers = info["n_gpu_layers"]
        if layers:
            shown = "all" if layers < 0 or layers >= info["n_layers"] else f"{layers}/{info['n_layers']}"
            compute = f"{info['backend']} ({shown} GPU layers)"
        else:
            compute = "CPU" + ("" if info["gpu_available"] else " (no GPU backend in this build)")
        template = (
            ""
            if info["template_source"] == "model"
            else f" · template inferred ({info['template_source'].split(':', 1)[1]})"
        )
        self.model_label.setText(
            f"{info['name']} · {info['quantization']} · {compute} · {info['n_threads']} threads"
            f" · ctx {info['n_ctx']}{template}"
        )

    def _on_busy_changed(self, message: str, progress: float) -> None:
        self.busy_label.setText(message)
        self.busy_bar.setVisible(bool(message))
        if progress < 0:
            self.busy_bar.setRange(0, 0)
        else:
            self.busy_bar.setRange(0, 100)
            self.busy_bar.setValue(int(progress * 100))

    def closeEvent(self, event) -> None:
        self.settings.set("window_geometry", bytes(self.saveGeometry().toBase64()).decode())
        self.shutdown()
        super().closeEvent(event)

    def _models_in_use(self) -> list[str]:
        return [self.chat_pane.model_info.get("path", ""), self.settings.get("speech_model", "")]

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

    def shutdown(self) -> None:
        self.model_manager.shutdown()
        self.chat_pane.shutdown()
        self.dictation_panel.shutdown()
