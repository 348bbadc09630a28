"""Who Hearth is to the desktop: its name, its icon, the desktop entry it belongs to.

Docks, task bars and Wayland compositors find an app's icon and menu entry through the desktop file
name (Wayland's app_id) or, on X11, through WM_CLASS matching the entry's StartupWMClass. Qt writes
WM_CLASS as (program name, application name), so the application name below must stay equal to
StartupWMClass in resources/hearth.desktop.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from backend import paths

APP_NAME = "Hearth"
DESKTOP_FILE_NAME = "hearth"  # resources/hearth.desktop, installed under this name
ICONS_DIR = paths.RESOURCES_DIR / "icons"
# PNGs, not the SVG: the window manager gets pixels (_NET_WM_ICON), and no SVG plugin is needed.
WINDOW_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    icon = QIcon()
    for size in WINDOW_ICON_SIZES:
        icon.addFile(str(ICONS_DIR / f"hearth-{size}.png"), QSize(size, size))
    return icon


def follow_system_colors() -> None:
    """Light or dark as the desktop says; call before the QApplication exists.

    Qt reads the desktop's preference from the XDG desktop portal (GNOME, KDE and others publish it
    there), but only its portal theme also switches the palette: under GNOME's own theme Qt knows the
    desktop is dark and still paints light windows. The portal theme wraps the desktop's usual theme,
    so fonts and dialogs stay as they were; a theme the user chose (QT_QPA_PLATFORMTHEME) is kept.
    """
    if sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORMTHEME", "xdgdesktopportal")


def apply(app: QApplication) -> None:
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(app_icon())
