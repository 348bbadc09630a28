"""Markdown as it streams in, speakable sentences out. Qt-free.

A reply is spoken sentence by sentence while it is still being generated, so a sentence is handed
out as soon as its end is certain: a sentence mark followed by a space, or the end of a line that is
a paragraph, heading or list item. Text inside a link or inline code is never cut (its end is not
seen yet). Code blocks are not read out: each becomes "code omitted". Links are read by their text,
images by their description, bare web addresses as "link"; emphasis, headings and bullets are
dropped, since a voice cannot show them. A long first sentence can be spoken a clause at a time
(`first_clause_words`): the reply's first sound need not wait for its first full stop.
"""

from __future__ import annotations

import re

CODE_OMITTED = "code omitted."

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_URL = re.compile(r"<?https?://\S+?>?(?=[\s).,;!?]*(\s|$))")
_INLINE_CODE = re.compile(r"`+([^`]*)`+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_LINE_PREFIX = re.compile(r"^\s*(#{1,6}\s+|>\s*|[-*+]\s+(\[[ xX]\]\s+)?|\d+[.)]\s+)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
# A sentence ends at . ? ! (or the CJK marks, which need no space after them) followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.?!…])[\"')\]]*\s+|(?<=[。？！；])")
# A clause ends at a comma, semicolon or colon followed by a space (the CJK marks need none).
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+|(?<=[，；：、])")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# "e.g. this" and "Dr. Smith" are not sentence ends.
_ABBREVIATION = re.compile(r"(\b(e\.g|i\.e|etc|vs|Mr|Mrs|Ms|Dr|St|No|Fig)\.|\b[A-Za-z]\.)$")


def speakable_inline(text: str) -> str:
    """One line of Markdown as it should be read aloud."""
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _URL.sub("link", text)
    text = _INLINE_CODE.sub(lambda m: m.group(1), text)
    text = _HTML_TAG.sub("", text)
    for _ in range(2):  # **_nested_**
        text = _EMPHASIS.sub(lambda m: m.group(2), text)
    text = text.replace("|", ", ") if text.strip().startswith("|") else text
    return re.sub(r"\s+", " ", text).strip()


def _has_open_span(text: str) -> bool:
    """True while a link, image or inline code has begun in `text` and not yet ended."""
    if text.count("`") % 2:
        return True
    depth = 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
            if text[i + 1 : i + 2] == "(":
                close = text.find(")", i)
                if close < 0:
                    return True
                i = close
        i += 1
    return depth > 0


class SentenceSplitter:
    """Feed the reply's pieces as they arrive; get back the sentences that are complete.

    With `first_clause_words`, a first sentence still unfinished once a clause of at least that many
    words (or twice as many CJK characters) has ended is handed out a clause early.
    """

    def __init__(self, first_clause_words: int = 0) -> None:
        self.first_clause_words = first_clause_words
        self._said_any = False
        self._pending = ""  # raw Markdown not yet spoken
        self._in_code = False
        self._sentence = ""  # speakable text of the paragraph so far, short of a sentence end
        self._line_start = True  # whether _pending begins a line (so "1. " or "# " is a prefix)
        self._block_line = False  # the line being read is a heading or list item (its end ends a sentence)

    def feed(self, piece: str) -> list[str]:
        self._pending += piece
        out: list[str] = []
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            out += self._line(line)
            self._line_start, self._block_line = True, False
        if not self._in_code and self._pending and not (self._line_start and _FENCE.match(self._pending)):
            out += self._partial_line()
            if not out and not self._said_any and self.first_clause_words:
                out += self._first_clause()
        self._said_any = self._said_any or bool(out)
        return out

    def flush(self) -> list[str]:
        """The reply ended: whatever is left is the last sentence (an unclosed code block included)."""
        out: list[str] = []
        if self._pending:
            out += self._line(self._pending)
            self._pending = ""
        if self._in_code:
            self._in_code = False
            out.append(CODE_OMITTED)
        return out + self._take_rest()

    # --- internals ------------------------------------------------------------------------

    def _line(self, line: str) -> list[str]:
        if self._line_start and _FENCE.match(line):
            if self._in_code:
                self._in_code = False
                return [CODE_OMITTED]
            self._in_code = True
            return self._take_rest()
        if self._in_code or _TABLE_RULE.match(line):
            return []
        block = self._block_line or (self._line_start and bool(_LINE_PREFIX.match(line))) or not line.strip()
        text = speakable_inline(_LINE_PREFIX.sub("", line) if self._line_start else line)
        out = self._take_rest() if block else []  # a heading or list item starts a sentence of its own
        if text:
            self._sentence = f"{self._sentence} {text}".strip()
        out += self._sentences(final=False)
        # A line that is a heading, list item or ends a paragraph ends its sentence too.
        if block or not text:
            out += self._take_rest()
        return out

    def _partial_line(self) -> list[str]:
        """Speak the sentences of an unfinished line that are certainly complete."""
        out: list[str] = []
        for match in _SENTENCE_END.finditer(self._pending):
            head = self._pending[: match.end()]
            if _has_open_span(head) or _ABBREVIATION.search(head.rstrip()):
                continue
            prefix = _LINE_PREFIX.match(head) if self._line_start else None
            head_text = head[prefix.end() :] if prefix else head
            if not re.search(r"\w", head_text):
                continue  # "1. " alone: a list item's number, not a sentence
            if prefix:
                out += self._take_rest()
                self._block_line = True
            self._line_start = False
            self._sentence = f"{self._sentence} {speakable_inline(head_text)}".strip()
            out += self._take_rest()
            self._pending = self._pending[match.end() :]
            return out + self._partial_line()
        return out

    def _first_clause(self) -> list[str]:
        """The first clause of an unfinished first sentence, once it is long enough to be worth saying."""
        if self._sentence:
            return []
        for match in _CLAUSE_END.finditer(self._pending):
            head = self._pending[: match.end()]
            if _has_open_span(head):
                return []
            prefix = _LINE_PREFIX.match(head) if self._line_start else None
            text = speakable_inline(head[prefix.end() :] if prefix else head)
            if len(text.split()) >= self.first_clause_words or len(_CJK.findall(text)) >= 2 * self.first_clause_words:
                self._line_start, self._block_line = False, self._block_line or bool(prefix)
                self._pending = self._pending[match.end() :]
                return [text]
        return []

    def _sentences(self, final: bool) -> list[str]:
        out: list[str] = []
        start = 0
        for match in _SENTENCE_END.finditer(self._sentence):
            head = self._sentence[start : match.end()].strip()
            if _ABBREVIATION.search(head):
                continue
            if head:
                out.append(head)
            start = match.end()
        self._sentence = self._sentence[start:].strip()
        if final:
            out += self._take_rest()
        return out

    def _take_rest(self) -> list[str]:
        rest, self._sentence = self._sentence.strip(), ""
        return [rest] if re.search(r"\w", rest) else []


def speakable_sentences(markdown: str) -> list[str]:
    """A whole Markdown text as the sentences it is read as."""
    splitter = SentenceSplitter()
    return splitter.feed(markdown) + splitter.flush()


def speakable_text(markdown: str) -> str:
    """A whole Markdown text as it is read, in one string (however the stream split it)."""
    return " ".join(speakable_sentences(markdown))
