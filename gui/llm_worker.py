"""The chat engine's worker: owns the LlmEngine, lives in its own QThread, talks only by signals.

Tokens cross to the GUI in batches (every ~30 ms) and live stats 4 times a second, so the GUI
thread only paints. Stop is a threading.Event the GUI sets directly: a queued "stop" signal would
wait behind the busy generation loop.
"""

from __future__ import annotations

import threading
import time
import traceback

from PySide6.QtCore import QObject, Signal, Slot

from backend.errors import HearthError
from backend.hardware import compute_backend
from backend.llm import LlmEngine, SamplingParams
from backend.models import bundled

TOKEN_FLUSH_S = 0.03
STATS_EVERY_S = 0.25


class LlmWorker(QObject):
    model_loading = Signal(str, float)  # what is happening, progress 0..1 (-1: unknown)
    model_loaded = Signal(dict)
    model_load_failed = Signal(str)
    tokens_received = Signal(int, str)  # request id, text since the last flush
    stats_updated = Signal(int, dict)  # request id, live stats
    notice = Signal(int, str)  # request id, something the user should know
    generation_finished = Signal(int, dict)  # request id, final stats (stop_reason inside)
    generation_failed = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self.engine = LlmEngine()
        self.cancel = threading.Event()

    @Slot(str, dict)
    def load_model(self, path: str, options: dict) -> None:
        try:
            if not path:
                self.model_loading.emit("Preparing the bundled model…", 0.0)
                path = str(
                    bundled.ensure(
                        bundled.DEFAULT_CHAT, lambda f: self.model_loading.emit("Preparing the bundled model…", f)
                    )
                )
            self.model_loading.emit(f"Loading {path.rsplit('/', 1)[-1]}…", -1.0)
            model = self.engine.load(
                path,
                n_ctx=int(options.get("n_ctx") or 4096),
                n_threads=options.get("n_threads") or None,
                n_gpu_layers=int(options.get("n_gpu_layers") or 0),
            )
        except (HearthError, OSError) as exc:
            self.model_load_failed.emit(str(exc))
            return
        except Exception as exc:  # never let an engine bug kill the worker thread silently
            traceback.print_exc()
            self.model_load_failed.emit(f"unexpected error while loading: {exc}")
            return
        backend = compute_backend()
        info = model.info
        self.model_loaded.emit(
            {
                "path": str(model.path),
                "name": model.display_name,
                "architecture": info.architecture,
                "quantization": info.file_type_name,
                "n_ctx": model.n_ctx,
                "n_threads": model.n_threads,
                "n_gpu_layers": model.n_gpu_layers,
                "n_layers": info.n_layers,
                "load_ms": model.load_ms,
                "template_source": model.template_source,
                "backend": backend.name if model.n_gpu_layers else "CPU",
                "gpu_available": backend.gpu_offload,
            }
        )

    @Slot()
    def unload_model(self) -> None:
        self.engine.unload()

    @Slot(int, list, dict)
    def generate(self, request_id: int, messages: list, params: dict) -> None:
        # The GUI cleared `cancel` when it sent this request; a Stop pressed since then still counts.
        try:
            generation = self.engine.stream_chat(messages, SamplingParams.from_dict(params), self.cancel)
            if generation.notice:
                self.notice.emit(request_id, generation.notice)
            pending: list[str] = []
            last_flush, last_stats = 0.0, time.perf_counter()  # the first token goes out at once
            for piece in generation:
                pending.append(piece)
                now = time.perf_counter()
                if now - last_flush >= TOKEN_FLUSH_S:
                    self.tokens_received.emit(request_id, "".join(pending))
                    pending.clear()
                    last_flush = now
                if now - last_stats >= STATS_EVERY_S:
                    self.stats_updated.emit(request_id, self._live(generation, now))
                    last_stats = now
            if pending:
                self.tokens_received.emit(request_id, "".join(pending))
            final = generation.stats.to_dict()
            final["template_source"] = generation.template_source
            self.generation_finished.emit(request_id, final)
        except HearthError as exc:
            self.generation_failed.emit(request_id, str(exc))
        except Exception as exc:
            traceback.print_exc()
            self.generation_failed.emit(request_id, f"unexpected error while generating: {exc}")

    @staticmethod
    def _live(generation, now: float) -> dict:
        stats = generation.stats
        return {
            "ttft_ms": stats.ttft_ms,
            "prompt_tokens_per_second": stats.prompt_tokens_per_second if stats.prompt_eval_ms else 0.0,
            "tokens_per_second": generation.live_tokens_per_second(now),
            "generated_tokens": stats.generated_tokens,
            "context_used": stats.context_used,
            "n_ctx": stats.n_ctx,
        }
