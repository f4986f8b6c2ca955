"""The Python API in five verbs: ``load_dataset``, ``train``, ``recommend``, ``explain``,
``evaluate``.

Examples
--------
>>> import whyrec
>>> data = whyrec.load_dataset("demo")
>>> model = whyrec.train(data, "itemknn")
>>> recs = whyrec.recommend(model, data, "u0001", n=3)
>>> len(recs), recs[0].rank
(3, 1)
>>> texts = [e.text for e in whyrec.explain(recs, data, language="en")]
>>> all(texts)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whyrec.data.dataset import Dataset
from whyrec.data.load import load_dataset
from whyrec.eval.offline import evaluate
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline, explain_with_templates
from whyrec.types import Explanation, Recommendation

__all__ = ["evaluate", "explain", "load_dataset", "recommend", "train"]


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
    recommendations: Sequence[Recommendation], dataset: Dataset, *,
    language: str | None = None, length: str = "medium", backend: str = "template",
) -> list[Explanation]:
    """Word each recommendation's evidence (template backend; LLM backends come next)."""
    from whyrec.errors import ConfigError

    if backend != "template":
        raise ConfigError(f"unknown backend {backend!r}; available: template")
    return explain_with_templates(recommendations, dataset, language=language, length=length)
