"""Models → Servers: the servers the user added and their models, and llama.cpp RPC workers.

It also feeds the chat's model picker (`choices`, a ModelPicker provider): each server's models
appear under its own heading, marked remote. A server's model list is fetched on a pool thread when
it is added, when Refresh is pressed, or the first time the picker opens in a session; a server that
does not answer is listed greyed out with the reason. Only servers in this list are ever contacted.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backend.remote_http import RemoteError, list_models
from backend.remote_rpc import add_workers, parse_workers, rpc_support
from backend.remote_servers import RemoteServer, ServerStore, parse_remote_ref, remote_ref
from backend.settings import Settings
from gui import theme
from gui.error_text import message_text
from gui.model_jobs import JobRunner
from gui.model_picker import ModelChoice
from gui.remote_server_dialog import RemoteServerDialog

REF_ROLE = Qt.UserRole


class RemoteServersPage(QWidget):
    use_requested = Signal(str)  # a model ref for the chat to load (a remote ref, or a local path for RPC)
    models_changed = Signal()

    def __init__(self, settings: Settings, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings, self.jobs = settings, jobs
        self.store = ServerStore(settings)
        self._models: dict[str, list[str] | str] = {}  # url -> model ids, or why it did not answer
        self._checking: set[str] = set()

        intro = QLabel(
            self.tr(
                "Models on other machines, through an OpenAI-compatible server. Their models appear in the "
                "chat's model menu, marked remote."
            )
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName(self.tr("Servers and their models"))
        self.tree.setHeaderLabels([self.tr("Server / model"), self.tr("Address")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self._on_use_clicked())
        self.add_button = QPushButton(self.tr("Add a server…"))
        self.add_button.clicked.connect(self.open_add_dialog)
        self.use_button = QPushButton(self.tr("Use for chat"))
        self.use_button.clicked.connect(self._on_use_clicked)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh_all)
        self.remove_button = QPushButton(self.tr("Remove server"))
        self.remove_button.clicked.connect(self._on_remove_clicked)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.use_button, self.refresh_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("remote_servers_message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.PlainText)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self._build_rpc())
        self._fill()

    # --- llama.cpp RPC ------------------------------------------------------------------------

    def _build_rpc(self) -> QWidget:
        box = QGroupBox(self.tr("Split a local model across machines (llama.cpp RPC)"))
        support = rpc_support()
        self.rpc_available = support.available
        self.rpc_note = QLabel(
            self.tr("This llama.cpp build has the RPC backend: start rpc-server on each machine and list them here.")
            if support.available
            else self.tr(
                "This llama.cpp build has no RPC backend (it was built without -DGGML_RPC=on), so a model cannot "
                "be split across machines. The README's Remote models section says how to build it."
            )
        )
        self.rpc_note.setObjectName("rpc_note")
        self.rpc_note.setWordWrap(True)
        self.rpc_note.setToolTip(
            ""
            if support.available
            else self.tr(
                "To use RPC workers, rebuild llama-cpp-python with RPC: {command} (README: Remote models)."
            ).format(
                command='CMAKE_ARGS="-DGGML_RPC=on" .venv/bin/pip install --force-reinstall '
                "--no-cache-dir llama-cpp-python"
            )
        )
        self.rpc_edit = QLineEdit()
        self.rpc_edit.setPlaceholderText("192.168.1.20:50052, 192.168.1.21:50052")
        self.rpc_edit.setAccessibleName(self.tr("RPC workers (host:port list)"))
        self.rpc_button = QPushButton(self.tr("Use these RPC workers"))
        self.rpc_button.clicked.connect(self._on_rpc_clicked)
        self.rpc_edit.setEnabled(support.available)
        self.rpc_button.setEnabled(support.available)
        row = QHBoxLayout()
        row.addWidget(self.rpc_edit, 1)
        row.addWidget(self.rpc_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.rpc_note)
        layout.addLayout(row)
        return box

    def _on_rpc_clicked(self) -> None:
        model = self.settings.chat_model
        if not model or parse_remote_ref(model):
            self._show(self.tr("Load a local GGUF for chat first: RPC splits a model file on this computer."), True)
            return
        try:
            workers = parse_workers(self.rpc_edit.text())
        except RemoteError as exc:
            self._show(message_text(str(exc)), True)
            return

        def registered(_all: list[str]) -> None:
            # RPC devices count as GPUs to llama.cpp: offload every layer, and it spreads them over the workers.
            saved = self.settings.model_settings(model)
            self.settings.set_model_settings(model, dataclasses.replace(saved, n_gpu_layers=-1))
            self._show(self.tr("Reloading the chat model across {n} RPC workers…").format(n=len(workers)))
            self.use_requested.emit(model)

        self.jobs.start(lambda _p: add_workers(workers), registered, lambda m: self._show(message_text(m), True))

    # --- servers ------------------------------------------------------------------------------

    def open_add_dialog(self) -> RemoteServerDialog:
        dialog = RemoteServerDialog(self.settings, self.jobs, self)
        dialog.added.connect(self._on_added)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_added(self, server: RemoteServer, models: list[str]) -> None:
        self._models[server.url] = models
        self._fill()
        self._show(
            self.tr("Added {name}: %n model(s).", "", len(models)).format(name=server.name)
            if models
            else self.tr("Added {name}, but it offers no model right now.").format(name=server.name)
        )
        self.models_changed.emit()

    def refresh_all(self) -> None:
        for server in self.store.servers():
            self._check(server)

    def _check(self, server: RemoteServer) -> None:
        if server.url in self._checking:
            return
        self._checking.add(server.url)
        endpoint = self.store.endpoint(server)

        def done(entries: list[dict]) -> None:
            self._checking.discard(server.url)
            self._models[server.url] = [str(e["id"]) for e in entries]
            self._fill()
            self.models_changed.emit()

        def failed(message: str) -> None:
            self._checking.discard(server.url)
            self._models[server.url] = message
            self._fill()
            self.models_changed.emit()

        self.jobs.start(lambda _p: list_models(endpoint), done, failed)

    def _fill(self) -> None:
        self.tree.clear()
        for server in self.store.servers():
            top = QTreeWidgetItem([server.name, server.url])
            top.setData(0, REF_ROLE, "")
            top.setData(1, REF_ROLE, server.url)
            found = self._models.get(server.url)
            if isinstance(found, str):
                top.setToolTip(0, message_text(found))
                note = QTreeWidgetItem([self.tr("Did not answer: {0}").format(message_text(found))])
            elif found is None:
                note = QTreeWidgetItem([self.tr("Not checked yet (Refresh)")])
            else:
                note = None
                for model_id in found:
                    child = QTreeWidgetItem([model_id, self.tr("remote")])
                    child.setData(0, REF_ROLE, remote_ref(server.url, model_id))
                    top.addChild(child)
            self.tree.addTopLevelItem(top)
            if note is not None:  # a sentence, across both columns
                top.addChild(note)
                note.setFirstColumnSpanned(True)
                note.setToolTip(0, note.text(0))
            top.setExpanded(True)
        self._update_buttons()

    def _selected(self) -> QTreeWidgetItem | None:
        items = self.tree.selectedItems()
        return items[0] if items else None

    def _update_buttons(self) -> None:
        item = self._selected()
        self.use_button.setEnabled(bool(item and item.data(0, REF_ROLE)))
        self.remove_button.setEnabled(item is not None and item.parent() is None)
        self.refresh_button.setEnabled(bool(self.store.servers()))

    def select_ref(self, ref: str) -> bool:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, REF_ROLE) == ref:
                    self.tree.setCurrentItem(top.child(j))
                    return True
        return False

    def _on_use_clicked(self) -> None:
        item = self._selected()
        ref = item.data(0, REF_ROLE) if item else ""
        if ref:
            self.use_requested.emit(ref)

    def _on_remove_clicked(self) -> None:
        item = self._selected()
        if item is None or item.parent() is not None:
            return
        url = item.data(1, REF_ROLE)
        self.store.remove(url)
        self._models.pop(url, None)
        self._fill()
        self.models_changed.emit()

    def _show(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {theme.colors().error_text};" if error else "")
        self.message.setText(text)

    # --- the chat's model picker --------------------------------------------------------------

    def choices(self) -> list[ModelChoice]:
        """Each server's models, for the chat's picker; a server not asked yet this session is asked now."""
        out = []
        for server in self.store.servers():
            group = self.tr("Remote · {name}").format(name=server.name)
            found = self._models.get(server.url)
            if found is None:
                self._check(server)
                checking = self.tr("Checking {url}…").format(url=server.url)
                out.append(ModelChoice("", checking, group=group, enabled=False))
            elif isinstance(found, str):
                out.append(ModelChoice("", self.tr("Did not answer"), message_text(found), group=group, enabled=False))
            else:
                out.extend(
                    ModelChoice(remote_ref(server.url, model_id), model_id, self.tr("remote"), group=group)
                    for model_id in found
                )
        return out
