"""Catalog text as people read it (issue 16, item 4): on the Amazon musical instruments data,
how many titles held HTML entities or markup, and how many template explanations still carry an
entity or fail their own verifier check. Prints one JSON object.

    python benchmarks/bench_catalog_text.py [--users 300]

The data comes from ../shared/data/amazon-musical-instruments (read-only), converted as
tests/conftest.py does; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import whyrec

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "amazon-musical-instruments"
COLUMN_MAP = {
    "interactions": {"user_id": "reviewerID", "item_id": "asin", "rating": "overall",
                     "timestamp": "unixReviewTime"},
    "items": {"item_id": "Product ID", "title": "Description", "category": "Category"},
}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--users", type=int, default=300)
    options = arguments.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(SOURCE / "Musical_instruments_reviews.csv", Path(folder) / "interactions.csv")
        shutil.copy(SOURCE / "Music_Instruments_meta_5.csv", Path(folder) / "items.csv")
        data = whyrec.load_dataset(folder, column_map=COLUMN_MAP)
    model = whyrec.train(data, "itemknn")
    texts, failing, with_entities = 0, Counter[str](), 0
    for user in data.user_ids[: options.users]:
        recs = whyrec.recommend(model, data, str(user), n=5)
        for explanation in whyrec.explain(recs, data, language="en", backend="template"):
            texts += 1
            with_entities += "&quot;" in explanation.text or "&amp;" in explanation.text
            if not (explanation.verdict and explanation.verdict.passed):
                failing.update(s.kind for s in explanation.verdict.unsupported[:1])
    items = data.items
    print(json.dumps({
        "items": len(items), "titles_decoded": int((items["title"] != items["title_raw"]).sum()),
        "template_texts": texts, "texts_with_entities": with_entities,
        "failing_own_check": sum(failing.values()), "failing_by_kind": dict(failing)}))


if __name__ == "__main__":
    main()
