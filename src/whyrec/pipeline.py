"""``Recommender`` + ``EvidenceBuilder`` + explainer, wired once and reused for many people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from whyrec._native import gc_paused
from whyrec.data.dataset import Dataset
from whyrec.explanation.templates import TemplateExplainer
from whyrec.models.base import Recommender
from whyrec.models.evidence import EvidenceBuilder
from whyrec.types import Explanation, Recommendation


@dataclass
class Pipeline:
    """Recommend with full evidence and explain, for one dataset and one trained model.

    Examples
    --------
    >>> pipeline = Pipeline(dataset, model)                          # doctest: +SKIP
    >>> recs = pipeline.recommend("u0001", n=5)                      # doctest: +SKIP
    >>> [e.text for e in pipeline.explain(recs)]                     # doctest: +SKIP
    """

    dataset: Dataset
    model: Recommender
    k_anonymity: int = 10
    noise_scale: float = 0.0
    _builder: EvidenceBuilder = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # building the evidence indexes takes a moment on big data: once per dataset and setting
        key = ("evidence", self.k_anonymity, self.noise_scale)
        if key not in self.dataset.derived:
            self.dataset.derived[key] = EvidenceBuilder(
                self.dataset, k_anonymity=self.k_anonymity, noise_scale=self.noise_scale)
        self._builder = self.dataset.derived[key]

    def recommend(
        self, user_id: str, n: int = 10, *, history: Sequence[str] | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Recommendation]:
        """Top-``n`` recommendations with every kind of evidence.

        ``history`` (item ids) recommends for a person the model has not seen.
        """
        row = None if history is None else self.model.history_from_items(history)
        recs = self.model.recommend(str(user_id), n, history=row, exclude=exclude)
        return self._builder.enrich(recs, history)

    def recommend_many(
        self, user_ids: Iterable[str], n: int = 10, *, chunk_size: int = 128
    ) -> Iterator[tuple[str, list[Recommendation]]]:
        """``recommend`` for many people, scored and enriched a chunk at a time."""
        users = [str(u) for u in user_ids]
        for start in range(0, len(users), chunk_size):
            with gc_paused():
                chunk = list(self.model.recommend_many(users[start : start + chunk_size], n,
                                                       chunk_size=chunk_size))
                self._builder.enrich_many([recs for _, recs in chunk])
            yield from chunk

    def language_of(self, user_id: str) -> str:
        """The person's language from the dataset's people table, English when unknown."""
        return self.dataset.user_language(user_id, default="en")

    def explain(
        self, recommendations: Sequence[Recommendation], *, language: str | None = None,
        length: str = "medium",
    ) -> list[Explanation]:
        """Template explanations, in the person's own language unless ``language`` is given."""
        return explain_with_templates(recommendations, self.dataset, language=language,
                                      length=length)


def template_explainer(
    dataset: Dataset, language: str, length: str = "medium"
) -> TemplateExplainer:
    """A template explainer worded for ``dataset``'s domain, rating scale and vocabulary."""
    return TemplateExplainer(
        language=language, domain=dataset.domain, length=length,
        translations=dataset.translations.get(language, {}),
        rating_scale=dataset.rating_scale or 5.0,
    )


def explain_with_templates(
    recommendations: Sequence[Recommendation], dataset: Dataset, *,
    language: str | None = None, length: str = "medium",
) -> list[Explanation]:
    """Template explanations for one person's recommendations (their language by default)."""
    if not recommendations:
        return []
    language = language or dataset.user_language(recommendations[0].user_id, default="en")
    explainer = template_explainer(dataset, language, length)
    return [explainer.explain(rec) for rec in recommendations]
