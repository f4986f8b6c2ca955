"""``Pipeline``, the spine: built from settings or from an explainer; the dataset's named caches."""

from __future__ import annotations

import pytest

import whyrec
from whyrec.data.dataset import Cached, Dataset
from whyrec.errors import ConfigError
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.requests import ExplanationRequest
from whyrec.models.registry import create
from whyrec.pipeline import EVIDENCE, Pipeline, make_explainer
from whyrec.settings import ExplainSettings
from whyrec.values import ItemDetails


def test_dataset_caches_are_named_typed_and_made_once(board: Dataset) -> None:
    made: list[int] = []
    name: Cached[list[int]] = Cached("test: numbers")
    first = board.cached(name, lambda: made.append(1) or [1, 2])
    assert board.cached(name, lambda: made.append(2) or [3]) is first and made == [1]
    assert board.cached(name, lambda: [3], variant="other") == [3]
    # two names never share a slot, even spelled alike
    assert board.cached(Cached("test: numbers"), lambda: [4]) == [4]


def test_pipelines_share_the_evidence_of_a_dataset(board: Dataset) -> None:
    model = create("itemknn").fit(board)
    first = Pipeline(board, model)
    assert Pipeline(board, model, ExplainSettings(backend="template")).builder is first.builder
    assert Pipeline(board, model, k_anonymity=2).builder is not first.builder
    assert board.cached(EVIDENCE, lambda: None, variant=(10, 0.0, None)) is first.builder


def test_built_from_settings_the_explainer_is_made_on_first_use(board: Dataset) -> None:
    model = create("itemknn").fit(board)
    settings = ExplainSettings(backend="template", length="short", language="zh", repairs=0)
    pipeline = Pipeline(board, model, settings)
    assert pipeline._explainer is None  # recommending loads no language model
    recs = pipeline.recommend("u00", 2)
    [explanation] = pipeline.explain(recs[:1])
    assert explanation.language == "zh" and explanation.style.startswith("short/")
    assert pipeline.explainer.max_repairs == 0 and pipeline.explainer.style == settings.style()


def test_built_from_an_explainer_it_uses_that_one(board: Dataset) -> None:
    explainer = make_explainer(ExplainSettings(backend="template", tone="friendly"), board)
    pipeline = Pipeline(board, create("popular").fit(board), explainer)
    assert pipeline.explainer is explainer
    [explanation] = pipeline.explain(pipeline.recommend("u01", 1))
    assert explanation.style == "medium/friendly/+/-"


def test_explain_only_pipeline_for_another_systems_recommendations(board: Dataset) -> None:
    model = create("itemknn").fit(board)
    rec = Pipeline(board, model).recommend("u00", 1)[0]
    pipeline = Pipeline(None, explain=Explainer("template"))
    with pytest.raises(ConfigError, match="no recommender"):
        pipeline.recommend("u00")
    request = ExplanationRequest(rec, ItemDetails(title=rec.title), language="zh")
    first, second = pipeline.explain_requests([request, rec], language="en", length="short")
    assert (first.language, second.language) == ("zh", "en")
    assert first.verdict.passed and second.style.startswith("short/")
    # the Python API goes the same way
    [api] = whyrec.explain([request], backend="template", length="short")
    assert api.text == first.text
    assert whyrec.verify(first.text, rec, board, language="zh").passed
