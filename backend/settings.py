"""App settings in one JSON file: window geometry, chosen models, per-model compute settings."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from backend import paths
from backend.atomic import write_text_atomic

log = logging.getLogger(__name__)


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

    def model_settings(self, model_path: str | Path) -> dict[str, Any]:
        return dict(self._data.get("models", {}).get(str(model_path), {}))

    def set_model_settings(self, model_path: str | Path, values: dict[str, Any]) -> None:
        self._data.setdefault("models", {})[str(model_path)] = dict(values)
        self.save()

    def save(self) -> None:
        try:
            write_text_atomic(self.path, json.dumps(self._data, indent=2, sort_keys=True))
        except OSError as exc:
            # A read-only or full data dir must not take the app down; the caller's state stays in memory.
            log.warning("could not save settings to %s: %s", self.path, exc)
