"""A LoRA adapter written by whyrec loads in llama.cpp and changes its output the way the same
adapter changes the transformers model (which catches wrong names, layouts and row orders)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from whyrec.tuning.export import gguf_tensors, permute_rows

TUNE = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "peft", "gguf"))
needs_tune = pytest.mark.skipif(not TUNE, reason="the `tune` extra (torch, transformers, peft, "
                                                 "gguf) is not installed")
PROMPT = "<|im_start|>user\nName a fruit.<|im_end|>\n<|im_start|>assistant\n"


def test_permutation_is_llamacpps_row_order() -> None:
    # two heads of 4 rows: llama.cpp interleaves each head's two halves
    rows = np.arange(8, dtype=np.float32).reshape(8, 1)
    assert permute_rows(rows, 2)[:, 0].tolist() == [0, 2, 1, 3, 4, 6, 5, 7]


def test_names_follow_the_base_tensors() -> None:
    state = {f"base_model.model.model.layers.3.{part}.lora_{ab}.default.weight":
             np.ones((4, 4), np.float32)
             for part in ("self_attn.q_proj", "mlp.down_proj") for ab in "AB"}
    assert sorted(gguf_tensors(state, n_head=2, n_head_kv=1)) == [
        "blk.3.attn_q.weight.lora_a", "blk.3.attn_q.weight.lora_b",
        "blk.3.ffn_down.weight.lora_a", "blk.3.ffn_down.weight.lora_b"]
    with pytest.raises(ValueError, match="not a LoRA weight"):
        gguf_tensors({"model.embed_tokens.weight": np.ones(2)}, n_head=2, n_head_kv=1)


@needs_tune
@pytest.mark.slow
def test_adapter_round_trips_into_llamacpp(tmp_path: Path) -> None:
    import torch
    import xllamacpp

    from whyrec.backends.llamacpp import bundled_model_path
    from whyrec.tuning.export import write_adapter
    from whyrec.tuning.train import TrainConfig, add_lora, load_base, lora_state

    gguf = bundled_model_path()
    model, tokenizer = load_base(gguf)
    model = add_lora(model, TrainConfig(rank=4, alpha=8.0, dropout=0.0))
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():  # a strong random adapter, so that it visibly changes the output
        for _, param in model.named_parameters():
            if param.requires_grad:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.08)
    adapter = write_adapter(lora_state(model), tmp_path / "a.gguf", alpha=8.0,
                            n_head=model.config.num_attention_heads,
                            n_head_kv=model.config.num_key_value_heads, f16=False)

    def transformers_greedy(use_adapter: bool) -> list[int]:
        ids = tokenizer(PROMPT, add_special_tokens=False, return_tensors="pt").input_ids
        model.eval()
        with torch.no_grad():
            if use_adapter:
                out = model.generate(ids, max_new_tokens=6, do_sample=False)
            else:
                with model.disable_adapter():
                    out = model.generate(ids, max_new_tokens=6, do_sample=False)
        return [int(t) for t in out[0, ids.shape[1]:]]

    def llamacpp_greedy(lora: Path | None) -> str:
        params = xllamacpp.CommonParams()
        params.model.path = str(gguf)
        params.n_ctx = 256
        params.verbosity = 0
        params.cpuparams.n_threads = 2
        if lora is not None:
            params.lora_adapters = [xllamacpp.CommonAdapterLoraInfo(str(lora), 1.0)]
        server = xllamacpp.Server(params)
        reply = server.handle_completions({"prompt": PROMPT, "n_predict": 6, "temperature": 0.0})
        return str(reply["choices"][0]["text"])

    tuned, base = transformers_greedy(True), transformers_greedy(False)
    assert tuned[:3] != base[:3], "the random adapter should change the greedy reply"
    # Q4_1 in llama.cpp vs its float32 de-quantisation in torch: the first tokens agree
    assert llamacpp_greedy(adapter).startswith(tokenizer.decode(tuned[:3]))
    assert llamacpp_greedy(None).startswith(tokenizer.decode(base[:3]))
