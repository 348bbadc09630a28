"""Which catalog model the welcome suggests, on the real catalog, for machines of different shapes."""

from __future__ import annotations

from backend import hardware
from backend.models import catalog
from backend.models.recommend import recommend

GB = 10**9
CPU = hardware.ComputeBackend("CPU", False)
BUNDLED = ["qwen2.5-coder-0.5b-instruct-q4_k_m.gguf", "gemma-3-270m-q4_k_m.gguf"]


def _suggest(cores=2, available=20 * GB, total=24 * GB, backend=CPU, installed=BUNDLED, current="0.5B"):
    rec = recommend(catalog.load_catalog(), installed, current, hardware.Memory(total, available), backend, cores)
    return rec.entry.key if rec else None


def test_two_cores_get_a_small_step_up_that_still_answers_quickly():
    assert _suggest(cores=2) == "qwen2.5-1.5b-instruct-q4_k_m"


def test_more_cores_and_a_gpu_raise_the_suggestion():
    assert _suggest(cores=8) == "gemma-3-4b-it-q4_k_m"
    assert _suggest(cores=16) == "qwen2.5-7b-instruct-q4_k_m"
    gpu = hardware.ComputeBackend("CUDA", True, vram_total=24 * GB, vram_free=20 * GB)
    assert _suggest(cores=2, backend=gpu) == "qwen2.5-7b-instruct-q4_k_m"


def test_nothing_is_suggested_when_it_would_not_fit_or_is_no_step_up():
    assert _suggest(cores=16, available=1 * GB, total=2 * GB) is None, "nothing fits in the free memory"
    assert _suggest(cores=16, current="7B") is None, "the model in use is already the largest that runs well"
    small_gpu = hardware.ComputeBackend("CUDA", True, vram_total=2 * GB, vram_free=int(0.4 * GB))
    assert _suggest(backend=small_gpu) is None


def test_a_family_already_installed_in_any_quantization_is_not_suggested_again():
    installed = [*BUNDLED, "qwen2.5-1.5b-instruct-q8_0.gguf"]
    assert _suggest(cores=2, installed=installed) == "llama-3.2-1b-instruct-q4_k_m"


def test_the_suggestion_fits_by_the_same_estimate_the_models_tab_shows():
    entries = catalog.load_catalog()
    mem = hardware.Memory(24 * GB, 20 * GB)
    rec = recommend(entries, BUNDLED, "0.5B", mem, CPU, 2)
    assert rec.fit == rec.entry.fit(mem=mem) and rec.fit.verdict == hardware.FITS
    assert rec.entry.quant == "Q4_K_M" and not rec.on_gpu and rec.budget >= rec.entry.size
