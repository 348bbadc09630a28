"""What the window shows about the loaded chat model: a frozen snapshot that crosses threads."""

from __future__ import annotations

from dataclasses import dataclass

from backend.hardware import ComputeBackend
from backend.llm import LoadedModel
from backend.remote_engine import RemoteModel


@dataclass(frozen=True)
class ChatModelStatus:
    path: str
    name: str  # from the file's header: untrusted text, shown only as plain text
    architecture: str
    quantization: str
    n_ctx: int
    n_threads: int
    n_gpu_layers: int
    n_layers: int
    load_ms: float
    inferred_family: str | None  # the chat format chosen by architecture; None: the file's own template
    compute_backend: str  # where the layers run: "CPU", or the GPU backend's name
    gpu_available: bool  # whether this llama.cpp build can offload at all
    remote: bool = False  # a model on a server: compute_backend names the server

    @classmethod
    def from_loaded(cls, model: LoadedModel, backend: ComputeBackend) -> ChatModelStatus:
        info = model.info
        if isinstance(model, RemoteModel):  # named by its ref; "where it runs" is the server
            return cls(
                path=model.ref, name=model.display_name, architecture=info.architecture, quantization="remote",
                n_ctx=model.n_ctx, n_threads=0, n_gpu_layers=0, n_layers=0, load_ms=model.load_ms,
                inferred_family=None, compute_backend=model.server_label, gpu_available=False, remote=True,
            )  # fmt: skip
        return cls(
            path=str(model.path),
            name=model.display_name,
            architecture=info.architecture,
            quantization=info.file_type_name,
            n_ctx=model.n_ctx,
            n_threads=model.n_threads,
            n_gpu_layers=model.n_gpu_layers,
            n_layers=info.n_layers,
            load_ms=model.load_ms,
            inferred_family=model.inferred_family,
            compute_backend=backend.name if model.n_gpu_layers else "CPU",
            gpu_available=backend.gpu_offload,
        )

    def summary(self) -> str:
        """One line for the status bar: name, quantization, where it runs, threads, context, template."""
        if self.remote:
            return f"{self.name} · remote, on {self.compute_backend}"
        layers = self.n_gpu_layers
        if layers:
            shown = "all" if layers < 0 or layers >= self.n_layers else f"{layers}/{self.n_layers}"
            compute = f"{self.compute_backend} ({shown} GPU layers)"
        else:
            compute = "CPU" + ("" if self.gpu_available else " (no GPU backend in this build)")
        template = f" · template inferred ({self.inferred_family})" if self.inferred_family else ""
        return f"{self.name} · {self.quantization} · {compute} · {self.n_threads} threads · ctx {self.n_ctx}{template}"
