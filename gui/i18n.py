"""The window's language: Hearth's translation and Qt's own, installed before the first widget exists.

resources/translations/hearth_zh_CN.ts is the source of truth, kept in the repository and refreshed
by `pyside6-lupdate`. Qt loads the compiled .qm: the setup (hearth.sh) and the bundle build it next
to the .ts; when it is missing or older than the .ts (a checkout updated after setup) it is compiled
into the data folder's cache at start-up, so the window never shows a stale or missing translation.
Qt's qtbase_<lang>.qm translates the standard dialogs (file pickers, message box buttons).

A language change takes effect after a restart, which the window offers: every widget builds its
text once, so switching in place would leave half the window in the old language.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QMenu, QMessageBox, QWidget

from backend import paths
from backend.settings import Settings

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = paths.RESOURCES_DIR / "translations"
CATALOG = "hearth"  # hearth_zh_CN.ts / .qm
# Each language is named in itself, so a user who cannot read the current language still finds theirs.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
RESTART_EXIT_CODE = 75  # the window asks run_app to start Hearth again in the new language

_installed: list[QTranslator] = []


def locale_for(language: str) -> QLocale:
    """The locale a language setting stands for ("system": the desktop's)."""
    if language == "en":
        return QLocale(QLocale.English, QLocale.UnitedStates)
    if language == "zh_CN":
        return QLocale(QLocale.Chinese, QLocale.SimplifiedChineseScript, QLocale.China)
    return QLocale.system()


def install(app: QCoreApplication, language: str) -> QLocale:
    """Install the translators for `language` (replacing earlier ones) and make its locale the default,
    so numbers, dates and sizes follow it. Returns the locale in effect."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    locale = locale_for(language)
    QLocale.setDefault(locale)
    own = QTranslator(app)
    qm_dir = _compiled_dir()
    # English (and the C locale, which is English) loads hearth_en: the source text's plural forms.
    english = locale.language() in (QLocale.C, QLocale.English)
    if qm_dir and (own.load(f"{CATALOG}_en", str(qm_dir)) if english else own.load(locale, CATALOG, "_", str(qm_dir))):
        app.installTranslator(own)
        _installed.append(own)
    elif english or _wants_translation(locale):
        log.warning("no Hearth translation for %s found in %s", locale.name(), qm_dir)
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    return locale


def _wants_translation(locale: QLocale) -> bool:
    return any((TRANSLATIONS_DIR / f"{CATALOG}_{name}.ts").exists() for name in _candidate_names(locale))


def _candidate_names(locale: QLocale) -> list[str]:
    names = []
    for ui in locale.uiLanguages():
        parts = ui.replace("-", "_").split("_")
        names += ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]
    return names


def _compiled_dir() -> Path | None:
    """The folder holding an up-to-date .qm for every .ts: the shipped one, else the cache (compiled now)."""
    sources = sorted(TRANSLATIONS_DIR.glob(f"{CATALOG}_*.ts"))
    if all(_is_current(ts.with_suffix(".qm"), ts) for ts in sources):
        return TRANSLATIONS_DIR
    cache = paths.data_dir() / "cache" / "translations"
    for ts in sources:
        digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
        qm = cache / f"{ts.stem}.qm"
        stamp = cache / f"{ts.stem}.sha256"
        if qm.exists() and stamp.exists() and stamp.read_text() == digest:
            continue
        try:
            compile_ts(ts, qm)
            stamp.write_text(digest)
        except (OSError, subprocess.CalledProcessError, FileNotFoundError) as exc:
            log.warning("could not compile %s: %s", ts.name, exc)
            return TRANSLATIONS_DIR if sources and sources[0].with_suffix(".qm").exists() else None
    return cache


def _is_current(qm: Path, ts: Path) -> bool:
    return qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime


def lrelease() -> str:
    """PySide6's lrelease: the one in the wheel, else on PATH."""
    import PySide6

    bundled = Path(PySide6.__file__).parent / "lrelease"
    found = str(bundled) if bundled.exists() else shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if not found:
        raise FileNotFoundError("lrelease (PySide6's translation compiler) is not installed")
    return found


def compile_ts(ts: Path, qm: Path) -> None:
    qm.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)


def language_names() -> list[tuple[str, str]]:
    """(setting, label) for the chooser: System first, then each language in its own name."""
    desktop = QLocale.system()
    native = "English" if desktop.language() == QLocale.C else desktop.nativeLanguageName()  # C/POSIX is English
    system = QCoreApplication.translate("i18n", "System ({language})").format(language=native or desktop.name())
    return [("system", system), *LANGUAGE_NAMES.items()]


class LanguageChooser(QComboBox):
    """System / English / 简体中文, for the Settings dialog; `apply()` saves the choice."""

    language_chosen = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        for value, label in language_names():
            self.addItem(label, value)
        self.setCurrentIndex(max(0, self.findData(settings.language)))
        self.setAccessibleName(self.tr("Language"))
        self.currentIndexChanged.connect(lambda _: self.language_chosen.emit(self.currentData()))

    def apply(self) -> bool:
        """Save the chosen language; True when it differs from the one the window runs in."""
        changed = self.currentData() != self.settings.language
        self.settings.language = self.currentData()
        return changed


class LanguageMenu(QMenu):
    """View → Language: the same choice as a menu; choosing saves it and offers the restart."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("&Language"))
        self.settings = settings
        for value, label in language_names():
            action = self.addAction(label)
            action.setCheckable(True)
            action.setChecked(value == settings.language)
            action.setData(value)
            action.triggered.connect(lambda _=False, v=value: self.choose(v))

    def choose(self, language: str) -> None:
        for action in self.actions():
            action.setChecked(action.data() == language)
        if language == self.settings.language:
            return
        self.settings.language = language
        offer_restart(self.parentWidget())


def offer_restart(parent: QWidget | None) -> bool:
    """Ask whether to restart now in the saved language; True when the restart was started."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Information)
    box.setWindowTitle(QCoreApplication.translate("i18n", "Language"))
    box.setText(QCoreApplication.translate("i18n", "The new language applies when Hearth starts again."))
    box.setInformativeText(QCoreApplication.translate("i18n", "Restart now? Your conversations are saved."))
    now = box.addButton(QCoreApplication.translate("i18n", "Restart now"), QMessageBox.AcceptRole)
    box.addButton(QCoreApplication.translate("i18n", "Later"), QMessageBox.RejectRole)
    box.exec()
    if box.clickedButton() is not now:
        return False
    window = parent.window() if parent else None
    if window is not None:
        window.close()  # not spontaneous: saves the geometry and stops the engines, as File → Quit does
    QApplication.exit(RESTART_EXIT_CODE)
    return True


def restart_process() -> None:
    """Replace this process by a fresh Hearth (same arguments); run_app calls it after a clean shutdown."""
    args = [sys.executable, *sys.argv[1:]] if getattr(sys, "frozen", False) else [sys.executable, *sys.argv]
    os.execv(args[0], args)
