"""Markdown → HTML for a chat message, with highlighted code blocks and a Copy link on each.

Colours come from the theme in use (gui/theme.py): a reply rendered in dark mode gets dark code blocks.

Message text is untrusted (a model writes it; a user may paste anything): raw HTML is escaped, and a
Markdown image becomes its alt text, never an <img>. Qt's text browser would otherwise load the
image's source itself, on the GUI thread, whole — `![x](/dev/zero)` hung the window on every start.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound
from PySide6.QtCore import QCoreApplication

from gui import theme

_FENCE = re.compile(r"^```[ \t]*([\w+#.-]*)[^\n]*\n(.*?)(?:^```[ \t]*$|\Z)", re.S | re.M)
_CODE_BLOCK = (
    '<table width="100%" cellspacing="0" cellpadding="8" style="background:{bg}; margin:6px 0;">'
    '<tr><td style="font-size:small; color:{muted};">{lang}</td>'
    '<td align="right"><a href="copy:{index}" style="font-size:small; color:{accent};">{copy}</a></td></tr>'
    '<tr><td colspan="2"><pre style="margin:0; font-family:monospace;">{code}</pre></td></tr></table>'
)


@functools.cache
def _formatter(style: str) -> HtmlFormatter:
    return HtmlFormatter(noclasses=True, nowrap=True, style=style)


class _ImagesAsText(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for image in root.iter("img"):
            alt = image.get("alt") or QCoreApplication.translate("markdown_render", "image")
            image.clear()
            image.tag = "span"
            image.text = QCoreApplication.translate("markdown_render", "[image: {alt}]").format(alt=alt)
            image.set("style", f"color:{theme.colors().muted};")


class _NoImages(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ImagesAsText(md), "hearth_images_as_text", 0)


def _highlight(code: str, lang: str) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    return highlight(code, lexer, _formatter(theme.colors().code_style))


def render_markdown(text: str) -> tuple[str, list[str]]:
    """Return (html, code blocks). An unclosed fence (mid-stream) renders as code so far."""
    blocks: list[str] = []
    placeholders: dict[str, str] = {}
    c = theme.colors()
    copy = html.escape(QCoreApplication.translate("MessageView", "Copy"))

    def replace(match: re.Match) -> str:
        lang, code = match.group(1), match.group(2)
        index = len(blocks)
        blocks.append(code.rstrip("\n"))
        key = f"HEARTHCODEBLOCK{index}X"
        placeholders[key] = _CODE_BLOCK.format(
            lang=html.escape(lang or "code"),
            index=index,
            code=_highlight(code.rstrip("\n"), lang),
            bg=c.code_bg,
            muted=c.muted,
            accent=c.accent,
            copy=copy,
        )
        return f"\n\n{key}\n\n"

    body = _FENCE.sub(replace, text)
    rendered = markdown.markdown(
        html.escape(body, quote=False), extensions=["tables", "sane_lists", "nl2br", _NoImages()]
    )
    for key, block in placeholders.items():
        rendered = rendered.replace(f"<p>{key}</p>", block).replace(key, block)
    return rendered, blocks
