"""Hearth's look: one light and one dark palette, the spacing and type every panel shares, and the
choice between them (follow the desktop, or the user's setting).

Everything that paints its own colours (message bubbles, code blocks, icons) asks `colors()` and
listens to `notifier().changed`, so switching theme repaints the whole window without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CHOICES = ("system", "light", "dark")

# Spacing on a 4 px grid; Qt scales these with the screen's device pixel ratio.
SPACE = 8
RADIUS = 8


@dataclass(frozen=True)
class Colors:
    dark: bool
    window: str
    base: str  # text fields, lists, the assistant's bubbles
    alt_base: str
    text: str
    muted: str  # headers, footers, hints: still 4.5:1 against window and base
    border: str
    accent: str  # the hearth's ember: primary buttons, focus, selection
    accent_text: str
    user_bubble: str
    code_bg: str
    code_style: str  # the Pygments style for code blocks
    error_bg: str
    error_text: str
    info_bg: str
    info_text: str


LIGHT = Colors(
    dark=False,
    window="#f5f5f4",
    base="#ffffff",
    alt_base="#f0efee",
    text="#1c1917",
    muted="#57534e",
    border="#d6d3d1",
    accent="#c2410c",
    accent_text="#ffffff",
    user_bubble="#fdeee3",
    code_bg="#f5f5f4",
    code_style="friendly",
    error_bg="#ffebe9",
    error_text="#82071e",
    info_bg="#fff8c5",
    info_text="#4d2d00",
)

DARK = Colors(
    dark=True,
    window="#1c1917",
    base="#292524",
    alt_base="#24201e",
    text="#f5f5f4",
    muted="#b8b2ad",
    border="#44403c",
    accent="#fb923c",
    accent_text="#1c1917",
    user_bubble="#43302a",
    code_bg="#1f1b19",
    code_style="github-dark",
    error_bg="#4c1d1d",
    error_text="#ffc9c9",
    info_bg="#3f3413",
    info_text="#fde68a",
)


class ThemeNotifier(QObject):
    changed = Signal(object)  # the new Colors


_notifier: ThemeNotifier | None = None
_current = LIGHT
_choice = "system"
_started_dark: bool | None = None  # the desktop's palette before ours replaced it


def notifier() -> ThemeNotifier:
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def colors() -> Colors:
    """The palette in use now (light until a theme is applied, as in tests that build one widget)."""
    return _current


def choice() -> str:
    return _choice


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    if hints.colorScheme() != Qt.ColorScheme.Unknown:
        return hints.colorScheme() == Qt.ColorScheme.Dark
    # No platform theme says (a bare X server, Xvfb): judge by the window colour Qt was started with,
    # not by the palette Hearth has set since.
    if _started_dark is not None:
        return _started_dark
    return QGuiApplication.palette().color(QPalette.Window).lightness() < 128


def resolve(choice_: str) -> Colors:
    if choice_ == "dark":
        return DARK
    if choice_ == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


def apply(app: QApplication, choice_: str = "system") -> Colors:
    """Give the application Hearth's palette, style sheet and type, for "system", "light" or "dark"."""
    global _current, _choice, _started_dark
    _choice = choice_ if choice_ in CHOICES else "system"
    if not getattr(app, "_hearth_themed", False):
        app._hearth_themed = True
        _started_dark = system_is_dark()
        app.setStyle("Fusion")  # the same widgets everywhere; the desktop's style ignores our palette
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: _follow_system(app))
        font = app.font()
        if font.pointSizeF() < 10:
            font.setPointSizeF(10)
        font.setHintingPreference(QFont.PreferNoHinting)  # crisp at 200% as at 100%
        app.setFont(font)
    _current = resolve(_choice)
    app.setPalette(_palette(_current))
    app.setStyleSheet(style_sheet(_current))
    notifier().changed.emit(_current)
    return _current


def _follow_system(app: QApplication) -> None:
    if _choice == "system":
        apply(app, "system")


