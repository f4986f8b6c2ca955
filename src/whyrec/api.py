"""The Python API in six verbs: ``load_dataset``, ``train``, ``recommend``, ``explain``,
``verify``, ``evaluate``.

Examples
--------
>>> import whyrec
>>> data = whyrec.load_dataset("demo")
>>> model = whyrec.train(data, "itemknn")
>>> recs = whyrec.recommend(model, data, "u0001", n=3)
>>> len(recs), recs[0].rank
(3, 1)
>>> explanations = whyrec.explain(recs, data, language="en", backend="template")
>>> all(e.text and e.verdict.passed for e in explanations)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.data.load import load_dataset
from whyrec.eval.offline import evaluate
from whyrec.explanation.cache import ExplanationCache
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.requests import ExplanationRequest
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.types import Explanation, Recommendation, Verdict
from whyrec.values import Style

__all__ = ["evaluate", "explain", "load_dataset", "recommend", "train", "verify"]


def train(
    dataset: Dataset, algorithm: str = "hybrid", *, progress: bool = False, **params: Any
) -> Recommender:
    """Fit ``algorithm`` (``als``, ``itemknn``, ``content``, ``popular``, ``hybrid``)."""
    return create(algorithm, **params).fit(dataset, progress=progress)


def recommend(
    model: Recommender, dataset: Dataset, user_id: str, n: int = 10, *,
    history: Sequence[str] | None = None, k_anonymity: int = 10,
) -> list[Recommendation]:
    """Top-``n`` recommendations for ``user_id`` with all evidence attached."""
    return Pipeline(dataset, model, k_anonymity=k_anonymity).recommend(
        user_id, n, history=history)


def explain(
    recommendations: Sequence[Recommendation | ExplanationRequest],
    dataset: Dataset | None = None, *,
    language: str | None = None, length: str = "medium", tone: str = "neutral",
    prefer: Sequence[str] = (), exclude: Sequence[str] = (), backend: Backend | str = "llamacpp",
    max_repairs: int = 2, cache: ExplanationCache | None = None, **backend_options: Any,
) -> list[Explanation]:
    """Word each recommendation's evidence; every delivered text passes the verifier.

    ``backend`` is ``llamacpp`` (the bundled model, offline), ``openai`` (any OpenAI-compatible
    server: ``base_url=…, model=…``), ``template`` or a registered plug-in. Another system's
    recommendations come as :class:`~whyrec.explanation.requests.ExplanationRequest` (see
    ``read_requests``) or plain recommendations, explained from their own evidence.
    """
    explainer = Explainer(backend, dataset=dataset, max_repairs=max_repairs, cache=cache,
                          style=Style(length=length, tone=tone, prefer=tuple(prefer),
                                      exclude=tuple(exclude)), **backend_options)
    return [
        explainer.explain(r.recommendation, details=r.details, language=r.language or language)
        if isinstance(r, ExplanationRequest) else explainer.explain(r, language=language)
        for r in recommendations
    ]


def verify(
    text: str, recommendation: Recommendation, dataset: Dataset | None = None, *,
    language: str = "en", length: str = "medium",
) -> Verdict:
    """Check any text against a recommendation's evidence: the list of unsupported spans."""
    explainer = Explainer("template", dataset=dataset)
    return explainer.verify(text, recommendation, language=language,
                            style=Style(length=length))
