from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from whyrec.data import load_dataset, load_movielens
from whyrec.data.movielens import NO_GENRES, is_movielens_dir
from whyrec.errors import DataError, ValidationError

RATINGS = """userId,movieId,rating,timestamp
1,1,4.0,964982703
1,2,0.5,964981247
2,1,5.0,964982224
2,3,3.5,964983815
3,99,2.0,964983900
"""
MOVIES = """movieId,title,genres
1,Heat (1995),Action|Crime|Thriller
2,"American President, The (1995)",Comedy|Drama|Romance
3,Some Film (2001),(no genres listed)
4,Never Rated (1999),Documentary
"""
TAGS = """userId,movieId,tag,timestamp
1,1,Heist,1
2,1,heist ,2
3,1,heist,3
1,1,pacino,4
2,1,Pacino,5
1,1,la,6
2,1,zzz single,7
1,1,thriller,8
2,2,politics,9
2,3,quiet,10
"""


def movielens(tmp_path: Path, *, tags: bool = True, movies: str = MOVIES) -> Path:
    folder = tmp_path / "ml-tiny"
    folder.mkdir()
    (folder / "ratings.csv").write_text(RATINGS, encoding="utf-8")
    (folder / "movies.csv").write_text(movies, encoding="utf-8")
    if tags:
        (folder / "tags.csv").write_text(TAGS, encoding="utf-8")
    return folder


def test_tiny_movielens(tmp_path: Path) -> None:
    data = load_movielens(movielens(tmp_path))
    assert (data.name, data.domain, data.rating_scale) == ("ml-tiny", "movies", 5.0)
    assert data.items["item_id"].tolist() == ["1", "2", "3", "4"]  # unrated movies stay
    assert data.items["category"].tolist() == ["Action", "Comedy", "", "Documentary"]
    assert data.items["title"].tolist()[1] == "American President, The (1995)"
    assert set(data.items["language"]) == {"en"}
    # genres first; then user tags: most taggers first, then the catalog-wide ones; "thriller"
    # repeats a genre and is left out; at most three user tags
    assert data.items.loc[0, "tags"] == ("Action", "Crime", "Thriller", "heist", "pacino", "la")
    assert data.items.loc[2, "tags"] == ("quiet",)
    assert not any(NO_GENRES in tags for tags in data.items["tags"])
    inter = data.interactions
    assert set(inter["event"]) == {"rating"}
    assert inter["weight"].tolist() == inter["rating"].tolist() == [4.0, 0.5, 5.0, 3.5]
    assert data.report.unknown_item_rows == 1 and data.report.unknown_item_examples == ["99"]
    assert data.user_ids.tolist() == ["1", "2"]  # user 3 only rated an unknown movie


def test_without_tags_file(tmp_path: Path) -> None:
    data = load_movielens(movielens(tmp_path, tags=False))
    assert data.items.loc[0, "tags"] == ("Action", "Crime", "Thriller")
    assert data.items.loc[2, "tags"] == ()


def test_load_dataset_detects_movielens(tmp_path: Path) -> None:
    folder = movielens(tmp_path)
    assert is_movielens_dir(folder)
    assert load_dataset(folder).n_items == 4
    assert load_dataset(str(folder), domain="news").domain == "news"


def test_broken_movies_file(tmp_path: Path) -> None:
    folder = movielens(tmp_path, movies="movieId,label\n1,Heat\n")
    with pytest.raises(ValidationError, match=r"movies\.csv: missing required column 'title'"):
        load_movielens(folder)


def test_not_a_movielens_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"expected ratings\.csv and movies\.csv"):
        load_movielens(tmp_path)


@pytest.mark.realdata
def test_ml_latest_small(shared_data: Callable[[str], Path]) -> None:
    folder = shared_data("ml-latest-small")
    started = time.perf_counter()
    data = load_dataset(folder)
    elapsed = time.perf_counter() - started
    assert (data.n_users, len(data.interactions), data.n_items) == (610, 100836, 9742)
    # the only warning: people's tags that are sentences ("Rita Hayworth can dance!") are no
    # labels, and are dropped by name of the item
    [warning] = data.report.to_dict()["warnings"]
    assert warning.startswith("movies.csv: 13 items had tags that read like a sentence"), warning
    kept = {tag for tags in data.items["tags"] for tag in tags}
    assert "rita hayworth can dance!" not in kept and "dr. seuss" in kept
    toy_story = data.items.loc[data.item_row("1")]
    assert toy_story["title"] == "Toy Story (1995)"
    assert toy_story["category"] == "Adventure"
    assert toy_story["tags"][:5] == ("Adventure", "Animation", "Children", "Comedy", "Fantasy")
    assert "pixar" in toy_story["tags"]  # a user tag with several taggers
    assert not any(NO_GENRES in tags for tags in data.items["tags"])
    assert data.user_items.nnz == 100836 and data.ratings.nnz == 100836
    assert elapsed < 2.0  # ~0.35 s on a laptop-class CPU; generous for busy CI machines
