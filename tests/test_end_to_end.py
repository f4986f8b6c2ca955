"""The whole pipeline on real catalogs: Amazon instruments (e-commerce) and MovieLens."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pandas as pd
import pytest

from whyrec.data.dataset import Dataset
from whyrec.data.load import load_dataset
from whyrec.models import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings


@pytest.fixture(scope="module")
def instruments(
    instruments_dir: Path, instruments_column_map: dict[str, dict[str, str]]
) -> tuple[Dataset, set[str]]:
    folder = instruments_dir
    data = load_dataset(folder, column_map=instruments_column_map)
    # real people's names: kept only to prove they never reach an output; never printed
    names = set(pd.read_csv(folder / "interactions.csv", usecols=["reviewerName"],
                            dtype=str)["reviewerName"].dropna())
    # a few "names" are product words too ("Bass"): those are catalog text, not a person
    catalog = " ".join(data.items["title"]) + " " + " ".join(data.items["category"])
    personal = {n for n in names if len(n) >= 4 and n not in catalog}
    assert len(personal) > 1000
    return data, personal


@pytest.mark.realdata
@pytest.mark.parametrize("algorithm", ["hybrid", "itemknn"])
def test_real_shop_explanations_are_grounded_and_name_free(
    instruments: tuple[Dataset, set[str]], algorithm: str
) -> None:
    data, names = instruments
    pipeline = Pipeline(data, create(algorithm).fit(data), ExplainSettings(backend="template"))
    people = [str(u) for u in data.user_ids[::70]]
    delivered = 0
    for user, recs in pipeline.recommend_many(people, n=5):
        for rec in recs:
            assert rec.evidence_total() == pytest.approx(rec.score, rel=1e-9)
        for language in ("en", "zh"):
            for rec, explanation in zip(recs, pipeline.explain(recs, language=language),
                                        strict=True):
                titles = {e.title for e in rec.evidence if getattr(e, "title", "")} | {rec.title}
                assert explanation.verdict is not None and explanation.verdict.passed
                quoted = {part.split("\u201d")[0] for part in explanation.text.split("\u201c")[1:]}
                quoted |= {part.split("》")[0] for part in explanation.text.split("《")[1:]}
                facts_text = json.dumps([e.to_dict() for e in rec.evidence], ensure_ascii=False)
                assert all(q in titles or q in facts_text for q in quoted), explanation.text
                output = explanation.text + json.dumps(rec.to_dict(), ensure_ascii=False)
                leaked = sum(1 for name in names if name in output)
                assert leaked == 0  # a failure shows a count, never a name
                delivered += 1
        assert user in people
    assert delivered >= 20


@pytest.mark.realdata
def test_movielens_recommendations_have_rated_history(movielens: Dataset) -> None:
    pipeline = Pipeline(movielens, create("als").fit(movielens),
                        ExplainSettings(backend="template"))
    recs = pipeline.recommend("1", n=3)
    history = [e for e in recs[0].evidence if e.kind == "history_item" and e.item_id]
    assert history and all(e.event == "rating" and e.rating is not None for e in history)
    assert "rated" in pipeline.explain(recs, language="en")[0].text


@pytest.mark.parametrize("module", [
    "whyrec.api", "whyrec.models.metrics", "whyrec.models.registry", "whyrec.models.content",
])
def test_docstring_examples_run(module: str) -> None:
    found = doctest.testmod(importlib.import_module(module))
    assert found.failed == 0 and found.attempted > 0
