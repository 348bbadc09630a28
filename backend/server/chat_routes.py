"""/v1/models, /v1/chat/completions and /v1/completions on the shared LlmService."""

from __future__ import annotations

import json
import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.llm import SamplingParams
from backend.server.context import ServerContext
from backend.server.errors import ApiError
from backend.server.generation import respond
from backend.server.schemas import ChatRequest, CompletionRequest, _Sampling
from backend.server.shapes import ChatShape, CompletionShape

router = APIRouter()


def _ctx(request: Request) -> ServerContext:
    return request.app.state.ctx


def _refuse_unsupported(body: _Sampling) -> None:
    if body.n not in (None, 1):
        raise ApiError(400, "n must be 1: this server generates one choice per request", param="n")
    if body.logprobs:
        raise ApiError(400, "logprobs are not supported by this server", param="logprobs")


def _params(body: _Sampling, n_ctx: int, max_tokens: int | None) -> SamplingParams:
    defaults = SamplingParams()
    pick = lambda value, default: default if value is None else value  # noqa: E731
    return SamplingParams(
        temperature=pick(body.temperature, defaults.temperature),
        top_p=pick(body.top_p, defaults.top_p),
        top_k=pick(body.top_k, defaults.top_k),
        min_p=pick(body.min_p, defaults.min_p),
        repeat_penalty=pick(body.repeat_penalty, defaults.repeat_penalty),
        max_tokens=max_tokens or n_ctx,  # no limit asked: until the model ends or the context is full
        seed=body.seed,
    )


def _stops(body: _Sampling) -> list[str]:
    if body.stop is None:
        return []
    return [body.stop] if isinstance(body.stop, str) else list(body.stop)


def _include_usage(body: _Sampling) -> bool:
    return bool(body.stream and body.stream_options and body.stream_options.include_usage)


def _messages(body: ChatRequest) -> list[dict]:
    messages = []
    for i, message in enumerate(body.messages):
        if message.role in ("tool", "function"):
            raise ApiError(400, "tool and function messages are not supported by this server", param=f"messages[{i}]")
        content = message.content
        if isinstance(content, list):
            texts = []
            for part in content:
                if part.type != "text" or part.text is None:
                    raise ApiError(
                        400,
                        f"message content of type '{part.type}' is not supported (text only)",
                        param=f"messages[{i}]",
                    )
                texts.append(part.text)
            content = "".join(texts)
        role = "system" if message.role == "developer" else message.role
        messages.append({"role": role, "content": content or ""})
    return messages


def json_grammar(response_format):
    """JSON mode as llama.cpp does it: a grammar that only lets the model write JSON (or the given schema)."""
    if response_format is None or response_format.type == "text":
        return None
    from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

    if response_format.type == "json_object":
        return LlamaGrammar.from_string(JSON_GBNF, verbose=False)
    schema = (response_format.json_schema or {}).get("schema")
    if not isinstance(schema, dict):
        raise ApiError(400, "response_format json_schema needs json_schema.schema", param="response_format")
    try:
        return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
    except Exception as exc:  # the converter raises plain errors for schemas it cannot express
        raise ApiError(400, f"this JSON schema cannot be enforced: {exc}", param="response_format") from exc


@router.get("/v1/models")
async def list_models(request: Request) -> JSONResponse:
    ctx = _ctx(request)
    data = []
    model = ctx.llm.loaded_model
    if model is not None:
        try:
            created = int(os.path.getmtime(model.path))
        except OSError:
            created = ctx.started_at
        data.append(
            {
                "id": model.path.name,
                "object": "model",
                "created": created,
                "owned_by": "hearth",
                "meta": {
                    "kind": "chat",
                    "n_ctx": model.n_ctx,
                    "architecture": model.info.architecture,
                    "quantization": model.info.file_type_name,
                },
            }
        )
    if ctx.speech is not None:
        data.append(
            {
                "id": ctx.speech.model_name,
                "object": "model",
                "created": ctx.started_at,
                "owned_by": "hearth",
                "meta": {"kind": "speech"},
            }
        )
    return JSONResponse({"object": "list", "data": data})


@router.post("/v1/chat/completions")
async def chat_completions(request: Request, body: ChatRequest):
    ctx = _ctx(request)
    _refuse_unsupported(body)
    if body.tools:
        raise ApiError(400, "tools (function calling) are not supported by this server", param="tools")
    grammar = json_grammar(body.response_format)
    model_id, n_ctx = ctx.chat_model(body.model)
    messages = _messages(body)
    params = _params(body, n_ctx, body.max_completion_tokens or body.max_tokens)
    stops = _stops(body)
    shape = ChatShape(model_id, _include_usage(body))
    return await respond(
        request,
        ctx,
        shape,
        lambda cancel, on_piece: ctx.llm.chat(
            messages, params, cancel=cancel, on_piece=on_piece, stop=stops, grammar=grammar
        ),
        stream=body.stream,
    )


@router.post("/v1/completions")
async def completions(request: Request, body: CompletionRequest):
    ctx = _ctx(request)
    _refuse_unsupported(body)
    if body.suffix:
        raise ApiError(400, "suffix (fill-in-the-middle) is not supported by this server", param="suffix")
    prompt = body.prompt
    if isinstance(prompt, list):
        if len(prompt) != 1:
            raise ApiError(400, "send one prompt per request", param="prompt")
        prompt = prompt[0]
    if not prompt:
        raise ApiError(400, "the prompt is empty", param="prompt")
    model_id, n_ctx = ctx.chat_model(body.model)
    params = _params(body, n_ctx, body.max_tokens or 16)  # OpenAI's default for completions is 16 tokens
    stops = _stops(body)
    shape = CompletionShape(model_id, _include_usage(body))
    return await respond(
        request,
        ctx,
        shape,
        lambda cancel, on_piece: ctx.llm.complete(prompt, params, cancel=cancel, on_piece=on_piece, stop=stops),
        stream=body.stream,
        prefix=prompt if body.echo else "",
    )
