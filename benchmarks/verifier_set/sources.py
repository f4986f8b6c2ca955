"""The four sources of the verifier's labelled set, loaded the same way by ``build.py`` and by
``benchmarks/bench_verifier.py`` (which verifies against the dataset, as production does).

The Amazon reviews hold real people's names (``reviewerName``): whyrec's loader ignores that
column, and nothing here prints or stores it.
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
HERE = Path(__file__).resolve().parent
LABELLED = HERE / "labelled.jsonl"
HANDWRITTEN = HERE / "handwritten.jsonl"

SOURCES = ("demo", "movielens", "amazon", "xrec")
#: the sources whose recommendations come from a whyrec dataset (xrec's from its profiles)
DATASET_SOURCES = ("demo", "movielens", "amazon")
MOVIELENS = "ml-latest-small"
AMAZON = "amazon-musical-instruments"
XREC = "xrec-dev"
#: the Amazon instruments files in whyrec's canonical columns (as in tests/conftest.py)
AMAZON_COLUMN_MAP = {
    "interactions": {"user_id": "reviewerID", "item_id": "asin", "rating": "overall",
                     "timestamp": "unixReviewTime"},
    "items": {"item_id": "Product ID", "title": "Description", "category": "Category"},
}
#: XRec's two files in ``xrec-dev``
XREC_FILES = ("google", "yelp")
#: a profile's sentences (not after the abbreviations the profiles use)
SENTENCE_SPLIT_RE = re.compile(
    r"(?<!\bSt\.)(?<!\bMt\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bvs\.)(?<=[.!?])\s+(?=[A-Z])")


def available(source: str, shared: Path = SHARED_DATA) -> bool:
    """Whether the data a source needs is here (the demo is bundled)."""
    folder = {"demo": None, "movielens": MOVIELENS, "amazon": AMAZON, "xrec": XREC}[source]
    return folder is None or (shared / folder).is_dir()


def load_source(source: str, shared: Path = SHARED_DATA) -> Any:
    """The whyrec ``Dataset`` of a dataset source."""
    from whyrec.api import load_dataset

    if source == "demo":
        return load_dataset("demo")
    if source == "movielens":
        return load_dataset(shared / MOVIELENS)
    if source == "amazon":
        # whyrec reads a folder of interactions.* + items.*: link the two files into one
        folder = Path(tempfile.mkdtemp(prefix="whyrec-vset-"))
        atexit.register(shutil.rmtree, folder, True)
        data = shared / AMAZON
        (folder / "interactions.csv").symlink_to(data / "Musical_instruments_reviews.csv")
        (folder / "items.csv").symlink_to(data / "Music_Instruments_meta_5.csv")
        return load_dataset(folder, column_map=AMAZON_COLUMN_MAP)
    raise ValueError(f"{source!r} is not a dataset source")


def xrec_rows(name: str, shared: Path = SHARED_DATA) -> list[dict[str, Any]]:
    """Every pair of one XRec file (``google`` or ``yelp``), in file order."""
    with (shared / XREC / f"{name}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def xrec_sentences(row: dict[str, Any]) -> list[str]:
    """A pair's facts: one per sentence of its user profile, then of its item profile."""
    return [s.strip() for s in (SENTENCE_SPLIT_RE.split(row["user_summary"].strip())
                                + SENTENCE_SPLIT_RE.split(row["item_summary"].strip()))
            if s.strip()]


def xrec_request(name: str, row: dict[str, Any]) -> Any:
    """A pair as a caller's request (``whyrec explain --input`` reads the same object): the
    item by its title, each profile sentence a ``FreeText`` fact, English."""
    from whyrec.explanation.requests import parse_request

    return parse_request({
        "user_id": f"{name}-u{row['uid']}", "language": "en",
        "item": {"id": f"{name}-{row['iid']}", "title": row["title"]},
        "evidence": xrec_facts(row)})


def xrec_facts(row: dict[str, Any]) -> list[dict[str, str]]:
    """:func:`xrec_sentences` as ``free_text`` facts that say whom they describe: the user
    profile's sentences the person's tastes (``about: user``), the item profile's the item."""
    user = [s.strip() for s in SENTENCE_SPLIT_RE.split(row["user_summary"].strip()) if s.strip()]
    return [{"kind": "free_text", "text": text, "about": "user" if i < len(user) else "item"}
            for i, text in enumerate(xrec_sentences(row))]
