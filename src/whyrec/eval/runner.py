"""Run configurations for the report: split, fit, rank, explain a seeded sample, evaluate.

A configuration is a backend plus how it writes (length, tone, language) and which recommender
ranks; several configurations run on the *same* people, so their figures compare like with
like. Spelled on the command line as ``backend=llamacpp,length=short`` (see :func:`parse_config`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from pydantic import model_validator

from whyrec.backends.registry import create_backend
from whyrec.data.dataset import Dataset
from whyrec.data.split import split_dataset
from whyrec.errors import ConfigError
from whyrec.eval.literature import FeatureIndex
from whyrec.eval.offline import evaluate_model
from whyrec.eval.suite import EvalRecord, evaluate_explanations
from whyrec.explanation.requests import ExplanationRequest
from whyrec.models.base import Recommender
from whyrec.models.registry import algorithms, create
from whyrec.pipeline import Pipeline, make_explainer
from whyrec.progress import progress_bar
from whyrec.settings import ExplainSettings
from whyrec.verification.vocabulary import Vocabulary, dataset_vocabulary


class ReportConfig(ExplainSettings):
    """One configuration of the report: how to explain (:class:`~whyrec.settings.ExplainSettings`;
    ``language`` ``None`` means each person's own), the recommender that ranks, and a name."""

    backend: str = "template"
    algorithm: str = "hybrid"  # every command's default (whyrec.config)
    name: str = ""

    @model_validator(mode="after")
    def _known_algorithm(self) -> Self:
        if self.algorithm not in algorithms():
            raise ConfigError(f"unknown algorithm {self.algorithm!r}; choose from "
                              f"{', '.join(algorithms())}")
        return self

    def label(self) -> str:
        """The configuration's name, or a short description of what differs from defaults."""
        if self.name:
            return self.name
        default = ReportConfig()
        parts = [self.backend] + [f"{name}={_shown(getattr(self, name))}"
                                  for name in LABEL_ORDER
                                  if getattr(self, name) != getattr(default, name)]
        return ",".join(parts)

    def settings(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in type(self).model_fields if name != "name"}


#: the settings a label names when they differ from the defaults, in this order
LABEL_ORDER = ("algorithm", "length", "tone", "language", "repairs", "llm_model", "base_url",
               "llm_timeout", "prefill", "adapter", "prefer", "exclude")


def _shown(value: Any) -> str:
    return "+".join(value) if isinstance(value, tuple) else str(value)


_CASTS: dict[str, Any] = {"repairs": int, "llm_timeout": float,
                          "prefer": lambda raw: tuple(raw.split("+")),
                          "exclude": lambda raw: tuple(raw.split("+"))}
#: older and shorter spellings of the keys
_KEYS = {"lang": "language", "algo": "algorithm", "model": "llm_model", "timeout": "llm_timeout"}


def parse_config(text: str, base: ReportConfig | None = None) -> ReportConfig:
    """``"backend=llamacpp,length=short"`` -> a :class:`ReportConfig` (unset keys from ``base``).

    Examples
    --------
    >>> parse_config("backend=template,length=short").length
    'short'
    """
    known = set(ReportConfig.model_fields)
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
    return (base or ReportConfig()).updated(**values)


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


def _pipeline(config: ReportConfig, dataset: Dataset | None, model: Recommender | None,
              pool: dict[str, Any]) -> Pipeline:
    """A pipeline that explains as ``config`` says; backends are made once per (name, options)
    and shared through ``pool`` (loading a language model takes a while)."""
    options = config.backend_options()
    key = config.backend if not options else f"{config.backend}|{sorted(options.items())}"
    if key not in pool:
        pool[key] = create_backend(config.backend, **options)
    return Pipeline(dataset, model, make_explainer(config, dataset, backend=pool[key]))


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
    pool = dict(backends or {})
    train, test = split_dataset(dataset, split)
    features = FeatureIndex(dataset_vocabulary(dataset), dataset.translations)
    models: dict[str, tuple[Recommender, dict[str, Any]]] = {}
    results = []
    for config in configs:
        if config.algorithm not in models:
            model = create(config.algorithm).fit(train)
            models[config.algorithm] = (model, evaluate_model(model, test, dataset.n_items, k))
        model, ranking = models[config.algorithm]
        people = sample_users([u for u in test if u in model.user_index], users, seed)
        pipeline = _pipeline(config, train, model, pool)
        recs = [r for person in people for r in pipeline.recommend(person, n)]
        started = time.perf_counter()
        records = [EvalRecord(rec, pipeline.explain([rec], language=config.language)[0])
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
        pipeline = _pipeline(config, dataset, None, pool)
        started = time.perf_counter()
        records = [
            EvalRecord(r.recommendation,
                       pipeline.explain_requests([r], language=config.language)[0],
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
    if len(configs) != 2:
        raise ConfigError(f"a rating sheet compares exactly two configurations, got "
                          f"{len(configs)} (give --config twice)")
    if configs[0].algorithm != configs[1].algorithm:
        raise ConfigError("a rating sheet compares explanations of the same recommendations: "
                          "give both configurations the same algorithm")
    model = create(configs[0].algorithm).fit(dataset)
    pool = dict(backends or {})
    pipelines = [_pipeline(c, dataset, model, pool) for c in configs]
    people = sample_users([str(u) for u in dataset.user_ids.tolist()], users, seed)
    recs = [r for person in people for r in pipelines[0].recommend(person, n)]
    rows = []
    for rec in progress_bar(recs, enabled=progress, desc="sheet"):
        first, second = (p.explain([rec], language=c.language)[0]
                         for p, c in zip(pipelines, configs, strict=True))
        rows.append((rec, first, second))
    return rows
