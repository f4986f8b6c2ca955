"""LoRA fine-tuning of the bundled model on CPU (or a GPU when one is present).

The base weights come from the bundled GGUF itself (transformers de-quantises it; nothing is
downloaded), so the adapter is trained against the very weights llama.cpp runs. Training is
deterministic from a seed: the example order of each epoch and every dropout draw are derived from
``(seed, step)``, so a run resumed from its checkpoint continues exactly as an uninterrupted one.
The loss covers the target tokens only, and only their logits are computed.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from whyrec.errors import ConfigError
from whyrec.tuning.pairs import END_OF_TURN, TrainingPair

CHECKPOINT = "checkpoint.pt"
#: the projections LoRA adapts (every linear layer of a llama block)
TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one fine-tuning run (all of them go into the checkpoint's key)."""

    seed: int = 0
    epochs: int = 1
    learning_rate: float = 1e-3
    rank: int = 8
    alpha: float = 16.0
    dropout: float = 0.05
    accumulate: int = 4  # examples per optimizer step
    #: LoRA on the top ``layers`` blocks only (0: all): back-propagation then stops there, which
    #: is what makes CPU training affordable
    layers: int = 10
    max_tokens: int = 1024  # longer examples are skipped
    warmup: int = 5  # optimizer steps
    checkpoint_every: int = 10  # optimizer steps
    threads: int = 0  # 0: torch's default

    def key(self, pairs: list[TrainingPair]) -> str:
        digest = hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode())
        for pair in pairs:
            digest.update(pair.prompt.encode())
            digest.update(pair.target.encode())
        return digest.hexdigest()[:16]


def require_tune_extra() -> None:
    """A clear error naming the extra when torch, transformers or peft is missing."""
    missing = [m for m in ("torch", "transformers", "peft", "gguf") if not _importable(m)]
    if missing:
        raise ConfigError(f"fine-tuning needs the `tune` extra ({', '.join(missing)} missing): "
                          "pip install torch --index-url …/cpu, then pip install 'whyrec[tune]'")


def load_base(gguf: Path) -> tuple[Any, Any]:
    """The model and tokenizer of a GGUF file, de-quantised to float32 (offline)."""
    require_tune_extra()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                 dtype=torch.float32)
    return model, tokenizer


def encode(pairs: list[TrainingPair], tokenizer: Any, max_tokens: int) -> list[tuple[list[int],
                                                                                      int]]:
    """Token ids of prompt + target + end of turn, and where the target starts.

    The prompt is tokenised on its own, as llama.cpp does before it continues the answer.
    """
    encoded = []
    for pair in pairs:
        prompt = tokenizer(pair.prompt, add_special_tokens=False).input_ids
        target = tokenizer(pair.target + END_OF_TURN, add_special_tokens=False).input_ids
        if len(prompt) + len(target) <= max_tokens:
            encoded.append((prompt + target, len(prompt)))
    return encoded


def add_lora(model: Any, config: TrainConfig) -> Any:
    """``model`` wrapped with fresh LoRA weights (initialised from ``config.seed``)."""
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(config.seed)
    n_layers = int(model.config.num_hidden_layers)
    top = list(range(max(0, n_layers - config.layers), n_layers)) if config.layers else None
    # passed as a dict: peft's stubs and the CI without peft (everything Any) then agree
    options: dict[str, Any] = {
        "r": config.rank, "lora_alpha": config.alpha, "lora_dropout": config.dropout,
        "target_modules": list(TARGET_MODULES), "bias": "none", "task_type": "CAUSAL_LM",
        "layers_to_transform": top, "layers_pattern": "layers" if top else None}
    lora = LoraConfig(**options)
    return get_peft_model(model, lora)


