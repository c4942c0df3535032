"""Helpers for the language-model tests: a tiny random GGUF that llama.cpp loads in milliseconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_tiny_gguf(path: Path, seed: int = 0) -> Path:
    """A one-layer llama-architecture model with a byte-fallback vocabulary: it writes gibberish, quickly."""
    import gguf

    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{i:02X}>" for i in range(256)] + ["▁", "{", "}", '"', "：", "的"]
    types = [2, 3, 3] + [6] * 256 + [1] * 6
    n_vocab, n_embd, n_ff, n_head = len(tokens), 32, 64, 2
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny-test")
    w.add_context_length(2048)
    w.add_embedding_length(n_embd)
    w.add_block_count(1)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head)
    w.add_rope_dimension_count(n_embd // n_head)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores([0.0] * n_vocab)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)

    def weight(name: str, *shape: int) -> None:
        w.add_tensor(name, (rng.standard_normal(shape) * 0.2).astype(np.float32))

    weight("token_embd.weight", n_vocab, n_embd)
    w.add_tensor("output_norm.weight", np.ones(n_embd, np.float32))
    weight("output.weight", n_vocab, n_embd)
    w.add_tensor("blk.0.attn_norm.weight", np.ones(n_embd, np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        weight(f"blk.0.{name}.weight", n_embd, n_embd)
    w.add_tensor("blk.0.ffn_norm.weight", np.ones(n_embd, np.float32))
    weight("blk.0.ffn_gate.weight", n_ff, n_embd)
    weight("blk.0.ffn_up.weight", n_ff, n_embd)
    weight("blk.0.ffn_down.weight", n_embd, n_ff)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


class ScriptedModel:
    """Stands in for the language model: writes a fixed text in small pieces, optionally slowly or failing."""

    def __init__(self, text: str = "", delay_s: float = 0.0, fail: Exception | None = None):
        self.text = text
        self.delay_s = delay_s
        self.fail = fail
        self.calls: list[list[tuple[str, str]]] = []
        self.grammars: list[str | None] = []

    def stream(self, turns, *, max_tokens=160, temperature=0.2, cancel=None, grammar=None):
        import time

        self.calls.append(list(turns))
        self.grammars.append(grammar)
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail:
            raise self.fail
        for i in range(0, len(self.text), 3):
            if cancel is not None and cancel.is_set():
                return
            yield self.text[i:i + 3]
