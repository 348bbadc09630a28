"""Light and dark: the setting, following the desktop, what repaints, and icons crisp at 200%."""

from __future__ import annotations

import pytest
from app_helpers import make_window
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QPushButton

from gui import icons, theme
from gui.widgets.markdown_render import render_markdown
from gui.widgets.message_view import MessageBubble


@pytest.fixture
def app():
    app = QApplication.instance()
    yield app
    theme.apply(app, "light")  # the next test starts from the light look
    app.setStyleSheet("")


def _ink(pixmap) -> QColor:
    """The colour of the icon's most opaque pixel (its stroke)."""
    image = pixmap.toImage()
    best = QColor(0, 0, 0, 0)
    for x in range(image.width()):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if c.alpha() > best.alpha():
                best = c
    return best


def test_dark_theme_repaints_the_window_bubbles_code_and_icons(app, qtbot):
    theme.apply(app, "light")
    button = QPushButton("Send")
    icons.set_icon(button, "send")
    qtbot.addWidget(button)
    bubble = MessageBubble("user", "Hello\n\n```python\nprint(1)\n```")
    qtbot.addWidget(bubble)
    assert _ink(button.icon().pixmap(24, 24)).name() == theme.LIGHT.text

    theme.apply(app, "dark")
    assert app.palette().color(QPalette.Window).name() == theme.DARK.window
    assert app.palette().color(QPalette.Window).lightness() < 60, "the window itself is dark"
    assert _ink(button.icon().pixmap(24, 24)).name() == theme.DARK.text, "bound icons redraw in the new ink"
    assert theme.DARK.user_bubble in bubble.styleSheet(), "an existing bubble takes the dark colours"
    assert theme.DARK.code_bg in bubble.body.toHtml() or QColor(theme.DARK.code_bg).name() in bubble.body.toHtml()
    html, _ = render_markdown("```\nx\n```")
    assert theme.DARK.code_bg in html and theme.LIGHT.code_bg not in html


def test_system_theme_follows_the_desktop_when_it_switches(app, qtbot, monkeypatch):
    # Xvfb has no platform theme to switch (styleHints().setColorScheme is a no-op there), so the desktop
    # is stood in for: its answer, and the signal Qt sends when it changes.
    desktop = {"dark": False}
    monkeypatch.setattr(theme, "system_is_dark", lambda: desktop["dark"])
    hints = QGuiApplication.styleHints()
    theme.apply(app, "system")
    assert theme.colors() is theme.LIGHT
    desktop["dark"] = True
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.colors() is theme.DARK and app.palette().color(QPalette.Window).name() == theme.DARK.window
    theme.apply(app, "light")
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.colors() is theme.LIGHT, "a chosen theme stays when the desktop changes"


def test_without_a_platform_theme_the_system_choice_reads_the_starting_palette(app, monkeypatch):
    monkeypatch.setattr(theme, "_started_dark", None)  # as before Hearth's first palette
    app.setPalette(QPalette(QColor("#202020")))
    assert theme.system_is_dark()
    app.setPalette(QPalette(QColor("#f0f0f0")))
    assert not theme.system_is_dark()


def test_settings_dialog_previews_the_theme_saves_on_ok_and_restores_on_cancel(app, qtbot, data_dir):
    window = make_window(qtbot, data_dir, None, load_models=False)
    theme.apply(app, window.settings.theme)
    try:
        dialog = window.open_settings()
        dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
        assert theme.colors() is theme.DARK, "the choice shows at once"
        dialog.reject()
        assert theme.colors() is not theme.DARK and window.settings.theme == "system"

        dialog = window.open_settings()
        dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
        dialog.sampling.temperature.setValue(1.25)
        dialog.accept()
        assert window.settings.theme == "dark" and theme.colors() is theme.DARK
        assert window.settings.default_sampling.temperature == pytest.approx(1.25), "new conversations start so"
    finally:
        window.close()
        window.store.close()


def test_icons_are_drawn_at_the_pixel_ratio_asked_for(app):
    theme.apply(app, "light")
    for name in icons.names():
        sharp = icons.icon(name).pixmap(QSize(24, 24), 2.0)
        assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (48, 48, 2.0), name
        assert sharp.toImage() == icons.pixmap(name, 24, theme.LIGHT.text, 2.0).toImage(), "drawn, not scaled"
        disabled = icons.icon(name).pixmap(QSize(24, 24), 1.0, QIcon.Disabled)
        assert _ink(disabled).name() == theme.LIGHT.muted, name


def test_bubbles_read_like_a_chat(app, qtbot):
    from gui.widgets.message_view import USER_BUBBLE_SHARE, MessageView

    view = MessageView()
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    short = view.add("user", "Hi")
    long = view.add("user", "word " * 200)
    reply = view.add("assistant", "Hello! " * 40)
    QApplication.processEvents()
    right = view.viewport().width()

    def edges(bubble):
        top_left = bubble.mapTo(view.viewport(), bubble.rect().topLeft())
        return top_left.x(), top_left.x() + bubble.width()

    assert edges(short)[1] > right - 30 and short.width() < right / 4, "a short message of yours: small, on the right"
    assert edges(long)[1] > right - 30 and long.width() <= USER_BUBBLE_SHARE * right + 1, "a long one wraps at 80%"
    assert edges(reply)[0] < 30 and reply.width() > 0.9 * right - 30, "replies on the left, full width"
