"""Chat templates come from downloaded files: a hostile or broken one is stopped and explained, never run.

Each template is written into a small random-weight llama GGUF that llama.cpp really loads, and the
message goes through the real window and worker.
"""

from __future__ import annotations

import pytest
from synthetic_gguf import write_synthetic_gguf
from window_actions import send

MARKER = "hearth-template-pwned"

# The payload shapes of CVE-2024-34359 and its write-ups: walk from a literal to object's subclasses,
# or from a Jinja global to a module's globals, and run a shell command that leaves a marker file.
ESCAPES = {
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cve-2024-34359": (
        "{% for x in ().__class__.__base__.__subclasses__() %}{% if 'warning' in x.__name__ %}"
        "{{ x()._module.__builtins__['__import__']('os').popen('touch {marker}') }}{% endif %}{% endfor %}"
    ),
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__['__builtins__']['__import__']('os').system('touch {marker}') }}",
    "mutate-messages": "{% set _ = messages.append({'role': 'user', 'content': 'injected'}) %}{{ messages }}",
}


@pytest.mark.parametrize("payload", ESCAPES, ids=list(ESCAPES))
def test_template_escaping_the_sandbox_is_stopped_and_explained(payload, qtbot, tmp_path, monkeypatch, open_chat):
    monkeypatch.chdir(tmp_path)  # a relative `touch` would land here
    model = write_synthetic_gguf(
        tmp_path / "hostile.gguf", chat_template=ESCAPES[payload].replace("{marker}", str(tmp_path / MARKER))
    )
    window = open_chat(model)
    pane = window.chat_pane
    assert pane.model_info.inferred_family is None, "the file's own template is used"

    result = send(qtbot, pane, "Hello")

    assert result["stop_reason"] == "error"
    assert "chat template" in pane.banner.text() and pane.banner.property("kind") == "error"
    assert "unsafe" in pane.banner.text() or "refused" in pane.banner.text() or "failed" in pane.banner.text()
    assert not (tmp_path / MARKER).exists(), "the template ran a shell command"
    saved = window.store.messages(pane.conversation_id)
    assert [(m.role, m.content) for m in saved] == [("user", "Hello")], "the user's message is kept, no empty reply"
    assert pane.send_button.isEnabled()


def test_format_string_cannot_read_internals_either():
    """str.format is the sandbox's known side door; here it renders nothing instead of Python globals."""
    from backend.chat_template import render_chat

    rendered = render_chat(
        [{"role": "user", "content": "x"}],
        architecture="llama",
        template="{{ '{0.__class__.__init__.__globals__}'.format(messages) }}",
    )
    assert "__builtins__" not in rendered.text and "<class" not in rendered.text and "function" not in rendered.text


BROKEN = {
    "raise_exception": (
        "{{ raise_exception('Conversation roles must alternate user/assistant') }}",
        "refused the conversation: Conversation roles must alternate",
    ),
    "python-error": ("{{ messages[0].content / 0 }}", "chat template failed"),
}


@pytest.mark.parametrize("fault", BROKEN, ids=list(BROKEN))
def test_template_that_raises_is_explained(fault, qtbot, tmp_path, open_chat):
    template, expected = BROKEN[fault]
    window = open_chat(write_synthetic_gguf(tmp_path / "broken.gguf", chat_template=template))
    pane = window.chat_pane
    result = send(qtbot, pane, "Hello")
    assert result["stop_reason"] == "error"
    assert expected in pane.banner.text()
    assert [m.role for m in window.store.messages(pane.conversation_id)] == ["user"]


UNBOUNDED = {
    "100-MB-string": "{{ 'x' * 10**8 }}",
    "endless-silent-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "huge-width-filter": "{{ messages[0].content | center(10**9) }}",
    "doubling-in-a-loop": (
        "{% set s = namespace(t='xx') %}{% for i in range(64) %}{% set s.t = s.t + s.t %}{% endfor %}"
    ),
}


@pytest.mark.parametrize("fault", UNBOUNDED, ids=list(UNBOUNDED))
def test_template_without_bounds_is_stopped_with_a_sentence(fault, qtbot, tmp_path, open_chat):
    window = open_chat(write_synthetic_gguf(tmp_path / "greedy.gguf", chat_template=UNBOUNDED[fault]))
    pane = window.chat_pane
    result = send(qtbot, pane, "Hello", timeout=30_000)
    assert result["stop_reason"] == "error"
    assert "chat template was stopped" in pane.banner.text(), pane.banner.text()
    assert [m.role for m in window.store.messages(pane.conversation_id)] == ["user"]
    assert pane.send_button.isEnabled()


def test_template_that_does_not_compile_is_refused_at_load(tmp_path, open_chat):
    broken = write_synthetic_gguf(tmp_path / "broken.gguf", chat_template="{% for m in messages %}{{ m.content }}")
    window = open_chat(broken, wait="failed")
    assert "broken.gguf has a broken chat template" in window.chat_pane.banner.text()
    assert "Unexpected end of template" in window.chat_pane.banner.text()


def test_missing_template_is_inferred_and_said(qtbot, open_chat, gemma_model_path):
    window = open_chat(gemma_model_path)
    pane = window.chat_pane
    assert "no chat template of its own" in pane.banner.text() and "Gemma" in pane.banner.text()
    assert "template inferred (Gemma)" in window.model_label.text()
    stats = send(qtbot, pane, "Say hello.")
    reply = pane.view.bubbles[-1].text()
    assert stats["template_source"] == "inferred:Gemma" and reply.strip()
    assert "<end_of_turn>" not in reply and "<start_of_turn>" not in reply
