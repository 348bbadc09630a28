"""The whole window in Simplified Chinese: every text a user can see is translated.

The window is built as a user who chose 简体中文 gets it (with the bundled chat model loaded), then
every widget, menu, action, tab, table header, combo item and dialog is read: no English sentence of
the catalog may be left, and no run of English words either, except the names listed below.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from app_helpers import make_window
from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from gui import i18n

TS = Path(i18n.TRANSLATIONS_DIR) / "hearth_zh_CN.ts"

# Names that stay as they are in a Chinese window: products, formats, file types, keys, units.
ALLOWED = [
    "Hearth",
    "llama.cpp",
    "llama-bench",
    "llama-server",
    "whisper.cpp",
    "faster-whisper",
    "Whisper",
    "Flash Attention",
    "Markdown",
    "JSON",
    "WebVTT",
    "SubRip",
    "PyTorch",
    "OpenAI",
    "LM Studio",
    "Ctrl+Shift+V",
    "Ctrl+R",
    "Shift+Tab",
    "Shift+Enter",
    "t/s",
    "dBFS",
    "MB/s",
    "Hz",
    "Dictate into any application",  # README sections' titles, quoted so they can be found there
    "Remote models",
    # a command to copy into a terminal
    'CMAKE_ARGS="-DGGML_RPC=on" .venv/bin/pip install --force-reinstall --no-cache-dir llama-cpp-python',
]
# Widgets whose text is not the window speaking: a Python code sample for the server's clients, and
# the benchmark tables, whose headers are llama-bench's own column names (model, size, params, …).
SKIPPED_OBJECTS = {"server_example", "bench_table", "bench_whisper_table"}
WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]+(?:[ ,]+[A-Za-z][A-Za-z'’-]+)+")


def english_vocabulary() -> set[str]:
    """Words of the catalog's English that no translation keeps: seen in the window, they are English left
    (a word a translation keeps, like GPU or Whisper, is a name)."""
    sources, kept = set(), set()
    for message in ET.parse(TS).getroot().iter("message"):
        translation = message.find("translation")
        sources |= set(_words(message.findtext("source") or ""))
        kept |= set(_words(translation.text or "".join(t.text or "" for t in translation)))
    return sources - kept


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)]


def catalog_sources() -> set[str]:
    """The English sentences the catalog translates differently (mnemonics removed)."""
    sources = set()
    for message in ET.parse(TS).getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        text = translation.text or "".join(t.text or "" for t in translation)
        if text != source:
            sources.add(source.replace("&", ""))
    return sources


def _menu_texts(menu: QMenu, where: str):
    yield where, menu.title()
    for action in menu.actions():
        yield from _action_texts(action, where)


def _action_texts(action: QAction, where: str):
    yield f"{where} action", action.text()
    yield f"{where} action tip", action.toolTip() if action.toolTip() != action.text().replace("&", "") else ""
    if action.menu():
        yield from _menu_texts(action.menu(), f"{where} › {action.text()}")


def visible_texts(root: QWidget):
    """(where, text) for every text the user can see or hear (screen readers) in `root` and its children."""
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.objectName() in SKIPPED_OBJECTS or any(p.objectName() in SKIPPED_OBJECTS for p in _parents(widget)):
            continue
        where = f"{type(widget).__name__}({widget.objectName()})"
        yield f"{where} title", widget.windowTitle() if widget.isWindow() else ""
        yield f"{where} tooltip", widget.toolTip()
        yield f"{where} accessible name", widget.accessibleName()
        if isinstance(widget, QLabel | QAbstractButton):
            yield where, widget.text()
        if isinstance(widget, QLineEdit):
            yield f"{where} placeholder", widget.placeholderText()
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            yield f"{where} placeholder", widget.placeholderText()
        if isinstance(widget, QGroupBox):
            yield where, widget.title()
        if isinstance(widget, QAbstractSpinBox):
            yield f"{where} special value", widget.specialValueText()
            yield f"{where} prefix", getattr(widget, "prefix", lambda: "")()
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield f"{where} item {i}", widget.itemText(i)
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield f"{where} tab {i}", widget.tabText(i)
                yield f"{where} tab tip {i}", widget.tabToolTip(i)
        if isinstance(widget, QTableWidget):
            for c in range(widget.columnCount()):
                item = widget.horizontalHeaderItem(c)
                if item is not None:
                    yield f"{where} header {c}", item.text()
                    yield f"{where} header tip {c}", item.toolTip()
        if isinstance(widget, QTreeWidget):
            header = widget.headerItem()
            for c in range(header.columnCount()):
                yield f"{where} header {c}", header.text(c)
        if isinstance(widget, QMenu):
            yield from _menu_texts(widget, where)
        for action in widget.actions():
            yield from _action_texts(action, where)


def _parents(widget: QWidget):
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


def english_left(texts, sources: set[str], allowed: list[str], vocabulary: frozenset[str] = frozenset()) -> list[str]:
    found = []
    for where, text in texts:
        if not text:
            continue
        plain = text.replace("&", "")
        if plain in {label for _, label in i18n.language_names()}:  # each language is named in itself
            continue
        if plain in sources:
            found.append(f"{where}: {text!r} is an untranslated catalog string")
            continue
        rest = plain
        for name in sorted(allowed, key=len, reverse=True):
            rest = rest.replace(name, " ")
        rest = re.sub(r"<[^>]+>", " ", rest)  # rich-text markup
        match = WORDS.search(rest)
        if match:
            found.append(f"{where}: {text!r} has English words: {match.group(0)!r}")
            continue
        english = [w for w in re.findall(r"(?<![\w./+-])[A-Za-z]{3,}(?![\w./+-])", rest) if w.lower() in vocabulary]
        if english:
            found.append(f"{where}: {text!r} has the English word {english[0]!r}")
    return sorted(set(found))


@pytest.fixture
def chinese(qapp):
    locale = i18n.install(qapp, "zh_CN")
    assert locale.language() == QLocale.Chinese
    yield
    i18n.install(qapp, "system")


def test_the_catalog_is_installed_and_translates(chinese):
    assert QApplication.translate("MainWindow", "&File") == "文件(&F)"
    assert QApplication.translate("QPlatformTheme", "Cancel") == "取消", "Qt's own qtbase_zh_CN.qm"


def test_the_whole_window_is_chinese(qtbot, chinese, data_dir, chat_model_path):
    window = make_window(qtbot, data_dir, chat_model_path)
    qtbot.waitUntil(lambda: window.chat_pane.model_info is not None, timeout=120_000)
    allowed = [*ALLOWED, *_names_from_outside(window)]
    texts = []
    for index in range(window.tabs.count()):  # every tab shown once, so what builds on show is there
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        texts += list(visible_texts(window))
    for menu_action in window.menuBar().actions():
        texts += list(_action_texts(menu_action, "menu bar"))
    if window.anywhere.tray is not None:  # the tray's menu belongs to no widget
        texts += list(_menu_texts(window.anywhere.tray.menu, "tray"))
        texts.append(("tray tooltip", window.anywhere.tray.icon.toolTip()))
    for dialog in _dialogs(window):
        texts += list(visible_texts(dialog))
        dialog.deleteLater()
    problems = english_left(texts, catalog_sources(), allowed, frozenset(english_vocabulary()))
    window.close()
    window.store.close()
    assert problems == [], "\n".join(problems)


def _names_from_outside(window) -> list[str]:
    """Names that come from files and devices, not from Hearth: model titles, voices, microphones, the
    file type and architecture names in model headers."""
    from backend.audio import list_input_devices
    from backend.models import catalog

    names = [entry.title for entry in catalog.load_catalog()]
    mm = window.model_manager
    for model in mm.installed:
        names += [model.title, model.path.name, model.architecture, model.quantization, model.parameters]
    if window.chat_pane.model_info is not None:
        names += [window.chat_pane.model_info.name, window.chat_pane.model_info.quantization]
    try:
        names += [device.name for device in list_input_devices()]
    except Exception:  # no audio system: no device names to allow
        pass
    voices = window.voice_mode.voice_box
    names += [voices.itemText(i) for i in range(voices.count())]
    speakers = window.voice_mode.output_box
    names += [speakers.itemText(i) for i in range(1, speakers.count())]
    return [n for n in names if n]


def _dialogs(window) -> list[QDialog]:
    """The window's dialogs, built as their menu commands build them (not shown)."""
    from gui.dictate_anywhere_dialog import AnywhereSettingsDialog
    from gui.remote_server_dialog import RemoteServerDialog
    from gui.settings_dialog import SettingsDialog
    from gui.shortcuts_dialog import ShortcutsDialog

    return [
        AnywhereSettingsDialog(window.anywhere, window),
        SettingsDialog(window.settings, window),
        ShortcutsDialog(window),
        RemoteServerDialog(window.settings, window.model_manager.jobs, window),
    ]


def test_the_walk_finds_english_it_should():
    sources = {"Start server"}
    texts = [
        ("button", "Start server"),
        ("label", "正在监听 http://127.0.0.1:8080/v1"),
        ("tip", "模型 Qwen2.5 Coder 0.5B Instruct 已加载"),
        ("status", "Could not load the model"),
        ("units", "12 t/s · 3 MB/s"),
        ("word", "2 thread(s)"),
        ("keys", "按 Ctrl+Alt+Space 开始"),
    ]
    allowed = ["Qwen2.5 Coder 0.5B Instruct", "t/s", "MB/s"]
    problems = english_left(texts, sources, allowed, frozenset({"thread", "space"}))
    assert [p.split(":")[0] for p in problems] == ["button", "status", "word"], problems
