"""Run configurations for the report: split, fit, rank, explain a seeded sample, evaluate.

A configuration is a backend plus how it writes (length, tone, language) and which recommender
ranks; several configurations run on the *same* people, so their figures compare like with
like. Spelled on the command line as ``backend=llamacpp,length=short`` (see :func:`parse_config`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from whyrec.data.dataset import Dataset
from whyrec.data.split import split_dataset
from whyrec.errors import ConfigError
from whyrec.eval.literature import FeatureIndex
from whyrec.eval.offline import evaluate_model
from whyrec.eval.suite import EvalRecord, evaluate_explanations
from whyrec.explanation.requests import ExplanationRequest
from whyrec.models.base import Recommender
from whyrec.progress import progress_bar
from whyrec.values import Style
from whyrec.verification.vocabulary import Vocabulary, dataset_vocabulary


@dataclass(frozen=True)
class ReportConfig:
    """One configuration of the report.

    ``language`` ``None`` means each person's own language; ``model``, ``base_url`` and
    ``timeout`` go to the backend (``llamacpp`` / ``openai``).
    """

    backend: str = "template"
    algo: str = "itemknn"
    length: str = "medium"
    tone: str = "neutral"
    language: str | None = None
    repairs: int = 2
    model: str | None = None
    base_url: str | None = None
    timeout: float | None = None
    name: str = ""

    def label(self) -> str:
        """The configuration's name, or a short description of what differs from defaults."""
        if self.name:
            return self.name
        default = ReportConfig()
        parts = [self.backend] + [f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                                  if f.name not in ("backend", "name")
                                  and getattr(self, f.name) != getattr(default, f.name)]
        return ",".join(parts)

    def settings(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "name"}

    def backend_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.backend in ("llamacpp", "openai"):
            options = {"model": self.model, "timeout": self.timeout}
            if self.backend == "openai":
                options["base_url"] = self.base_url
        return {k: v for k, v in options.items() if v is not None}


_CASTS = {"repairs": int, "timeout": float}
_KEYS = {"lang": "language"}


def parse_config(text: str, base: ReportConfig | None = None) -> ReportConfig:
    """``"backend=llamacpp,length=short"`` -> a :class:`ReportConfig` (unset keys from ``base``).

    Examples
    --------
    >>> parse_config("backend=template,length=short").length
    'short'
    """
    known = {f.name for f in fields(ReportConfig)}
    values: dict[str, Any] = {}
    for pair in (p.strip() for p in text.split(",") if p.strip()):
        key, sep, raw = pair.partition("=")
        key = _KEYS.get(key.strip(), key.strip())
        if not sep or key not in known:
            raise ConfigError(f"--config expects KEY=VALUE pairs with keys "
                              f"{', '.join(sorted(known))}; got {pair!r}")
        try:
            values[key] = _CASTS[key](raw) if key in _CASTS else raw.strip()
        except ValueError:
            raise ConfigError(f"--config {key}: {raw!r} is not a number") from None
    config = replace(base or ReportConfig(), **values)
    check_config(config)
    return config


def check_config(config: ReportConfig) -> None:
    """Reject bad values early, with one line (before any model is loaded)."""
    from whyrec.backends.registry import available_backends
    from whyrec.models.registry import algorithms

    Style(length=config.length, tone=config.tone)
    if config.language not in (None, "en", "zh"):
        raise ConfigError(f"language must be en or zh, got {config.language!r}")
    if config.algo not in algorithms():
        raise ConfigError(f"unknown algorithm {config.algo!r}; choose from "
                          f"{', '.join(algorithms())}")
    if config.backend not in available_backends():
        raise ConfigError(f"unknown backend {config.backend!r}; available: "
                          f"{', '.join(available_backends())}")


@dataclass
class ConfigResult:
    """A configuration's figures and the explained recommendations behind them."""

    config: ReportConfig
    metrics: dict[str, Any]
    records: list[EvalRecord] = field(default_factory=list)


def sample_users(users: Sequence[str], n: int, seed: int) -> list[str]:
    """``n`` people drawn with a seeded RNG (all of them, shuffled, when ``n`` is larger)."""
    chosen = sorted(users)
    random.Random(seed).shuffle(chosen)
    return chosen[:n]


def _explainer(config: ReportConfig, dataset: Dataset | None, pool: dict[str, Any]) -> Any:
    """An explainer for ``config``; backends are made once per (name, options) and shared
    through ``pool`` (loading a language model takes a while)."""
    from whyrec.backends.registry import create_backend
    from whyrec.explanation.explainer import Explainer

    options = config.backend_options()
    key = config.backend if not options else f"{config.backend}|{sorted(options.items())}"
    if key not in pool:
        pool[key] = create_backend(config.backend, **options)
    return Explainer(pool[key], dataset=dataset, max_repairs=config.repairs,
                     style=Style(length=config.length, tone=config.tone))


