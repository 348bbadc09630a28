"""Help → Keyboard shortcuts: every key the window answers to, read from the window itself.

The menu actions and the panels' own shortcuts are collected from the live window, so the list
cannot fall behind the code; only keys a widget handles inside itself (Enter in the message box,
Tab between controls) are written out here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _built_in() -> list[tuple[str, str, str]]:
    """(section, what it does, keys) for keys handled inside widgets, which no action or shortcut holds."""
    everywhere, chat, dictation = (
        QCoreApplication.translate("ShortcutsDialog", "Everywhere"),
        QCoreApplication.translate("ShortcutsDialog", "Chat"),
        QCoreApplication.translate("ShortcutsDialog", "Dictation"),
    )
    return [
        (
            everywhere,
            QCoreApplication.translate("ShortcutsDialog", "Move to the next or previous control"),
            "Tab / Shift+Tab",
        ),
        (
            everywhere,
            QCoreApplication.translate("ShortcutsDialog", "Press the focused button, tick the focused box"),
            QCoreApplication.translate("ShortcutsDialog", "Space"),
        ),
        (
            everywhere,
            QCoreApplication.translate("ShortcutsDialog", "Open a menu"),
            QCoreApplication.translate("ShortcutsDialog", "Alt + the menu's underlined letter, or F10"),
        ),
        (
            everywhere,
            QCoreApplication.translate("ShortcutsDialog", "Next or previous tab when the tab bar has focus"),
            QCoreApplication.translate("ShortcutsDialog", "Left / Right"),
        ),
        (everywhere, QCoreApplication.translate("ShortcutsDialog", "Close a dialog or menu"), "Esc"),
        (chat, QCoreApplication.translate("ShortcutsDialog", "Send the message"), "Enter"),
        (chat, QCoreApplication.translate("ShortcutsDialog", "New line in the message"), "Shift+Enter"),
        (
            chat,
            QCoreApplication.translate("ShortcutsDialog", "Choose a conversation (in the list)"),
            QCoreApplication.translate("ShortcutsDialog", "Up / Down"),
        ),
        (dictation, QCoreApplication.translate("ShortcutsDialog", "Open a drop-down (device, language)"), "Alt+Down"),
    ]


def _key_text(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.NativeText)


def collect(window: QWidget) -> list[tuple[str, str, str]]:
    """(section, what it does, keys) for every shortcut the window has, menus first, then panels, then built-ins."""
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for action in window.findChildren(QAction):
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if not keys or not action.text():
            continue
        menus = [o for o in action.associatedObjects() if hasattr(o, "title") and o.title()]
        section = (
            menus[0].title().replace("&", "") if menus else QCoreApplication.translate("ShortcutsDialog", "Window")
        )
        text = action.text().replace("&", "").rstrip("…").rstrip(".")
        key_text = ", ".join(_key_text(k) for k in keys)
        if key_text not in seen:
            rows.append((section, text, key_text))
            seen.add(key_text)
    for shortcut in window.findChildren(QShortcut):
        key_text = _key_text(shortcut.key())
        if not key_text or key_text in seen:
            continue
        # Panels describe their shortcuts with whatsThis ("Section: what it does").
        described = shortcut.whatsThis() or shortcut.objectName()
        section, _, text = described.partition(": ")
        if not text:  # a translation may use the full-width colon
            section, _, text = described.partition("：")
        rows.append(
            (section if text else QCoreApplication.translate("ShortcutsDialog", "Window"), text or described, key_text)
        )
        seen.add(key_text)
    rows.extend(_built_in())
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(720, 600)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.tree.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        sections: dict[str, QTreeWidgetItem] = {}
        for section, text, keys in collect(window):
            if section not in sections:
                head = QTreeWidgetItem([section])
                font = head.font(0)
                font.setBold(True)
                head.setFont(0, font)
                head.setFirstColumnSpanned(True)
                head.setFlags(Qt.ItemIsEnabled)
                self.tree.addTopLevelItem(head)
                sections[section] = head
            item = QTreeWidgetItem([text, keys])
            # A screen reader reads the row as one sentence.
            item.setData(0, Qt.AccessibleTextRole, f"{text}: {keys}")
            sections[section].addChild(item)
        self.tree.expandAll()
        self.tree.setItemsExpandable(False)
        hint = QLabel(self.tr("Every control can be reached with Tab; the focused one has an ember outline."))
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.tree.setFocus()

    def rows(self) -> list[tuple[str, str]]:
        """(what it does, keys) as shown, for tests and for copying."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(i)
            out.extend((head.child(j).text(0), head.child(j).text(1)) for j in range(head.childCount()))
        return out
