"""/v1/audio/transcriptions and /v1/audio/translations: an uploaded file through the speech queue."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import zlib
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from backend.audio import AudioFileError, decode_file
from backend.defaults import SAMPLE_RATE
from backend.server.context import ServerContext, check_requested_model
from backend.server.errors import ApiError
from backend.server.generation import await_unless_client_leaves, error_for, submit_or_refuse
from backend.speech import Segment, WhisperEngine
from backend.subtitles import to_srt, to_vtt

router = APIRouter()

FORMATS = ("json", "text", "srt", "vtt", "verbose_json")
ENGLISH = {"", "en", "english"}


def _decode_upload(data: bytes, filename: str) -> tuple:
    # FFmpeg guesses the container from the name as well as the bytes: keep the client's suffix.
    suffix = Path(filename or "audio").suffix[:10] or ".bin"
    with tempfile.TemporaryDirectory(prefix="hearth-upload-") as folder:
        path = os.path.join(folder, "upload" + suffix)
        with open(path, "wb") as out:
            out.write(data)
        try:
            return decode_file(path)
        except AudioFileError as exc:
            raise ApiError(
                400, f"the uploaded file is not audio FFmpeg can read: {exc}", param="file", code="invalid_audio"
            ) from exc


def _compression_ratio(text: str) -> float:
    raw = text.encode("utf-8")
    return round(len(raw) / len(zlib.compress(raw)), 3) if raw else 0.0


def _body(segments: list[Segment], fmt: str, *, task: str, language: str, duration: float, words: bool) -> Response:
    text = " ".join(s.text.strip() for s in segments if s.text.strip())
    if fmt == "json":
        return JSONResponse({"text": text})
    if fmt == "text":
        return PlainTextResponse(text + "\n")
    if fmt == "srt":
        return PlainTextResponse(to_srt(segments))
    if fmt == "vtt":
        return PlainTextResponse(to_vtt(segments), media_type="text/vtt")
    body = {
        "task": task,
        "language": language,
        "duration": round(duration, 3),
        "text": text,
        "segments": [
            {
                "id": i,
                "seek": int(s.start * 100),  # Whisper's seek is in 10 ms mel frames
                "start": round(s.start, 3),
                "end": round(s.end, 3),
                "text": s.text,
                "compression_ratio": _compression_ratio(s.text),
            }
            for i, s in enumerate(segments)
        ],
    }
    if words:
        body["words"] = [
            {"word": w.text.strip(), "start": round(w.start, 3), "end": round(w.end, 3)}
            for s in segments
            for w in s.words
        ]
    return JSONResponse(body)


async def _serve(
    request: Request,
    *,
    translate: bool,
    file: UploadFile,
    model: str,
    language: str | None,
    prompt: str,
    response_format: str,
    granularities: list[str],
) -> Response:
    ctx: ServerContext = request.app.state.ctx
    if response_format not in FORMATS:
        raise ApiError(400, f"response_format must be one of {', '.join(FORMATS)}", param="response_format")
    if ctx.speech is None:
        raise ApiError(503, "no speech model is loaded in Hearth", type="server_error", code="model_not_loaded")
    name = ctx.speech.model_name
    check_requested_model(model, Path(ctx.models_dir) / name, ctx.models_dir)
    language = (language or "").strip().lower()
    words = "word" in granularities
    if words and response_format != "verbose_json":
        raise ApiError(400, "word timestamps need response_format verbose_json", param="timestamp_granularities")
    audio = await asyncio.to_thread(_decode_upload, await file.read(), file.filename or "")
    if len(audio) == 0:
        raise ApiError(400, "the uploaded file contains no audio", param="file", code="invalid_audio")

    def job(engine: WhisperEngine) -> list[Segment]:
        if not engine.multilingual and language not in ENGLISH:
            raise ApiError(400, f"the speech model {name} understands English only", param="language")
        return engine.transcribe(
            audio,
            language=language or "auto",
            translate=translate,
            prompt=prompt,
            word_times=words,
            cancel=cancel,
        )

    cancel = threading.Event()
    future = submit_or_refuse(lambda: ctx.speech.run(job, cancel=cancel))
    ctx.active.add(cancel)
    try:
        segments, left = await await_unless_client_leaves(request, future, cancel)
    except Exception as exc:
        raise error_for(exc) from exc
    finally:
        ctx.active.discard(cancel)
    duration = len(audio) / SAMPLE_RATE
    if left:
        request.state.log = {"outcome": "client disconnected"}
        return Response(status_code=499)
    request.state.log = {"outcome": f"{duration:.1f} s of audio"}
    return _body(
        segments,
        response_format,
        task="translate" if translate else "transcribe",
        language="english" if translate or language in ENGLISH else language,
        duration=duration,
        words=words,
    )


@router.post("/v1/audio/transcriptions")
async def transcriptions(
    request: Request,
    file: UploadFile = File(...),
    model: str = Form(""),
    language: str | None = Form(None),
    prompt: str = Form(""),
    response_format: str = Form("json"),
    temperature: float = Form(0.0),
    granularities: list[str] = Form(default=[], alias="timestamp_granularities[]"),
) -> Response:
    return await _serve(
        request,
        translate=False,
        file=file,
        model=model,
        language=language,
        prompt=prompt,
        response_format=response_format,
        granularities=granularities,
    )


@router.post("/v1/audio/translations")
async def translations(
    request: Request,
    file: UploadFile = File(...),
    model: str = Form(""),
    prompt: str = Form(""),
    response_format: str = Form("json"),
    temperature: float = Form(0.0),
) -> Response:
    return await _serve(
        request,
        translate=True,
        file=file,
        model=model,
        language=None,
        prompt=prompt,
        response_format=response_format,
        granularities=[],
    )
