"""The bundled model prepared as one Q8_0 file with its adapter merged in (backends/prepared.py)."""

from __future__ import annotations

import warnings
from pathlib import Path

import gguf
import numpy as np
import pytest

from whyrec.backends.llamacpp import DEFAULT_ADAPTER, LlamaCppBackend, bundled_model_path
from whyrec.backends.prepared import (
    PreparationWarning,
    _digest,
    _lora_deltas,
    prepared_model,
)
from whyrec.data.dataset import Dataset
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings


def _lora_file(path: Path, alpha: float, down: np.ndarray, up: np.ndarray) -> Path:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", alpha)
    writer.add_tensor("blk.0.attn_q.weight.lora_a", down)
    writer.add_tensor("blk.0.attn_q.weight.lora_b", up)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_lora_delta_is_alpha_over_rank_times_b_a(tmp_path: Path) -> None:
    """The delta llama.cpp adds at run time with scale 1: alpha / r · B·A, shaped like W."""
    rng = np.random.default_rng(0)
    down = rng.standard_normal((4, 6)).astype(np.float32)   # A: rank 4 x 6 inputs
    up = rng.standard_normal((3, 4)).astype(np.float32)     # B: 3 outputs x rank 4
    deltas = _lora_deltas(gguf.GGUFReader(_lora_file(tmp_path / "a.gguf", 8.0, down, up)))
    assert list(deltas) == ["blk.0.attn_q.weight"]
    np.testing.assert_allclose(deltas["blk.0.attn_q.weight"], 2.0 * (up @ down), rtol=1e-5)


def test_the_prepared_file_is_built_once_and_reused(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHYREC_HOME", str(tmp_path))
    monkeypatch.setattr("whyrec.backends.prepared._made", {})
    built = prepared_model(bundled_model_path(), DEFAULT_ADAPTER)
    assert built is not None and built.parent == tmp_path / "models"
    reader = gguf.GGUFReader(built)
    kinds = {t.tensor_type for t in reader.tensors}
    assert kinds == {gguf.GGMLQuantizationType.Q8_0, gguf.GGMLQuantizationType.F32}
    assert not any(t.name.endswith((".lora_a", ".lora_b")) for t in reader.tensors)
    stamp = built.stat().st_mtime_ns
    monkeypatch.setattr("whyrec.backends.prepared._made", {})  # a new process: the file stays
    assert prepared_model(bundled_model_path(), DEFAULT_ADAPTER) == built
    assert built.stat().st_mtime_ns == stamp
    assert not list(built.parent.glob("*.partial"))
    # another adapter is another file, not the same one overwritten
    assert _digest(bundled_model_path(), None) != _digest(bundled_model_path(), DEFAULT_ADAPTER)


def test_a_model_that_cannot_be_prepared_warns_and_uses_the_shipped_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHYREC_HOME", str(tmp_path))
    monkeypatch.setattr("whyrec.backends.prepared._made", {})
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.warns(PreparationWarning, match="broken.gguf"):
        assert prepared_model(broken, None) is None
    assert not list((tmp_path / "models").glob("*"))  # nothing half-written is left


@pytest.mark.slow
def test_the_prepared_model_writes_what_the_shipped_one_writes(
        llamacpp_backend: LlamaCppBackend) -> None:
    """Merged and requantised, greedy decoding still gives the adapter's text: the same reply
    as the shipped Q4_1 file with the adapter applied at run time."""
    shipped = LlamaCppBackend(prepare=False)
    assert llamacpp_backend.loaded_adapter is None and shipped.loaded_adapter is not None
    assert llamacpp_backend.model_name == shipped.model_name
    messages = [
        {"role": "system", "content": "You explain to a person why an item was recommended."},
        {"role": "user", "content": "Recommended item: “Alder Trail Socks”\nFacts:\n- Because "
                                    "you bought “Alder Running Cap”.\nExplain why."},
        {"role": "assistant", "content": "We picked “Alder Trail Socks” because"}]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PreparationWarning)
        replies = [b.complete(messages, max_tokens=24, temperature=0.0, stop=("\n",)).text
                   for b in (llamacpp_backend, shipped)]
    assert replies[0] == replies[1]
    assert "Alder Running Cap" in replies[0]


@pytest.mark.slow
def test_lookup_decoding_guesses_from_the_prompt_and_keeps_the_text(
        llamacpp_backend: LlamaCppBackend, demo_dataset: Dataset) -> None:
    """Prompt lookup decoding guesses tokens from the prompt (a copied title is most of them)
    and checks them; greedy text is the same as one token at a time."""
    plain = LlamaCppBackend(lookup=False)
    explainer = Explainer(llamacpp_backend, dataset=demo_dataset)
    pipeline = Pipeline(demo_dataset, create("itemknn").fit(demo_dataset),
                        ExplainSettings(backend="template"))
    drafts, same = 0, 0
    recs = [r for user in ("u0001", "u0003") for r in pipeline.recommend(user, n=2)]
    for rec in recs:
        prompt, _, start = explainer.prompt_for(rec, language="en")
        request = {"messages": [*prompt.messages, {"role": "assistant", "content": start}],
                   "max_tokens": 40, "temperature": 0.0, "seed": 1, "stop": ["\n"]}
        fast = llamacpp_backend._server.handle_chat_completions(request)
        slow = plain._server.handle_chat_completions(request)
        assert "draft_n" not in slow["timings"]
        drafts += fast["timings"].get("draft_n_accepted", 0)
        same += (fast["choices"][0]["message"]["content"]
                 == slow["choices"][0]["message"]["content"])
    assert drafts > 0  # titles copied from the prompt were guessed, not written token by token
    assert same == len(recs)
