"""Choosing the language: the setting, the menu and the chooser, the restart offer, and a translation
compiled at start-up when the shipped one is missing or stale."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from backend.settings import Settings
from gui import i18n

REPO = Path(__file__).resolve().parents[2]


def test_the_language_menu_saves_the_choice_and_offers_a_restart(qtbot, data_dir, monkeypatch):
    settings = Settings(data_dir / "settings.json")
    offered = []
    monkeypatch.setattr(i18n, "offer_restart", lambda parent: offered.append(parent) or False)
    menu = i18n.LanguageMenu(settings)
    qtbot.addWidget(menu)
    labels = [a.text() for a in menu.actions()]
    assert labels[1:] == ["English", "简体中文"] and labels[0].startswith("System")
    next(a for a in menu.actions() if a.data() == "zh_CN").trigger()
    assert Settings(data_dir / "settings.json").language == "zh_CN", "saved at once"
    assert len(offered) == 1
    assert [a.data() for a in menu.actions() if a.isChecked()] == ["zh_CN"]
    next(a for a in menu.actions() if a.data() == "zh_CN").trigger()  # the language already chosen
    assert len(offered) == 1, "no restart offered for no change"


def test_the_chooser_for_the_settings_dialog(qtbot, data_dir):
    settings = Settings(data_dir / "settings.json")
    chooser = i18n.LanguageChooser(settings)
    qtbot.addWidget(chooser)
    assert chooser.currentData() == "system"
    with qtbot.waitSignal(chooser.language_chosen) as chosen:
        chooser.setCurrentIndex(chooser.findData("zh_CN"))
    assert chosen.args == ["zh_CN"]
    assert chooser.apply() is True and settings.language == "zh_CN"
    assert chooser.apply() is False, "applying the same language again changes nothing"


def test_an_unknown_setting_falls_back_to_the_system_language(data_dir):
    settings = Settings(data_dir / "settings.json")
    settings.set("language", "klingon")
    assert settings.language == "system"


def test_english_and_the_c_locale_get_no_chinese(qapp):
    try:
        i18n.install(qapp, "en")
        assert QApplication.translate("MainWindow", "&File") == "&File"
        assert QLocale().toString(1234.5, "f", 1) == "1,234.5"
        i18n.install(qapp, "zh_CN")
        assert QApplication.translate("MainWindow", "&File") == "文件(&F)"
    finally:
        i18n.install(qapp, "system")


def test_a_missing_or_stale_translation_is_compiled_into_the_cache(qapp, data_dir, tmp_path, monkeypatch):
    shipped = tmp_path / "translations"
    shipped.mkdir()
    shutil.copy(i18n.TRANSLATIONS_DIR / "hearth_zh_CN.ts", shipped)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", shipped)  # a checkout where setup never compiled it
    try:
        i18n.install(qapp, "zh_CN")
        assert QApplication.translate("MainWindow", "&File") == "文件(&F)"
        cached = data_dir / "cache" / "translations" / "hearth_zh_CN.qm"
        assert cached.exists()
        built = cached.stat().st_mtime
        time.sleep(0.01)
        i18n.install(qapp, "zh_CN")
        assert cached.stat().st_mtime == built, "compiled once, reused while the .ts is unchanged"
    finally:
        i18n.install(qapp, "system")


def test_the_window_starts_in_chinese_from_the_setting(tmp_path):
    """A separate start of the app, as a user's: the setting alone makes the window Chinese."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.json").write_text('{"language": "zh_CN"}')
    probe = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(sys.argv)\n"
        "from backend.settings import Settings\n"
        "from gui import i18n\n"
        "i18n.install(app, Settings().language)\n"
        "print(QApplication.translate('MainWindow', '&File'), QApplication.translate('QPlatformTheme', 'Cancel'))\n"
    )
    env = dict(os.environ, HEARTH_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    ).stdout
    assert out.split() == ["文件(&F)", "取消"]


def test_dictation_expects_the_language_the_user_chose_for_the_window(qtbot, data_dir):
    from gui.dictation_panel import DictationPanel

    settings = Settings(data_dir / "settings.json")
    settings.language = "zh_CN"
    panel = DictationPanel(settings)
    qtbot.addWidget(panel)
    try:
        assert panel.language_combo.currentData() == "zh"
    finally:
        panel.shutdown()


def test_english_plurals_read_as_english(qtbot, qapp):
    """'%n token(s)' is the source text; hearth_en gives it English's two forms (also for C/POSIX)."""
    from backend.chat_session import LiveStats
    from gui.backend_text import threads_text
    from gui.widgets.stats_bar import StatsBar

    for language in ("en", "system"):
        i18n.install(qapp, language)
        bar = StatsBar()
        qtbot.addWidget(bar)
        shown = []
        for tokens in (1, 8):
            bar.show_stats(LiveStats(1, 100.0, 50.0, 20.0, tokens, 30, 4096), live=True)
            shown.append(bar.labels["tokens"].text())
        assert shown == ["1 token", "8 tokens"], (language, shown)
        assert [threads_text(1), threads_text(2)] == ["1 thread", "2 threads"]
    i18n.install(qapp, "zh_CN")
    try:
        assert threads_text(2) == "2 个线程"
    finally:
        i18n.install(qapp, "system")
