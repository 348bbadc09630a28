"""The Models tab's compute settings: how the selected model is loaded, remembered per model file.

Chat models: GPU layers, threads, context, flash attention, batch sizes and the KV cache type, with the
fit estimate following every change. Speech models: threads and Whisper's audio context. A combination
llama.cpp would refuse is shown with what to change and not saved.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox

from backend import hardware
from backend.defaults import WHISPER_FULL_AUDIO_CTX, default_threads
from backend.llm import KV_CACHE_TYPES, ComputeOptions, ComputeSettingsError
from backend.models import registry
from backend.settings import ModelSettings, Settings
from gui import theme
from gui.backend_text import fit_explain, fit_verdict

MIN_AUDIO_CTX = 256  # below this the live window would hold less than a few seconds
MAX_BATCH = 16_384


def fit_for(
    settings: Settings, model: registry.InstalledModel, mem: hardware.Memory, backend: hardware.ComputeBackend
) -> hardware.FitEstimate | None:
    """Whether a chat model fits with its saved settings (context, GPU layers, KV cache type)."""
    if model.kind != "chat" or not model.n_layers:
        return None
    saved = settings.model_settings(model.path)
    compute = saved.compute()
    return hardware.estimate_fit(
        model.file_size,
        model.n_layers,
        model.n_kv_heads,
        model.head_dim,
        saved.context(model.context_length),
        mem,
        saved.n_gpu_layers if backend.gpu_offload else 0,
        backend.vram_free,
        compute.type_k,
        compute.type_v,
    )


class ComputeSettings(QGroupBox):
    reload_requested = Signal()  # "Reload with these settings"
    fit_changed = Signal(object, object)  # InstalledModel, its new FitEstimate (None for speech models)

    def __init__(self, settings: Settings, backend: hardware.ComputeBackend, mem: hardware.Memory, parent=None):
        super().__init__(self.tr("Compute settings for this model (remembered; applied on (re)load)"), parent)
        self.settings = settings
        self._backend = backend
        self._memory = mem
        self.model: registry.InstalledModel | None = None
        self._building = False
        self._build()
        self.setEnabled(False)

    def _build(self) -> None:
        form = QFormLayout(self)
        self.gpu_layers = QSlider(Qt.Horizontal)
        self.gpu_layers.setAccessibleName(self.tr("GPU layers"))
        self.gpu_layers_label = QLabel()
        gpu_row = QHBoxLayout()
        gpu_row.addWidget(self.gpu_layers, 1)
        gpu_row.addWidget(self.gpu_layers_label)
        self.threads = QSpinBox()
        self.threads.setRange(1, os.cpu_count() or 4)
        self.threads.setToolTip(
            self.tr("CPU threads this model runs on; the default is what the engine picks for this machine")
        )
        self.n_ctx = QSpinBox()
        self.n_ctx.setRange(256, 1_048_576)
        self.n_ctx.setSingleStep(512)
        self.flash_attn = QComboBox()
        self.flash_attn.addItem(self.tr("auto (on where the device supports it)"), "auto")
        self.flash_attn.addItem(self.tr("on"), "on")
        self.flash_attn.addItem(self.tr("off"), "off")
        self.flash_attn.setToolTip(
            self.tr("Flash attention computes attention without the full score matrix: less memory, often faster.")
        )
        self.n_batch = QSpinBox()
        self.n_batch.setRange(1, MAX_BATCH)
        self.n_batch.setSingleStep(256)
        self.n_batch.setToolTip(self.tr("The most prompt tokens llama.cpp takes in one call (-b)."))
        self.n_ubatch = QSpinBox()
        self.n_ubatch.setRange(1, MAX_BATCH)
        self.n_ubatch.setSingleStep(128)
        self.n_ubatch.setToolTip(
            self.tr(
                "Prompt tokens computed at once (-ub): larger can read a long prompt faster and needs a larger "
                "compute buffer. Stop is honoured between these steps."
            )
        )
        self.type_k = QComboBox()
        self.type_v = QComboBox()
        for box in (self.type_k, self.type_v):
            for name in KV_CACHE_TYPES:
                box.addItem(name, name)
        self.type_v.setToolTip(
            self.tr("q8_0 halves the context cache, q4_0 quarters it, at some cost in accuracy. "
                    "A quantized V cache needs flash attention.")
        )  # fmt: skip
        kv_row = QHBoxLayout()
        kv_row.addWidget(QLabel(self.tr("K")))
        kv_row.addWidget(self.type_k, 1)
        kv_row.addWidget(QLabel(self.tr("V")))
        kv_row.addWidget(self.type_v, 1)
        self.audio_ctx = QSpinBox()
        # The minimum stands for "not set": files use the full 30 s window, live dictation its 15 s one.
        self.audio_ctx.setRange(MIN_AUDIO_CTX - 1, WHISPER_FULL_AUDIO_CTX)
        self.audio_ctx.setSpecialValueText(self.tr("automatic (30 s for files, 15 s live)"))
        self.audio_ctx.setSingleStep(64)
        self.audio_ctx.setToolTip(
            self.tr(
                "Whisper's encoder window in frames (1500 = 30 s). Applied to file transcription and live "
                "dictation: smaller is faster on short chunks, at some cost in accuracy."
            )
        )
        for spin in (self.gpu_layers, self.threads, self.n_ctx, self.n_batch, self.n_ubatch, self.audio_ctx):
            spin.valueChanged.connect(self._on_setting_changed)
        for box in (self.flash_attn, self.type_k, self.type_v):
            box.currentIndexChanged.connect(self._on_setting_changed)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet(f"color: {theme.colors().error_text}")
        self.problem_label.hide()
        self.fit_label = QLabel()
        self.fit_label.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload with these settings"))
        self.reload_button.clicked.connect(self.reload_requested)
        form.addRow(self.tr("GPU layers (-ngl)"), gpu_row)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow(self.tr("Context length"), self.n_ctx)
        form.addRow(self.tr("Flash attention"), self.flash_attn)
        form.addRow(self.tr("Batch / micro-batch"), self._pair(self.n_batch, self.n_ubatch))
        form.addRow(self.tr("KV cache type"), kv_row)
        form.addRow(self.tr("Audio context"), self.audio_ctx)
        form.addRow(self.problem_label)
        form.addRow(self.fit_label)
        form.addRow(self.reload_button)
        self._form = form
        self._chat_rows = [self.gpu_layers, self.n_ctx, self.flash_attn, self.n_batch, self.type_k]

    @staticmethod
    def _pair(first: QSpinBox, second: QSpinBox) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(first, 1)
        row.addWidget(second, 1)
        return row

    # --- showing a model ------------------------------------------------------------------------

    def show_model(self, model: registry.InstalledModel | None) -> None:
        self.model = model
        self.setEnabled(model is not None)
        self.setToolTip("" if model else self.tr("Select a model in the list to change its settings"))
        if model is None:
            return
        saved = self.settings.model_settings(model.path)
        chat = model.kind == "chat"
        self._building = True
        for field in self._chat_rows:
            self._set_row_visible(field, chat)
        self._set_row_visible(self.audio_ctx, not chat)
        self.reload_button.setVisible(chat)
        self.problem_label.hide()
        self.threads.setValue(saved.threads(model.kind))
        if chat:
            self.gpu_layers.setRange(0, model.n_layers)
            self.gpu_layers.setValue(min(saved.n_gpu_layers, model.n_layers))
            self.gpu_layers.setEnabled(self._backend.gpu_offload)
            self.gpu_layers.setToolTip(
                self.tr("Layers run on the GPU; the rest on the CPU")
                if self._backend.gpu_offload
                else self.tr("This llama.cpp build has no GPU backend: every layer runs on the CPU")
            )
            self.n_ctx.setMaximum(model.context_length or 1_048_576)
            self.n_ctx.setValue(saved.context(model.context_length))
            compute = saved.compute()
            self.flash_attn.setCurrentIndex(self.flash_attn.findData(compute.flash_attn))
            self.n_batch.setValue(compute.n_batch)
            self.n_ubatch.setValue(compute.n_ubatch)
            self.type_k.setCurrentIndex(self.type_k.findData(compute.type_k))
            self.type_v.setCurrentIndex(self.type_v.findData(compute.type_v))
        else:
            self.audio_ctx.setValue(saved.audio_ctx or self.audio_ctx.minimum())
        self._building = False
        self._show_fit()

    def _set_row_visible(self, field, visible: bool) -> None:
        row, _ = self._form.getWidgetPosition(field)
        if row < 0:  # the field sits inside a row layout
            row = next(
                r
                for r in range(self._form.rowCount())
                if (item := self._form.itemAt(r, QFormLayout.FieldRole))
                and item.layout()
                and item.layout().indexOf(field) >= 0
            )
        self._form.setRowVisible(row, visible)

    # --- editing --------------------------------------------------------------------------------

    def chosen_compute(self) -> ComputeOptions:
        return ComputeOptions(
            flash_attn=self.flash_attn.currentData(),
            n_batch=self.n_batch.value(),
            n_ubatch=self.n_ubatch.value(),
            type_k=self.type_k.currentData(),
            type_v=self.type_v.currentData(),
        )

    def _on_setting_changed(self) -> None:
        model = self.model
        if self._building or model is None:
            return
        # A value equal to the default is not pinned: it follows the machine and Hearth's defaults.
        threads = self.threads.value()
        threads = None if threads == default_threads(model.kind) else threads
        if model.kind == "chat":
            compute = self.chosen_compute()
            try:
                compute.check(model.head_dim)
            except ComputeSettingsError as exc:
                self.problem_label.setText(self.tr("Not saved: {problem}.").format(problem=exc))
                self.problem_label.show()
                return
            self.problem_label.hide()
            default = ComputeOptions()
            pinned = {k: v for k, v in vars(compute).items() if v != getattr(default, k)}
            values = ModelSettings(
                n_gpu_layers=self.gpu_layers.value(), n_threads=threads, n_ctx=self.n_ctx.value(), **pinned
            )
        else:
            audio_ctx = self.audio_ctx.value()
            values = ModelSettings(n_threads=threads, audio_ctx=None if audio_ctx < MIN_AUDIO_CTX else audio_ctx)
        self.settings.set_model_settings(model.path, values)
        self._show_fit()

    def _show_fit(self) -> None:
        model = self.model
        if model is None or model.kind != "chat":
            self.fit_label.setText("")
            return
        if self._backend.gpu_offload:
            self.gpu_layers_label.setText(
                self.tr("{layers} of {total}").format(layers=self.gpu_layers.value(), total=model.n_layers)
            )
        else:
            self.gpu_layers_label.setText(self.tr("0 (no GPU backend in this build)"))
        fit = fit_for(self.settings, model, self._memory, self._backend)
        if fit is None:
            self.fit_label.setText("")
        else:
            self.fit_label.setText(
                self.tr("At this context: {verdict} — {explanation}").format(
                    verdict=fit_verdict(fit), explanation=fit_explain(fit)
                )
            )
        self.fit_changed.emit(model, fit)
