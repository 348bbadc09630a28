"""What this machine can run: RAM, the llama.cpp build's GPU backend, and whether a model fits.

The fit estimate is deliberately simple and explainable (every number is shown to the user):
weights + KV cache (keys and values: layers × n_ctx × kv-heads × head-dim × bytes of the cache type,
each) + a fixed overhead for llama.cpp's compute buffers and the app itself.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

from backend.units import GB, MB, format_bytes

GIB = GB
MIB = MB
# Bytes per cached value of each KV cache type: f16 (llama.cpp's default) 2; q8_0 stores 32 values in
# 34 bytes (32 int8 and an f16 scale), q4_0 in 18 (16 bytes of 4-bit values and the scale).
KV_BYTES_PER_VALUE = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
OVERHEAD_BYTES = 512 * MIB  # compute buffers, logits, the app itself
OS_RESERVE_BYTES = 1 * GIB  # what the OS and desktop keep for themselves even when others quit
FITS, TIGHT, WONT_FIT = "fits", "tight", "won't fit"


@dataclass(frozen=True)
class Memory:
    total: int
    available: int


@dataclass(frozen=True)
class ComputeBackend:
    name: str  # "CPU", "CUDA", "Metal", "Vulkan", …
    gpu_offload: bool
    system_info: str = ""
    vram_total: int | None = None
    vram_free: int | None = None


@dataclass(frozen=True)
class FitEstimate:
    weights: int
    kv_cache: int
    overhead: int
    ram_total: int
    ram_available: int
    verdict: str
    vram_needed: int = 0  # the share of weights and cache on offloaded layers
    vram_free: int | None = None

    @property
    def needed(self) -> int:
        return self.weights + self.kv_cache + self.overhead

    def explain(self) -> str:
        text = (
            f"needs about {gib(self.needed)} (weights {gib(self.weights)} + context cache {gib(self.kv_cache)} "
            f"+ overhead {gib(self.overhead)}); this machine has {gib(self.ram_available)} free "
            f"of {gib(self.ram_total)}"
        )
        if self.vram_needed:
            free = gib(self.vram_free) if self.vram_free is not None else "an unknown amount"
            text += f"; {gib(self.vram_needed)} of it goes to GPU memory ({free} free)"
        return text


def gib(n: int) -> str:
    return format_bytes(n)


# --- memory -------------------------------------------------------------------------------------


def memory() -> Memory:
    if sys.platform.startswith("linux"):
        return _linux_memory()
    if sys.platform == "win32":
        return _windows_memory()
    return _sysconf_memory()


def _linux_memory() -> Memory:
    values = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            values[key] = int(rest.split()[0]) * 1024
    # MemAvailable counts reclaimable cache, which is what a new model can really use.
    return Memory(total=values["MemTotal"], available=values.get("MemAvailable", values.get("MemFree", 0)))


def _windows_memory() -> Memory:
    class MemoryStatusEx(ctypes.Structure):
        _fields_ = [
            ("dwLength", ctypes.c_ulong),
            ("dwMemoryLoad", ctypes.c_ulong),
            ("ullTotalPhys", ctypes.c_ulonglong),
            ("ullAvailPhys", ctypes.c_ulonglong),
            ("ullTotalPageFile", ctypes.c_ulonglong),
            ("ullAvailPageFile", ctypes.c_ulonglong),
            ("ullTotalVirtual", ctypes.c_ulonglong),
            ("ullAvailVirtual", ctypes.c_ulonglong),
            ("sullAvailExtendedVirtual", ctypes.c_ulonglong),
        ]

    status = MemoryStatusEx()
    status.dwLength = ctypes.sizeof(status)
    ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status))
    return Memory(total=status.ullTotalPhys, available=status.ullAvailPhys)


def _sysconf_memory() -> Memory:
    page = os.sysconf("SC_PAGE_SIZE")
    total = os.sysconf("SC_PHYS_PAGES") * page
    try:
        available = os.sysconf("SC_AVPHYS_PAGES") * page
    except (ValueError, OSError):
        available = total // 2  # macOS has no such counter; half is a cautious guess, shown as such
    return Memory(total=total, available=available)


# --- compute backend ----------------------------------------------------------------------------

_BACKEND_MARKERS = [
    ("CUDA", "CUDA"),
    ("Metal", "Metal"),
    ("Vulkan", "Vulkan"),
    ("HIP", "ROCm"),
    ("ROCm", "ROCm"),
    ("SYCL", "SYCL"),
    ("OpenCL", "OpenCL"),
    ("Kompute", "Kompute"),
]


def backend_from_system_info(info: str, gpu_offload: bool) -> str:
    """Name the GPU backend in llama.cpp's system-info line; "CPU" when it offloads nowhere."""
    if gpu_offload:
        for marker, name in _BACKEND_MARKERS:
            if re.search(rf"\b{marker}\b", info, re.IGNORECASE):
                return name
        return "GPU"
    return "CPU"


