"""What a user does in the chat window, as one step each."""

from __future__ import annotations


def send(qtbot, pane, text: str, timeout: int = 120_000) -> dict:
    """Type a message, send it, and return the finished reply's stats (or the error)."""
    pane.input.setPlainText(text)
    with qtbot.waitSignal(pane.generation_finished, timeout=timeout) as finished:
        pane.send_button.click()
    return finished.args[0]


def regenerate_then_stop(qtbot, pane, streamed: dict | None = None) -> None:
    """Press Regenerate as soon as it can be pressed, then Stop: at once (before the engine has produced
    anything), or, given the dict a tokens_received listener fills per request id, once the new reply
    has streamed its first words."""
    qtbot.waitUntil(pane.regenerate_button.isEnabled, timeout=60_000)
    replies_before = len(streamed) if streamed is not None else 0
    pane.regenerate_button.click()
    assert pane.stop_button.isEnabled(), "Regenerate started a reply"
    if streamed is not None:
        qtbot.waitUntil(lambda: len(streamed) > replies_before, timeout=60_000)
    pane.stop_button.click()


def meter_level_db(panel) -> float:
    """What the Dictation panel's level meter shows, in dBFS."""
    return panel.level_meter.level_db