def _palette(c: Colors) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.Window: c.window,
        QPalette.WindowText: c.text,
        QPalette.Base: c.base,
        QPalette.AlternateBase: c.alt_base,
        QPalette.Text: c.text,
        QPalette.Button: c.base,
        QPalette.ButtonText: c.text,
        QPalette.ToolTipBase: c.base,
        QPalette.ToolTipText: c.text,
        QPalette.PlaceholderText: c.muted,
        QPalette.Highlight: c.accent,
        QPalette.HighlightedText: c.accent_text,
        QPalette.Link: c.accent,
        QPalette.LinkVisited: c.accent,
        QPalette.BrightText: c.error_text,
        QPalette.Mid: c.border,
        QPalette.Midlight: c.alt_base,
        QPalette.Dark: c.border,
        QPalette.Shadow: "#000000",
        QPalette.Light: c.base,
    }
    for role, value in roles.items():
        p.setColor(role, QColor(value))
    muted = QColor(c.muted)
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, muted)
    p.setColor(QPalette.Disabled, QPalette.Button, QColor(c.alt_base))
    return p


def style_sheet(c: Colors) -> str:
    """The few rules the palette cannot say: rounded controls, a focus ring that is always visible, spacing.

    Combo and spin boxes keep Fusion's own drawing (it already rings them in the accent when focused): a
    style-sheet border would make Qt draw their arrows without the style."""
    return f"""
QPushButton, QToolButton {{
    background: {c.base}; color: {c.text}; border: 1px solid {c.border}; border-radius: 6px;
    padding: 5px 12px; min-height: 20px;
}}
QToolButton {{ padding: 4px 8px; }}
QToolButton[autoRaise="true"] {{ border-color: transparent; background: transparent; padding: 2px; }}
QToolButton[autoRaise="true"]:hover {{ border-color: {c.border}; }}
QToolButton[autoRaise="true"]:focus {{ border: 2px solid {c.accent}; }}
QPushButton:hover, QToolButton:hover {{ background: {c.alt_base}; }}
QPushButton:pressed, QToolButton:pressed, QPushButton:checked, QToolButton:checked {{
    background: {c.user_bubble}; border-color: {c.accent};
}}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; background: {c.alt_base}; }}
QPushButton[primary="true"] {{ background: {c.accent}; color: {c.accent_text}; border-color: {c.accent}; }}
QPushButton[primary="true"]:disabled {{ background: {c.border}; color: {c.muted}; border-color: {c.border}; }}
QLineEdit, QPlainTextEdit, QListWidget, QTableView, QTreeView {{
    border: 1px solid {c.border}; border-radius: 6px; padding: 3px 6px; background: {c.base};
}}
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus,
QListWidget:focus, QTableView:focus, QTreeView:focus, QCheckBox:focus, QRadioButton:focus, QTextBrowser:focus {{
    border: 2px solid {c.accent};
}}
QCheckBox, QRadioButton {{ border: 2px solid transparent; border-radius: 4px; padding: 1px; }}
QTabWidget::pane {{ border: 1px solid {c.border}; border-radius: {RADIUS}px; top: -1px; }}
QTabBar::tab {{
    padding: 6px 14px; margin-right: 2px; border: 1px solid transparent;
    border-top-left-radius: 6px; border-top-right-radius: 6px; color: {c.muted};
}}
QTabBar::tab:selected {{
    background: {c.base}; color: {c.text}; border-color: {c.border}; border-bottom-color: {c.base};
}}
QTabBar::tab:focus {{ border: 2px solid {c.accent}; }}
QGroupBox {{ border: 1px solid {c.border}; border-radius: {RADIUS}px; margin-top: 14px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {c.muted}; }}
QToolTip {{ background: {c.base}; color: {c.text}; border: 1px solid {c.border}; padding: 4px; }}
QStatusBar {{ color: {c.muted}; }}
"""
