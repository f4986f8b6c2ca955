"""``Recommender`` + ``EvidenceBuilder`` + ``Explainer``, wired once and reused for many people."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from whyrec._native import gc_paused
from whyrec.backends.base import Backend
from whyrec.data.dataset import Dataset
from whyrec.explanation.cache import ExplanationCache
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.templates import TemplateExplainer
from whyrec.feedback.events import record_explanation
from whyrec.feedback.preferences import Preferences, preferences_for
from whyrec.feedback.rerank import down_weight
from whyrec.models.base import Recommender
from whyrec.models.evidence import EvidenceBuilder
from whyrec.store.engine import Store
from whyrec.types import Explanation, Recommendation
from whyrec.values import Style

if TYPE_CHECKING:
    from whyrec.privacy.dp import NoisyCounts

#: extra candidates scored when some must make way for a person's "not like this"
CANDIDATE_MARGIN = 50


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
    #: where feedback lives: with a store, each person's feedback shapes their explanations and
    #: recommendations, and every delivered explanation is recorded (feedback refers to it)
    store: Store | None = None
    #: differential privacy for cohort facts (noisy counts from the dataset's privacy budget)
    privacy: NoisyCounts | None = None
    _builder: EvidenceBuilder = field(init=False, repr=False)
    _explainer: Explainer | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # building the evidence indexes takes a moment on big data: once per dataset and setting
        key = ("evidence", self.k_anonymity, self.noise_scale,
               None if self.privacy is None else id(self.privacy))
        if key not in self.dataset.derived:
            self.dataset.derived[key] = EvidenceBuilder(
                self.dataset, k_anonymity=self.k_anonymity, noise_scale=self.noise_scale,
                privacy=self.privacy)
        self._builder = self.dataset.derived[key]

    def recommend(
        self, user_id: str, n: int = 10, *, history: Sequence[str] | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Recommendation]:
        """Top-``n`` recommendations with every kind of evidence.

        ``history`` (item ids) recommends for a person the model has not seen.
        """
        row = None if history is None else self.model.history_from_items(history)
        avoid = self.preferences(user_id).avoid_items if self.store is not None else {}
        if not avoid:
            recs = self.model.recommend(str(user_id), n, history=row, exclude=exclude)
        else:  # score more candidates, then down-weight those like the ones turned down
            candidates = self.model.recommend(str(user_id), n + CANDIDATE_MARGIN, history=row,
                                              exclude=exclude)
            recs = down_weight(candidates, avoid, self.dataset, n)
        return self._builder.enrich(recs, history)

    def recommend_item(self, user_id: str, item_id: str) -> Recommendation:
        """One item as a recommendation for the person: its true rank and score, with every
        kind of evidence (none for an item they already had: rank 0)."""
        rec = self.model.recommend_item(str(user_id), str(item_id))
        if rec.rank:
            self._builder.enrich([rec])
        return rec

    def enrich(self, recommendations: list[Recommendation]) -> list[Recommendation]:
        """Add every kind of evidence to recommendations made elsewhere (``recommend_item``)."""
        return self._builder.enrich(recommendations)

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

    def use_explainer(self, explainer: Explainer) -> Pipeline:
        """Explain with this (configured) explainer instead of one built from ``backend``."""
        self._explainer = explainer
        return self

    def explain(
        self, recommendations: Sequence[Recommendation], *, language: str | None = None,
        length: str | None = None, style: Style | None = None, workers: int = 1,
    ) -> list[Explanation]:
        """Explanations in the person's own language unless ``language`` is given.

        With a store, each person's feedback adjusts ``style`` and language, the explanation
        lists what shaped it (``preferences``), and it is recorded so feedback can refer to it.
        """
        if length is not None:
            style = replace(style or self.explainer.style, length=length)
        if self.store is None:
            return self.explainer.explain_many(recommendations, language=language, style=style,
                                               workers=workers)
        explanations: list[Explanation] = []
        for user_id, recs in _by_user(recommendations):
            prefs, personal = self.personal_style(user_id, style)
            shaped = self.explainer.explain_many(
                recs, language=language or prefs.language, style=personal, workers=workers)
            explanations += self.deliver(shaped, prefs)
        return explanations

    def personal_style(self, user_id: str, style: Style | None = None
                       ) -> tuple[Preferences, Style]:
        """The person's preferences, and ``style`` (default: the explainer's) adjusted by them."""
        prefs = self.preferences(user_id)
        return prefs, prefs.style(style or self.explainer.style)

    def deliver(self, explanations: list[Explanation], prefs: Preferences
                ) -> list[Explanation]:
        """Note what shaped each explanation and record it, so feedback can refer to it."""
        for explanation in explanations:
            explanation.preferences = prefs.notes()
            if self.store is not None:
                record_explanation(self.store, explanation)
        return explanations

    def preferences(self, user_id: str) -> Preferences:
        """The person's explanation preferences from the store (none without a store)."""
        if self.store is None:
            return Preferences(user_id=str(user_id))
        return preferences_for(self.store, str(user_id))


def _by_user(recs: Sequence[Recommendation]) -> list[tuple[str, list[Recommendation]]]:
    groups: dict[str, list[Recommendation]] = {}
    for rec in recs:
        groups.setdefault(rec.user_id, []).append(rec)
    return list(groups.items())


def template_explainer(
    dataset: Dataset, language: str, length: str = "medium"
) -> TemplateExplainer:
    """A template explainer worded for ``dataset``'s domain, rating scale and vocabulary."""
    return TemplateExplainer(
        language=language, domain=dataset.domain, length=length,
        translations=dataset.translations.get(language, {}),
        rating_scale=dataset.rating_scale or 5.0,
    )
