"""What one service process holds: the data, the trained recommender, the model and the store.

Everything is built once, when the app is created; requests only read it (the store is the
only thing written, and it serialises its own writes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from anyio import CapacityLimiter

from whyrec.backends.base import Backend
from whyrec.backends.registry import create_backend
from whyrec.data.dataset import Dataset
from whyrec.explanation.cache import ExplanationCache
from whyrec.loaders import get_model, load_data
from whyrec.models.base import Recommender
from whyrec.pipeline import Pipeline, make_explainer
from whyrec.privacy.clean import clean_text
from whyrec.privacy.limits import contained
from whyrec.service.guard import GuardedBackend
from whyrec.service.keys import KeyChecker
from whyrec.service.metrics import ServiceMetrics
from whyrec.service.ratelimit import RateLimiter
from whyrec.service.settings import ServiceSettings
from whyrec.store.engine import Store, open_store

log = logging.getLogger("whyrec.service")


@dataclass
class ServiceState:
    settings: ServiceSettings
    dataset: Dataset
    model: Recommender
    store: Store
    backend: Backend
    pipeline: Pipeline
    keys: KeyChecker
    limiter: RateLimiter
    metrics: ServiceMetrics
    _model_limiter: CapacityLimiter | None = field(default=None, init=False, repr=False)

    @property
    def guard(self) -> GuardedBackend | None:
        return self.backend if isinstance(self.backend, GuardedBackend) else None

    def model_threads(self) -> CapacityLimiter:
        """The thread limit for work that may wait for the model (made in the event loop)."""
        if self._model_limiter is None:
            self._model_limiter = CapacityLimiter(self.settings.model_threads)
        return self._model_limiter

    def llm_status(self) -> str:
        """``none`` (template backend), ``ok``, or ``down`` while the breaker is open."""
        if not self.backend.uses_model:
            return "none"
        guard = self.guard
        return "ok" if guard is None or guard.healthy else "down"

    def close(self) -> None:
        self.backend.close()
        self.store.close()


def build_state(settings: ServiceSettings, *, dataset: Dataset | None = None,
                model: Recommender | None = None, backend: Backend | None = None,
                store: Store | None = None) -> ServiceState:
    """Load (or take) every part once. Given parts are used as they are (tests, embedding)."""
    # first: a rate-limit storage that cannot be used fails before seconds of loading
    limiter = RateLimiter(settings.rate_limit_storage)
    dataset = dataset if dataset is not None else load_data(settings.data)
    if model is None:
        log.info("training %s recommender on %s", settings.algorithm, settings.data)
        model = get_model(dataset, settings.algorithm,
                          None if settings.recommender is None else _path(settings.recommender),
                          (), progress=False)
    # a model call that fails is the guard's to handle at once: no retries behind its deadline
    inner = backend if backend is not None else create_backend(
        settings.backend, **settings.backend_options(retries=0))
    # the model gets a deadline and a breaker: a slow or dead model never stalls a request
    guarded: Backend = (GuardedBackend(inner, timeout=settings.llm_timeout,
                                       cooldown=settings.llm_cooldown)
                        if inner.uses_model else inner)
    store = store if store is not None else open_store(settings.db_url)
    explainer = make_explainer(settings, dataset, backend=guarded, cache=ExplanationCache(store))
    pipeline = Pipeline(dataset, model, explainer, store=store, k_anonymity=settings.k_anonymity)
    # the PII scrubber imports Presidio and spaCy on first use (seconds): load it now, not
    # inside the first explanation request, which would stall every request behind it
    clean_text("warm-up", purpose="record", source="person")
    return ServiceState(settings=settings, dataset=dataset, model=model, store=store,
                        backend=guarded, pipeline=pipeline, keys=KeyChecker(store),
                        limiter=limiter, metrics=ServiceMetrics())


def _path(value: str) -> Any:
    return contained(value, what="recommender")
