"""Markdown read aloud: what a listener hears of a streamed reply, and when each sentence is ready."""

from __future__ import annotations

from backend.speakable import CODE_OMITTED, SentenceSplitter, speakable_sentences, speakable_text

REPLY = """# Decorators

A decorator wraps a function. It is written with `@name`, e.g. `@cache`! See [the docs](https://docs.python.org/3/) or https://example.com/x.

```python
def f():
    return 1
```

- **First** item here
- Second item. With two sentences.
1. Numbered one
Dr. Smith said 3.14 is pi. 你好。再见！
"""

HEARD = [
    "Decorators",
    "A decorator wraps a function.",
    "It is written with @name, e.g. @cache!",
    "See the docs or link.",
    CODE_OMITTED,
    "First item here",
    "Second item.",
    "With two sentences.",
    "Numbered one",
    "Dr. Smith said 3.14 is pi.",
    "你好。",
    "再见！",
]


def stream(text: str, step: int) -> list[list[str]]:
    splitter = SentenceSplitter()
    out = [splitter.feed(text[i : i + step]) for i in range(0, len(text), step)]
    return out + [splitter.flush()]


def test_markdown_is_read_as_text_code_omitted_links_by_their_text():
    assert speakable_sentences(REPLY) == HEARD


def test_streaming_in_any_piece_size_gives_the_same_sentences():
    for step in (1, 2, 3, 7, 50):
        assert [s for batch in stream(REPLY, step) for s in batch] == HEARD, step


def test_a_sentence_is_ready_as_soon_as_its_end_is_certain():
    splitter = SentenceSplitter()
    assert splitter.feed("Paris is the capital") == []
    assert splitter.feed(" of France.") == []  # the full stop might be "France.com"
    assert splitter.feed(" It") == ["Paris is the capital of France."]
    assert splitter.flush() == ["It"]


def test_no_url_or_code_is_spoken_even_when_cut_mid_link():
    splitter = SentenceSplitter()
    said = splitter.feed("Read [the guide. It helps](https://x.org/a. b) now. ")
    said += splitter.flush()
    assert said == ["Read the guide.", "It helps now."] or said == ["Read the guide. It helps now."]
    assert not any("x.org" in s or "https" in s for s in said)


def test_an_unclosed_code_block_is_omitted_not_read():
    assert speakable_sentences("Here:\n```\nrm -rf /tmp/x\n") == ["Here:", CODE_OMITTED]


def test_markup_only_reply_says_nothing():
    assert speakable_sentences("---\n\n**\n") == []


def _streamed(text: str, splitter: SentenceSplitter, step: int = 3) -> list[str]:
    out: list[str] = []
    for i in range(0, len(text), step):
        out += splitter.feed(text[i : i + step])
    return out + splitter.flush()


def test_a_long_first_sentence_is_spoken_from_its_first_clause_and_nothing_is_lost():
    text = "The moon is the only natural satellite of Earth, and it is a quarter of its size. It has no air, none."
    said = _streamed(text, SentenceSplitter(first_clause_words=6))
    assert said == [
        "The moon is the only natural satellite of Earth,",
        "and it is a quarter of its size.",
        "It has no air, none.",  # only the first sentence is cut
    ]
    assert " ".join(said) == speakable_text(text)
    short = _streamed("Yes, it does. Spiders have eight legs.", SentenceSplitter(first_clause_words=6))
    assert short == ["Yes, it does.", "Spiders have eight legs."], "a short clause waits for its sentence"
    moon = "月球是地球唯一的天然卫星，它的大小约为地球的四分之一。月球上没有空气。"
    chinese = _streamed(moon, SentenceSplitter(first_clause_words=6), step=1)
    assert chinese == ["月球是地球唯一的天然卫星，", "它的大小约为地球的四分之一。", "月球上没有空气。"]
