"""The conversation as a chat: your messages on the right in the theme's ember tint, replies on the
left; only the bubble being streamed re-renders. A finished reply is announced to screen readers
(politely: it waits for what the reader is saying)."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui import icons, theme
from gui.widgets.markdown_render import render_markdown

LONG_MESSAGE_CHARS = 20_000
USER_BUBBLE_SHARE = 0.8  # your messages take at most this much of the width, like every chat app
ANNOUNCE_CHARS = 600  # a screen reader reads the start of a long reply; the rest is in the bubble


def announce(widget: QWidget, message: str) -> None:
    """Tell screen readers `message` without moving focus (a polite live-region announcement)."""
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)


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
        self.document().setDocumentMargin(0)  # the text lines up with the bubble's header
        self.setOpenLinks(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.NoFrame)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())

    def natural_width(self) -> int:
        """The width the text wants unwrapped (a short message makes a narrow bubble)."""
        doc = self.document()
        wrap_at = doc.textWidth()
        doc.setTextWidth(-1)
        width = doc.idealWidth()
        doc.setTextWidth(wrap_at)
        return int(width) + 8

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
    parts = [QCoreApplication.translate("MessageView", "{n} tokens").format(n=stats.get("generated_tokens", 0))]
    if stats.get("tokens_per_second"):
        parts.append(
            QCoreApplication.translate("MessageView", "{rate:.1f} t/s").format(rate=stats["tokens_per_second"])
        )
    if stats.get("ttft_ms"):
        parts.append(QCoreApplication.translate("MessageView", "TTFT {ms:.0f} ms").format(ms=stats["ttft_ms"]))
    reason = stats.get("stop_reason")
    if reason and reason != "done":
        parts.append(
            {
                "stopped": QCoreApplication.translate("MessageView", "stopped"),
                "length": QCoreApplication.translate("MessageView", "max tokens reached"),
                "context_full": QCoreApplication.translate("MessageView", "context full"),
                "error": QCoreApplication.translate("MessageView", "error"),
            }.get(reason, reason)
        )
    return " · ".join(parts)


def _stats_rows(stats: dict) -> list[tuple[str, str]]:
    return [
        (
            QCoreApplication.translate("MessageView", "Load"),
            QCoreApplication.translate("MessageView", "{ms:.0f} ms").format(ms=stats.get("load_ms", 0)),
        ),
        (
            QCoreApplication.translate("MessageView", "Prompt"),
            QCoreApplication.translate("MessageView", "{n} tokens ({cached} cached)").format(
                n=stats.get("prompt_tokens", 0), cached=stats.get("cached_tokens", 0)
            ),
        ),
        (
            QCoreApplication.translate("MessageView", "Prompt eval"),
            QCoreApplication.translate("MessageView", "{ms:.0f} ms · {rate:.1f} t/s").format(
                ms=stats.get("prompt_eval_ms", 0), rate=stats.get("prompt_tokens_per_second", 0)
            ),
        ),
        (
            QCoreApplication.translate("MessageView", "Generated"),
            QCoreApplication.translate("MessageView", "{n} tokens").format(n=stats.get("generated_tokens", 0)),
        ),
        (
            QCoreApplication.translate("MessageView", "Eval"),
            QCoreApplication.translate("MessageView", "{ms:.0f} ms · {rate:.1f} t/s").format(
                ms=stats.get("eval_ms", 0), rate=stats.get("tokens_per_second", 0)
            ),
        ),
        (
            QCoreApplication.translate("MessageView", "Time to first token"),
            QCoreApplication.translate("MessageView", "{ms:.0f} ms").format(ms=stats.get("ttft_ms", 0)),
        ),
        (
            QCoreApplication.translate("MessageView", "Total"),
            QCoreApplication.translate("MessageView", "{ms:.0f} ms").format(ms=stats.get("total_ms", 0)),
        ),
        (
            QCoreApplication.translate("MessageView", "Context"),
            f"{stats.get('context_used', 0)} / {stats.get('n_ctx', 0)}",
        ),
        (QCoreApplication.translate("MessageView", "Stopped because"), str(stats.get("stop_reason") or "")),
    ]


def stats_tooltip(stats: dict) -> str:
    rows = _stats_rows(stats)
    cells = "".join(
        f'<tr><td style="padding-right:12px"><b>{k}</b></td><td>{html.escape(v)}</td></tr>' for k, v in rows
    )
    return f"<table>{cells}</table>"


def stats_plain(stats: dict) -> str:
    """The timing breakdown as one line a screen reader can say."""
    return "; ".join(f"{k}: {v}" for k, v in _stats_rows(stats))


class MessageBubble(QFrame):
    def __init__(self, role: str, text: str = "", stats: dict | None = None, note: str = "", parent=None):
        super().__init__(parent)
        self.role = role
        self._text = text
        self._stats: dict | None = None
        self._max_width = 10_000
        self.code_blocks: list[str] = []
        self.setObjectName(f"bubble_{role}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.header = QLabel(
            QCoreApplication.translate("MessageView", "You")
            if role == "user"
            else QCoreApplication.translate("MessageView", "Assistant")
        )
        layout.addWidget(self.header)
        self.body = _AutoHeightBrowser()
        self.body.setAccessibleName(
            QCoreApplication.translate("MessageView", "Your message")
            if role == "user"
            else QCoreApplication.translate("MessageView", "Reply")
        )
        self.body.anchorClicked.connect(self._on_body_anchor_clicked)
        layout.addWidget(self.body)
        footer_row = QHBoxLayout()
        footer_row.setContentsMargins(0, 0, 0, 0)
        footer_row.setSpacing(4)
        self.footer = QLabel()
        self.footer.setTextFormat(Qt.PlainText)
        self.footer.setVisible(False)
        footer_row.addWidget(self.footer)
        # The timing breakdown: a tooltip for the mouse, and a button that shows it inline for the keyboard.
        self.details_button = QToolButton()
        self.details_button.setAutoRaise(True)
        self.details_button.setCheckable(True)
        self.details_button.setIconSize(QSize(14, 14))
        self.details_button.setAccessibleName(QCoreApplication.translate("MessageView", "Timing details"))
        self.details_button.setToolTip(QCoreApplication.translate("MessageView", "Show this reply's timing details"))
        icons.set_icon(self.details_button, "info", "muted")
        self.details_button.setVisible(False)
        footer_row.addWidget(self.details_button)
        footer_row.addStretch(1)
        layout.addLayout(footer_row)
        self.details = QLabel()
        self.details.setVisible(False)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.details.setAccessibleName(QCoreApplication.translate("MessageView", "Timing details"))
        layout.addWidget(self.details)
        self.details_button.toggled.connect(self.details.setVisible)
        theme.notifier().changed.connect(self._on_theme_changed)
        self._restyle(theme.colors())
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
                text[:LONG_MESSAGE_CHARS]
                + "\n\n"
                + QCoreApplication.translate(
                    "MessageView", "… {hidden} more characters not shown (the whole message is saved)."
                ).format(hidden=f"{hidden:,}")
            )
        else:
            html_text, self.code_blocks = render_markdown(text)
            self.body.setHtml(html_text)
        if self.role == "user":
            self._fit_width()

    def set_stats(self, stats: dict) -> None:
        self._stats = stats
        self.footer.setText(stats_summary(stats))
        self.footer.setToolTip(stats_tooltip(stats))
        self.footer.setAccessibleDescription(stats_plain(stats))
        self.details.setText(stats_tooltip(stats))
        self.details_button.setToolTip(stats_tooltip(stats))
        self.footer.setVisible(True)
        self.details_button.setVisible(True)

    def set_note(self, note: str) -> None:
        self.footer.setText(note)
        self.footer.setVisible(True)

    def set_max_width(self, width: int) -> None:
        self._max_width = width
        self._fit_width()

    def _fit_width(self) -> None:
        # A short message of yours makes a narrow bubble on the right; a long one wraps at the bubble's maximum.
        margins = self.layout().contentsMargins()
        wanted = max(self.body.natural_width(), self.header.sizeHint().width()) + margins.left() + margins.right()
        self.setFixedWidth(min(wanted, self._max_width))

    def _restyle(self, c: theme.Colors) -> None:
        background = c.user_bubble if self.role == "user" else c.base
        border = c.user_bubble if self.role == "user" else c.border
        self.setStyleSheet(
            f"#bubble_{self.role} {{ background:{background}; border:1px solid {border}; border-radius:12px; }}"
        )
        self.header.setStyleSheet(f"color:{c.muted}; font-weight:600;")
        self.footer.setStyleSheet(f"color:{c.muted}; font-size:small;")
        self.details.setStyleSheet(f"color:{c.muted}; font-size:small;")

    def _on_theme_changed(self, c: theme.Colors) -> None:
        self._restyle(c)
        if len(self._text) <= LONG_MESSAGE_CHARS:
            self.set_text(self._text)  # code blocks and links take the new colours

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
        self.setFrameShape(QFrame.NoFrame)
        self.setAccessibleName(QCoreApplication.translate("MessageView", "Conversation"))
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(12, 12, 12, 12)
        self._layout.setSpacing(10)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.bubbles: list[MessageBubble] = []
        self._rows: list[QWidget] = []
        self._stick_to_bottom = True
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def clear(self) -> None:
        for row in self._rows:
            row.deleteLater()
        self._rows.clear()
        self.bubbles.clear()
        self._stick_to_bottom = True

    def add(self, role: str, text: str = "", stats: dict | None = None, note: str = "") -> MessageBubble:
        bubble = MessageBubble(role, text, stats, note)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        if role == "user":
            line.addStretch(1)
            bubble.set_max_width(self._user_width())
        line.addWidget(bubble, 0 if role == "user" else 1)
        self._layout.insertWidget(self._layout.count() - 1, row)
        self._rows.append(row)
        self.bubbles.append(bubble)
        self._stick_to_bottom = True
        return bubble

    def remove_last(self) -> None:
        if self.bubbles:
            self.bubbles.pop()
            self._rows.pop().deleteLater()

    def announce_reply(self, bubble: MessageBubble) -> None:
        """Say a finished reply to screen readers, politely, without taking the focus from the message box."""
        text = bubble.text().strip()
        if not text:
            return
        if len(text) > ANNOUNCE_CHARS:
            text = text[:ANNOUNCE_CHARS] + "…"
        announce(self, QCoreApplication.translate("MessageView", "Reply: {text}").format(text=text))

    def _user_width(self) -> int:
        return max(240, int(self.viewport().width() * USER_BUBBLE_SHARE))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = self._user_width()
        for bubble in self.bubbles:
            if bubble.role == "user":
                bubble.set_max_width(width)

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick_to_bottom = value >= bar.maximum() - 20

    def _on_range_changed(self, _min: int, maximum: int) -> None:
        if self._stick_to_bottom:
            QTimer.singleShot(0, lambda: self.verticalScrollBar().setValue(self.verticalScrollBar().maximum()))
