"""The Server tab: serve the loaded models to other programs through the OpenAI API, on this machine.

The server (backend/server) runs on a Python thread of its own and queues on the window's
LlmService, so the chat and a client take turns on the one engine. Transcription requests get their
own whisper.cpp context on a speech thread (SpeechQueue), loaded on the first request; the
Dictation tab's worker keeps its own. Each request's record crosses to this widget as a queued
signal: the GUI thread only paints the log.
"""

from __future__ import annotations

import secrets
import time

from PySide6.QtCore import QLocale, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend import paths
from backend.errors import HearthError
from backend.llm_service import LlmService
from backend.settings import Settings
from gui import icons
from gui.error_text import error_text

SERVER_SETTINGS = "server"  # {"port": int, "api_key": str, "lan": bool}
MAX_LOG_ROWS = 500
COLUMNS = 8  # time … note: the headers are set (translated) where the log is built


class ServerPanel(QWidget):
    request_logged = Signal(object)  # RequestRecord, emitted on the server's thread
    running_changed = Signal(bool)

    def __init__(self, settings: Settings, llm_service: LlmService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.llm_service = llm_service
        self.server = None
        self.speech = None
        saved = settings.get(SERVER_SETTINGS) or {}

        self.switch = QPushButton(self.tr("Start server"))
        icons.set_icon(self.switch, "server")
        self.switch.setCheckable(True)
        self.switch.setObjectName("server_switch")
        self.switch.toggled.connect(self._on_switch_toggled)
        self.status = QLabel(self.tr("Off. Nothing listens until you start it."))
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status.setWordWrap(True)

        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(saved.get("port") or 8080))
        self.key = QLineEdit(saved.get("api_key") or "")
        self.key.setPlaceholderText(self.tr("none: any program on this machine may use it"))
        self.key.setEchoMode(QLineEdit.PasswordEchoOnEdit)
        self.key.setAccessibleName(self.tr("API key"))
        self.new_key = QPushButton(self.tr("New key"))
        self.new_key.clicked.connect(self._on_new_key_clicked)
        self.lan = QCheckBox(self.tr("Allow other devices on my network (needs the key)"))
        self.lan.setChecked(bool(saved.get("lan", False)))
        self.lan.toggled.connect(self._on_lan_toggled)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.new_key)
        form = QFormLayout()
        form.addRow(self.tr("Port"), self.port)
        form.addRow(self.tr("API key"), key_row)
        form.addRow("", self.lan)

        self.example = QLabel()
        self.example.setObjectName("server_example")  # a code sample: stays as written
        self.example.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.example.setStyleSheet("font-family: monospace")
        self.log = QTableWidget(0, COLUMNS)
        self.log.setAccessibleName(self.tr("Requests"))
        self.log.setTabKeyNavigation(False)
        self.log.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("Client"),
                self.tr("Request"),
                self.tr("Status"),
                self.tr("Tokens"),
                self.tr("t/s"),
                self.tr("Time taken"),
                self.tr("Note"),
            ]
        )
        self.log.verticalHeader().setVisible(False)
        self.log.setEditTriggers(QTableWidget.NoEditTriggers)
        self.log.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.log.horizontalHeader().setStretchLastSection(True)

        top = QHBoxLayout()
        top.addWidget(self.switch)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.example)
        layout.addWidget(QLabel(self.tr("Requests")))
        layout.addWidget(self.log, 1)
        self.request_logged.connect(self._on_request_logged, Qt.QueuedConnection)
        self._show_example()

    # --- starting and stopping ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.server is not None

    def start(self) -> bool:
        """Start serving; on failure say why in the panel and stay off."""
        if self.running:
            return True
        if self.lan.isChecked() and not self.key.text().strip():
            self._on_new_key_clicked()  # beyond this machine a key is required: make one rather than refuse
        from backend.server.config import ServerConfig
        from backend.server.context import ServerContext
        from backend.server.runner import ApiServer
        from backend.server.speech_queue import SpeechQueue

        config = ServerConfig(
            host="0.0.0.0" if self.lan.isChecked() else "127.0.0.1",
            port=self.port.value(),
            api_key=self.key.text().strip() or None,
        )
        speech = SpeechQueue(self.settings.speech_model or None)
        ctx = ServerContext(
            llm=self.llm_service,
            speech=speech,
            config=config,
            models_dir=paths.models_dir(),
            on_record=self.request_logged.emit,
        )
        try:
            server = ApiServer(ctx)
            server.start()
        except HearthError as exc:
            speech.close()
            self._set_switch(False)
            self.status.setText(self.tr("Could not start: {error}").format(error=error_text(exc)))
            return False
        self.server, self.speech = server, speech
        self._remember()
        self.status.setText(
            self.tr("Listening on {url} (this machine and your network)").format(url=server.url)
            if self.lan.isChecked()
            else self.tr("Listening on {url} (this machine only)").format(url=server.url)
        )
        self._set_switch(True)
        self._set_editable(False)
        self._show_example()
        self.running_changed.emit(True)
        return True

    def stop(self) -> None:
        if not self.running:
            return
        self.server.stop()
        self.speech.close()
        self.server = self.speech = None
        self._set_switch(False)
        self._set_editable(True)
        self.status.setText(self.tr("Off. Nothing listens until you start it."))
        self.running_changed.emit(False)

    def shutdown(self) -> None:
        """The window is closing: requests in flight stop within a token, then the port closes."""
        self.stop()

    # --- slots ---------------------------------------------------------------------------------

    @Slot(bool)
    def _on_switch_toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    @Slot()
    def _on_new_key_clicked(self) -> None:
        self.key.setText(f"hearth-{secrets.token_urlsafe(24)}")
        self.key.setEchoMode(QLineEdit.Normal)  # a new key is shown once, so it can be copied to the client
        self._show_example()

    @Slot(bool)
    def _on_lan_toggled(self, on: bool) -> None:
        if on and not self.key.text().strip():
            self._on_new_key_clicked()

    @Slot(object)
    def _on_request_logged(self, record) -> None:
        if self.log.rowCount() >= MAX_LOG_ROWS:
            self.log.removeRow(self.log.rowCount() - 1)
        self.log.insertRow(0)  # newest first
        tokens = f"{record.prompt_tokens} + {record.completion_tokens}" if record.completion_tokens else ""
        speed = f"{record.tokens_per_second:.1f}" if record.tokens_per_second else ""
        cells = [
            time.strftime("%H:%M:%S", time.localtime(record.at)),
            record.client,
            f"{record.method} {record.path}",
            str(record.status),
            tokens,
            speed,
            self.tr("{ms} ms").format(ms=QLocale().toString(record.duration_ms, "f", 0)),
            record.outcome,
        ]
        for column, text in enumerate(cells):
            self.log.setItem(0, column, QTableWidgetItem(text))

    # --- helpers -------------------------------------------------------------------------------

    def _set_switch(self, on: bool) -> None:
        self.switch.blockSignals(True)
        self.switch.setChecked(on)
        self.switch.blockSignals(False)
        self.switch.setText(self.tr("Stop server") if on else self.tr("Start server"))

    def _set_editable(self, editable: bool) -> None:
        for widget in (self.port, self.key, self.new_key, self.lan):
            widget.setEnabled(editable)

    def _remember(self) -> None:
        self.settings.set(
            SERVER_SETTINGS,
            {"port": self.port.value(), "api_key": self.key.text().strip(), "lan": self.lan.isChecked()},
        )

    def _show_example(self) -> None:
        url = self.server.url if self.server else f"http://127.0.0.1:{self.port.value()}/v1"
        key = self.tr("<the key above>") if self.key.text().strip() else "none"
        self.example.setText(
            "from openai import OpenAI\n"
            f'client = OpenAI(base_url="{url}", api_key="{key}")\n'
            'client.chat.completions.create(model="local", messages=[{"role": "user", "content": "Hi"}])'
        )
