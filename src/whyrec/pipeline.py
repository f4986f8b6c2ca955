"""``Recommender`` + ``EvidenceBuilder`` + ``Explainer``, wired once and reused for many people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from whyrec._native import gc_paused
from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.explanation.cache import ExplanationCache
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.style import Style
from whyrec.explanation.templates import TemplateExplainer
from whyrec.models.base import Recommender
from whyrec.models.evidence import EvidenceBuilder
from whyrec.types import Explanation, Recommendation


@dataclass
class Pipeline:
    """Recommend with full evidence and explain, for one dataset and one trained model.

    Examples
    --------
    >>> pipeline = Pipeline(dataset, model, backend="template")      # doctest: +SKIP
    >>> recs = pipeline.recommend("u0001", n=5)                      # doctest: +SKIP
    >>> [e.text for e in pipeline.explain(recs)]                     # doctest: +SKIP
    """

    dataset: Dataset
    model: Recommender
    k_anonymity: int = 10
    noise_scale: float = 0.0
    #: how explanations are worded: a backend name (``llamacpp``, ``openai``, ``template``…)
    #: or a :class:`~whyrec.backends.base.Backend`
    backend: Backend | str = "llamacpp"
    cache: ExplanationCache | None = None
    _builder: EvidenceBuilder = field(init=False, repr=False)
    _explainer: Explainer | None = field(default=None, init=False, repr=False)

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

    @property
    def explainer(self) -> Explainer:
        """The explainer for ``backend`` (built on first use: loading a model takes a moment)."""
        if self._explainer is None:
            self._explainer = Explainer(self.backend, dataset=self.dataset, cache=self.cache)
        return self._explainer

    def explain(
        self, recommendations: Sequence[Recommendation], *, language: str | None = None,
        length: str | None = None, style: Style | None = None, workers: int = 1,
    ) -> list[Explanation]:
        """Explanations in the person's own language unless ``language`` is given."""
        if length is not None:
            style = replace(style or self.explainer.style, length=length)
        return self.explainer.explain_many(recommendations, language=language, style=style,
                                           workers=workers)


def template_explainer(
    dataset: Dataset, language: str, length: str = "medium"
) -> TemplateExplainer:
    """A template explainer worded for ``dataset``'s domain, rating scale and vocabulary."""
    return TemplateExplainer(
        language=language, domain=dataset.domain, length=length,
        translations=dataset.translations.get(language, {}),
        rating_scale=dataset.rating_scale or 5.0,
    )
