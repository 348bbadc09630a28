"""RAM, backend detection and the fit estimate, checked by hand on the bundled Gemma 3 270M."""

from __future__ import annotations

import pytest

from backend import hardware
from backend.hardware import FITS, TIGHT, WONT_FIT, Memory, estimate_fit
from backend.models.gguf_info import read_gguf_info

GIB = 1 << 30


@pytest.fixture(scope="module")
def gemma(gemma_model_path):
    return read_gguf_info(gemma_model_path)


def test_gemma_fit_at_2048_matches_hand_computation(gemma, gemma_model_path):
    weights = gemma_model_path.stat().st_size  # 253,113,024 bytes
    # Gemma 3 270M: 18 layers, 1 KV head, head size 256; f16 cache (2 bytes); K and V (the 2).
    kv = 2 * 18 * 2048 * 1 * 256 * 2
    assert kv == 37_748_736
    fit = estimate_fit(
        weights, gemma.n_layers, gemma.n_kv_heads, gemma.head_dim, 2048, Memory(total=8 * GIB, available=1 * GIB)
    )
    assert fit.kv_cache == kv
    assert fit.needed == weights + kv + 512 * 1024 * 1024 == 827_732_672
    assert fit.verdict == FITS  # 0.77 GB needed, 1 GB free


def test_gemma_fit_at_32768_matches_hand_computation(gemma, gemma_model_path):
    weights = gemma_model_path.stat().st_size
    kv = 2 * 18 * 32768 * 1 * 256 * 2
    assert kv == 603_979_776
    roomy = estimate_fit(
        weights, gemma.n_layers, gemma.n_kv_heads, gemma.head_dim, 32768, Memory(total=8 * GIB, available=1 * GIB)
    )
    assert roomy.needed == 1_393_963_712
    assert roomy.verdict == TIGHT  # 1.30 GB needed: more than is free, less than 8 GB minus 1 GB for the OS
    small = estimate_fit(
        weights, gemma.n_layers, gemma.n_kv_heads, gemma.head_dim, 32768, Memory(total=2 * GIB, available=1 * GIB)
    )
    assert small.verdict == WONT_FIT  # 2 GB minus the OS's 1 GB is less than 1.30 GB
    assert "1.30 GB" in small.explain() and "cache 576 MB" in small.explain()


def test_offloaded_layers_move_to_gpu_memory(gemma, gemma_model_path):
    weights = gemma_model_path.stat().st_size
    mem = Memory(total=8 * GIB, available=int(0.6 * GIB))
    cpu = estimate_fit(weights, 18, 1, 256, 2048, mem)
    gpu = estimate_fit(weights, 18, 1, 256, 2048, mem, gpu_layers=18, vram_free=4 * GIB)
    assert cpu.verdict == TIGHT and gpu.verdict == FITS
    assert gpu.vram_needed == weights + 37_748_736
    too_small = estimate_fit(weights, 18, 1, 256, 2048, mem, gpu_layers=18, vram_free=100 * 1024 * 1024)
    assert too_small.verdict == WONT_FIT


def test_memory_reads_this_machine():
    mem = hardware.memory()
    assert 256 * 1024 * 1024 < mem.total
    assert 0 < mem.available <= mem.total


@pytest.mark.parametrize(
    "info,offload,name",
    [
        ("CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | LLAMAFILE = 1 |", False, "CPU"),
        ("CUDA : ARCHS = 900 | USE_GRAPHS = 1 | PEER_MAX_BATCH_SIZE = 128 | CPU : SSE3 = 1 |", True, "CUDA"),
        ("Metal : EMBED_LIBRARY = 1 | CPU : NEON = 1 | ARM_FMA = 1 |", True, "Metal"),
        ("Vulkan : | CPU : AVX2 = 1 |", True, "Vulkan"),
    ],
)
def test_backend_named_from_system_info(info, offload, name):
    assert hardware.backend_from_system_info(info, offload) == name


def test_compute_backend_of_the_installed_build():
    backend = hardware.compute_backend()
    assert backend.name in {"CPU", "CUDA", "Metal", "Vulkan", "ROCm", "SYCL", "OpenCL", "Kompute", "GPU"}
    assert backend.gpu_offload == (backend.name != "CPU")