def run_dataset(
    dataset: Dataset, configs: Sequence[ReportConfig], *, users: int = 50, n: int = 3,
    k: int = 10, split: str = "leave-last", seed: int = 0, progress: bool = False,
    backends: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Evaluate each configuration on one dataset: ranking quality on a held-out split, and
    ``n`` explained recommendations for each of ``users`` sampled test people.

    ``backends`` maps backend names to ready :class:`~whyrec.backends.base.Backend` objects
    (one loaded model shared by configurations and tests).
    """
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline

    pool = dict(backends or {})
    train, test = split_dataset(dataset, split)
    features = FeatureIndex(dataset_vocabulary(dataset), dataset.translations)
    models: dict[str, tuple[Recommender, dict[str, Any]]] = {}
    results = []
    for config in configs:
        if config.algo not in models:
            model = create(config.algo).fit(train)
            models[config.algo] = (model, evaluate_model(model, test, dataset.n_items, k))
        model, ranking = models[config.algo]
        people = sample_users([u for u in test if u in model.user_index], users, seed)
        pipeline = Pipeline(train, model, backend="template")
        recs = [r for person in people for r in pipeline.recommend(person, n)]
        explainer = _explainer(config, train, pool)
        started = time.perf_counter()
        records = [EvalRecord(rec, explainer.explain(rec, language=config.language))
                   for rec in progress_bar(recs, enabled=progress, desc=config.label())]
        generate_s = time.perf_counter() - started
        metrics = evaluate_explanations(records, features, model=model, k=k)
        metrics["ranking"] = ranking
        metrics["timing"] = {"generate_s": generate_s}
        results.append(ConfigResult(config, metrics, records))
    return {"dataset": dataset.name, "split": split, "k": k, "people": users,
            "per_person": n, "seed": seed, "results": results}


def run_requests(
    requests: Sequence[ExplanationRequest], configs: Sequence[ReportConfig], *,
    dataset: Dataset | None = None, progress: bool = False,
    backends: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Evaluate configurations on another system's recommendations (no ranking, no
    counterfactual test: whyrec does not know that system's model); references, when the
    requests carry them, give BLEU / ROUGE and PETER's FMR."""
    vocabulary = dataset_vocabulary(dataset) if dataset is not None else Vocabulary()
    if dataset is None:
        vocabulary.add("feature", {f for r in requests
                                   for f in (r.details.category, *r.details.tags) if f})
    features = FeatureIndex(vocabulary, dataset.translations if dataset is not None else {})
    pool = dict(backends or {})
    results = []
    for config in configs:
        explainer = _explainer(config, dataset, pool)
        started = time.perf_counter()
        records = [
            EvalRecord(r.recommendation, explainer.explain(
                r.recommendation, details=r.details, language=r.language or config.language),
                reference=r.reference)
            for r in progress_bar(requests, enabled=progress, desc=config.label())]
        generate_s = time.perf_counter() - started
        metrics = evaluate_explanations(records, features, model=None)
        metrics["ranking"] = None
        metrics["timing"] = {"generate_s": generate_s}
        results.append(ConfigResult(config, metrics, records))
    return {"dataset": dataset.name if dataset is not None else "requests", "split": None,
            "k": None, "people": len({r.recommendation.user_id for r in requests}),
            "per_person": None, "seed": None, "results": results}


def explain_side_by_side(
    dataset: Dataset, configs: Sequence[ReportConfig], *, users: int = 20, n: int = 2,
    seed: int = 0, progress: bool = False, backends: Mapping[str, Any] | None = None,
) -> list[tuple[Any, Any, Any]]:
    """The same recommendations explained by two configurations (for a rating sheet): rows of
    ``(recommendation, explanation of configs[0], explanation of configs[1])``."""
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline

    if len(configs) != 2:
        raise ConfigError(f"a rating sheet compares exactly two configurations, got "
                          f"{len(configs)} (give --config twice)")
    if configs[0].algo != configs[1].algo:
        raise ConfigError("a rating sheet compares explanations of the same recommendations: "
                          "give both configurations the same algo")
    model = create(configs[0].algo).fit(dataset)
    pipeline = Pipeline(dataset, model, backend="template")
    people = sample_users([str(u) for u in dataset.user_ids.tolist()], users, seed)
    recs = [r for person in people for r in pipeline.recommend(person, n)]
    pool = dict(backends or {})
    explainers = [_explainer(c, dataset, pool) for c in configs]
    rows = []
    for rec in progress_bar(recs, enabled=progress, desc="sheet"):
        first, second = (e.explain(rec, language=c.language)
                         for e, c in zip(explainers, configs, strict=True))
        rows.append((rec, first, second))
    return rows
