"""The Models tab's compute settings: saved per model, refused with a reason when llama.cpp could not run
them, the fit following the KV cache type, and what is saved reaching the real engine."""

from __future__ import annotations

import pytest
from synthetic_gguf import write_synthetic_gguf

from backend import hardware
from backend.llm import ComputeOptions
from backend.settings import ModelSettings, Settings
from gui.model_manager import ModelManager


@pytest.fixture
def manager_on(qtbot, data_dir):
    made = []

    def make() -> ModelManager:
        manager = ModelManager(Settings(data_dir / "settings.json"))
        qtbot.addWidget(manager)
        made.append(manager)
        qtbot.waitUntil(lambda: not manager.jobs.busy(), timeout=10_000)
        return manager

    yield make
    for manager in made:
        assert manager.shutdown(10_000)


def _choose(box, value: str) -> None:
    box.setCurrentIndex(box.findData(value))


def test_kv_cache_type_is_saved_and_shrinks_the_fit(qtbot, empty_models_dir, data_dir, manager_on):
    # 64-value heads: q8_0's blocks of 32 divide them
    path = write_synthetic_gguf(empty_models_dir / "kv.gguf", layers=4, embd=256, heads=4, context=8192)
    manager = manager_on()
    assert manager.select_model(path)
    compute = manager.compute
    assert compute.flash_attn.currentData() == "auto" and compute.type_v.currentData() == "f16"
    f16 = hardware.kv_cache_bytes(4, compute.n_ctx.value(), 4, 64)
    assert manager._fit_for(manager.selected_model()).kv_cache == f16
    before = compute.fit_label.text()
    _choose(compute.type_k, "q8_0")
    _choose(compute.type_v, "q8_0")
    saved = Settings(data_dir / "settings.json").model_settings(path)
    assert (saved.type_k, saved.type_v, saved.flash_attn) == ("q8_0", "q8_0", None)  # auto: not pinned
    fit = manager._fit_for(manager.selected_model())
    assert fit.kv_cache == f16 * 34 // 64, "q8_0 stores 32 values in 34 bytes, f16 in 64"
    assert compute.fit_label.text() != before and "context cache" in compute.fit_label.text()

    again = manager_on()  # a new tab (as after a restart) shows what was saved
    assert again.select_model(path)
    assert again.compute.type_k.currentData() == "q8_0" and again.compute.type_v.currentData() == "q8_0"


def test_quantized_v_without_flash_attention_is_refused_with_a_reason(qtbot, empty_models_dir, data_dir, manager_on):
    path = write_synthetic_gguf(empty_models_dir / "fa.gguf", layers=2, embd=256, heads=4)
    manager = manager_on()
    assert manager.select_model(path)
    compute = manager.compute
    _choose(compute.flash_attn, "off")
    assert Settings(data_dir / "settings.json").model_settings(path).flash_attn == "off"
    _choose(compute.type_v, "q4_0")
    assert compute.problem_label.isVisibleTo(compute)
    assert "needs flash attention" in compute.problem_label.text()
    assert Settings(data_dir / "settings.json").model_settings(path).type_v is None, (
        "nothing llama.cpp refuses is saved"
    )
    _choose(compute.flash_attn, "on")
    assert not compute.problem_label.isVisibleTo(compute)
    saved = Settings(data_dir / "settings.json").model_settings(path)
    assert (saved.flash_attn, saved.type_v) == ("on", "q4_0")


def test_micro_batch_larger_than_the_batch_is_refused(qtbot, empty_models_dir, data_dir, manager_on):
    path = write_synthetic_gguf(empty_models_dir / "batch.gguf")
    manager = manager_on()
    assert manager.select_model(path)
    compute = manager.compute
    compute.n_batch.setValue(1024)
    compute.n_ubatch.setValue(256)
    assert Settings(data_dir / "settings.json").model_settings(path).compute() == ComputeOptions(
        n_batch=1024, n_ubatch=256
    )
    compute.n_ubatch.setValue(2048)
    assert "cannot be larger than the batch" in compute.problem_label.text()
    assert Settings(data_dir / "settings.json").model_settings(path).n_ubatch == 256


def test_quantized_cache_refused_for_heads_its_blocks_do_not_divide(qtbot, empty_models_dir, manager_on):
    path = write_synthetic_gguf(empty_models_dir / "small-heads.gguf")  # 16-value heads
    manager = manager_on()
    assert manager.select_model(path)
    _choose(manager.compute.type_k, "q8_0")
    assert "keep the K cache at f16" in manager.compute.problem_label.text()


def test_saved_compute_settings_reach_the_engine(qtbot, data_dir, chat_model_path, open_window):
    chosen = ModelSettings(n_ctx=2048, flash_attn="on", n_ubatch=256, type_k="q8_0", type_v="q8_0")
    Settings(data_dir / "settings.json").set_model_settings(chat_model_path, chosen)
    window = open_window()
    loaded = window.llm_service.loaded_model
    assert loaded.compute == ComputeOptions(flash_attn="on", n_ubatch=256, type_k="q8_0", type_v="q8_0")
    assert loaded.flash_attn_used is True
    info = loaded.info
    # the cache llama.cpp reports allocating is the q8_0 size the fit estimate predicts
    predicted = hardware.kv_cache_bytes(info.n_layers, 2048, info.n_kv_heads, info.head_dim, "q8_0", "q8_0")
    assert abs(loaded.kv_cache_bytes - predicted) <= 0.005 * 2**20  # llama.cpp reports MiB to two decimals
