"""Every explanation metric over already generated explanations, in one call.

:func:`evaluate_explanations` takes explained recommendations (and optional reference texts) and
returns the figures of the report: faithfulness to the facts, how the texts were produced,
counterfactual fidelity to the model, the literature's metrics, personalisation and readability.
It generates nothing, so it is cheap: 1,000 explanations take well under ten seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whyrec.eval.counterfactual import cases_from, counterfactual_fidelity
from whyrec.eval.faithfulness import faithfulness, generation
from whyrec.eval.literature import (
    FeatureIndex,
    feature_coverage_ratio,
    feature_diversity,
    feature_matching_ratio,
    unique_sentence_ratio,
)
from whyrec.eval.overlap import bleu, rouge
from whyrec.eval.personal import distinctness, history_reference, readability
from whyrec.models.base import Recommender
from whyrec.types import Explanation, Recommendation, SharedFeature


@dataclass
class EvalRecord:
    """One explained recommendation, and the reference text it may be compared with."""

    recommendation: Recommendation
    explanation: Explanation
    reference: str | None = None


def literature_metrics(records: Sequence[EvalRecord], features: FeatureIndex) -> dict[str, Any]:
    """USR, FMR, FCR and DIV (see :mod:`whyrec.eval.literature`).

    ``fmr`` is PETER's (target = the features the reference names; pairs whose reference names
    none are left out) and is ``None`` without references. ``fmr_evidence`` takes as target the
    shared-feature facts handed to the explainer (does the text mention the feature reasons it
    was given?), over the pairs that have any.
    """
    found = [features.features_in(r.explanation.text) for r in records]
    ref_pairs = [(have, features.features_in(r.reference)) for have, r in
                 zip(found, records, strict=True) if r.reference]
    ref_pairs = [(have, want) for have, want in ref_pairs if want]
    evidence_pairs = []
    for have, record in zip(found, records, strict=True):
        values = [e.value for e in record.recommendation.evidence
                  if isinstance(e, SharedFeature)]
        if values:
            evidence_pairs.append((have, features.features_of_values(values)))
    return {
        "usr": unique_sentence_ratio([r.explanation.text for r in records]),
        "fmr": feature_matching_ratio([h for h, _ in ref_pairs], [w for _, w in ref_pairs])
        if ref_pairs else None,
        "fmr_pairs": len(ref_pairs),
        "fmr_evidence": feature_matching_ratio([h for h, _ in evidence_pairs],
                                               [w for _, w in evidence_pairs])
        if evidence_pairs else None,
        "fmr_evidence_pairs": len(evidence_pairs),
        "fcr": feature_coverage_ratio(found, features.n_features),
        "div": feature_diversity(found),
        "n_features": features.n_features,
        "features_per_text": sum(len(f) for f in found) / len(found) if found else 0.0,
    }


def reference_metrics(records: Sequence[EvalRecord]) -> dict[str, Any] | None:
    """BLEU-1/4 and ROUGE-1/2/L against the references, ``None`` when there are none."""
    pairs = [(r.explanation.text, r.reference) for r in records if r.reference]
    if not pairs:
        return None
    hypotheses = [h for h, _ in pairs]
    references = [ref for _, ref in pairs if ref]
    return {"n": len(pairs), **bleu(hypotheses, references),
            **rouge(hypotheses, references)}


def evaluate_explanations(
    records: Sequence[EvalRecord], features: FeatureIndex, *,
    model: Recommender | None = None, k: int = 10,
) -> dict[str, Any]:
    """All explanation figures of the report for one configuration.

    Parameters
    ----------
    records : the explained recommendations (with references where they exist).
    features : the catalog's feature index (FMR, FCR, DIV).
    model : the recommender that made the recommendations; without it (another system's
        recommendations) counterfactual fidelity is ``None``.
    k : the top-k cut-off of the counterfactual tests.

    Examples
    --------
    >>> features = FeatureIndex(vocabulary)                             # doctest: +SKIP
    >>> result = evaluate_explanations(records, features, model=model)  # doctest: +SKIP
    >>> result["counterfactual"]["pn"]                                  # doctest: +SKIP
    0.62
    """
    explanations = [r.explanation for r in records]
    pairs = [(r.recommendation, r.explanation) for r in records]
    counterfactual = (counterfactual_fidelity(model, cases_from(pairs), k)
                      if model is not None else None)
    return {
        "n": len(records),
        "faithfulness": faithfulness(explanations),
        "generation": generation(explanations),
        "counterfactual": counterfactual,
        "literature": literature_metrics(records, features),
        "overlap": reference_metrics(records),
        "personalisation": {
            **distinctness((r.recommendation.item_id, r.recommendation.user_id,
                            r.explanation.text) for r in records),
            **history_reference(pairs),
        },
        "readability": readability(explanations),
    }
