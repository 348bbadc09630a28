"""Untrusted text (a model's header, a file name, a message, a server's reply) inside Qt's rich text.

Qt renders a label or tooltip as HTML when the text merely looks like HTML, and its HTML may load
images from disk. Everything that did not come from Hearth itself goes through here first.
"""

from __future__ import annotations

import html


def escaped(text: str) -> str:
    """Rich text that shows exactly these characters (line breaks kept)."""
    return html.escape(text).replace("\n", "<br>")


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is, whatever it looks like."""
    return f"<qt>{escaped(text)}</qt>"