@functools.lru_cache(maxsize=1)
def compute_backend() -> ComputeBackend:
    """What the installed llama-cpp-python was built to offload to (cached: it cannot change)."""
    try:
        import llama_cpp
    except ImportError:
        return ComputeBackend("CPU", False, "llama-cpp-python is not installed")
    offload = bool(llama_cpp.llama_supports_gpu_offload())
    info = llama_cpp.llama_print_system_info()
    info = info.decode("utf-8", "replace") if isinstance(info, bytes) else str(info)
    name = backend_from_system_info(info, offload)
    total = free = None
    if name == "CUDA":
        total, free = _nvidia_vram()
    elif name == "Metal":
        mem = memory()  # unified memory: the GPU shares the RAM
        total, free = mem.total, mem.available
    return ComputeBackend(name, offload, info.strip(), total, free)


def _nvidia_vram() -> tuple[int | None, int | None]:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None, None
    try:
        out = subprocess.run(
            [exe, "--query-gpu=memory.total,memory.free", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
        total, free = (int(v) * MIB for v in out.splitlines()[0].split(","))
        return total, free
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None, None


# --- fit estimate -------------------------------------------------------------------------------


def kv_cache_bytes(
    n_layers: int, n_ctx: int, n_kv_heads: int, head_dim: int, type_k: str = "f16", type_v: str = "f16"
) -> int:
    # Keys and values, per layer, per position: what llama.cpp allocates, to the byte, for a model
    # without sliding-window layers. Those (Gemma 3) really need less; counting them in full keeps the
    # estimate on the safe side.
    values = n_layers * n_ctx * n_kv_heads * head_dim
    return round(values * (KV_BYTES_PER_VALUE[type_k] + KV_BYTES_PER_VALUE[type_v]))


def _verdict(needed: int, mem: Memory) -> str:
    if needed <= mem.available:
        return FITS
    if needed <= mem.total - OS_RESERVE_BYTES:
        return TIGHT  # only once other programs close, or with swapping
    return WONT_FIT


def estimate_fit(
    weights: int,
    n_layers: int,
    n_kv_heads: int,
    head_dim: int,
    n_ctx: int,
    mem: Memory | None = None,
    gpu_layers: int = 0,
    vram_free: int | None = None,
    type_k: str = "f16",
    type_v: str = "f16",
) -> FitEstimate:
    """Offloaded layers take their share of weights and cache from GPU memory instead of RAM."""
    mem = mem or memory()
    kv = kv_cache_bytes(n_layers, n_ctx, n_kv_heads, head_dim, type_k, type_v)
    share = min(max(gpu_layers, 0), n_layers) / n_layers if n_layers else 0.0
    on_gpu = int((weights + kv) * share)
    verdict = _verdict(weights + kv + OVERHEAD_BYTES - on_gpu, mem)
    if on_gpu and vram_free is not None and on_gpu > vram_free:
        verdict = WONT_FIT  # GPU memory cannot swap: llama.cpp fails to allocate
    return FitEstimate(weights, kv, OVERHEAD_BYTES, mem.total, mem.available, verdict, on_gpu, vram_free)


def estimate_whisper_fit(memory_needed: int, mem: Memory | None = None) -> FitEstimate:
    """Whisper's working memory is a published per-size figure, not a formula of the header."""
    mem = mem or memory()
    return FitEstimate(memory_needed, 0, 0, mem.total, mem.available, _verdict(memory_needed, mem))
