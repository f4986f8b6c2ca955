"""Recommenders kept under ``$WHYREC_HOME/recommenders`` (``whyrec.models.cache``): a second start
on the same data loads the kept model instead of fitting; other data, other parameters or a
damaged file mean a fresh fit; ``whyrec forget`` leaves no kept model that lists the person."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import checkerboard

from whyrec.cli.main import main
from whyrec.data.dataset import Dataset
from whyrec.models.base import Recommender
from whyrec.models.cache import cache_dir, fit_cached, forget_user, model_key
from whyrec.models.itemknn import ItemKNNRecommender
from whyrec.models.persist import ARRAYS_FILE, META_FILE, mentions_user


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WHYREC_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def fits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the datasets item-kNN was fitted on, one per fit."""
    done: list[str] = []
    original = ItemKNNRecommender._fit

    def counted(self: ItemKNNRecommender, dataset: Dataset, *, progress: bool) -> None:
        done.append(dataset.name)
        original(self, dataset, progress=progress)

    monkeypatch.setattr(ItemKNNRecommender, "_fit", counted)
    return done


def kept() -> list[Path]:
    return sorted(p for p in cache_dir().iterdir() if p.is_dir()) if cache_dir().is_dir() else []


def top(model: Recommender, user: str = "u00") -> list[tuple[str, float]]:
    return [(r.item_id, round(r.score, 9)) for r in model.recommend(user, n=5)]


def test_a_second_fit_on_the_same_data_loads_the_kept_model(fits: list[str]) -> None:
    first = fit_cached(checkerboard(), "itemknn", {"k": 5})
    again = fit_cached(checkerboard(), "itemknn", {"k": 5})  # equal data, a new object
    assert fits == ["checkerboard"]
    assert len(kept()) == 1
    assert top(again) == top(first) and top(again, "u01") == top(first, "u01")


def test_the_hybrid_comes_back_whole(demo_dataset: Dataset) -> None:
    """The service's default algorithm, its components kept beside it."""
    first = fit_cached(demo_dataset, "hybrid")
    again = fit_cached(demo_dataset, "hybrid")
    assert again is not first
    person = str(demo_dataset.user_ids[0])
    assert [(r.item_id, round(r.score, 6), [f.id for f in r.evidence])
            for r in again.recommend(person, n=10)] == \
        [(r.item_id, round(r.score, 6), [f.id for f in r.evidence])
         for r in first.recommend(person, n=10)]


def test_changed_data_or_parameters_are_fitted_afresh(fits: list[str]) -> None:
    board = checkerboard()
    fit_cached(board, "itemknn", {"k": 5})
    other = checkerboard(seed=1)  # the same name, people and items; other weights
    fit_cached(other, "itemknn", {"k": 5})
    fit_cached(board, "itemknn", {"k": 6})
    fewer = board.subset(board.interactions[board.interactions["user_id"] != "u03"])
    model = fit_cached(fewer, "itemknn", {"k": 5})
    assert len(fits) == 4 and len(kept()) == 4
    assert "u03" not in model.user_index
    assert len({model_key(d, ItemKNNRecommender, {"k": 5}) for d in (board, other, fewer)}) == 3


@pytest.mark.parametrize("damage", ["arrays", "meta", "empty", "other data"])
def test_a_damaged_or_foreign_kept_model_is_fitted_again(fits: list[str], damage: str) -> None:
    board = checkerboard()
    first = fit_cached(board, "itemknn", {"k": 5})
    (path,) = kept()
    if damage == "arrays":
        (path / ARRAYS_FILE).write_bytes((path / ARRAYS_FILE).read_bytes()[:200])
    elif damage == "meta":
        (path / META_FILE).write_text("{not json", encoding="utf-8")
    elif damage == "empty":
        (path / ARRAYS_FILE).unlink()
    else:  # a model of other people under this data's key
        ItemKNNRecommender(k=5).fit(checkerboard(n_users=12)).save(path, overwrite=True)
    before = len(fits)
    again = fit_cached(board, "itemknn", {"k": 5})
    assert len(fits) == before + 1
    assert top(again) == top(first)
    # kept again, whole: the next start loads it
    assert np.array_equal(Recommender.load(path).user_ids, first.user_ids)
    fit_cached(board, "itemknn", {"k": 5})
    assert len(fits) == before + 1


def test_forget_deletes_every_kept_model_that_lists_the_person() -> None:
    fit_cached(checkerboard(), "itemknn", {"k": 5})
    fit_cached(checkerboard(), "popular")
    small = checkerboard(n_users=4)  # u00..u03
    small.name = "small"
    fit_cached(small, "itemknn", {"k": 5})
    assert len(kept()) == 3
    assert forget_user("u07") == 2
    assert len(kept()) == 1 and not any(mentions_user(p, "u07") for p in kept())
    assert forget_user("u07") == 0


def test_whyrec_forget_leaves_no_kept_model_listing_them(
        demo_dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What ``whyrec serve`` kept at start-up (its own path: the service's settings)."""
    from whyrec.service.settings import load_settings
    from whyrec.service.state import build_state

    settings = load_settings(backend="template", algorithm="itemknn",
                             db_url=f"sqlite:///{tmp_path / 'store.sqlite'}")
    build_state(settings).close()
    person = str(demo_dataset.user_ids[3])
    assert [p for p in kept() if mentions_user(p, person)]
    assert main(["forget", "--user", person, "--db", settings.db_url or "", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["kept_models"] == 1
    assert not [p for p in kept() if mentions_user(p, person)]


def test_the_service_loads_what_an_earlier_start_kept(
        fits: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from whyrec.service.settings import load_settings
    from whyrec.service.state import build_state

    settings = load_settings(backend="template", algorithm="itemknn",
                             db_url=f"sqlite:///{tmp_path / 'store.sqlite'}")
    for _ in range(2):
        build_state(settings).close()
    assert len(fits) == 1
    monkeypatch.setenv("WHYREC_KEEP_MODEL", "false")
    build_state(load_settings(backend="template", algorithm="itemknn",
                              db_url=settings.db_url)).close()
    assert len(fits) == 2
