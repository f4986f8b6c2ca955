"""The bundled model on XRec's explanation pairs (issue 17): caller requests whose facts are a
user's and an item's profile sentences, explained as ``whyrec explain --input requests.jsonl``
does with the default backend; ROUGE-L and BLEU-4 against the pairs' reference explanations,
beside XRec's own 7B model's outputs on the same pairs.

Only held-out pairs are used (``scripts/xrec_requests.py --held-out``: never trained on). The
references and XRec's outputs are put in the "you" voice naming the item, as whyrec's texts are
(``tests/support/strong_model.you_voice``), so the comparison is like for like. ROUGE-L is the
F-measure of ``rouge-score`` (stemmed) x 100, BLEU-4 ``sacrebleu``'s corpus BLEU.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_xrec.py --n 50 \
        --out benchmarks/results/xrec.json
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))
sys.path.insert(0, str(HERE / "verifier_set"))
sys.path.insert(0, str(HERE.parent))

from _common import Target, finish, log  # noqa: E402

#: issue 17's targets
DELIVERED_TARGET = 0.80
ROUGE_TARGET = 25.0


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=50, help="held-out pairs per dataset")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--backend", default="llamacpp")
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--length", choices=("short", "medium", "detailed"), default=None,
                        help="the length asked (default: the explainer's, medium); XRec's "
                             "references and outputs are one sentence, as short asks")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--check", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    options = arguments().parse_args(argv)
    from sources import SHARED_DATA, XREC_FILES
    from tests.support.strong_model import you_voice

    from whyrec.explanation.requests import parse_request
    from whyrec.pipeline import Pipeline, make_explainer
    from whyrec.settings import ExplainSettings
    from xrec_requests import requests as xrec_requests

    pipeline = Pipeline(None, explain=make_explainer(ExplainSettings(backend=options.backend)))
    result: dict[str, Any] = {"backend": options.backend, "n": options.n,
                              "length": options.length or "medium", "datasets": {}}
    targets = []
    for name in XREC_FILES:
        rows = [r for r in xrec_requests(name, True, SHARED_DATA) if r.get("xrec_prediction")]
        rows = random.Random(f"{options.seed}:{name}").sample(rows, min(options.n, len(rows)))
        texts, delivered, latency = [], [], []
        for row in rows:
            request = parse_request({k: v for k, v in row.items() if k != "xrec_prediction"})
            [explanation] = pipeline.explain_requests([request], length=options.length)
            texts.append(explanation.text)
            delivered.append(not explanation.fallback)
            latency.append(explanation.latency_ms)
        references = [str(r["reference"]) for r in rows]
        xrec = [you_voice(str(r["xrec_prediction"]), str(r["item"]["title"])) for r in rows]
        model_only = [t for t, d in zip(texts, delivered, strict=True) if d]
        model_refs = [ref for ref, d in zip(references, delivered, strict=True) if d]
        figures = {
            "pairs": len(rows),
            "delivered_rate": round(sum(delivered) / len(rows), 4),
            "whyrec_all": scores(texts, references),
            "whyrec_model_delivered": scores(model_only, model_refs) if model_only else None,
            "xrec_7b": scores(xrec, references),
            "latency_median_ms": round(statistics.median(latency), 1),
            "examples": [{"text": t, "model": d, "reference": ref, "xrec": x}
                         for t, d, ref, x in list(zip(texts, delivered, references, xrec,
                                                      strict=True))[:options.examples]],
        }
        result["datasets"][name] = figures
        log(f"{name}: delivered {figures['delivered_rate']}, ROUGE-L "
            f"{figures['whyrec_all']['rouge_l']} (XRec {figures['xrec_7b']['rouge_l']})")
        targets += [Target(f"{name}.delivered_rate", figures["delivered_rate"], DELIVERED_TARGET,
                           ">="),
                    Target(f"{name}.rouge_l", figures["whyrec_all"]["rouge_l"], ROUGE_TARGET,
                           ">=")]
    if options.out:
        options.out.parent.mkdir(parents=True, exist_ok=True)
    return finish(result, targets, options.check, started, out=options.out)


def scores(texts: list[str], references: list[str]) -> dict[str, float]:
    from rouge_score import rouge_scorer
    from sacrebleu.metrics import BLEU

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    rouge = statistics.fmean(scorer.score(ref, text)["rougeL"].fmeasure
                             for text, ref in zip(texts, references, strict=True))
    bleu = BLEU().corpus_score(texts, [references]).score
    return {"rouge_l": round(100 * rouge, 2), "bleu_4": round(bleu, 2)}


if __name__ == "__main__":
    sys.exit(main())
