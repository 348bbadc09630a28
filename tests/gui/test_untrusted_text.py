"""Text that comes from a model, a pasted message or a model file is shown, never obeyed: no image or
other resource is loaded from a message, and no header field formats a label (issue 10, items 1 and 2)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument
from synthetic_gguf import write_synthetic_gguf

from backend.chat_model_status import ChatModelStatus
from backend.settings import Settings
from gui.widgets.markdown_render import render_markdown
from gui.widgets.message_view import MessageBubble

EVIL_NAME = "<img src='/dev/zero'><b>Evil</b> & <a href='https://example.com'>co</a>"


def _tall_png(path):
    image = QImage(40, 2000, QImage.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return path


def test_a_markdown_image_in_a_message_loads_nothing(qtbot, tmp_path):
    png = _tall_png(tmp_path / "tall.png")
    bubble = MessageBubble("assistant", f"Look: ![a tall picture]({png}) and ![x](/dev/zero)")
    qtbot.addWidget(bubble)
    bubble.resize(600, 400)
    bubble.show()
    document = bubble.body.document()
    assert document.resource(QTextDocument.ImageResource, QUrl(str(png))) is None, "the file was read"
    assert document.resource(QTextDocument.ImageResource, QUrl("/dev/zero")) is None
    assert document.size().height() < 300, "a 2000-pixel image would make the message that tall"
    assert "[image: a tall picture]" in bubble.body.toPlainText(), "the user still sees there was an image"


def test_the_message_view_refuses_every_resource_it_is_asked_for(qtbot, tmp_path):
    png = _tall_png(tmp_path / "tall.png")
    bubble = MessageBubble("user", "hi")
    qtbot.addWidget(bubble)
    document = bubble.body.document()
    for url in (QUrl.fromLocalFile(str(png)), QUrl(str(png)), QUrl("file:///dev/zero"), QUrl("https://x.org/a.png")):
        assert document.resource(QTextDocument.ImageResource, url) is None, url


def test_rendered_markdown_has_no_image_or_raw_html():
    rendered, _ = render_markdown("![x](/dev/zero)\n\n<img src='/dev/zero'> <script>alert(1)</script>")
    assert "<img" not in rendered and "<script" not in rendered
    assert "&lt;img" in rendered, "pasted HTML is shown as text"


def test_a_model_name_from_a_gguf_header_is_shown_as_plain_text(qtbot, data_dir, empty_models_dir):
    from gui.model_manager import ModelManager

    path = write_synthetic_gguf(empty_models_dir / "evil.gguf", name=EVIL_NAME)
    manager = ModelManager(Settings(data_dir / "settings.json"))
    qtbot.addWidget(manager)
    qtbot.waitUntil(lambda: manager.select_model(path), timeout=10_000)
    assert manager.details.textFormat() == Qt.RichText
    assert html.escape(EVIL_NAME) in manager.details.text(), "escaped in the details"
    shown = QTextDocument()
    shown.setHtml(manager.details.text())
    assert EVIL_NAME in shown.toPlainText(), "the user reads the name exactly as the file has it"
    titles = [manager.installed_table.item(r, 0).text() for r in range(manager.installed_table.rowCount())]
    assert EVIL_NAME in titles, "table cells are plain text"
    assert manager.shutdown(10_000)


def test_the_status_bar_and_banner_show_a_model_name_as_plain_text(qtbot, data_dir, chat_model_path):
    from app_helpers import make_window

    window = make_window(qtbot, data_dir, chat_model_path, load_models=False)
    try:
        status = ChatModelStatus(
            path="/m/evil.gguf",
            name=EVIL_NAME,
            architecture="llama",
            quantization="Q4_K_M",
            n_ctx=2048,
            n_threads=2,
            n_gpu_layers=0,
            n_layers=2,
            load_ms=1.0,
            inferred_family="chatml",
            compute_backend="CPU",
            gpu_available=False,
        )
        window.chat_pane._on_worker_model_loaded(status)
        assert window.model_label.textFormat() == Qt.PlainText and EVIL_NAME in window.model_label.text()
        banner = window.chat_pane.banner
        assert banner.textFormat() == Qt.PlainText and EVIL_NAME in banner.text()
    finally:
        window.close()
        window.store.close()


def test_a_conversation_title_is_shown_as_text_in_its_tooltip(qtbot, data_dir):
    from backend.conversations import ConversationStore
    from gui.conversation_list import ConversationList

    store = ConversationStore(data_dir / "conversations.sqlite3")
    try:
        store.create_conversation(EVIL_NAME)  # a title is the start of the first message: any text at all
        conversations = ConversationList(store)
        qtbot.addWidget(conversations)
        conversations.refresh()
        assert conversations.list.item(0).text() == EVIL_NAME
        shown = QTextDocument()
        shown.setHtml(conversations.list.item(0).toolTip())
        assert shown.toPlainText() == EVIL_NAME
    finally:
        store.close()
