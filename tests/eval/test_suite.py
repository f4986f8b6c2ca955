"""The whole explanation suite on real template explanations: figures and speed."""

from __future__ import annotations

import time

import pytest

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.eval.literature import FeatureIndex
from whyrec.eval.runner import ReportConfig, parse_config, run_dataset
from whyrec.eval.suite import EvalRecord, evaluate_explanations
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.verification.vocabulary import dataset_vocabulary


@pytest.mark.slow
def test_a_thousand_explanations_evaluate_in_under_ten_seconds(demo_dataset: Dataset) -> None:
    model = create("itemknn").fit(demo_dataset)
    pipeline = Pipeline(demo_dataset, model, ExplainSettings(backend="template"))
    users = demo_dataset.user_ids.tolist()[:100]
    recs = [r for _, batch in pipeline.recommend_many(users, 10) for r in batch][:1000]
    explanations = pipeline.explain(recs)
    # references on every other pair so BLEU / ROUGE / FMR run too
    records = [EvalRecord(rec, e, reference=e.text.split(". ")[-1] if k % 2 else None)
               for k, (rec, e) in enumerate(zip(recs, explanations, strict=True))]
    assert len(records) == 1000
    features = FeatureIndex(dataset_vocabulary(demo_dataset), demo_dataset.translations)
    started = time.perf_counter()
    result = evaluate_explanations(records, features, model=model, k=10)
    seconds = time.perf_counter() - started
    assert seconds < 10.0, f"evaluating 1,000 explanations took {seconds:.1f} s"
    assert result["faithfulness"]["delivered"]["unsupported_rate"] == 0.0
    assert result["counterfactual"]["n"] > 900
    assert 0.0 < result["counterfactual"]["pn"] <= 1.0
    assert result["overlap"]["n"] == 500
    assert set(result["readability"]) == {"en", "zh"}
    assert 0 < result["literature"]["fcr"] < 1


def test_run_dataset_compares_configurations_on_the_same_people(board: Dataset) -> None:
    configs = [ReportConfig(), parse_config("length=short,lang=zh")]
    run = run_dataset(board, configs, users=6, n=2, k=3)
    first, second = run["results"]
    assert [r.recommendation.user_id for r in first.records] == [
        r.recommendation.user_id for r in second.records]
    assert all(r.explanation.language == "zh" for r in second.records)
    assert first.metrics["ranking"]["n_users"] > 0
    lengths = [m.metrics["readability"] for m in (first, second)]
    assert lengths[1]["zh"]["length_mean"] > 0


def test_config_errors_are_one_line() -> None:
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_config("backend")
    with pytest.raises(ConfigError, match="unknown backend"):
        parse_config("backend=nope")
    with pytest.raises(ConfigError, match="length must be"):
        parse_config("length=huge")
    with pytest.raises(ConfigError, match="not a number"):
        parse_config("repairs=two")
    assert parse_config("backend=template,name=mine").label() == "mine"


@pytest.mark.slow
def test_the_bundled_model_is_measured_draft_by_draft(demo_dataset: Dataset,
                                                      llamacpp_backend: object) -> None:
    run = run_dataset(demo_dataset, [ReportConfig(backend="llamacpp", repairs=1)], users=1,
                      n=1, k=10, backends={"llamacpp": llamacpp_backend})
    metrics = run["results"][0].metrics
    generation = metrics["generation"]
    assert generation["llm_requests"] == 1
    # a first draft and a repair, then up to two further sentences (sentence planning)
    assert 1 <= metrics["faithfulness"]["drafts"]["n"] <= 4
    # whatever the drafts said, what is delivered passed the verifier
    assert metrics["faithfulness"]["delivered"]["unsupported_rate"] == 0.0
    assert generation["latency_ms"]["p50"] > 0
