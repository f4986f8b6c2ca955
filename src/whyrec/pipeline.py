"""The spine: ``Recommender`` + ``EvidenceBuilder`` + ``Explainer``, wired once and reused for
many people.

Every interface explains through a :class:`Pipeline` — the CLI, the service, batch workers, the
report, fine-tuning, chat and the Python API — and a pipeline is built one way: with how to
explain, either :class:`~whyrec.settings.ExplainSettings` (the explainer is made from them on
first use: loading a model takes a moment) or a ready :class:`Explainer` from
:func:`make_explainer` (one that shares a loaded model, guards its backend or keeps a cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from whyrec._native import gc_paused
from whyrec.backends.audit import AuditLog
from whyrec.backends.base import Backend
from whyrec.backends.registry import create_backend
from whyrec.data.dataset import Cached, Dataset
from whyrec.errors import ConfigError
from whyrec.explanation.cache import ExplanationCache
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.requests import ExplanationRequest
from whyrec.explanation.templates import TemplateExplainer
from whyrec.feedback.events import record_explanation
from whyrec.feedback.preferences import Preferences, preferences_for
from whyrec.feedback.rerank import down_weight
from whyrec.models.base import Recommender
from whyrec.models.evidence import EvidenceBuilder
from whyrec.settings import ExplainSettings
from whyrec.store.engine import Store
from whyrec.types import Explanation, Recommendation, Verdict
from whyrec.values import Style

if TYPE_CHECKING:
    from whyrec.privacy.dp import NoisyCounts

#: extra candidates scored when some must make way for a person's "not like this"
CANDIDATE_MARGIN = 50
#: the evidence indexes of a dataset, one per (k-anonymity, noise scale, privacy budget)
EVIDENCE: Cached[EvidenceBuilder] = Cached("pipeline: evidence builder")


def make_explainer(
    settings: ExplainSettings, dataset: Dataset | None = None, *, backend: Backend | None = None,
    cache: ExplanationCache | None = None, local_only: bool | None = None,
    audit: AuditLog | bool | None = None, **sizing: int | None,
) -> Explainer:
    """An explainer that explains as ``settings`` say.

    ``backend`` is a ready one to use instead of making ``settings.backend`` (a model loaded
    once and shared, a guarded one); ``sizing`` (``threads``, ``parallel``, ``retries``) goes
    to :meth:`~whyrec.settings.ExplainSettings.backend_options`. ``cache``, ``local_only``
    and ``audit`` are :class:`Explainer`'s.
    """
    if backend is None:
        backend = create_backend(settings.backend, **settings.backend_options(**sizing))
    return Explainer(backend, dataset=dataset, style=settings.style(),
                     max_repairs=settings.repairs, best_of=settings.best_of,
                     language=settings.language, cache=cache,
                     local_only=local_only, audit=audit)


class Pipeline:
    """Recommend with full evidence and explain, for one dataset and one trained model.

    Parameters
    ----------
    dataset : the data the model was trained on (``None`` only to explain recommendations
        made elsewhere, from their own evidence).
    model : the trained recommender (``None``: explain only).
    explain : how explanations are made: :class:`~whyrec.settings.ExplainSettings` (default:
        the bundled model, made on first use) or a ready :class:`Explainer`.
    store : where feedback lives: with a store, each person's feedback shapes their
        explanations and recommendations, and every delivered explanation is recorded
        (feedback refers to it).
    k_anonymity, noise_scale : the least number of people behind a statistic about others, and
        Laplace noise on cohort counts.
    privacy : differential privacy for cohort facts (noisy counts from the dataset's budget).

    Examples
    --------
    >>> pipeline = Pipeline(dataset, model, ExplainSettings(backend="template"))  # doctest: +SKIP
    >>> recs = pipeline.recommend("u0001", n=5)                      # doctest: +SKIP
    >>> [e.text for e in pipeline.explain(recs)]                     # doctest: +SKIP
    """

    def __init__(
        self, dataset: Dataset | None, model: Recommender | None = None,
        explain: ExplainSettings | Explainer | None = None, *, store: Store | None = None,
        k_anonymity: int = 10, noise_scale: float = 0.0, privacy: NoisyCounts | None = None,
    ) -> None:
        self.dataset = dataset
        self.model = model
        self.store = store
        self.k_anonymity = k_anonymity
        self.noise_scale = noise_scale
        self.privacy = privacy
        # one of the two: a ready explainer, or the settings to make one from on first use
        self._explainer = explain if isinstance(explain, Explainer) else None
        self._settings = explain if isinstance(explain, ExplainSettings) else ExplainSettings()
        self._builder: EvidenceBuilder | None = None
        if dataset is not None and model is not None:
            self._builder = self._evidence(dataset)  # a moment on big data: now, not mid-request

    def _evidence(self, dataset: Dataset) -> EvidenceBuilder:
        # one per dataset and privacy setting, shared by every pipeline on that dataset
        variant = (self.k_anonymity, self.noise_scale,
                   None if self.privacy is None else id(self.privacy))
        return dataset.cached(EVIDENCE, lambda: EvidenceBuilder(
            dataset, k_anonymity=self.k_anonymity, noise_scale=self.noise_scale,
            privacy=self.privacy), variant=variant)

    @property
    def builder(self) -> EvidenceBuilder:
        if self._builder is None:
            if self.dataset is None:
                raise ConfigError("this pipeline has no dataset to find evidence in")
            self._builder = self._evidence(self.dataset)
        return self._builder

    @property
    def recommender(self) -> Recommender:
        if self.model is None:
            raise ConfigError("this pipeline explains only: it has no recommender")
        return self.model

    # --- recommending ---------------------------------------------------------------------------
    def recommend(
        self, user_id: str, n: int = 10, *, history: Sequence[str] | None = None,
        exclude: Iterable[str] = (),
    ) -> list[Recommendation]:
        """Top-``n`` recommendations with every kind of evidence.

        ``history`` (item ids) recommends for a person the model has not seen.
        """
        model = self.recommender
        row = None if history is None else model.history_from_items(history)
        avoid = self.preferences(user_id).avoid_items if self.store is not None else {}
        if not avoid:
            recs = model.recommend(str(user_id), n, history=row, exclude=exclude)
        else:  # score more candidates, then down-weight those like the ones turned down
            candidates = model.recommend(str(user_id), n + CANDIDATE_MARGIN, history=row,
                                         exclude=exclude)
            recs = down_weight(candidates, avoid, self.builder.dataset, n)
        return self.builder.enrich(recs, history)

    def recommend_item(self, user_id: str, item_id: str) -> Recommendation:
        """One item as a recommendation for the person: its true rank and score, with every
        kind of evidence (none for an item they already had: rank 0)."""
        rec = self.recommender.recommend_item(str(user_id), str(item_id))
        if rec.rank:
            self.builder.enrich([rec])
        return rec

    def enrich(self, recommendations: list[Recommendation],
               history: Sequence[str] | None = None) -> list[Recommendation]:
        """Add every kind of evidence to recommendations made elsewhere (``recommend_item``);
        ``history``: the person's items, when not the ones the dataset holds."""
        return self.builder.enrich(recommendations, history)

    def recommend_many(
        self, user_ids: Iterable[str], n: int = 10, *, chunk_size: int = 128
    ) -> Iterator[tuple[str, list[Recommendation]]]:
        """``recommend`` for many people, scored and enriched a chunk at a time."""
        model, builder = self.recommender, self.builder
        users = [str(u) for u in user_ids]
        for start in range(0, len(users), chunk_size):
            with gc_paused():
                chunk = list(model.recommend_many(users[start : start + chunk_size], n,
                                                  chunk_size=chunk_size))
                builder.enrich_many([recs for _, recs in chunk])
            yield from chunk

    def language_of(self, user_id: str) -> str:
        """The person's language from the dataset's people table, English when unknown."""
        return self.dataset.user_language(user_id, default="en") if self.dataset else "en"

    # --- explaining -----------------------------------------------------------------------------
    @property
    def explainer(self) -> Explainer:
        """The explainer (made from the settings on first use: loading a model takes a moment)."""
        if self._explainer is None:
            self._explainer = make_explainer(self._settings, self.dataset)
        return self._explainer

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

    def explain_requests(
        self, requests: Sequence[ExplanationRequest | Recommendation], *,
        language: str | None = None, length: str | None = None,
    ) -> list[Explanation]:
        """Another system's recommendations, each explained from its own evidence and item
        details, in the request's language, else ``language``, else the person's own.

        They are not shaped by feedback nor recorded: they are the other system's to keep.
        """
        style = None if length is None else replace(self.explainer.style, length=length)
        return [
            self.explainer.explain(r.recommendation, details=r.details, style=style,
                                   language=r.language or language)
            if isinstance(r, ExplanationRequest)
            else self.explainer.explain(r, language=language, style=style)
            for r in requests
        ]

    def verify(self, text: str, recommendation: Recommendation, *, language: str = "en",
               length: str | None = None) -> Verdict:
        """Judge any text (a model's, a person's) against all of ``recommendation``'s evidence."""
        style = None if length is None else replace(self.explainer.style, length=length)
        return self.explainer.verify(text, recommendation, language=language, style=style)

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

    def close(self) -> None:
        """Release the explainer's backend (model servers, connections), if one was made."""
        if self._explainer is not None:
            self._explainer.backend.close()


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