def lora_state(model: Any) -> dict[str, Any]:
    """The trainable LoRA tensors by their PEFT names."""
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def train(model: Any, examples: list[tuple[list[int], int]], config: TrainConfig, out: Path,
          *, key: str, progress: bool = True, max_steps: int | None = None) -> dict[str, Any]:
    """Fine-tune the LoRA weights of ``model`` in place; checkpoints in ``out``.

    Returns a summary (steps, mean loss of the last epoch, seconds). A checkpoint in ``out``
    with the same ``key`` is resumed; one with another key is an error (use a new ``out``).
    """
    import torch

    if config.threads:
        torch.set_num_threads(config.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model.to(device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    per_epoch = math.ceil(len(examples) / config.accumulate)
    total = per_epoch * config.epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _lr_factor(s, total,
                                                                                  config.warmup))
    step, losses = _resume(out / CHECKPOINT, key, model, optimizer, schedule)
    started = time.perf_counter()
    last = total if max_steps is None else min(total, max_steps)
    bar = _bar(progress, total, step)
    inner = _inner(model)
    model.train()
    while step < last:
        epoch, offset = divmod(step, per_epoch)
        order = list(range(len(examples)))
        random.Random(f"{config.seed}\x1f{epoch}").shuffle(order)
        batch = order[offset * config.accumulate:(offset + 1) * config.accumulate]
        torch.manual_seed(config.seed * 1_000_003 + step)  # dropout draws depend on the step only
        optimizer.zero_grad(set_to_none=True)
        step_loss = 0.0
        for index in batch:
            ids, start = examples[index]
            loss = _loss(inner, torch.tensor([ids], device=device), start) / len(batch)
            loss.backward()
            step_loss += float(loss.detach())
        optimizer.step()
        schedule.step()
        step += 1
        losses.append(step_loss)
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{step_loss:.3f}")
        if step % config.checkpoint_every == 0 or step == last:
            _save(out / CHECKPOINT, key, step, model, optimizer, schedule, losses)
    if bar is not None:
        bar.close()
    recent = losses[-per_epoch:]
    return {"steps": step, "total_steps": total, "examples": len(examples),
            "loss_first": round(losses[0], 4) if losses else None,
            "loss_last_epoch": round(sum(recent) / len(recent), 4) if recent else None,
            "seconds": round(time.perf_counter() - started, 1), "device": str(device)}


# --- pieces -------------------------------------------------------------------------------------
def _loss(inner: tuple[Any, Any], ids: Any, start: int) -> Any:
    """Cross-entropy of the target tokens, from logits of the target positions only."""
    import torch.nn.functional as F

    body, head = inner
    hidden = body(input_ids=ids).last_hidden_state
    logits = head(hidden[:, start - 1:-1, :])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, start:].reshape(-1))


def _inner(model: Any) -> tuple[Any, Any]:
    """The decoder stack (hidden states) and the output head of a PEFT-wrapped causal LM."""
    causal = model.get_base_model()
    return causal.model, causal.lm_head


def _lr_factor(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    return max(0.05, 1.0 - (step - warmup) / max(1, total - warmup))


def _bar(enabled: bool, total: int, done: int) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=done, desc="fine-tuning", unit="step", leave=True,
                dynamic_ncols=True)


def _save(path: Path, key: str, step: int, model: Any, optimizer: Any, schedule: Any,
          losses: list[float]) -> None:
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    torch.save({"key": key, "step": step, "lora": lora_state(model),
                "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                "losses": losses}, partial)
    partial.replace(path)  # a crash mid-write never leaves a broken checkpoint


def _resume(path: Path, key: str, model: Any, optimizer: Any,
            schedule: Any) -> tuple[int, list[float]]:
    import torch

    if not path.is_file():
        return 0, []
    state = torch.load(path, weights_only=True)  # tensors and numbers only: no pickled code
    if state["key"] != key:
        raise ConfigError(f"{path} belongs to another run (other data or settings); "
                          "remove it or pass another --out")
    named = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in state["lora"].items():
            named[name].copy_(value)
    optimizer.load_state_dict(state["optimizer"])
    schedule.load_state_dict(state["schedule"])
    return int(state["step"]), list(state["losses"])


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
