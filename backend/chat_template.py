"""Turn a message list into the prompt a model was trained on.

The model's own Jinja template (GGUF `tokenizer.chat_template`) is rendered in an immutable
sandbox, so a hostile template can neither reach Python internals nor change state
(CVE-2024-34359 was the unsandboxed version of this). The sandbox alone bounds neither memory nor
time, so rendering is bounded too: the output may be at most a little more than twice the messages'
text, and the render may take at most RENDER_SECONDS; beyond either the template is refused with a
sentence instead of hanging the generation thread. A model without a template gets one chosen by its
architecture, and the result says so, so the UI can tell the user it was inferred.
"""

from __future__ import annotations

import functools
import operator
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from backend.errors import HearthError


class TemplateError(HearthError):
    pass


RENDER_SECONDS = 2.0  # real templates render in milliseconds
OUTPUT_MARGIN_CHARS = 1 << 20  # room for the template's own text beyond twice the messages'
MAX_INT_BITS = 1 << 16  # Python's integers grow without bound: 9 ** 10**8 alone takes minutes
_WIDE_FORMAT = re.compile(r"%[-+ #0]*\d{7,}|%[-+ #0]*\*")


class _LimitExceeded(Exception):
    pass


_budget = threading.local()  # the running render's limits; templates are compiled once, rendered anywhere


def _check_size(n: int) -> None:
    if n > _budget.max_chars:
        raise _LimitExceeded(f"it would produce more than {_budget.max_chars:,} characters")


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise _LimitExceeded(f"it computes a number of more than {MAX_INT_BITS:,} bits")


def _sized(value) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Checks the operators that can build huge values before they run ('x' * 10**9, 9 ** 10**8)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context, op, left, right):
        if op == "*":
            count = right if isinstance(right, int) else left if isinstance(left, int) else 0
            _check_size(max(_sized(left), _sized(right)) * max(count, 0))
            if isinstance(left, int) and isinstance(right, int):
                _check_bits(left.bit_length() + right.bit_length())
        elif op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            _check_bits(left.bit_length() * right)
        elif op == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise _LimitExceeded("it formats a value to a huge width")
        elif op == "+":
            _check_size(_sized(left) + _sized(right))
        return {"*": operator.mul, "**": operator.pow, "%": operator.mod, "+": operator.add}[op](left, right)


