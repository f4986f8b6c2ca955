"""BLEU and ROUGE: exact small cases in English and Chinese, offline."""

from __future__ import annotations

import math

import pytest

from whyrec.eval.overlap import bleu, rouge, units


def test_units_split_chinese_characters_and_lower_latin_words() -> None:
    assert units("Great 跑鞋 For you") == ["great", "跑", "鞋", "for", "you"]


def test_identical_texts_score_100() -> None:
    scores = bleu(["the cat sat on the mat"], ["the cat sat on the mat"])
    assert scores["bleu1"] == pytest.approx(100.0)
    assert scores["bleu4"] == pytest.approx(100.0)
    assert rouge(["the cat sat"], ["the cat sat"])["rougeL"]["f"] == pytest.approx(100.0)


def test_bleu1_hand_computed() -> None:
    # hypothesis 4 tokens, 3 match (clipped), reference 4 tokens: no brevity penalty
    assert bleu(["the cat ran far"], ["the cat sat far"])["bleu1"] == pytest.approx(75.0)
    # hypothesis 2 tokens vs reference 4: BP = exp(1 - 4/2), precision 1
    assert bleu(["the cat"], ["the cat sat far"])["bleu1"] == pytest.approx(
        100 * math.exp(-1.0))


def test_rouge_hand_computed() -> None:
    scores = rouge(["the cat sat"], ["the cat sat on mat"])
    assert scores["rouge1"]["p"] == pytest.approx(100.0)
    assert scores["rouge1"]["r"] == pytest.approx(60.0)
    assert scores["rouge2"]["r"] == pytest.approx(50.0)  # 2 of 4 bigrams


def test_chinese_is_scored_by_character() -> None:
    scores = rouge(["我喜欢跑鞋"], ["我喜欢鞋"])
    assert scores["rouge1"]["r"] == pytest.approx(100.0)
    assert scores["rouge1"]["p"] == pytest.approx(80.0)
    assert bleu(["我喜欢跑鞋"], ["我喜欢跑鞋"])["bleu4"] == pytest.approx(100.0)


def test_mismatched_lengths_are_a_bug() -> None:
    with pytest.raises(ValueError):
        bleu(["a"], [])
