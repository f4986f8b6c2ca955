"""The bundled model as shipped (Q4_1, adapter applied at run time, one token at a time) against
the prepared file (adapter merged, Q8_0: ``whyrec.backends.prepared``) without and with prompt
lookup decoding (the default), in one process on the same requests.

For each request (the demo shop and MovieLens, English and Chinese, top-3 of sampled people) the
backends, in rotating order, (1) answer the first prompt greedily from a cold prompt cache,
reporting llama.cpp's own prompt and generation speeds (tokens per second) and whether the two
texts are the same; (2) explain the recommendation end to end, before (1)
(``Explainer.explain``: first draft, sentence planning, verifier; no explanation cache),
reporting the latency. Medians, and the ratio of each variant to the shipped one, so the
machine's noise hits all alike.

    .venv/bin/python benchmarks/bench_model_format.py [--n 40] [--out FILE]
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

from _common import DEFAULT_DATA, config_dataset, finish, log

CONFIGS = ("demo:en", "demo:zh", "movielens:en", "movielens:zh")
#: the variants compared with the shipped one
VARIANTS = ("prepared", "prepared+lookup")


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    options = arguments().parse_args(argv)
    from whyrec.backends.llamacpp import LlamaCppBackend

    backends = {"shipped": LlamaCppBackend(prepare=False, lookup=False),
                "prepared": LlamaCppBackend(lookup=False), "prepared+lookup": LlamaCppBackend()}
    rows: list[dict[str, Any]] = []
    per_config = max(1, options.n // len(CONFIGS))
    for config in CONFIGS:
        rows += measure_config(config, per_config, backends, options)
        log(f"{config}: {len(rows)} requests measured")
    result: dict[str, Any] = {
        "benchmark": "model_format",
        "shipped": f"{backends['shipped'].loaded_path.name} + "
                   f"{getattr(backends['shipped'].loaded_adapter, 'name', 'no adapter')}",
        "prepared": backends["prepared"].loaded_path.name,
        "lookup": "prompt lookup decoding: 4-token n-grams, up to 8 tokens guessed",
        "requests": len(rows),
        "overall": figures(rows),
        "by_config": {c: figures([r for r in rows if r["config"] == c]) for c in CONFIGS},
    }
    return finish(result, [], False, started, out=options.out)


def measure_config(config: str, count: int, backends: dict[str, Any],
                   options: argparse.Namespace) -> list[dict[str, Any]]:
    from whyrec.explanation.explainer import Explainer
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings

    name, language = config.split(":")
    dataset = config_dataset(name, options.data)
    pipeline = Pipeline(dataset, create("itemknn").fit(dataset),
                        ExplainSettings(backend="template"))
    explainers = {k: Explainer(b, dataset=dataset) for k, b in backends.items()}
    users = dataset.user_ids.tolist()
    random.Random(f"{options.seed}:{config}").shuffle(users)
    rows: list[dict[str, Any]] = []
    for user in users:
        for rec in pipeline.recommend(str(user), n=3):
            if len(rows) >= count:
                return rows
            shift = len(rows) % len(explainers)
            order = [*list(explainers)[shift:], *list(explainers)[:shift]]
            row: dict[str, Any] = {"config": config}
            for kind in order:
                row[kind] = measure(explainers[kind], rec, language)
            for kind in VARIANTS:
                row[f"same_first_text.{kind}"] = row["shipped"]["text"] == row[kind]["text"]
            rows.append(row)
    return rows


def measure(explainer: Any, rec: Any, language: str) -> dict[str, Any]:
    """One request on one backend: the whole explanation (its prompt cache holding the request
    before, as in use), then its first prompt again from a cold cache."""
    explanation = explainer.explain(rec, language=language)
    prompt, _, start = explainer.prompt_for(rec, language=language)
    messages = [*prompt.messages, {"role": "assistant", "content": start}]
    reply = explainer.backend._server.handle_chat_completions(
        {"messages": messages, "max_tokens": 60, "temperature": 0.0, "seed": 1,
         "cache_prompt": False, "stop": ["\n"]})
    timings = reply["timings"]
    return {"text": reply["choices"][0]["message"]["content"],
            "prompt_per_s": timings["prompt_per_second"],
            "predicted_per_s": timings["predicted_per_second"],
            "explain_ms": explanation.latency_ms, "by_model": not explanation.fallback}


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {}
    result: dict[str, Any] = {"n": len(rows)}
    kinds = ("shipped", *VARIANTS)
    for metric in ("prompt_per_s", "predicted_per_s", "explain_ms"):
        medians = {k: statistics.median(r[k][metric] for r in rows) for k in kinds}
        result[metric] = {k: round(v, 1) for k, v in medians.items()}
        for kind in VARIANTS:
            result[metric][f"ratio_{kind}_over_shipped"] = round(
                medians[kind] / medians["shipped"], 3)
    result["same_first_text_as_shipped"] = {
        k: round(sum(r[f"same_first_text.{k}"] for r in rows) / len(rows), 3) for k in VARIANTS}
    result["by_model"] = {k: round(sum(r[k]["by_model"] for r in rows) / len(rows), 3)
                          for k in kinds}
    return result


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=40, help="requests in all (default 40)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the ml-latest-small folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    return parser


if __name__ == "__main__":
    sys.exit(main())
