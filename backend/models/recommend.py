"""Which catalog chat model to suggest to someone still on the bundled 0.5B, and why.

The rule is meant to be read back to the user: the largest Q4_K_M chat model whose fit estimate says
"fits" in the RAM free now, and whose weights a machine like this one reads fast enough to answer at
reading speed. Without GPU offload, generation speed is bounded by memory bandwidth and cores, so the
budget grows with the cores; with offload, it is the GPU memory that is free.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from backend import hardware
from backend.defaults import DEFAULT_N_CTX
from backend.models.catalog import CatalogEntry

GB = 10**9
RECOMMENDED_QUANT = "Q4_K_M"  # llama.cpp's usual quality/size balance; the other quants stay in the catalog
# Weights a CPU-only machine of this many cores reads at a comfortable chat speed (measured orders of
# magnitude, not promises: a 0.5B Q4 runs at ~20 t/s on 2 cores, a 1.5B at ~8).
CPU_BUDGETS = ((4, 1.2 * GB), (8, 2.6 * GB))
CPU_BUDGET_MANY_CORES = 5 * GB
GPU_SHARE = 0.8  # of the free GPU memory, leaving room for the context cache and the desktop


@dataclass(frozen=True)
class Recommendation:
    entry: CatalogEntry
    fit: hardware.FitEstimate
    budget: int  # the weights this machine reads at reading speed (the window says so, translated)
    on_gpu: bool  # the budget is free GPU memory rather than the CPU cores'


def _billions(params: str) -> float:
    match = re.match(r"([\d.]+)\s*([BM])", params or "", re.IGNORECASE)
    if not match:
        return 0.0
    value = float(match.group(1))
    return value if match.group(2).upper() == "B" else value / 1000


def weight_budget(backend: hardware.ComputeBackend, cores: int) -> int:
    if backend.gpu_offload and backend.vram_free:
        return int(backend.vram_free * GPU_SHARE)
    for most_cores, budget in CPU_BUDGETS:
        if cores <= most_cores:
            return int(budget)
    return int(CPU_BUDGET_MANY_CORES)


def recommend(
    entries: Iterable[CatalogEntry],
    installed_filenames: Iterable[str],
    current_params: str,
    mem: hardware.Memory,
    backend: hardware.ComputeBackend,
    cores: int | None = None,
) -> Recommendation | None:
    """The one model to suggest, or None when nothing in the catalog is a step up that runs well here.

    A family already installed in any quantization is not suggested again: the user has chosen.
    """
    entries = list(entries)
    cores = cores or os.cpu_count() or 1
    installed = set(installed_filenames)
    installed_families = {e.family for e in entries if e.filename in installed}
    floor = _billions(current_params)
    budget = weight_budget(backend, cores)
    candidates = []
    for entry in entries:
        if entry.kind != "chat" or entry.quant != RECOMMENDED_QUANT or entry.family in installed_families:
            continue
        if _billions(entry.params) <= floor or entry.size > budget:
            continue
        fit = entry.fit(DEFAULT_N_CTX, mem)
        if fit.verdict != hardware.FITS:
            continue
        candidates.append((entry.size, _billions(entry.params), entry, fit))
    if not candidates:
        return None
    _, _, entry, fit = max(candidates, key=lambda c: (c[0], c[1]))
    return Recommendation(entry, fit, budget, bool(backend.gpu_offload and backend.vram_free))
