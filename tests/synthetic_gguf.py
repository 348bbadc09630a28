"""Small random-weight llama GGUFs for tests that need a real, valid model file of a chosen size
(import, registry, fit estimates) without waiting on the bundled half-gigabyte ones."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

TOKENS = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]


def write_synthetic_gguf(
    path: Path,
    layers: int = 2,
    embd: int = 64,
    ff: int = 128,
    heads: int = 4,
    kv_heads: int | None = None,
    context: int = 4096,
    chat_template: str | None = None,
    name: str = "synthetic",
) -> Path:
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name(name)
    w.add_context_length(context)
    w.add_embedding_length(embd)
    w.add_block_count(layers)
    w.add_feed_forward_length(ff)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads or heads)
    w.add_rope_dimension_count(embd // heads)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    w.add_tokenizer_model("llama")
    w.add_token_list(TOKENS)
    w.add_token_scores([0.0] * len(TOKENS))
    w.add_token_types([2, 3, 3] + [6] * 256)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    if chat_template:
        w.add_chat_template(chat_template)

    def rand(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float16)

    kv_dim = embd // heads * (kv_heads or heads)
    ones = np.ones(embd, np.float32)
    w.add_tensor("token_embd.weight", rand(len(TOKENS), embd))
    w.add_tensor("output_norm.weight", ones)
    w.add_tensor("output.weight", rand(len(TOKENS), embd))
    for i in range(layers):
        w.add_tensor(f"blk.{i}.attn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.ffn_norm.weight", ones)
        w.add_tensor(f"blk.{i}.attn_q.weight", rand(embd, embd))
        w.add_tensor(f"blk.{i}.attn_k.weight", rand(kv_dim, embd))
        w.add_tensor(f"blk.{i}.attn_v.weight", rand(kv_dim, embd))
        w.add_tensor(f"blk.{i}.attn_output.weight", rand(embd, embd))
        w.add_tensor(f"blk.{i}.ffn_gate.weight", rand(ff, embd))
        w.add_tensor(f"blk.{i}.ffn_up.weight", rand(ff, embd))
        w.add_tensor(f"blk.{i}.ffn_down.weight", rand(embd, ff))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return Path(path)
