"""A fact cited by a number (the item's raters, its mean rating) is cited in Chinese too, where
no space sets the number apart ("10人给它的平均评分是4.9分"), and only by that number standing
alone: "10" is not cited by "100" or "2010", nor a mean by a person's own whole or half star."""

from __future__ import annotations

import pytest

from whyrec.evidence.quality import ItemQuality
from whyrec.explanation.prompt import support_for
from whyrec.explanation.templates import TemplateExplainer
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails

SIN_CITY = HistoryItem(id="hist:h1", item_id="h1", title="Sin City (2005)", score_share=0.6,
                       event="rate", rating=4.5)


def _cited(text: str, language: str, mean: float = 4.9, raters: int = 10) -> list[str]:
    quality = ItemQuality(id="quality:i1", item_id="i1", n_people=raters, mean_rating=mean,
                          n_ratings=raters, rating_scale=5.0)
    rec = Recommendation(user_id="u1", item_id="i1", title="Boss Tuner", score=1.0, rank=1,
                         algorithm="external", evidence=[SIN_CITY, quality])
    wording = TemplateExplainer(language=language)
    return support_for(rec, ItemDetails(title="Boss Tuner"), wording).cited_ids(text)


@pytest.mark.parametrize("text, language", [
    ("《Boss Tuner》可能适合你。10人给它的平均评分是4.9分。", "zh"),
    ("《Boss Tuner》可能适合你：它的平均评分是4.9分。", "zh"),
    ("《Boss Tuner》可能适合你，有10人给它打分。", "zh"),
    ("“Boss Tuner” may suit you. Plus, its average rating is 4.9/5.", "en"),
    ("“Boss Tuner” may suit you: 10 people rated it.", "en"),
])
def test_the_item_quality_is_cited_by_its_numbers(text: str, language: str) -> None:
    assert "quality:i1" in _cited(text, language)


@pytest.mark.parametrize("text, language, mean", [
    ("《Boss Tuner》可能适合你。它在2010年推出，100人看过。", "zh", 4.9),
    ("《Boss Tuner》可能适合你。它的平均评分是4.95分。", "zh", 4.9),
    ("“Boss Tuner” may suit you, since you rated “Sin City (2005)” 4.5/5.", "en", 4.5),
    ("《Boss Tuner》可能适合你，因为你给《Sin City (2005)》打了4.5分。", "zh", 4.5),
])
def test_other_numbers_do_not_cite_it(text: str, language: str, mean: float) -> None:
    assert "quality:i1" not in _cited(text, language, mean=mean)


def _cohort_support(language: str) -> object:
    from whyrec.evidence.cohort import Cohort

    cohort = Cohort(id="cohort:h1", anchor_item_id="h1", anchor_title="Sin City (2005)",
                    co_count=63, anchor_count=84, share=0.75)
    rec = Recommendation(user_id="u1", item_id="i1", title="Boss Tuner", score=1.0, rank=1,
                         algorithm="external", evidence=[SIN_CITY, cohort])
    return support_for(rec, ItemDetails(title="Boss Tuner"), TemplateExplainer(language=language))


@pytest.mark.parametrize("text, language, stated", [
    # the anchor title alone names the history fact, not the cohort's statistic
    ("“Boss Tuner” may suit you, since you rated “Sin City (2005)” 4.5/5.", "en", False),
    ("《Boss Tuner》可能适合你，因为你给《Sin City (2005)》打了4.5分。", "zh", False),
    ("“Boss Tuner” may suit you: 75% of the 84 people who watched “Sin City (2005)” watched "
     "it too.", "en", True),
    ("《Boss Tuner》可能适合你：看过《Sin City (2005)》的84人中，有75%也看过它。", "zh", True),
    # a cohort said without its numbers still says what the cohort did
    ("“Boss Tuner” may suit you. People who watched “Sin City (2005)” often chose it too.",
     "en", True),
    ("《Boss Tuner》可能适合你，看过《Sin City (2005)》的人常常也选择它。", "zh", True),
    # other people in another sentence do not make the anchor's history sentence a cohort's
    ("“Boss Tuner” may suit you, since you rated “Sin City (2005)” 4.5/5. Many people love it.",
     "en", False),
])
def test_a_cohort_is_stated_by_its_numbers(text: str, language: str, stated: bool) -> None:
    support = _cohort_support(language)
    assert ("cohort:h1" in support.cited_ids(text)) is stated  # type: ignore[attr-defined]
    assert support.cites_any(text)  # type: ignore[attr-defined]


def test_a_scale_is_not_a_count() -> None:
    from whyrec.evidence.cohort import Cohort

    cohort = Cohort(id="cohort:h1", anchor_item_id="h1", anchor_title="Sin City (2005)",
                    co_count=5, anchor_count=40, share=0.125)
    rec = Recommendation(user_id="u1", item_id="i1", title="Boss Tuner", score=1.0, rank=1,
                         algorithm="external", evidence=[SIN_CITY, cohort])
    support = support_for(rec, ItemDetails(title="Boss Tuner"), TemplateExplainer(language="en"))
    assert "cohort:h1" not in support.cited_ids(
        "“Boss Tuner” may suit you, since you rated “Sin City (2005)” 5/5.")


def test_a_feature_inside_a_title_is_not_stated() -> None:
    # a bundled model's one sentence "cited" 3 facts: the brand and the tag are words of the
    # history title it names
    from whyrec.evidence.feature import SharedFeature

    game = HistoryItem(id="hist:g1", item_id="g1", title="新手友好策略桌游 Twin Dice Studio Mosaic "
                       "Isles 5", score_share=0.6, event="click")
    brand = SharedFeature(id="feature:brand", feature="brand", value="Twin Dice Studio",
                          history_count=1)
    tag = SharedFeature(id="feature:tag", feature="tag", value="策略", history_count=1)
    rec = Recommendation(user_id="u1", item_id="i1", title="Twin Dice Studio Castlereach 5",
                         score=1.0, rank=1, algorithm="external", evidence=[game, brand, tag])
    wording = TemplateExplainer(language="zh")
    support = support_for(rec, ItemDetails(title=rec.title), wording)
    named = ("我们想推荐《Twin Dice Studio Castlereach 5》，因为你点击过"
             "《新手友好策略桌游 Twin Dice Studio Mosaic Isles 5》。")
    assert support.cited_ids(named) == ["hist:g1"]
    assert set(support.cited_ids(named + "它和你的一件商品同样带有“策略”标签。")) == {
        "hist:g1", "feature:tag"}
