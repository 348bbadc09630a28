"""App settings in one JSON file: window geometry, chosen models, per-model compute settings.

Every setting has a named accessor here, so no other module spells a setting's key; per-model
compute settings are a typed dataclass rather than a dict of strings.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from backend import paths
from backend.atomic import write_text_atomic
from backend.defaults import DEFAULT_N_CTX, default_threads
from backend.llm import ComputeOptions, SamplingParams

log = logging.getLogger(__name__)

CHAT_MODEL = "chat_model"
SPEECH_MODEL = "speech_model"
DEFAULT_SAMPLING = "default_sampling"
WINDOW_GEOMETRY = "window_geometry"
THEME = "theme"
LANGUAGE = "language"
LANGUAGES = ("system", "en", "zh_CN")
MODELS = "models"


@dataclass(frozen=True)
class ModelSettings:
    """Compute settings remembered for one model file; None means "Hearth's default"."""

    n_gpu_layers: int = 0  # chat: layers offloaded to the GPU (-1: all)
    n_threads: int | None = None
    n_ctx: int | None = None  # chat: context length
    audio_ctx: int | None = None  # speech: Whisper encoder frames (1500 = the full 30 s window; None: automatic)
    # chat: llama.cpp's compute options (see backend.llm.ComputeOptions); None: llama.cpp's default
    flash_attn: str | None = None  # auto, on, off
    n_batch: int | None = None
    n_ubatch: int | None = None
    type_k: str | None = None  # KV cache: f16, q8_0, q4_0
    type_v: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ModelSettings:
        kinds = {f.name: str if "str" in str(f.type) else int for f in fields(cls)}
        values = {}
        for key, value in (data or {}).items():
            if key in kinds and value is not None:
                try:
                    values[key] = kinds[key](value)
                except (TypeError, ValueError):
                    log.warning("ignoring the setting %s=%r: not a number", key, value)
        return cls(**values)

    def to_dict(self) -> dict[str, int | str]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def compute(self) -> ComputeOptions:
        """The engine's compute options: the saved ones over llama.cpp's defaults."""
        chosen = {k: getattr(self, k) for k in ("flash_attn", "n_batch", "n_ubatch", "type_k", "type_v")}
        return ComputeOptions(**{k: v for k, v in chosen.items() if v is not None})

    def threads(self, kind: str) -> int:
        return self.n_threads or default_threads(kind)

    def context(self, trained_context: int = 0) -> int:
        """The chat context to load with: the saved one, else the default capped by what the model was trained on."""
        return self.n_ctx or min(DEFAULT_N_CTX, trained_context or DEFAULT_N_CTX)


class Settings:
    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else paths.settings_path()
        self._data: dict[str, Any] = {}
        try:
            self._data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self._data, dict):
                raise ValueError("not an object")
        except FileNotFoundError:
            pass
        except (ValueError, OSError) as exc:
            log.warning("settings file %s unreadable (%s); starting from defaults", self.path, exc)
            self._data = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.save()

    # --- named settings ---------------------------------------------------------------------------

    @property
    def chat_model(self) -> str:
        return str(self.get(CHAT_MODEL) or "")

    @chat_model.setter
    def chat_model(self, path: str) -> None:
        self.set(CHAT_MODEL, str(path))

    @property
    def speech_model(self) -> str:
        return str(self.get(SPEECH_MODEL) or "")

    @speech_model.setter
    def speech_model(self, path: str) -> None:
        self.set(SPEECH_MODEL, str(path))

    @property
    def default_sampling(self) -> SamplingParams:
        """The sampling a new conversation starts with (the last one the user set)."""
        value = self.get(DEFAULT_SAMPLING)
        return SamplingParams.from_dict(value if isinstance(value, dict) else None)

    @default_sampling.setter
    def default_sampling(self, params: SamplingParams) -> None:
        self.set(DEFAULT_SAMPLING, params.to_dict())

    @property
    def window_geometry(self) -> str:
        return str(self.get(WINDOW_GEOMETRY) or "")

    @window_geometry.setter
    def window_geometry(self, value: str) -> None:
        self.set(WINDOW_GEOMETRY, value)

    @property
    def theme(self) -> str:
        """The window's look: "system" (follow the desktop), "light" or "dark"."""
        value = self.get(THEME)
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.set(THEME, value)

    @property
    def language(self) -> str:
        """The window's language: "system" (the desktop's), "en" or "zh_CN"."""
        value = self.get(LANGUAGE)
        return value if value in LANGUAGES else "system"

    @language.setter
    def language(self, value: str) -> None:
        self.set(LANGUAGE, value)

    # --- per-model compute settings ---------------------------------------------------------------

    def model_settings(self, model_path: str | Path) -> ModelSettings:
        models = self._data.get(MODELS)
        saved = models.get(str(model_path)) if isinstance(models, dict) else None
        return ModelSettings.from_dict(saved if isinstance(saved, dict) else None)

    def set_model_settings(self, model_path: str | Path, values: ModelSettings | Mapping[str, Any]) -> None:
        """Remember a model's settings (a mapping of ModelSettings field names is accepted from scripts)."""
        if not isinstance(values, ModelSettings):
            values = ModelSettings.from_dict(values)
        self._data.setdefault(MODELS, {})[str(model_path)] = values.to_dict()
        self.save()

    def save(self) -> None:
        try:
            write_text_atomic(self.path, json.dumps(self._data, indent=2, sort_keys=True))
        except OSError as exc:
            # A read-only or full data dir must not take the app down; the caller's state stays in memory.
            log.warning("could not save settings to %s: %s", self.path, exc)
