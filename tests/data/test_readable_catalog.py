"""Catalog text as people read it (issue 16): HTML entities decoded and markup stripped at
load, the raw title kept; titles holding quotation marks pass the verifier when named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from whyrec.api import explain, load_dataset, recommend, train, verify
from whyrec.data.validate import normalize_items
from whyrec.types import HistoryItem, Recommendation


def test_entities_and_markup_are_decoded_and_the_raw_title_kept() -> None:
    raw = pd.DataFrame({
        "item_id": ["a", "b", "c"],
        "title": ["&quot;XLR Female To 1/4&amp;quot;&quot; Male Adapter&quot;",
                  "Lamp <b>bright</b><script>alert(1)</script>", "Cable < 10 ft & cheap"],
        "tags": ["rock &amp; roll|<i>live</i>", "", ""],
    })
    frame, problems = normalize_items(raw)
    assert problems == []
    assert frame["title"].tolist() == ['"XLR Female To 1/4"" Male Adapter"', "Lamp bright",
                                       "Cable < 10 ft & cheap"]
    assert frame["title_raw"].tolist() == raw["title"].tolist()
    assert frame.loc[0, "tags"] == ("rock & roll", "live")


def test_a_title_with_quotation_marks_is_one_name() -> None:
    history = 'DiMarzio Copper Shielding Tape 24""x3-1/2""'
    rec = Recommendation(
        user_id="u", item_id="t", title="Pop Filter", score=1.0, rank=1, algorithm="itemknn",
        evidence=[HistoryItem(id="history:h", item_id="h", title=history, score_share=1.0,
                              event="purchase")])
    faithful = f"We picked “Pop Filter” for you because you bought “{history}”."
    assert verify(faithful, rec).passed
    inch = 'Don\'t Fret Position Indicator for 4/4 Violin or 14" Viola'
    rec.evidence[0] = HistoryItem(id="history:h", item_id="h", title=inch, score_share=1.0,
                                  event="purchase")
    assert verify(f"We picked “Pop Filter” for you because you bought “{inch}”.", rec).passed
    # still a check: a quoted name that is not a history item fails after a history verb
    assert not verify("We picked “Pop Filter” for you because you bought “Pop Filter”.",
                      rec).passed


@pytest.mark.realdata
@pytest.mark.slow
def test_amazon_template_texts_pass_their_own_check(
        instruments_dir: Path, instruments_column_map: dict[str, dict[str, str]]) -> None:
    data = load_dataset(instruments_dir, column_map=instruments_column_map)
    model = train(data, "itemknn")
    texts = [e for user in data.user_ids[:120]
             for e in explain(recommend(model, data, str(user), n=5), data, language="en",
                              backend="template")]
    assert len(texts) == 600
    assert not [e.text for e in texts if "&quot;" in e.text or "&amp;" in e.text]
    failing = [e.verdict.complaint() for e in texts if not (e.verdict and e.verdict.passed)]
    assert len(failing) <= 3, failing  # 2 of 1,500 measured: a title said twice (repetition)