def _width_checked(filter_fn):
    def checked(*args, **kwargs):
        for value in (*args[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool):
                _check_size(value)
        return filter_fn(*args, **kwargs)

    return checked


@dataclass(frozen=True)
class RenderedPrompt:
    text: str
    stop: list[str] = field(default_factory=list)
    template_source: str = "model"  # "model" or "inferred:<family>"

    @property
    def inferred(self) -> bool:
        return self.template_source != "model"


_CHATML = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
# Gemma has no system role: its own templates fold the system prompt into the first user turn.
_GEMMA = (
    "{{ bos_token }}{% set sys = namespace(text='') %}"
    "{% for m in messages %}{% if m.role == 'system' %}{% set sys.text = m.content + '\n\n' %}"
    "{% else %}<start_of_turn>{{ 'model' if m.role == 'assistant' else 'user' }}\n"
    "{% if m.role == 'user' and sys.text %}{{ sys.text }}{% set sys.text = '' %}{% endif %}"
    "{{ m.content | trim }}<end_of_turn>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
_LLAMA2 = (
    "{% set sys = namespace(text='') %}{% for m in messages %}"
    "{% if m.role == 'system' %}{% set sys.text = '<<SYS>>\n' + m.content + '\n<</SYS>>\n\n' %}"
    "{% elif m.role == 'user' %}{{ bos_token }}[INST] {{ sys.text }}{{ m.content | trim }} [/INST]"
    "{% set sys.text = '' %}{% else %} {{ m.content | trim }} {{ eos_token }}{% endif %}{% endfor %}"
)
_PHI3 = (
    "{% for m in messages %}<|{{ m.role }}|>\n{{ m.content }}<|end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)

# architecture (GGUF general.architecture) -> (family name, template, text stop markers)
_BY_ARCHITECTURE: dict[str, tuple[str, str, list[str]]] = {
    "gemma": ("Gemma", _GEMMA, ["<end_of_turn>"]),
    "gemma2": ("Gemma", _GEMMA, ["<end_of_turn>"]),
    "gemma3": ("Gemma", _GEMMA, ["<end_of_turn>"]),
    "gemma3n": ("Gemma", _GEMMA, ["<end_of_turn>"]),
    "llama": ("Llama 2", _LLAMA2, ["[INST]"]),
    "phi3": ("Phi-3", _PHI3, ["<|end|>"]),
}
_DEFAULT_FAMILY = ("ChatML", _CHATML, ["<|im_end|>"])


def _raise(message: str):
    raise TemplateError(f"the model's chat template refused the conversation: {message}")


def _environment() -> ImmutableSandboxedEnvironment:
    env = _BoundedSandbox(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.ChainableUndefined)
    for name in ("center", "indent", "wordwrap", "format", "truncate"):
        env.filters[name] = _width_checked(env.filters[name])
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


@functools.lru_cache(maxsize=8)
def _compiled(source: str) -> jinja2.Template:
    # Compiling a model's template takes ~7 ms: once per model, not once per message.
    return _environment().from_string(source)


def _bounded_render(template: jinja2.Template, max_chars: int, **variables) -> str:
    """Render with the size budget set and a clock checked on every line of the compiled template (a
    loop that prints nothing would otherwise spin unseen); only template code is traced, so the cost
    is a few microseconds per template line and nothing elsewhere."""
    deadline = time.monotonic() + RENDER_SECONDS

    def on_line(frame, event, arg):
        if time.monotonic() > deadline:
            raise _LimitExceeded(f"it took longer than {RENDER_SECONDS:g} s")
        return on_line

    def on_call(frame, event, arg):
        return on_line if frame.f_code.co_filename == "<template>" else None

    _budget.max_chars = max_chars
    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        pieces, size = [], 0
        for piece in template.generate(**variables):
            size += len(piece)
            _check_size(size)
            pieces.append(piece)
        return "".join(pieces)
    finally:
        sys.settrace(previous)


def _render(source: str, messages: list[dict], bos: str, eos: str, add_generation_prompt: bool) -> str:
    max_chars = OUTPUT_MARGIN_CHARS + 2 * sum(len(str(m.get("content") or "")) for m in messages)
    try:
        template = _compiled(source)
        return _bounded_render(
            template,
            max_chars,
            messages=messages,
            bos_token=bos,
            eos_token=eos,
            add_generation_prompt=add_generation_prompt,
        )
    except _LimitExceeded as exc:
        raise TemplateError(f"the model's chat template was stopped: {exc}. Use another model or template") from None
    except TemplateError:
        raise
    except SecurityError as exc:
        raise TemplateError(f"the model's chat template tried something unsafe and was stopped ({exc})") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"the model's chat template is broken: {exc}") from exc
    except Exception as exc:  # a template is untrusted code: any failure is the template's, not ours
        raise TemplateError(f"the model's chat template failed: {type(exc).__name__}: {exc}") from exc


def render_chat(
    messages: list[dict],
    *,
    template: str | None,
    architecture: str,
    bos_token: str = "",
    eos_token: str = "",
    add_generation_prompt: bool = True,
) -> RenderedPrompt:
    clean = [{"role": m["role"], "content": m["content"]} for m in messages]
    if template:
        text = _render(template, clean, bos_token, eos_token, add_generation_prompt)
        return RenderedPrompt(text=text, stop=[], template_source="model")
    family, source, stop = _BY_ARCHITECTURE.get(architecture, _DEFAULT_FAMILY)
    text = _render(source, clean, bos_token, eos_token, add_generation_prompt)
    return RenderedPrompt(text=text, stop=list(stop), template_source=f"inferred:{family}")
