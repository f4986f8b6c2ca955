"""``whyrec tune``: fine-tune the bundled model to explain recommendations (LoRA, offline).

Builds training pairs (the exact prompt whyrec sends -> a verified explanation), trains a LoRA
adapter on them, and writes it as a llama.cpp adapter GGUF that the ``llamacpp`` backend loads
with ``--adapter``. Needs the ``tune`` extra (torch, transformers, peft, gguf).

Targets come from ``--source``: ``paraphrase`` (the facts worded many ways), ``references``
(sentences of people's own reviews that mention the evidence; the data needs a ``review``
column) or ``distill`` (a larger model behind ``--base-url``/``--model``, as for
``whyrec explain --backend openai``). Every target passes the verifier before it is used.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from whyrec.cli.common import configured, emit_json, json_option, progress_option, want_progress
from whyrec.errors import ConfigError
from whyrec.loaders import load_data

ADAPTER_FILE = "adapter.gguf"


@click.command()
@click.option("--requests", "request_files", multiple=True, metavar="FILE",
              type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Also train on callers' requests with a reference text (JSON lines, as "
                   "`explain --input` reads them; repeatable): the target is the reference cut "
                   "to what its facts back. --pairs caps each file too.")
@click.option("--layout", type=click.Choice(["full", "compact"]), default="full",
              show_default=True,
              help="The prompt the adapter will be sent: full (the worked example, the answer "
                   "begun 'We picked “X” because') or compact (no example, begun with the "
                   "item's title). Written beside the adapter; the llamacpp backend follows it.")
@click.option("--data", "data", multiple=True, required=False, metavar="PATH|demo",
              help="Dataset(s) to build training pairs from (repeatable; default without "
                   "--requests: the configured data, demo).")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True,
              help="Directory for pairs, checkpoint and adapter.gguf (a rerun resumes).")
@click.option("--source", type=click.Choice(["paraphrase", "references", "distill"]),
              default="paraphrase", show_default=True,
              help="Where targets come from: paraphrase (the facts worded many ways), "
                   "references (sentences of people's own reviews that mention the evidence; "
                   "needs a 'review' column), distill (a larger model: --base-url, --model). "
                   "Every target must pass the verifier.")
@click.option("--base-url", default=None, help="distill: the teacher's OpenAI-compatible API "
              "root (http://host:8000/v1; default $WHYREC_BASE_URL). The key comes from "
              "WHYREC_API_KEY.")
@click.option("--model", "llm_model", default=None, metavar="MODEL",
              help="distill: the teacher's model name on that server (default $WHYREC_MODEL).")
@click.option("--pairs", "n_pairs", type=int, default=160, show_default=True,
              help="Training pairs per dataset.")
@click.option("--languages", default="en:0.75,zh:0.25", show_default=True,
              help="Languages of the pairs, with weights (references: each review "
                   "sentence's own language, if listed).")
@click.option("--epochs", type=int, default=1, show_default=True)
@click.option("--rank", type=int, default=8, show_default=True, help="LoRA rank.")
@click.option("--layers", type=int, default=10, show_default=True,
              help="Adapt the top N transformer blocks (0: all; more is slower).")
@click.option("--lr", "learning_rate", type=float, default=1e-3, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--threads", type=int, default=0, help="CPU threads (default: torch's choice).")
@click.option("--max-steps", type=int, default=None, help="Stop after this many steps (resume "
                                                           "later by running again).")
@progress_option
@json_option
def tune(layout: str, request_files: tuple[Path, ...], data: tuple[str, ...], out: Path,
         source: str,
         base_url: str | None, llm_model: str | None, n_pairs: int, languages: str,
         epochs: int, rank: int, layers: int, learning_rate: float, seed: int, threads: int,
         max_steps: int | None, progress: bool | None, as_json: bool) -> None:
    """Fine-tune the bundled model with LoRA and export a llama.cpp adapter."""
    from whyrec.backends.llamacpp import bundled_model_path
    from whyrec.explanation.requests import read_requests
    from whyrec.tuning.data import build_pairs, load_pairs, save_pairs
    from whyrec.tuning.export import write_adapter
    from whyrec.tuning.requests import request_pairs
    from whyrec.tuning.train import (
        TrainConfig,
        add_lora,
        encode,
        load_base,
        lora_state,
        require_tune_extra,
        train,
    )

    names, weights = _languages(languages)
    if not data and not request_files:  # the configured dataset (by default the demo shop)
        data = (configured("data").value,)
    if source != "distill" and (base_url is not None or llm_model is not None):
        raise ConfigError("--base-url and --model apply to --source distill only")
    if source == "distill":  # the teacher: the configured openai server unless given here
        base_url = base_url or configured("base_url").value
        llm_model = llm_model or configured("llm_model").value
    require_tune_extra()
    out.mkdir(parents=True, exist_ok=True)
    pairs_file = out / "pairs.jsonl"
    stats: Counter[str] = Counter()
    if pairs_file.is_file():  # resuming: the very same pairs
        pairs = load_pairs(pairs_file)
    else:
        pairs = []
        for source_data in data:
            pairs += build_pairs(load_data(source_data), source=source, languages=names,
                                 language_weights=weights, max_pairs=n_pairs, seed=seed,
                                 stats=stats, base_url=base_url, llm_model=llm_model,
                                 layout=layout)
        for request_file in request_files:
            pairs += request_pairs(read_requests(request_file), max_pairs=n_pairs, seed=seed,
                                   stats=stats, layout=layout)
        save_pairs(pairs, pairs_file)
    if not pairs:
        raise ConfigError("no training pair passed the verifier; check the data")
    config = TrainConfig(seed=seed, epochs=epochs, rank=rank, alpha=2.0 * rank, layers=layers,
                         learning_rate=learning_rate, threads=threads)
    model, tokenizer = load_base(bundled_model_path())
    examples = encode(pairs, tokenizer, config.max_tokens)
    model = add_lora(model, config)
    summary = train(model, examples, config, out, key=config.key(pairs),
                    progress=want_progress(progress), max_steps=max_steps)
    result = {"out": str(out), "pairs": len(pairs), "pair_stats": dict(stats), **summary}
    result["complete"] = summary["steps"] >= summary["total_steps"]
    if summary["steps"] > 0:  # a partial run's adapter is usable too; a rerun continues it
        adapter = write_adapter(lora_state(model), out / ADAPTER_FILE, alpha=config.alpha,
                                n_head=model.config.num_attention_heads,
                                n_head_kv=model.config.num_key_value_heads)
        # the prompt layout the pairs were made in: the llamacpp backend reads it to send the
        # same layout to this adapter
        adapter.with_suffix(".json").write_text(json.dumps({"prompt": layout}) + "\n",
                                                encoding="utf-8")
        result["adapter"] = str(adapter)
        result["adapter_bytes"] = adapter.stat().st_size
    (out / "summary.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if as_json:
        emit_json(result)
    elif result["complete"]:
        click.echo(f"tuned on {len(pairs)} pairs in {summary['seconds']:.0f}s; adapter "
                   f"{result['adapter']} (use it: whyrec explain --adapter {result['adapter']})")
    else:
        click.echo(f"stopped at step {summary['steps']} of {summary['total_steps']} (adapter "
                   "so far written); run the same command again to resume")


def _languages(text: str) -> tuple[list[str], list[float]]:
    names, weights = [], []
    for part in text.split(","):
        name, _, weight = part.strip().partition(":")
        if name not in ("en", "zh"):
            raise ConfigError(f"--languages: unknown language {name!r} (en or zh)")
        names.append(name)
        weights.append(float(weight or 1.0))
    return names, weights
