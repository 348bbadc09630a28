"""Hearth's own line icons (resources/icons/ui/*.svg), drawn in the theme's text colour.

The SVGs say `currentColor`; an icon engine draws the SVG at the size and device pixel ratio each
paint asks for, so an icon is as sharp at 200% as at 100%. `set_icon` remembers the
control, so a theme switch redraws its icon in the new colours.
"""

from __future__ import annotations

import weakref
from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from backend.paths import RESOURCES_DIR
from gui import theme

ICON_DIR = RESOURCES_DIR / "icons" / "ui"
_bound: list[tuple[weakref.ref, str, str, weakref.ref | None]] = []
_listening = False


def names() -> list[str]:
    return sorted(p.stem for p in ICON_DIR.glob("*.svg"))


@cache
def _svg(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


def pixmap(name: str, size: int, color: str, ratio: float = 1.0) -> QPixmap:
    """The icon drawn at `size` logical pixels for a screen of device pixel ratio `ratio`."""
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", color).encode()))
    px = QPixmap(QSize(round(size * ratio), round(size * ratio)))
    px.fill(Qt.transparent)
    painter = QPainter(px)
    painter.setRenderHint(QPainter.Antialiasing)
    renderer.render(painter, QRectF(0, 0, px.width(), px.height()))
    painter.end()
    px.setDevicePixelRatio(ratio)
    return px


class _SvgIconEngine(QIconEngine):
    """Draws the SVG at whatever size and pixel ratio Qt asks for: never a scaled-up bitmap."""

    def __init__(self, name: str, color: str, muted: str):
        super().__init__()
        self.name, self.color, self.muted = name, color, muted

    def _color(self, mode) -> str:
        return self.muted if mode == QIcon.Disabled else self.color

    def pixmap(self, size: QSize, mode, state) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode, state, scale: float) -> QPixmap:
        side = min(size.width(), size.height())
        return pixmap(self.name, side, self._color(mode), scale)

    def paint(self, painter: QPainter, rect, mode, state) -> None:
        ratio = painter.device().devicePixelRatioF() if painter.device() else 1.0
        side = min(rect.width(), rect.height())
        painter.drawPixmap(rect.topLeft(), pixmap(self.name, side, self._color(mode), ratio))

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self.name, self.color, self.muted)


def icon(name: str, color: str | None = None) -> QIcon:
    """The named icon in `color` (default: the theme's text), muted when its control is disabled."""
    c = theme.colors()
    _svg(name)  # an unknown name fails here, not silently at paint time
    return QIcon(_SvgIconEngine(name, color or c.text, c.muted))


def set_icon(widget, name: str, color_role: str = "text") -> None:
    """Give a button or action its icon, now and again whenever the theme changes.

    color_role names a field of theme.Colors ("text", or "accent_text" on a primary button).
    """
    _bind(widget, name, color_role, None)


def set_tab_icon(tabs, page, name: str) -> None:
    """The icon of `page`'s tab in `tabs`, found by page so that tabs inserted later do not shift it."""
    _bind(tabs, name, "text", weakref.ref(page))


def _bind(owner, name: str, role: str, page: weakref.ref | None) -> None:
    global _listening
    _apply(owner, name, role, page, theme.colors())
    _bound.append((weakref.ref(owner), name, role, page))
    if not _listening:
        theme.notifier().changed.connect(_on_theme_changed)
        _listening = True


def _apply(owner, name: str, role: str, page: weakref.ref | None, colors: theme.Colors) -> None:
    ic = icon(name, getattr(colors, role))
    if page is None:
        owner.setIcon(ic)
    elif page() is not None and owner.indexOf(page()) >= 0:
        owner.setTabIcon(owner.indexOf(page()), ic)


def _on_theme_changed(colors: theme.Colors) -> None:
    alive = []
    for entry in _bound:
        owner = entry[0]()
        if owner is None:
            continue
        try:
            _apply(owner, *entry[1:], colors)
        except RuntimeError:  # its C++ side was deleted with its parent
            continue
        alive.append(entry)
    _bound[:] = alive
