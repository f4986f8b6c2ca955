"""Base model vs fine-tuned adapter: LLM-pass rate, delivered faithfulness, variety and latency.

For each configuration (dataset x language, English by default) it takes top-3 recommendations of
held-out people (``whyrec.tuning.data.is_held_out``: never used for training) and explains each
one twice with the ``llamacpp`` backend, once with the bundled SmolLM2-135M-Instruct alone and
once with the LoRA adapter, alternating which goes first so that neither is always warmer. It
reports, per model:

* first-try and after-repair LLM-pass rates (drafts judged by the verifier);
* delivered explanations re-verified from scratch against *all* of the evidence (must be 0 bad);
* USR (unique sentence ratio, PETER's definition) of the delivered texts and of the model-written
  ones;
* latency: median per explanation (repairs included) and median per model call; the ratio
  tuned / base of both.

``--compare OTHER.gguf`` adds a third model, ``compare`` (say the previously shipped adapter),
explained on the very same recommendations, so that a retrained adapter can be judged against the
one it would replace; the targets stay on ``tuned``.

    .venv/bin/python benchmarks/bench_tune.py --n 30 --adapter src/whyrec/models_data/…gguf

Prints one JSON object and saves it to benchmarks/results/tune.json.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DATA, REPO_ROOT, Target, config_dataset, finish, log

RESULT = REPO_ROOT / "benchmarks" / "results" / "tune.json"
CONFIGS = ("demo:en", "movielens:en")


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    options = arguments().parse_args(argv)
    from whyrec.backends.llamacpp import LlamaCppBackend, default_adapter

    adapter = options.adapter or default_adapter()
    if adapter is None:
        sys.exit("error: no adapter shipped; pass --adapter FILE.gguf (from `whyrec tune`)")
    backends = {"base": LlamaCppBackend(adapter=False, threads=options.threads),
                "tuned": LlamaCppBackend(adapter=adapter, threads=options.threads)}
    if options.compare is not None:
        backends["compare"] = LlamaCppBackend(adapter=options.compare, threads=options.threads)
    records: list[dict[str, Any]] = []
    for config in [c.strip() for c in options.configs.split(",") if c.strip()]:
        records += run_config(config, options, backends)
    result: dict[str, Any] = {
        "benchmark": "fine-tuned explanations (held-out people)",
        "adapter": Path(adapter).name, "adapter_bytes": Path(adapter).stat().st_size,
        "recommender": options.algo, "repairs": options.repairs,
        **({"compare_adapter": options.compare.name,
            "compare_adapter_bytes": options.compare.stat().st_size} if options.compare else {}),
        "overall": {m: summarise([r for r in records if r["model"] == m]) for m in backends},
        "by_config": {c: {m: summarise([r for r in records
                                         if r["model"] == m and r["config"] == c])
                          for m in backends}
                      for c in sorted({r["config"] for r in records})},
    }
    base, tuned = result["overall"]["base"], result["overall"]["tuned"]
    result["latency_ratio_tuned_vs_base"] = {
        key: round(tuned["latency_ms"][key] / base["latency_ms"][key], 3)
        for key in ("explanation_median", "call_median")}
    sample = random.Random(options.seed).sample(
        [r for r in records if r["model"] == "tuned"],
        min(12, sum(1 for r in records if r["model"] == "tuned")))
    result["hand_check"] = [{"config": r["config"], "text": r["text"], "fallback": r["fallback"]}
                            for r in sample]
    targets = [
        Target("tuned_first_try_pass", tuned["llm_pass_first_try"], 0.8, ">="),
        Target("tuned_delivered_unsupported", tuned["delivered_unsupported"], 0, "<="),
        Target("tuned_usr_delivered", tuned["usr_delivered"], 0.9, ">="),
        Target("latency_ratio_per_call",
               result["latency_ratio_tuned_vs_base"]["call_median"], 0.1, "abs-1<="),
    ]
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    code = finish(result, targets, options.check, started)
    import json

    RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return code


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=30, help="recommendations per configuration")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--adapter", type=Path, default=None,
                        help="adapter GGUF (default: the shipped one)")
    parser.add_argument("--compare", type=Path, default=None, metavar="OTHER.gguf",
                        help="a second adapter explained on the same recommendations "
                             "(model 'compare'), e.g. the one a retrained adapter would replace")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ml-latest-small folder")
    parser.add_argument("--algo", default="itemknn")
    parser.add_argument("--repairs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    return parser


def run_config(config: str, options: argparse.Namespace,
               backends: dict[str, Any]) -> list[dict[str, Any]]:
    from whyrec.explanation.explainer import Explainer
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings
    from whyrec.tuning.data import is_held_out

    name, language = config.split(":")
    dataset = config_dataset(name, options.data)
    pipeline = Pipeline(dataset, create(options.algo).fit(dataset),
                        ExplainSettings(backend="template"))
    explainers = {m: Explainer(b, dataset=dataset, max_repairs=options.repairs, audit=False)
                  for m, b in backends.items()}
    judge = Explainer("template", dataset=dataset)
    users = [str(u) for u in dataset.user_ids.tolist() if is_held_out(str(u))]
    random.Random(f"{options.seed}:{config}").shuffle(users)
    records: list[dict[str, Any]] = []
    done = 0
    for user in users:
        for rec in pipeline.recommend(user, n=3):
            names = list(explainers)  # rotated, so that no model is always the warmer one
            shift = done % len(names)
            order = names[shift:] + names[:shift]
            for model in order:
                explanation = explainers[model].explain(rec, language=language)
                verdict = judge.verify(explanation.text, rec, language=language)
                records.append({
                    "config": config, "model": model, "text": explanation.text,
                    "fallback": explanation.fallback,
                    "drafts": [d.passed for d in explanation.drafts],
                    "call_ms": [d.latency_ms for d in explanation.drafts],
                    "latency_ms": explanation.latency_ms,
                    "delivered_unsupported": [s.kind for s in verdict.unsupported],
                })
            done += 1
            if done % 10 == 0:
                log(f"{config}: {done} recommendations explained by every model")
            if done >= options.n:
                return records
    return records


def summarise(records: list[dict[str, Any]]) -> dict[str, Any]:
    from whyrec.eval.literature import unique_sentence_ratio

    if not records:
        return {"n": 0}
    with_drafts = [r for r in records if r["drafts"]]
    calls = [ms for r in records for ms in r["call_ms"]]
    written = [r["text"] for r in records if not r["fallback"]]
    return {
        "n": len(records),
        "llm_pass_first_try": _rate(sum(r["drafts"][0] for r in with_drafts), len(with_drafts)),
        "llm_pass_after_repair": _rate(sum(any(r["drafts"]) for r in with_drafts),
                                       len(with_drafts)),
        "llm_delivered_rate": _rate(len(written), len(records)),
        "delivered_unsupported": sum(1 for r in records if r["delivered_unsupported"]),
        "usr_delivered": round(unique_sentence_ratio([r["text"] for r in records]), 4),
        "usr_model_written": round(unique_sentence_ratio(written), 4) if written else None,
        "mean_calls": round(statistics.fmean(len(r["drafts"]) for r in records), 3),
        "latency_ms": {
            "explanation_median": round(statistics.median(r["latency_ms"] for r in records), 1),
            "call_median": round(statistics.median(calls), 1) if calls else 0.0,
        },
    }


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


if __name__ == "__main__":
    sys.exit(main())
