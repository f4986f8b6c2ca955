"""USR, FMR, FCR, DIV and the feature index: hand-computed cases and properties."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from whyrec.eval.literature import (
    FeatureIndex,
    feature_coverage_ratio,
    feature_diversity,
    feature_matching_ratio,
    unique_sentence_ratio,
)
from whyrec.verification.vocabulary import Vocabulary

feature_sets = st.lists(st.frozensets(st.sampled_from("abcdefgh"), max_size=5), max_size=25)


def test_usr_counts_token_sequences_not_spacing_or_case() -> None:
    texts = ["You like crime.", "you  LIKE crime", "You like drama.", "Heat, because."]
    assert unique_sentence_ratio(texts) == 3 / 4
    assert unique_sentence_ratio([]) == 0.0


def test_fmr_hand_computed() -> None:
    found = [{"crime", "heist"}, {"drama"}, set(), {"comedy"}]
    targets = [{"heist"}, {"crime"}, {"drama"}, {"comedy", "drama"}]
    assert feature_matching_ratio(found, targets) == 2 / 4


def test_fcr_hand_computed() -> None:
    assert feature_coverage_ratio([{"a"}, {"a", "b"}, set()], 8) == 2 / 8
    assert feature_coverage_ratio([{"a"}], 0) == 0.0


def test_div_hand_computed_against_peters_pair_loop() -> None:
    found = [{"a", "b"}, {"a", "c"}, {"a", "b", "c"}, set()]
    # pairs: (0,1)=1 (0,2)=2 (0,3)=0 (1,2)=2 (1,3)=0 (2,3)=0 -> 5 over 6 pairs
    assert feature_diversity(found) == 5 / 6
    assert feature_diversity([{"a"}]) == 0.0


@given(st.text(max_size=40), st.integers(min_value=1, max_value=30))
def test_usr_of_identical_texts_is_one_over_n(text: str, n: int) -> None:
    assert unique_sentence_ratio([text] * n) == 1 / n


@given(st.lists(st.text(max_size=20), min_size=1, max_size=30))
def test_usr_bounds(texts: list[str]) -> None:
    assert 1 / len(texts) <= unique_sentence_ratio(texts) <= 1.0


@given(st.lists(st.sampled_from("abcdefghijklmnop"), unique=True, min_size=2, max_size=16))
def test_div_of_disjoint_features_is_zero(features: list[str]) -> None:
    assert feature_diversity([{f} for f in features]) == 0.0


@given(feature_sets)
def test_div_equals_the_quadratic_definition(found: list[frozenset[str]]) -> None:
    if len(found) < 2:
        return
    pairs = list(combinations(found, 2))
    expected = sum(len(x & y) for x, y in pairs) / len(pairs)
    assert abs(feature_diversity(found) - expected) < 1e-12


@given(feature_sets)
def test_fcr_and_fmr_bounds(found: list[frozenset[str]]) -> None:
    assert 0.0 <= feature_coverage_ratio(found, 8) <= 1.0
    assert 0.0 <= feature_matching_ratio(found, [{"a"}] * len(found)) <= 1.0


def test_feature_index_finds_english_and_chinese_as_one_feature() -> None:
    vocabulary = Vocabulary()
    vocabulary.add("feature", ["running shoes", "trail", "跑鞋", "越野"])
    vocabulary.add("title", ["Trail Blazer 2"])
    index = FeatureIndex(vocabulary, {"zh": {"running shoes": "跑鞋", "trail": "越野"}})
    assert index.n_features == 2
    assert index.features_in("Good running shoes for the trail.") == {"running shoes", "trail"}
    assert index.features_in("这双跑鞋适合越野。") == {"running shoes", "trail"}
    # the feature word inside a catalog title names the title, not the feature
    assert index.features_in("We picked “Trail Blazer 2” for you.") == frozenset()
    assert index.features_of_values(["跑鞋", "Trail"]) == {"running shoes", "trail"}
