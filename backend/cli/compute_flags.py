"""llama.cpp's own flags for the compute settings (-fa, -b, -ub, -ctk, -ctv), shared by every command
that loads a chat model and by the benchmark, so they read and default the same everywhere."""

from __future__ import annotations

import argparse

from backend.llm import FLASH_ATTN_MODES, KV_CACHE_TYPES, ComputeOptions


def add_compute_flags(p: argparse.ArgumentParser) -> None:
    default = ComputeOptions()
    p.add_argument(
        "-fa", "--flash-attn", choices=FLASH_ATTN_MODES, default=default.flash_attn,
        help=f"flash attention (default {default.flash_attn}: llama.cpp uses it where the device supports it)",
    )  # fmt: skip
    p.add_argument(
        "-b", "--batch-size", type=int, default=default.n_batch,
        help=f"most prompt tokens per decode call (default {default.n_batch})",
    )  # fmt: skip
    p.add_argument(
        "-ub", "--ubatch-size", type=int, default=default.n_ubatch,
        help=f"prompt tokens computed at once (default {default.n_ubatch})",
    )  # fmt: skip
    p.add_argument(
        "-ctk", "--cache-type-k", choices=KV_CACHE_TYPES, default=default.type_k,
        help=f"KV cache type for K (default {default.type_k})",
    )  # fmt: skip
    p.add_argument(
        "-ctv", "--cache-type-v", choices=KV_CACHE_TYPES, default=default.type_v,
        help=f"KV cache type for V (default {default.type_v}; a quantized V needs flash attention)",
    )  # fmt: skip


def compute_of(args) -> ComputeOptions:
    """The chosen settings, checked: a combination llama.cpp would refuse raises ComputeSettingsError."""
    compute = ComputeOptions(args.flash_attn, args.batch_size, args.ubatch_size, args.cache_type_k, args.cache_type_v)
    compute.check()
    return compute
