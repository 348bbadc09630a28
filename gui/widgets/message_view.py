"""The conversation as a column of message bubbles; only the bubble being streamed re-renders."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from gui.widgets.markdown_render import render_markdown

LONG_MESSAGE_CHARS = 20_000

_STYLE = {
    "user": "background:#e8f0fe; border-radius:8px;",
    "assistant": "background:#ffffff; border:1px solid #e1e4e8; border-radius:8px;",
}


class _InertDocument(QTextDocument):
    """A document that loads no resource a message names: no file, device or network address is read.

    Overriding the browser's loadResource is not enough: when it returns nothing, QTextDocument reads
    a local file (or /dev/zero) itself, whole, on the GUI thread.
    """

    def loadResource(self, kind: int, name: QUrl):
        return None


class _AutoHeightBrowser(QTextBrowser):
    """A text browser as tall as its text, so the outer scroll area does the scrolling."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDocument(_InertDocument(self))
        self.setOpenLinks(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.NoFrame)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())

    def sizeHint(self) -> QSize:
        self.document().setTextWidth(max(self.viewport().width(), 100))
        return QSize(super().sizeHint().width(), int(self.document().size().height()) + 2)

    def minimumSizeHint(self) -> QSize:
        # QAbstractScrollArea's own minimum is several lines tall, which pads one-line messages.
        return QSize(100, 10)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.updateGeometry()


def stats_summary(stats: dict) -> str:
    parts = [f"{stats.get('generated_tokens', 0)} tokens"]
    if stats.get("tokens_per_second"):
        parts.append(f"{stats['tokens_per_second']:.1f} t/s")
    if stats.get("ttft_ms"):
        parts.append(f"TTFT {stats['ttft_ms']:.0f} ms")
    reason = stats.get("stop_reason")
    if reason and reason != "done":
        parts.append(
            {
                "stopped": "stopped",
                "length": "max tokens reached",
                "context_full": "context full",
                "error": "error",
            }.get(reason, reason)
        )
    return " · ".join(parts)


def stats_tooltip(stats: dict) -> str:
    rows = [
        ("Load", f"{stats.get('load_ms', 0):.0f} ms"),
        ("Prompt", f"{stats.get('prompt_tokens', 0)} tokens ({stats.get('cached_tokens', 0)} cached)"),
        (
            "Prompt eval",
            f"{stats.get('prompt_eval_ms', 0):.0f} ms · {stats.get('prompt_tokens_per_second', 0):.1f} t/s",
        ),
        ("Generated", f"{stats.get('generated_tokens', 0)} tokens"),
        ("Eval", f"{stats.get('eval_ms', 0):.0f} ms · {stats.get('tokens_per_second', 0):.1f} t/s"),
        ("Time to first token", f"{stats.get('ttft_ms', 0):.0f} ms"),
        ("Total", f"{stats.get('total_ms', 0):.0f} ms"),
        ("Context", f"{stats.get('context_used', 0)} / {stats.get('n_ctx', 0)}"),
        ("Stopped because", str(stats.get("stop_reason") or "")),
    ]
    return "<table>" + "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows) + "</table>"


class MessageBubble(QFrame):
    def __init__(self, role: str, text: str = "", stats: dict | None = None, note: str = "", parent=None):
        super().__init__(parent)
        self.role = role
        self._text = text
        self.code_blocks: list[str] = []
        self.setObjectName(f"bubble_{role}")
        self.setStyleSheet(f"#bubble_{role} {{{_STYLE.get(role, '')}}}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.header = QLabel("You" if role == "user" else "Assistant")
        self.header.setStyleSheet("color:#57606a; font-weight:bold;")
        layout.addWidget(self.header)
        self.body = _AutoHeightBrowser()
        self.body.anchorClicked.connect(self._on_body_anchor_clicked)
        layout.addWidget(self.body)
        self.footer = QLabel()
        self.footer.setStyleSheet("color:#57606a; font-size:small;")
        self.footer.setVisible(False)
        layout.addWidget(self.footer)
        self.set_text(text)
        if stats:
            self.set_stats(stats)
        if note:
            self.set_note(note)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        self._text = text
        if len(text) > LONG_MESSAGE_CHARS:
            # Markdown and rich-text layout grow faster than the text: a pasted megabyte would freeze
            # the window for seconds. Show the start as plain text; the whole message is still saved.
            self.code_blocks = []
            hidden = len(text) - LONG_MESSAGE_CHARS
            self.body.setPlainText(
                f"{text[:LONG_MESSAGE_CHARS]}\n\n… {hidden:,} more characters not shown (the whole message is saved)."
            )
            return
        html, self.code_blocks = render_markdown(text)
        self.body.setHtml(html)

    def set_stats(self, stats: dict) -> None:
        self.footer.setText(stats_summary(stats) + "  ⓘ")
        self.footer.setToolTip(stats_tooltip(stats))
        self.footer.setVisible(True)

    def set_note(self, note: str) -> None:
        self.footer.setText(note)
        self.footer.setVisible(True)

    def _on_body_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == "copy":
            index = int(url.path() or url.toString().split(":", 1)[1])
            QGuiApplication.clipboard().setText(self.code_blocks[index])


class MessageView(QScrollArea):
    """Bubbles stacked top to bottom; follows the newest text unless the user scrolled up."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.bubbles: list[MessageBubble] = []
        self._stick_to_bottom = True
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def clear(self) -> None:
        for bubble in self.bubbles:
            bubble.deleteLater()
        self.bubbles.clear()
        self._stick_to_bottom = True

    def add(self, role: str, text: str = "", stats: dict | None = None, note: str = "") -> MessageBubble:
        bubble = MessageBubble(role, text, stats, note)
        self._layout.insertWidget(self._layout.count() - 1, bubble)
        self.bubbles.append(bubble)
        self._stick_to_bottom = True
        return bubble

    def remove_last(self) -> None:
        if self.bubbles:
            self.bubbles.pop().deleteLater()

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick_to_bottom = value >= bar.maximum() - 20

    def _on_range_changed(self, _min: int, maximum: int) -> None:
        if self._stick_to_bottom:
            QTimer.singleShot(0, lambda: self.verticalScrollBar().setValue(self.verticalScrollBar().maximum()))
