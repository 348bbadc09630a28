"""Models → Servers → "Add a server…": address, optional API key, a name; checked before it is kept.

The check (GET /v1/models) runs on a pool thread, never the GUI thread. It is the first connection
to that server, made because the user asked for it. Plain http:// to an address outside this machine
and its network is asked about first: the messages (and the key) would cross it unencrypted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from backend.remote_http import Endpoint, RemoteError, list_models, normalize_url, plain_http_to_public
from backend.remote_servers import ServerStore, keyring_available
from backend.settings import Settings
from gui import theme
from gui.error_text import message_text
from gui.model_jobs import JobRunner


class RemoteServerDialog(QDialog):
    added = Signal(object, list)  # RemoteServer, the ids of its models

    def __init__(self, settings: Settings, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings, self.jobs = settings, jobs
        self.setWindowTitle(self.tr("Add a server"))
        self.setMinimumWidth(520)
        self.confirm_plain_http: Callable[[str], bool] = self._ask_plain_http

        intro = QLabel(
            self.tr(
                "Chat with a model on another machine through an OpenAI-compatible server: Hearth's own server, "
                "llama.cpp's llama-server, vLLM, Ollama or LM Studio. Hearth connects only to servers you add here."
            )
        )
        intro.setWordWrap(True)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("http://192.168.1.20:8080")
        self.url_edit.setAccessibleName(self.tr("Server address"))
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.Password)
        self.key_edit.setPlaceholderText(self.tr("optional"))
        self.key_edit.setAccessibleName(self.tr("API key"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("for example: Desktop"))
        self.name_edit.setAccessibleName(self.tr("Server name"))
        form = QFormLayout()
        form.addRow(self.tr("Address:"), self.url_edit)
        form.addRow(self.tr("API key:"), self.key_edit)
        form.addRow(self.tr("Name:"), self.name_edit)

        self.key_note = QLabel(
            self.tr("The key is kept in the system keyring, never in Hearth's settings.")
            if keyring_available()
            else self.tr(
                "No system keyring was found: a key is kept only until Hearth closes, never written to disk. "
                "After a restart, add the server again with its key."
            )
        )
        self.key_note.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("remote_server_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.PlainText)  # server messages are shown, never interpreted

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.Ok)
        self.add_button.setText(self.tr("Check and add"))
        self.buttons.accepted.connect(self.check_and_add)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.key_note)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def _ask_plain_http(self, url: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Unencrypted connection"),
            self.tr(
                "{url} is plain http:// to an address outside this computer's network. What you type, the "
                "replies and the API key would cross the network unencrypted. Use it anyway?"
            ).format(url=url),
            QMessageBox.Yes | QMessageBox.No,
            QMessageBox.No,
        )
        return answer == QMessageBox.Yes

    def check_and_add(self) -> None:
        try:
            url = normalize_url(self.url_edit.text())
        except RemoteError as exc:
            self._show_error(str(exc))
            return
        if plain_http_to_public(url) and not self.confirm_plain_http(url):
            self._show_error(self.tr("Not added: use an https:// address, or one on your own network."))
            return
        key = self.key_edit.text().strip() or None
        name = self.name_edit.text().strip()
        endpoint = Endpoint(url, key, name)
        self.add_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Checking {url}…").format(url=url))
        self.jobs.start(
            lambda _progress: list_models(endpoint),
            lambda entries: self._on_checked(url, key, name, entries),
            self._on_check_failed,
        )

    def _on_checked(self, url: str, key: str | None, name: str, entries: list[dict]) -> None:
        self.add_button.setEnabled(True)
        try:
            server, _ = ServerStore(self.settings).add(name, url, key)
        except RemoteError as exc:
            self._show_error(str(exc))
            return
        self.added.emit(server, [str(e["id"]) for e in entries])
        self.accept()

    def _on_check_failed(self, message: str) -> None:
        self.add_button.setEnabled(True)
        self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.status.setStyleSheet(f"color: {theme.colors().error_text};")
        self.status.setText(message_text(message))
