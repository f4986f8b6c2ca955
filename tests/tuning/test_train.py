"""Fine-tuning is deterministic from its seed, and a resumed run ends where an uninterrupted one
does (the real bundled model, a few short steps)."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from whyrec.errors import ConfigError
from whyrec.tuning.data import TrainingPair

TUNE = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "peft", "gguf"))
pytestmark = [
    pytest.mark.skipif(not TUNE, reason="the `tune` extra (torch, transformers, peft, gguf) "
                                        "is not installed"),
    pytest.mark.slow,
]
PAIRS = [TrainingPair(prompt=f"<|im_start|>user\nWhy item {i}?<|im_end|>\n"
                             "<|im_start|>assistant\nWe picked it because",
                      target=f" you rated item {i + 1} 5/5.", language="en", key=str(i))
         for i in range(4)]


@pytest.fixture(scope="module")
def base() -> tuple[Any, Any]:
    from whyrec.backends.llamacpp import bundled_model_path
    from whyrec.tuning.train import load_base

    return load_base(bundled_model_path())


def _run(base: tuple[Any, Any], out: Path, seed: int, max_steps: int | None = None) -> dict[
        str, Any]:
    from whyrec.tuning.train import TrainConfig, add_lora, encode, lora_state, train

    model, tokenizer = base
    config = TrainConfig(seed=seed, accumulate=2, layers=2, rank=4, alpha=8.0, warmup=1,
                         checkpoint_every=1, learning_rate=5e-3)
    tuned = add_lora(copy.deepcopy(model), config)
    train(tuned, encode(PAIRS, tokenizer, 256), config, out, key=config.key(PAIRS),
          progress=False, max_steps=max_steps)
    return lora_state(tuned)


def test_same_seed_same_weights_and_resume_matches(base: tuple[Any, Any],
                                                   tmp_path: Path) -> None:
    import torch

    first = _run(base, tmp_path / "a", seed=3)
    again = _run(base, tmp_path / "b", seed=3)
    other = _run(base, tmp_path / "c", seed=4)
    _run(base, tmp_path / "d", seed=3, max_steps=1)  # interrupted after one of two steps
    resumed = _run(base, tmp_path / "d", seed=3)
    assert first.keys() == again.keys() == resumed.keys()
    assert any(name.startswith("base_model.model.model.layers.29.") for name in first)
    assert not any(".layers.0." in name for name in first)  # only the top blocks are adapted
    for name in first:
        assert torch.equal(first[name], again[name]), name
        assert torch.equal(first[name], resumed[name]), name
    assert any(not torch.equal(first[n], other[n]) for n in first)
    b_weights = [v for n, v in first.items() if "lora_B" in n]
    assert any(float(v.abs().sum()) > 0 for v in b_weights), "training changed nothing"


def test_checkpoint_of_another_run_is_refused(base: tuple[Any, Any], tmp_path: Path) -> None:
    _run(base, tmp_path, seed=3, max_steps=1)
    with pytest.raises(ConfigError, match="another run"):
        _run(base, tmp_path, seed=5)
