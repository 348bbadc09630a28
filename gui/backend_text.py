"""What the backend describes in English (fit estimates, the loaded model's summary, sizes), said in the
window's language and with the locale's numbers.

The backend's own sentences stay for the CLI; the window builds its own from the same frozen fields,
so the status bar and the Models tab read naturally in any language.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLocale, QObject

from backend.chat_model_status import ChatModelStatus
from backend.hardware import FITS, TIGHT, WONT_FIT, FitEstimate
from backend.units import GB, MB


class Counts(QObject):
    """Counted words with their plural forms. A QObject's tr(), because lupdate marks a plural only in tr()
    (QCoreApplication.translate with a variable count is extracted as a plain string, one form for all)."""

    def threads(self, n: int) -> str:
        return self.tr("%n thread(s)", "", n)


def threads_text(n: int) -> str:
    return Counts().threads(n)


def size_text(n_bytes: int | None) -> str:
    """backend.units.format_bytes (binary units, as the CLI shows them) with the locale's digits."""
    if n_bytes is None:
        return QCoreApplication.translate("backend_text", "unknown")
    if n_bytes >= GB:
        return f"{QLocale().toString(n_bytes / GB, 'f', 2)} GB"
    return f"{QLocale().toString(n_bytes / MB, 'f', 0)} MB"


def number_text(value: float, decimals: int = 0) -> str:
    return QLocale().toString(float(value), "f", decimals) if decimals else QLocale().toString(int(value))


def fit_verdict(fit: FitEstimate) -> str:
    verdicts = {
        FITS: QCoreApplication.translate("backend_text", "fits"),
        TIGHT: QCoreApplication.translate("backend_text", "tight"),
        WONT_FIT: QCoreApplication.translate("backend_text", "won't fit"),
    }
    return verdicts.get(fit.verdict, fit.verdict)


def fit_explain(fit: FitEstimate) -> str:
    text = QCoreApplication.translate(
        "backend_text",
        "needs about {needed} (weights {weights} + context cache {cache} + overhead {overhead}); "
        "this machine has {free} free of {total}",
    ).format(
        needed=size_text(fit.needed),
        weights=size_text(fit.weights),
        cache=size_text(fit.kv_cache),
        overhead=size_text(fit.overhead),
        free=size_text(fit.ram_available),
        total=size_text(fit.ram_total),
    )
    if fit.vram_needed:
        free = (
            size_text(fit.vram_free)
            if fit.vram_free is not None
            else QCoreApplication.translate("backend_text", "an unknown amount")
        )
        text += QCoreApplication.translate("backend_text", "; {vram} of it goes to GPU memory ({free} free)").format(
            vram=size_text(fit.vram_needed), free=free
        )
    return text


def progress_text(message: str) -> str:
    """The chat engine's loading messages (backend/llm_service.py) in the window's language."""
    if message == "Preparing the bundled model…":
        return QCoreApplication.translate("backend_text", "Preparing the bundled model…")
    loading = re.fullmatch(r"Loading (?P<name>.+)…", message)
    if loading:
        return QCoreApplication.translate("backend_text", "Loading {name}…").format(name=loading["name"])
    return message


def model_summary(status: ChatModelStatus) -> str:
    """The status bar's line: name, quantization, where it runs, threads, context, template."""
    if status.remote:  # compute_backend names the server
        return QCoreApplication.translate("backend_text", "{name} · remote, on {server}").format(
            name=status.name, server=status.compute_backend
        )
    layers = status.n_gpu_layers
    if layers:
        shown = (
            QCoreApplication.translate("backend_text", "all")
            if layers < 0 or layers >= status.n_layers
            else f"{layers}/{status.n_layers}"
        )
        compute = QCoreApplication.translate("backend_text", "{backend} ({layers} GPU layers)").format(
            backend=status.compute_backend, layers=shown
        )
    elif status.gpu_available:
        compute = QCoreApplication.translate("backend_text", "CPU")
    else:
        compute = QCoreApplication.translate("backend_text", "CPU (no GPU backend in this build)")
    line = QCoreApplication.translate("backend_text", "{name} · {quantization} · {compute} · {threads} · ctx {ctx}")
    line = line.format(
        name=status.name,
        quantization=status.quantization,
        compute=compute,
        threads=threads_text(status.n_threads),
        ctx=status.n_ctx,
    )
    if status.inferred_family:
        line += QCoreApplication.translate("backend_text", " · template inferred ({family})").format(
            family=status.inferred_family
        )
    return line
