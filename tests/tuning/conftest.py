"""Shared by the tuning tests: judging training pairs the way a model draft is judged."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from whyrec.data.dataset import Dataset
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.tuning.data import TrainingPair, is_held_out
from whyrec.values import Style

Judge = Callable[[Dataset, Sequence[TrainingPair]], list[str]]


def _judge_pairs(dataset: Dataset, pairs: Sequence[TrainingPair]) -> list[str]:
    """Assert each pair is from a training person and its answer (start + target) passes the
    verifier against the recommendation's whole evidence; returns the answer starts."""
    pipeline = Pipeline(dataset, create("itemknn").fit(dataset),
                        ExplainSettings(backend="template"))
    judge = Explainer("template", dataset=dataset)
    starts = []
    for pair in pairs:
        user, item, language = pair.key.split("|")
        assert not is_held_out(user)
        rec = next(r for r in pipeline.recommend(user, n=3) if r.item_id == item)
        start = pair.prompt.rsplit("<|im_start|>assistant\n", 1)[1]
        # the pair's length is not recorded: its own (stricter) check ran when it was made; here
        # every claim is judged against all the evidence, at the longest length's bound
        verdict = judge.verify(start + pair.target, rec, language=language,
                               style=Style(length="detailed"))
        assert verdict.passed, (pair.target, verdict.unsupported)
        starts.append(start)
    return starts


@pytest.fixture
def judge_pairs() -> Judge:
    return _judge_pairs
