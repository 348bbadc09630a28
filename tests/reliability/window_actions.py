"""What a user does in the chat window, as one step each."""

from __future__ import annotations


def send(qtbot, pane, text: str, timeout: int = 120_000) -> dict:
    """Type a message, send it, and return the finished reply's stats (or the error)."""
    pane.input.setPlainText(text)
    with qtbot.waitSignal(pane.generation_finished, timeout=timeout) as finished:
        pane.send_button.click()
    return finished.args[0]
