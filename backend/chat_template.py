"""Turn a message list into the prompt a model was trained on.

The model's own Jinja template (GGUF `tokenizer.chat_template`) is rendered in an immutable
sandbox, so a hostile template can neither reach Python internals nor change state
(CVE-2024-34359 was the unsandboxed version of this). A model without a template gets one chosen
by its architecture, and the result says so, so the UI can tell the user it was inferred.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from backend.errors import HearthError


class TemplateError(HearthError):
    pass


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
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, undefined=jinja2.ChainableUndefined)
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


@functools.lru_cache(maxsize=8)
def _compiled(source: str) -> jinja2.Template:
    # Compiling a model's template takes ~7 ms: once per model, not once per message.
    return _environment().from_string(source)


def _render(source: str, messages: list[dict], bos: str, eos: str, add_generation_prompt: bool) -> str:
    try:
        template = _compiled(source)
        return template.render(
            messages=messages, bos_token=bos, eos_token=eos, add_generation_prompt=add_generation_prompt
        )
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
