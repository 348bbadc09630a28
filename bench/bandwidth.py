"""How close decoding is to the machine's limit: each generated token reads every weight once."""

from __future__ import annotations

import time

import numpy as np


def memory_bandwidth_gbs(size_mb: int = 512, repeats: int = 5) -> float:
    src = np.ones(size_mb * 1024 * 1024 // 8, dtype=np.float64)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - start)
    return 2 * src.nbytes / best / 1e9  # a copy reads and writes every byte


def decode_limit(tokens_per_second: float, weight_bytes: int, bandwidth_gbs: float) -> dict:
    ceiling = bandwidth_gbs * 1e9 / weight_bytes
    return {
        "bandwidth_gbs": bandwidth_gbs,
        "weight_bytes": weight_bytes,
        "ceiling_tokens_per_second": ceiling,
        "fraction_of_ceiling": tokens_per_second / ceiling,
    }
