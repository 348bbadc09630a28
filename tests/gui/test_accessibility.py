"""Screen readers: every control a user can reach has a name, the shortcuts are all documented, and a
finished reply is announced."""

from __future__ import annotations

from app_helpers import make_window
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from backend.conversations import ConversationStore
from gui.shortcuts_dialog import ShortcutsDialog
from gui.widgets import message_view

# Their accessible name would otherwise be their value ("English", "512"): a screen reader would say
# what is chosen but not what it is for. They need a name of their own, or a label that is their buddy.
NEEDS_OWN_NAME = (
    QComboBox,
    QAbstractSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
    QAbstractSlider,
    QKeySequenceEdit,
    QTabWidget,
)


def _unnamed(root: QWidget) -> list[str]:
    """Visible controls reachable with Tab that a screen reader could not name."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or not widget.focusPolicy() & Qt.TabFocus:
            continue
        if isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox, QKeySequenceEdit)):
            continue  # the line edit inside a spin box or editable combo: the box itself is named
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Name).strip() if interface else ""
        explicit = bool(widget.accessibleName().strip()) or id(widget) in buddies
        if not name or (isinstance(widget, NEEDS_OWN_NAME) and not explicit):
            what = widget.objectName() or getattr(widget, "toolTip", lambda: "")() or name
            missing.append(f"{type(widget).__name__} '{what}' in {type(widget.parentWidget()).__name__}")
    return missing


def _seed_conversation(data_dir) -> None:
    """A conversation with a finished reply, so the bubbles and their timing buttons are on screen."""
    store = ConversationStore(data_dir / "conversations.sqlite3")
    conversation = store.create_conversation("Greetings")
    store.add_message(conversation.id, "user", "Say hello")
    reply = store.add_message(conversation.id, "assistant", "Hello! Here is code:\n\n```python\nprint(1)\n```")
    store.finish_message(reply.id, reply.content, {"generated_tokens": 9, "tokens_per_second": 20.0, "ttft_ms": 80})
    store.close()


def test_every_reachable_control_in_every_tab_has_an_accessible_name(qtbot, data_dir):
    _seed_conversation(data_dir)
    window = make_window(qtbot, data_dir, None, load_models=False)
    try:
        window.chat_pane.settings_button.setChecked(True)  # the conversation settings beside the chat
        assert window.chat_pane.view.bubbles, "the seeded conversation is shown"
        missing = {}
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            page = window.tabs.widget(index)
            inner = page.findChildren(QTabWidget)  # the Models tab has tabs of its own
            for tabs in inner or [None]:
                for sub in range(tabs.count()) if tabs else [None]:
                    if tabs is not None:
                        tabs.setCurrentIndex(sub)
                    QApplication.processEvents()
                    for problem in _unnamed(window):
                        missing.setdefault(problem, window.tabs.tabText(index))
        assert not missing, "controls without an accessible name:\n" + "\n".join(
            f"{tab}: {what}" for what, tab in missing.items()
        )
    finally:
        window.close()
        window.store.close()


def test_the_settings_and_shortcuts_dialogs_name_every_control(qtbot, data_dir):
    window = make_window(qtbot, data_dir, None, load_models=False)
    try:
        dialog = window.open_settings()
        qtbot.waitExposed(dialog)
        missing = []
        for index in range(dialog.pages.count()):
            dialog.pages.setCurrentIndex(index)
            QApplication.processEvents()
            missing += _unnamed(dialog)
        dialog.reject()
        shortcuts = ShortcutsDialog(window)
        shortcuts.show()
        qtbot.waitExposed(shortcuts)
        missing += _unnamed(shortcuts)
        shortcuts.close()
        assert not missing, "\n".join(missing)
    finally:
        window.close()
        window.store.close()


def test_help_lists_every_shortcut_the_window_answers_to(qtbot, data_dir):
    window = make_window(qtbot, data_dir, None, load_models=False)
    try:
        rows = ShortcutsDialog(window).rows()
        listed = " | ".join(keys for _, keys in rows)
        keys = {
            k.toString(QKeySequence.NativeText)
            for action in window.findChildren(QAction)
            for k in action.shortcuts()
            if not k.isEmpty() and action.text()
        }
        keys |= {s.key().toString(QKeySequence.NativeText) for s in window.findChildren(QShortcut)}
        assert {"Ctrl+,", "Ctrl+R", "Ctrl+L", "Ctrl+."} <= keys, "the shortcuts this feature promises exist"
        assert not [k for k in keys if k not in listed], "every shortcut appears in Help → Keyboard shortcuts"
        described = dict((k, text) for text, k in rows)
        assert described["Ctrl+R"].startswith("Start or stop recording"), "a panel's shortcut says what it does"
        assert all(text for text, _ in rows)
    finally:
        window.close()
        window.store.close()


def test_a_finished_reply_is_announced_politely(open_window, qtbot, monkeypatch):
    said = []

    def record(event):
        if event.type() == QAccessible.Event.Announcement:
            said.append((event.message(), event.politeness()))

    monkeypatch.setattr(message_view.QAccessible, "updateAccessibility", record)
    window = open_window()
    pane = window.chat_pane
    pane.input.setPlainText("Say hello.")
    with qtbot.waitSignal(pane.generation_finished, timeout=120_000):
        pane.send()
    reply = pane.view.bubbles[-1].text().strip()
    assert reply, "the model answered"
    limit = message_view.ANNOUNCE_CHARS
    expected = reply if len(reply) <= limit else reply[:limit] + "…"
    assert said == [(f"Reply: {expected}", QAccessible.AnnouncementPoliteness.Polite)]
