"""The Python API in seven verbs: ``load_dataset`` (or ``from_frames``), ``train``,
``recommend``, ``explain``, ``verify``, ``evaluate``.

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
from whyrec.explanation.requests import ExplanationRequest
from whyrec.models.base import Recommender
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline, make_explainer
from whyrec.settings import ExplainSettings
from whyrec.types import Explanation, Recommendation, Verdict

__all__ = ["ExplainSettings", "evaluate", "explain", "from_frames", "load_dataset", "recommend",
           "train", "verify"]


def from_frames(interactions: Any, items: Any, users: Any = None, **options: Any) -> Dataset:
    """A dataset from frames in memory: pandas DataFrames or pyarrow Tables of interactions,
    the catalog and (optionally) people, validated as files are (the same columns, aliases,
    event weights and one-line problems: ``docs/data.md``). ``options`` are
    ``dataset_from_frames``'s: ``column_map``, ``event_weights``, ``domain``, ``rating_scale``,
    ``translations``, ``dislike_threshold``, ``name`` …

    Examples
    --------
    >>> import pandas as pd, whyrec
    >>> events = pd.DataFrame({"user": ["a", "a", "b"], "item": ["x", "y", "x"],
    ...                        "event": ["view", "purchase", "click"]})
    >>> catalog = pd.DataFrame({"item": ["x", "y"], "title": ["Lamp", "Desk"]})
    >>> data = whyrec.from_frames(events, catalog, column_map={"user_id": "user",
    ...                                                        "item_id": "item"})
    >>> data.n_users, data.n_items
    (2, 2)
    """
    from whyrec.data.frames import dataset_from_frames

    def frame(table: Any) -> Any:
        # a pyarrow Table (or anything else that converts itself) becomes a DataFrame
        return table.to_pandas() if table is not None and hasattr(table, "to_pandas") \
            and not hasattr(table, "iloc") else table

    return dataset_from_frames(frame(interactions), frame(items), frame(users), **options)


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
    dataset: Dataset | None = None, *, settings: ExplainSettings | None = None,
    backend: Backend | str | None = None, cache: ExplanationCache | None = None, **changes: Any,
) -> list[Explanation]:
    """Word each recommendation's evidence; every delivered text passes the verifier.

    How is :class:`~whyrec.settings.ExplainSettings` — ``settings``, or its fields by name:
    ``backend`` is ``llamacpp`` (the bundled model, offline), ``openai`` (any OpenAI-compatible
    server: ``base_url=…, llm_model=…``), ``template`` or a registered plug-in; ``language``,
    ``length``, ``tone``, ``prefer``, ``exclude``, ``repairs``… A ready
    :class:`~whyrec.backends.base.Backend` may be given as ``backend`` too. Another system's
    recommendations come as :class:`~whyrec.explanation.requests.ExplanationRequest` (see
    ``read_requests``) or plain recommendations, explained from their own evidence.
    """
    ready = backend if isinstance(backend, Backend) else None
    if backend is not None and ready is None:
        changes["backend"] = backend
    chosen = (settings or ExplainSettings()).updated(**changes)
    explainer = make_explainer(chosen, dataset, backend=ready, cache=cache)
    return Pipeline(dataset, explain=explainer).explain_requests(recommendations)


def verify(
    text: str, recommendation: Recommendation, dataset: Dataset | None = None, *,
    language: str = "en", length: str = "medium",
) -> Verdict:
    """Check any text against a recommendation's evidence: the list of unsupported spans."""
    pipeline = Pipeline(dataset, explain=ExplainSettings(backend="template"))
    return pipeline.verify(text, recommendation, language=language, length=length)
