"""Starting the window when nobody watches a terminal: problems go to a dialog and to a log file.

Hearth opened from the desktop menu has no terminal, so whatever stops it at start (no display, a
missing system library, a data folder it cannot use, a bug) is shown in a dialog, printed as one
line on stderr, and written to a rotating log in the data folder (logs/hearth.log). Where Qt itself
cannot open a window, the dialog comes from the desktop's own tools (zenity, kdialog, xmessage).
"""

from __future__ import annotations

import ctypes
import faulthandler
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

log = logging.getLogger("hearth")

LOG_FILE = "hearth.log"
CRASH_FILE = "crash.log"  # faulthandler's: a crash inside llama.cpp or Qt still leaves a trace
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3

_crash_file = None  # kept open for faulthandler, which writes to its descriptor when the process dies


def run_guarded(argv: list[str]) -> int:
    """Open the window, turning every failure before it is up into a message the user can see."""
    log_dir = start_logging()
    problem = platform_problem()
    if problem:
        return _fail_without_qt(problem, log_dir)
    try:
        from PySide6.QtWidgets import QApplication

        from gui import app_identity

        app_identity.follow_system_colors()
        app = QApplication.instance() or QApplication([sys.argv[0], *argv])
        app_identity.apply(app)
        _forward_qt_messages()
        from gui.app import run_app

        return run_app(argv)
    except Exception as exc:  # anything at all that stops the start must reach the user
        log.exception("Hearth could not start")
        _show_dialog(f"Hearth could not start: {exc}", _where_logged(log_dir))
        return 1


# --- the log ----------------------------------------------------------------------------------


def start_logging() -> Path | None:
    """A rotating log in <data>/logs; None where the data folder cannot be used (said at start)."""
    global _crash_file
    log.setLevel(logging.INFO)
    sys.excepthook = _log_uncaught
    threading.excepthook = lambda args: _log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)
    try:
        from backend import paths

        folder = paths.data_dir() / "logs"
        folder.mkdir(exist_ok=True)
        handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        _crash_file = open(folder / CRASH_FILE, "a", encoding="utf-8")  # open for the process's life
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    faulthandler.enable(file=_crash_file)
    log.info("Hearth starting: %s, Python %s", sys.executable, sys.version.split()[0])
    return folder


def _log_uncaught(exc_type, exc_value, exc_tb) -> None:
    log.error("uncaught exception", exc_info=(exc_type, exc_value, exc_tb))
    traceback.print_exception(exc_type, exc_value, exc_tb)


def _forward_qt_messages() -> None:
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }
    qt_log = logging.getLogger("qt")

    def handler(kind, context, message):
        qt_log.log(levels.get(kind, logging.WARNING), message)
        if kind != QtMsgType.QtDebugMsg:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handler)


def _where_logged(log_dir: Path | None) -> str:
    if log_dir is None:
        return "No log file could be written (the data folder is not usable)."
    return f"Details are in {log_dir / LOG_FILE}."


# --- problems Qt cannot report itself ---------------------------------------------------------


def platform_problem() -> str | None:
    """Why Qt could not open a window here, found before Qt tries (it would abort the process)."""
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None  # offscreen, wayland, vnc…: Qt reports those itself
    if os.environ.get("WAYLAND_DISPLAY") and not platform:
        return None
    display = os.environ.get("DISPLAY")
    if not display:
        return (
            "there is no display to open the window on (DISPLAY is not set). Start Hearth from a desktop "
            "session, or use a sub-command to work without a window (Hearth --help)."
        )
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError as exc:
        return f"a system library is missing: {exc}. Install libxcb1."
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    for attempt in range(5):  # a display server that is starting, or busy, gets a moment
        connection = xcb.xcb_connect(None, None)
        error = xcb.xcb_connection_has_error(connection)
        xcb.xcb_disconnect(connection)
        if not error:
            return _xcb_plugin_problem()
        time.sleep(0.2 * (attempt + 1))
    return f"cannot connect to the display {display!r} (XCB error {error}; is the desktop session still running?)"


def _xcb_plugin_problem() -> str | None:
    """Load Qt's X11 plugin the way Qt will: a missing library is named here instead of an abort."""
    from PySide6.QtCore import QLibraryInfo

    plugin = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return f"Qt's X11 platform plugin is missing ({plugin})"
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return (
            f"Qt's X11 platform plugin cannot load: {exc}. Install the missing library "
            "(on Debian/Ubuntu the setup command ./hearth.sh installs them all, e.g. libxcb-cursor0)."
        )
    return None


def _fail_without_qt(problem: str, log_dir: Path | None) -> int:
    log.error("Hearth could not start: %s", problem)
    print(f"hearth: error: {problem}", file=sys.stderr)
    if os.environ.get("DISPLAY"):
        _desktop_dialog(f"Hearth could not start: {problem}\n\n{_where_logged(log_dir)}")
    return 1


def _desktop_dialog(text: str) -> None:
    """A dialog without Qt, from whichever tool this desktop has; waits until it is closed."""
    for command in (
        ["zenity", "--error", "--title=Hearth", "--no-markup", f"--text={text}"],
        ["kdialog", "--title", "Hearth", "--error", text],
        ["xmessage", "-title", "Hearth", "-center", "-default", "okay", text],
    ):
        if shutil.which(command[0]):
            subprocess.run(command, check=False)
            return


def _show_dialog(text: str, detail: str) -> None:
    print(f"hearth: error: {text}", file=sys.stderr)
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            raise RuntimeError("no QApplication")
        box = QMessageBox(QMessageBox.Icon.Critical, "Hearth", text)
        box.setInformativeText(detail)
        box.exec()
    except Exception:  # Qt itself is what failed: fall back to the desktop's tools
        _desktop_dialog(f"{text}\n\n{detail}")
