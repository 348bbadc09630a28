"""States that read well: no placeholder figures before a reply, and every disabled control says why."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

from backend.chat_session import LiveStats
from backend.generation_stats import GenerationStats
from gui.widgets.stats_bar import StatsBar


def test_the_stats_bar_shows_only_figures_that_exist(qtbot):
    bar = StatsBar()
    qtbot.addWidget(bar)
    bar.show()
    assert bar.text() == "" and not any(label.isVisible() for label in bar.labels.values())
    assert "–" not in bar.text() and not bar.sparkline.isVisible()

    # Early in a reply: the first token is out, the prompt speed not measured yet.
    bar.show_stats(LiveStats(1, 812.0, 0.0, 9.5, 3, 40, 4096), live=True)
    assert bar.text() == "TTFT 812 ms | <b>9.5 t/s</b> | 3 tokens | ctx 40/4096"
    assert not bar.labels["prompt"].isVisible() and bar.sparkline.isVisible()

    done = GenerationStats(ttft_ms=812.0, generated_tokens=30, n_ctx=4096, prompt_tokens=40, prompt_eval_ms=400.0)
    bar.show_stats(done)
    assert "prompt" in bar.text() and "30 token" in bar.text()

    bar.reset()
    assert bar.text() == "" and not bar.sparkline.isVisible()


def _disabled_without_reason(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, (QAbstractButton, QComboBox)) or not widget.isVisibleTo(root):
            continue
        if widget.isEnabled() or widget.toolTip().strip():
            continue
        parent = widget.parentWidget()
        if parent is not None and not parent.isEnabled() and parent.toolTip().strip():
            continue  # its group says why
        found.append(f"{type(widget).__name__} {widget.objectName() or getattr(widget, 'text', lambda: '')()!r}")
    return found


def test_disabled_controls_say_why(qtbot, open_window):
    window = open_window(wait_for_model=False)
    for page in (window.chat_pane, window.dictation_panel, window.model_manager):
        window.tabs.setCurrentWidget(page)
        assert _disabled_without_reason(page) == [], f"{type(page).__name__}: disabled with no tooltip saying why"
    qtbot.waitUntil(lambda: window.chat_pane.model_info is not None, timeout=60_000)
    pane = window.chat_pane
    assert "Send" in pane.send_button.toolTip() and "No reply" in pane.stop_button.toolTip()
    assert "Nothing to regenerate" in pane.regenerate_button.toolTip()
