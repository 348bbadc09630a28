"""The list of conversations: search, new, rename, delete."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backend.conversations import ConversationStore
from gui import icons
from gui.widgets.rich_text import plain_tooltip


class ConversationList(QWidget):
    selected = Signal(int)  # conversation id, or -1 for none
    new_requested = Signal()

    def __init__(self, store: ConversationStore, parent=None):
        super().__init__(parent)
        self.store = store
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search conversations…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self.refresh())
        layout.addWidget(self.search)
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Conversations"))
        # A long title ends in "…" (its tooltip has all of it) rather than widening the list past its edge.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.ElideRight)
        self.list.setUniformItemSizes(True)
        self.list.currentItemChanged.connect(self._on_list_current_changed)
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.clicked.connect(self.new_requested)
        self.rename_button = QPushButton(self.tr("Rename"))
        self.rename_button.clicked.connect(self._on_rename_clicked)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self._on_delete_clicked)
        # Said both when they work and when they wait for a selection.
        self.rename_button.setToolTip(self.tr("Rename the selected conversation (select one in the list first)"))
        self.delete_button.setToolTip(self.tr("Delete the selected conversation (select one in the list first)"))
        for b, name in ((self.new_button, "new"), (self.rename_button, "rename"), (self.delete_button, "delete")):
            icons.set_icon(b, name)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self._quiet = False

    def current_id(self) -> int:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item else -1

    def refresh(self, select_id: int | None = None) -> None:
        keep = self.current_id() if select_id is None else select_id
        self._quiet = True
        self.list.clear()
        for conv in self.store.list_conversations(self.search.text().strip()):
            item = QListWidgetItem(conv.title)
            item.setData(Qt.UserRole, conv.id)
            item.setToolTip(plain_tooltip(conv.title))  # a title is the start of a message: any text
            self.list.addItem(item)
            if conv.id == keep:
                self.list.setCurrentItem(item)
        self._quiet = False
        self.rename_button.setEnabled(self.current_id() >= 0)
        self.delete_button.setEnabled(self.current_id() >= 0)

    def select(self, conversation_id: int) -> None:
        self.refresh(select_id=conversation_id)

    def _on_list_current_changed(self, current, _previous) -> None:
        self.rename_button.setEnabled(current is not None)
        self.delete_button.setEnabled(current is not None)
        if not self._quiet:
            self.selected.emit(current.data(Qt.UserRole) if current else -1)

    def _on_rename_clicked(self) -> None:
        cid = self.current_id()
        conv = self.store.get_conversation(cid) if cid >= 0 else None
        if not conv:
            return
        title, ok = QInputDialog.getText(self, self.tr("Rename conversation"), self.tr("Title:"), text=conv.title)
        if ok and title.strip():
            self.store.rename_conversation(cid, title.strip())
            self.refresh()

    def _on_delete_clicked(self) -> None:
        cid = self.current_id()
        conv = self.store.get_conversation(cid) if cid >= 0 else None
        if not conv:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete conversation"),
            self.tr("Delete “{title}” and all its messages?").format(title=conv.title),
        )
        if answer == QMessageBox.Yes:
            self.store.delete_conversation(cid)
            self.refresh(select_id=-1)
            self.selected.emit(self.current_id())
