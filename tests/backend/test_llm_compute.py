"""Compute settings on the real engine: flash attention, batch sizes and the KV cache type reach llama.cpp,
change what it allocates, keep the chat correct, and bad combinations are refused with a reason."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from backend import hardware
from backend.generation_stats import StopReason
from backend.llm import ComputeOptions, ComputeSettingsError, LlmEngine, SamplingParams
from backend.settings import ModelSettings, Settings

REPO = Path(__file__).resolve().parents[2]
GREEDY = {"temperature": 0.0, "seed": 1}
MIB_ROUNDING = 0.005 * 2**20  # llama.cpp reports its buffers in MiB to two decimals
HELLO = [{"role": "user", "content": "Say hello in French."}]


@pytest.fixture(scope="module")
def engine():
    engine = LlmEngine()
    yield engine
    engine.unload()


def _kv_predicted(model, type_k: str, type_v: str) -> int:
    info = model.info
    return hardware.kv_cache_bytes(info.n_layers, model.n_ctx, info.n_kv_heads, info.head_dim, type_k, type_v)


def test_quantized_kv_cache_shrinks_what_llama_cpp_allocates(engine, chat_model_path):
    sizes = {}
    for kind in ("f16", "q8_0", "q4_0"):
        model = engine.load(chat_model_path, n_ctx=2048, compute=ComputeOptions(type_k=kind, type_v=kind))
        sizes[kind] = model.kv_cache_bytes
        predicted = _kv_predicted(model, kind, kind)
        assert abs(sizes[kind] - predicted) <= MIB_ROUNDING, f"the fit estimate predicts llama.cpp's {kind} cache"
    assert sizes["q8_0"] < 0.6 * sizes["f16"] and sizes["q4_0"] < 0.6 * sizes["q8_0"], sizes


def test_flash_attention_on_with_a_quantized_cache_still_chats(engine, chat_model_path):
    model = engine.load(
        chat_model_path, n_ctx=2048, compute=ComputeOptions(flash_attn="on", type_k="q8_0", type_v="q8_0")
    )
    assert model.flash_attn_used is True
    gen = engine.stream_chat(HELLO, SamplingParams(max_tokens=24, **GREEDY))
    text = "".join(gen)
    assert "Bonjour" in text, text
    assert gen.stats.stop_reason == StopReason.DONE and gen.stats.generated_tokens > 1


def test_flash_attention_auto_is_what_llama_cpp_chooses(engine, chat_model_path):
    auto = engine.load(chat_model_path, n_ctx=1024)
    assert auto.compute.flash_attn == "auto"
    assert engine._llm.context_params.flash_attn_type == -1, "llama.cpp gets 'auto', not llama-cpp-python's on/off"
    assert auto.flash_attn_used is True, "the CPU backend supports flash attention, so auto turns it on"
    off = engine.load(chat_model_path, n_ctx=1024, compute=ComputeOptions(flash_attn="off"))
    assert engine._llm.context_params.flash_attn_type == 0 and off.flash_attn_used is False


def test_stop_is_honoured_between_micro_batches_of_the_prompt(engine, chat_model_path):
    engine.load(chat_model_path, n_ctx=2048, compute=ComputeOptions(n_batch=2048, n_ubatch=32))

    class StopAfter(threading.Event):
        """Set once the prompt loop has looked twice: two micro-batches are in."""

        checks = 0

        def is_set(self) -> bool:
            self.checks += 1
            return self.checks > 2 or super().is_set()

    cancel = StopAfter()
    gen = engine.stream_completion("word " * 300, SamplingParams(max_tokens=8, **GREEDY), cancel)
    assert list(gen) == []
    assert gen.stats.stop_reason == StopReason.STOPPED
    assert engine._llm.n_tokens == 2 * 32, "the prompt stopped after two micro-batches, not the whole batch"


def test_bad_combinations_are_refused_and_the_loaded_model_stays(engine, chat_model_path):
    engine.load(chat_model_path, n_ctx=1024)
    cases = {
        ComputeOptions(flash_attn="off", type_v="q8_0"): "needs flash attention",
        ComputeOptions(n_batch=256, n_ubatch=512): "cannot be larger than the batch",
        ComputeOptions(type_k="q5_1"): "unknown K cache type",
        ComputeOptions(flash_attn="maybe"): "auto, on or off",
    }
    for compute, reason in cases.items():
        with pytest.raises(ComputeSettingsError, match=reason):
            engine.load(chat_model_path, n_ctx=1024, compute=compute)
        assert engine.loaded, "a refused setting leaves the model that was loaded"


def test_model_settings_persist_the_compute_options(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    settings.set_model_settings("/m.gguf", ModelSettings(flash_attn="off", n_ubatch=256, type_k="q8_0"))
    saved = Settings(tmp_path / "settings.json").model_settings("/m.gguf")
    assert saved.compute() == ComputeOptions(flash_attn="off", n_ubatch=256, type_k="q8_0")
    assert ModelSettings().compute() == ComputeOptions(), "nothing saved: llama.cpp's defaults"


def test_fit_estimate_follows_the_kv_cache_type():
    mem = hardware.Memory(total=8 * hardware.GIB, available=4 * hardware.GIB)
    f16 = hardware.estimate_fit(400_000_000, 24, 2, 64, 32768, mem)
    q8 = hardware.estimate_fit(400_000_000, 24, 2, 64, 32768, mem, type_k="q8_0", type_v="q8_0")
    q4v = hardware.estimate_fit(400_000_000, 24, 2, 64, 32768, mem, type_k="f16", type_v="q4_0")
    assert q8.kv_cache == f16.kv_cache * 34 // 64
    assert q4v.kv_cache == f16.kv_cache // 2 + f16.kv_cache // 2 * 18 // 64
    assert q8.needed < f16.needed


def _main(*args):
    return subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True, timeout=300)


def test_cli_flags_reach_the_engine(chat_model_path):
    flags = ["-c", "1024", "-fa", "on", "-b", "512", "-ub", "128", "-ctk", "q8_0", "-ctv", "q4_0"]
    out = _main(
        "chat", "-m", str(chat_model_path), "-p", "Say hello in French.", "-n", "16", "--temp", "0", *flags, "--json"
    )
    assert out.returncode == 0, out.stderr
    compute = json.loads(out.stdout)["compute"]
    assert compute["flash_attn"] == "on" and compute["flash_attn_used"] is True
    assert (compute["n_batch"], compute["n_ubatch"], compute["type_k"], compute["type_v"]) == (512, 128, "q8_0", "q4_0")
    info_cache = hardware.kv_cache_bytes(24, 1024, 2, 64, "q8_0", "q4_0")  # Qwen2.5 0.5B: 24 layers, 2 KV heads of 64
    assert abs(compute["kv_cache_bytes"] - info_cache) <= MIB_ROUNDING


def test_cli_refuses_a_bad_combination_in_one_line(tmp_path):
    out = _main("chat", "-m", str(tmp_path / "never-read.gguf"), "-p", "hi", "-fa", "off", "-ctv", "q8_0")
    assert out.returncode == 1 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs flash attention" in lines[0], out.stderr
