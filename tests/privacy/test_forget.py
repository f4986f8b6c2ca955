"""``whyrec forget``: nothing of the person is left in the store, the data folder or the model,
and cohort statistics computed after the refresh are those of data that never had them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import String, Text, select

from whyrec.chat import Conversation
from whyrec.cli.main import main
from whyrec.data.dataset import Dataset
from whyrec.data.load import demo_path, load_dataset
from whyrec.explanation.cache import ExplanationCache
from whyrec.explanation.explainer import Explainer
from whyrec.feedback.events import FeedbackEvent, record_feedback
from whyrec.feedback.preferences import reset_preferences
from whyrec.models.base import Recommender
from whyrec.models.evidence import EvidenceBuilder
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.store import Store
from whyrec.store.schema import metadata
from whyrec.types import Cohort

GONE, KEPT = "u0001", "u0002"


def _fill(store: Store, dataset: Dataset, model: Recommender) -> None:
    explainer = Explainer("template", dataset=dataset, cache=ExplanationCache(store))
    pipeline = Pipeline(dataset, model, explainer, store=store, k_anonymity=3)
    for user in (GONE, KEPT):
        recs = pipeline.recommend(user, 3)
        explanations = pipeline.explain(recs)
        record_feedback(store, [
            FeedbackEvent(explanations[0].id, "too_long"),
            FeedbackEvent(explanations[1].id, "comment", comment=f"I am {user}, shorter pls")])
        reset_preferences(store, user)
        Conversation(pipeline, user, recs[0].item_id).ask("why this?")


def _rows_mentioning(store: Store, needle: str) -> dict[str, int]:
    found: dict[str, int] = {}
    with store.read() as connection:
        for table in metadata.sorted_tables:
            text_columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            for row in connection.execute(select(*text_columns)).all():
                if any(needle in str(v) for v in row if v is not None):
                    found[table.name] = found.get(table.name, 0) + 1
    return found


def _cohorts(dataset: Dataset, model: Recommender, users: list[str]) -> dict[str, tuple[int, int]]:
    builder = EvidenceBuilder(dataset, k_anonymity=3)
    return {f.id: (f.co_count, f.anchor_count) for u in users
            for r in builder.enrich(model.recommend(u, 10)) for f in r.evidence
            if isinstance(f, Cohort)}


@pytest.mark.slow
def test_forget_leaves_nothing_of_the_person(store: Store, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "shop"
    shutil.copytree(demo_path(), folder)
    dataset = load_dataset(folder)
    model = create("itemknn").fit(dataset)
    model_dir = model.save(tmp_path / "model")
    _fill(store, dataset, model)
    assert _rows_mentioning(store, GONE) and _rows_mentioning(store, KEPT)
    others = [str(u) for u in dataset.user_ids if u != GONE][:60]
    before = _cohorts(dataset, model, others)

    code = main(["forget", "--user", GONE, "--db", store.url, "--data", str(folder),
                 "--recommender", str(model_dir), "--yes", "--json"])
    assert code == 0, capsys.readouterr().err

    # the store: not one row mentions them; the other person's rows are all there
    assert _rows_mentioning(store, GONE) == {}
    kept = _rows_mentioning(store, KEPT)
    assert kept.get("feedback_events") == 2 and kept.get("conversation_turns") == 2
    # the data folder and the model
    reloaded = load_dataset(folder)
    assert GONE not in set(reloaded.interactions["user_id"])
    assert GONE not in set(reloaded.users["user_id"])
    retrained = Recommender.load(model_dir)
    assert GONE not in set(retrained.user_ids.tolist())
    # cohort statistics after the refresh = those of the data without them, built apart
    original = dataset.interactions
    never_had = dataset.subset(original[original["user_id"] != GONE].reset_index(drop=True))
    reference_model = create("itemknn").fit(never_had)
    after = _cohorts(reloaded, retrained, others)
    assert after == _cohorts(never_had, reference_model, others)
    # ...and they differ from before: the person counted in some of them
    changed = [k for k in after if k in before and after[k] != before[k]]
    assert changed, "the forgotten person was in no cohort statistic: the test shows nothing"


def test_forget_refuses_the_bundled_demo_and_a_model_without_data(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "--user", GONE, "--data", "demo", "--db", "sqlite://"]) == 1
    assert main(["forget", "--user", GONE, "--recommender", "x", "--db", "sqlite://"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("whyrec: error:") for line in lines)


def test_forget_refuses_a_data_file_linking_outside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    folder.mkdir()
    outside = tmp_path / "elsewhere.csv"
    shutil.copy(demo_path() / "interactions.csv", outside)
    shutil.copy(demo_path() / "items.csv", folder / "items.csv")
    (folder / "interactions.csv").symlink_to(outside)
    assert main(["forget", "--user", GONE, "--data", str(folder), "--db", "sqlite://",
                 "--yes"]) == 1
    assert GONE in set(pd.read_csv(outside)["user_id"])  # untouched
