"""Load a MovieLens folder as GroupLens ships it (``ratings.csv``, ``movies.csv``, ``tags.csv``).

Movies become catalog items: the first genre is the category; tags are all genres followed by the
most common user tags of the movie (lower-cased; more taggers first, then tags used widely across
the catalog, so shared-feature evidence has something to match on).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from whyrec.data.columns import missing_required, resolve_columns
from whyrec.data.convert import isin, to_ids, to_text
from whyrec.data.dataset import Dataset
from whyrec.data.frames import dataset_from_frames
from whyrec.data.readers import read_table
from whyrec.errors import DataError

NO_GENRES = "(no genres listed)"
_RATINGS_MAP = {"user_id": "userId", "item_id": "movieId", "rating": "rating",
                "timestamp": "timestamp"}


def is_movielens_dir(path: str | Path) -> bool:
    """True when ``path`` holds MovieLens ``ratings.csv`` and ``movies.csv``.

    Examples
    --------
    >>> is_movielens_dir("/nonexistent")
    False
    """
    path = Path(path)
    return (path / "ratings.csv").is_file() and (path / "movies.csv").is_file()


def load_movielens(
    directory: str | Path, *, domain: str = "movies", n_user_tags: int = 3
) -> Dataset:
    """Load a MovieLens folder (``ml-latest-small``, ``ml-25m``, ...) as it comes.

    Interactions are ``rating`` events weighted by the rating (0.5-5 stars, ``rating_scale`` 5).
    Items are in ``movies.csv`` order, ``language`` "en".

    Parameters
    ----------
    directory
        Folder with ``ratings.csv``, ``movies.csv`` and optionally ``tags.csv``.
    domain
        Dataset domain, "movies" unless told otherwise.
    n_user_tags
        How many user tags to add per movie after its genres.

    Raises
    ------
    DataError
        A file is missing or unreadable; ``ValidationError`` when its contents are wrong.

    Examples
    --------
    >>> data = load_movielens("ml-latest-small")  # doctest: +SKIP
    >>> data.items.loc[0, "tags"][:3]  # doctest: +SKIP
    ('Adventure', 'Animation', 'Children')
    """
    directory = Path(directory)
    if not is_movielens_dir(directory):
        raise DataError(f"{directory} is not a MovieLens folder "
                        "(expected ratings.csv and movies.csv)")
    ratings = read_table(directory / "ratings.csv", text=True)
    movies = read_table(directory / "movies.csv", text=True)
    tags_path = directory / "tags.csv"
    tags = read_table(tags_path, text=True) if tags_path.is_file() else None
    items, problems = movie_items(movies, tags, n_user_tags=n_user_tags)
    return dataset_from_frames(
        ratings,
        items,
        column_map={"interactions": _RATINGS_MAP},
        name=directory.resolve().name,
        domain=domain,
        rating_scale=5.0,
        item_language="en",
        sources={"interactions": "ratings.csv", "items": "movies.csv"},
        problems=problems,
    )


def movie_items(
    movies: pd.DataFrame, tags: pd.DataFrame | None = None, *, n_user_tags: int = 3
) -> tuple[pd.DataFrame | None, list[str]]:
    """Catalog frame (item_id, title, category, tags) from MovieLens movies and user tags.

    Returns None and the problems when ``movies.csv`` lacks ``movieId`` or ``title``.

    Examples
    --------
    >>> movies = pd.DataFrame({"movieId": ["1"], "title": ["Heat (1995)"],
    ...                        "genres": ["Action|Crime"]})
    >>> tags = pd.DataFrame({"userId": ["7", "8"], "movieId": ["1", "1"],
    ...                      "tag": ["Heist", "heist "]})
    >>> items, _ = movie_items(movies, tags)
    >>> items.loc[0, "category"], items.loc[0, "tags"]
    ('Action', ('Action', 'Crime', 'heist'))
    """
    columns, problems = resolve_columns(list(movies.columns), ("item_id", "title"),
                                        None, "movies.csv")
    problems += missing_required(movies, columns, ("item_id", "title"), "movies.csv", None)
    if problems:
        return None, problems
    ids = to_ids(movies[columns["item_id"]])
    genres = (to_text(movies["genres"]) if "genres" in movies else
              pd.Series("", index=movies.index, dtype="str"))
    exploded = pd.DataFrame({"item_id": ids, "tag": genres.str.split("|")}).explode("tag")
    exploded["tag"] = exploded["tag"].astype("str").str.strip()
    exploded = exploded[exploded["tag"].notna() & (exploded["tag"] != "")
                        & (exploded["tag"] != NO_GENRES)]
    category = exploded.drop_duplicates("item_id").set_index("item_id")["tag"]

    per_item = exploded.assign(order=0)
    if tags is not None and n_user_tags > 0:
        popular, found = _user_tags(tags, exploded, n_user_tags)
        problems += found
        per_item = pd.concat([per_item, popular.assign(order=1)], ignore_index=True)
    # stable sort keeps genre order, then user tags in rank order
    per_item = per_item.sort_values(["item_id", "order"], kind="stable")
    tag_tuples = _tuples_by_key(per_item["item_id"], per_item["tag"])
    items = pd.DataFrame({
        "item_id": ids,
        "title": movies[columns["title"]],
        "category": ids.map(category).astype("str").fillna(""),
        "tags": ids.map(tag_tuples),
    })
    return items, problems


def _user_tags(
    tags: pd.DataFrame, genres: pd.DataFrame, n_user_tags: int
) -> tuple[pd.DataFrame, list[str]]:
    """Top user tags per movie: most taggers first, then tags common across the catalog."""
    columns, problems = resolve_columns(list(tags.columns), ("user_id", "item_id", "tags"),
                                        {"tags": "tag"}, "tags.csv")
    problems += missing_required(tags, columns, ("user_id", "item_id", "tags"), "tags.csv",
                                 {"tags": "tag"})
    if problems:
        return pd.DataFrame({"item_id": [], "tag": []}), problems
    frame = pd.DataFrame({
        "user_id": to_ids(tags[columns["user_id"]]),
        "item_id": to_ids(tags[columns["item_id"]]),
        "tag": to_text(tags[columns["tags"]]).str.lower(),
    })
    frame = frame[frame["tag"] != ""].dropna().drop_duplicates()
    # a user tag that repeats a genre ("comedy" vs "Comedy") adds nothing
    genre_keys = genres["item_id"] + "\x1f" + genres["tag"].str.lower()
    frame = frame[~isin(frame["item_id"] + "\x1f" + frame["tag"], genre_keys)]
    counts = frame.groupby(["item_id", "tag"], sort=False).size().rename("taggers").reset_index()
    counts["reach"] = counts["tag"].map(counts["tag"].value_counts())
    counts = counts.sort_values(["item_id", "taggers", "reach", "tag"],
                                ascending=[True, False, False, True], kind="stable")
    return counts.groupby("item_id", sort=False).head(n_user_tags)[["item_id", "tag"]], problems


def _tuples_by_key(keys: pd.Series, values: pd.Series) -> pd.Series:
    """key -> tuple of its values, for keys already grouped together (much faster than agg)."""
    key_array = keys.to_numpy(dtype=object)
    value_array = values.to_numpy(dtype=object)
    if not len(key_array):
        return pd.Series(dtype=object)
    starts = np.flatnonzero(np.r_[True, key_array[1:] != key_array[:-1]])
    ends = np.r_[starts[1:], len(key_array)]
    tuples = [tuple(value_array[a:b]) for a, b in zip(starts, ends, strict=True)]
    return pd.Series(tuples, index=key_array[starts], dtype=object)
