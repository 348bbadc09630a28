"""The chat-template sandbox bounds output size and render time: a greedy template is refused with a
sentence in well under a few seconds, and real conversations (a 1 MB message included) still render."""

from __future__ import annotations

import time

import pytest

from backend.chat_template import RENDER_SECONDS, TemplateError, render_chat

MESSAGES = [{"role": "user", "content": "Hello"}]


@pytest.mark.parametrize(
    "template,reason",
    [
        ("{{ 'x' * 10**8 }}", "more than"),
        ("{{ [0] * 10**9 }}", "more than"),
        ("{{ 7 ** 100000000 }}", "bits"),
        ("{% set n = namespace(v=3) %}{% for i in range(40) %}{% set n.v = n.v * n.v %}{% endfor %}", "bits"),
        ("{{ '%0999999999d' % 1 }}", "huge width"),
        ("{{ 'x' | center(10**9) }}", "more than"),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "longer than"),
        # Whichever bound it meets first: the output size or, on a busy machine, the clock.
        ("{% for i in range(100000) %}{% for j in range(100000) %}{{ 'yy' }}{% endfor %}{% endfor %}", "than"),
    ],
    ids=["str-times", "list-times", "power", "squaring", "percent-width", "center", "silent-loops", "output-loops"],
)
def test_greedy_template_is_refused_quickly(template, reason):
    started = time.perf_counter()
    with pytest.raises(TemplateError, match="chat template was stopped") as refused:
        render_chat(MESSAGES, template=template, architecture="llama")
    assert reason in str(refused.value)
    assert time.perf_counter() - started < RENDER_SECONDS + 3


def test_a_one_megabyte_message_still_renders():
    big = "word " * 200_000
    rendered = render_chat([{"role": "user", "content": big}], template=None, architecture="qwen2")
    assert big in rendered.text


def test_real_template_renders_as_before_and_leaves_no_tracer():
    import sys

    before = sys.gettrace()
    template = (
        "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"
        "{% if add_generation_prompt %}<|a|>{% endif %}"
    )
    assert render_chat(MESSAGES, template=template, architecture="x").text == "<|user|>Hello<|a|>"
    assert sys.gettrace() is before
