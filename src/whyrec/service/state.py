"""What one service process holds: the data, the trained recommender, the model and the store.

Everything is built once, when the app is created; requests only read it (the store is the
only thing written, and it serialises its own writes). Hot replies, preferences and cached
explanations are also kept in memory in front of the store (:mod:`whyrec.service.hot`).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from anyio import CapacityLimiter

from whyrec.backends.base import Backend
from whyrec.backends.registry import create_backend
from whyrec.data.dataset import Dataset
from whyrec.explanation.cache import ExplanationCache
from whyrec.feedback.preferences import Preferences
from whyrec.loaders import get_model, load_data
from whyrec.models.base import Recommender
from whyrec.pipeline import Pipeline, make_explainer
from whyrec.privacy.limits import contained
from whyrec.privacy.pii import require_presidio
from whyrec.service.guard import GuardedBackend
from whyrec.service.hot import MISSING, HotCache, HotState
from whyrec.service.keys import KeyChecker
from whyrec.service.metrics import ServiceMetrics
from whyrec.service.ratelimit import RateLimiter
from whyrec.service.settings import ServiceSettings
from whyrec.store.engine import Store, open_store
from whyrec.types import Explanation

log = logging.getLogger("whyrec.service")


@dataclass
class Activity:
    """Requests in flight and when the last one ended (kept by the app's middleware in the
    event loop, so without a lock): what tells work that can wait that the service is idle."""

    in_flight: int = 0
    last_ended: float = field(default_factory=time.monotonic)

    def idle_for(self, since: float = 0.0) -> float:
        """Seconds since the last request ended, or since ``since`` (a ``time.monotonic()``)
        if that is later; 0 while a request is in flight."""
        return 0.0 if self.in_flight else time.monotonic() - max(self.last_ended, since)


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
    hot: HotState
    #: the catalog's price and picture of each item asked about (the catalog is read-only)
    extras: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    activity: Activity = field(default_factory=Activity, repr=False)
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
                          (), progress=False, keep=settings.keep_model)
    # a model call that fails is the guard's to handle at once: no retries behind its deadline
    inner = backend if backend is not None else create_backend(
        settings.backend, **settings.backend_options(retries=0))
    # the model gets a deadline and a breaker: a slow or dead model never stalls a request
    guarded: Backend = (GuardedBackend(inner, timeout=settings.llm_timeout,
                                       cooldown=settings.llm_cooldown)
                        if inner.uses_model else inner)
    store = store if store is not None else open_store(settings.db_url)
    hot = HotState(store)
    explainer = make_explainer(settings, dataset, backend=guarded,
                               cache=HotExplanationCache(store))
    pipeline = ServicePipeline(dataset, model, explainer, store=store,
                               k_anonymity=settings.k_anonymity, hot=hot)
    # the PII scrubber imports Presidio and spaCy when a text first needs it (a second and
    # more): the app builds it in the background once it is first idle (``create_app``'s
    # lifespan), so the first answers that need none do not wait for it, nor share the cores
    # with it; a missing Presidio fails now
    require_presidio()
    return ServiceState(settings=settings, dataset=dataset, model=model, store=store,
                        backend=guarded, pipeline=pipeline, keys=KeyChecker(store),
                        limiter=limiter, metrics=ServiceMetrics(), hot=hot)


class ServicePipeline(Pipeline):
    """The pipeline, with each person's preferences read through the hot cache (asked on every
    recommendation and explanation; a store read of three queries otherwise)."""

    def __init__(self, *args: Any, hot: HotState, **options: Any) -> None:
        super().__init__(*args, **options)
        self.hot = hot

    def preferences(self, user_id: str) -> Preferences:
        user_id = str(user_id)
        if not self.hot.may_have_feedback(user_id):  # most people: nothing to read
            return Preferences(user_id=user_id)
        if not self.hot.fresh:
            return super().preferences(user_id)
        key = (user_id, self.hot.generation(user_id))
        found: Preferences = self.hot.preferences.get(key)
        if found is MISSING:
            found = super().preferences(user_id)
            self.hot.preferences.put(key, found)
        return found


class HotExplanationCache(ExplanationCache):
    """The store's explanation cache with the hot entries in memory too. An entry's content
    depends on its key alone (it digests every input), so no write can make one wrong."""

    def __init__(self, store: Store, size: int = 8192) -> None:
        super().__init__(store)
        # as JSON text, as the store has it: each hit is a new object nothing else shares
        self.memory: HotCache[str] = HotCache(size, max_age=float("inf"))

    def get(self, key: str) -> Explanation | None:
        payload = self.memory.get(key)
        if payload is MISSING:
            found = super().get(key)
            if found is None:
                return None
            payload = json.dumps(found.to_dict(), ensure_ascii=False)
            self.memory.put(key, payload)
        return Explanation.from_dict(json.loads(payload))

    def put(self, key: str, explanation: Explanation) -> None:
        super().put(key, explanation)
        self.memory.put(key, json.dumps(explanation.to_dict(), ensure_ascii=False))


def _path(value: str) -> Any:
    return contained(value, what="recommender")
