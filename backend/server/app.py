"""The ASGI app: FastAPI routes inside the request log, the guard and (only if origins are allowed) CORS."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from backend.server import audio_routes, chat_routes
from backend.server.context import ServerContext
from backend.server.errors import ApiError
from backend.server.guard import RequestGuard
from backend.server.request_log import RequestLog


def _validation_message(exc: RequestValidationError) -> tuple[str, str | None]:
    error = exc.errors()[0]
    loc = [str(part) for part in error.get("loc", ()) if part != "body"]
    if not loc and error.get("type") in ("model_attributes_type", "dict_type", "json_invalid"):
        return "the body must be a JSON object (Content-Type: application/json)", None
    where = ".".join(loc)
    return (f"{where}: {error.get('msg')}" if where else str(error.get("msg"))), (loc[0] if loc else None)


def build_api(ctx: ServerContext) -> FastAPI:
    # No /docs: its page loads scripts from a CDN, and nothing here may reach the network.
    api = FastAPI(title="Hearth", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.ctx = ctx

    @api.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @api.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, param = _validation_message(exc)
        return ApiError(400, message, param=param).response()

    @api.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        return ApiError(
            exc.status_code, str(exc.detail), code="not_found" if exc.status_code == 404 else None
        ).response()

    @api.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        return ApiError(500, f"internal error: {exc}", type="server_error").response()

    @api.get("/health")
    async def health() -> JSONResponse:
        model = ctx.llm.loaded_model
        body = {
            "status": "ok" if model is not None else "no chat model loaded",
            "chat_model": model.path.name if model is not None else None,
            "speech_model": ctx.speech.model_name if ctx.speech is not None else None,
            "busy": ctx.llm.busy,
            "waiting": ctx.llm.waiting,
        }
        return JSONResponse(body, status_code=200 if model is not None else 503)

    api.include_router(chat_routes.router)
    api.include_router(audio_routes.router)
    return api


def create_app(ctx: ServerContext):
    app = build_api(ctx)
    if ctx.config.allowed_origins:
        app = CORSMiddleware(
            app,
            allow_origins=list(ctx.config.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return RequestLog(RequestGuard(app, ctx.config), ctx.on_record)
