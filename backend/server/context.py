"""What every route needs: the engines, the settings, the models folder, and the requests in flight."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from backend.llm_service import LlmService
from backend.server.config import ServerConfig
from backend.server.errors import ApiError
from backend.server.request_log import RequestRecord
from backend.server.speech_queue import SpeechRunner


@dataclass
class ServerContext:
    llm: LlmService
    speech: SpeechRunner | None
    config: ServerConfig
    models_dir: Path
    on_record: Callable[[RequestRecord], None] | None = None
    started_at: int = field(default_factory=lambda: int(time.time()))
    active: set[threading.Event] = field(default_factory=set)  # cancel events of requests being served

    def chat_model(self, requested: str) -> tuple[str, int]:
        """The loaded chat model's id and context length, after checking what the request named."""
        model = self.llm.loaded_model
        if model is None:
            raise ApiError(503, "no chat model is loaded in Hearth", type="server_error", code="model_not_loaded")
        check_requested_model(requested, model.path, self.models_dir)
        return model.path.name, model.n_ctx

    def cancel_all(self) -> None:
        for cancel in list(self.active):
            cancel.set()


def _looks_like_path(name: str) -> bool:
    return "/" in name or "\\" in name or name.startswith(".") or name.endswith((".gguf", ".bin"))


def check_requested_model(requested: str, loaded: Path, models_dir: Path) -> None:
    """The loaded model answers any plain name (clients send "gpt-4o"), as llama.cpp's server does.

    A request that names a file must name the loaded one, inside the models folder: the path is
    only compared, never opened, so a request cannot make the server read anything else.
    """
    if not requested or requested == loaded.name or not _looks_like_path(requested):
        return
    root = os.path.realpath(models_dir)
    candidate = requested if os.path.isabs(requested) else os.path.join(root, requested)
    real = os.path.realpath(candidate)
    if os.path.commonpath([real, root]) != root:
        raise ApiError(
            400,
            "a model path must name a file inside Hearth's models folder",
            param="model",
            code="model_outside_models_folder",
        )
    if real != os.path.realpath(loaded):
        raise ApiError(
            404,
            f"{requested} is not the loaded model; this server answers with {loaded.name} (load others in Hearth)",
            param="model",
            code="model_not_found",
        )
