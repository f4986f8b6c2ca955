"""The verifier's fast paths give what the plain ways give: folding, the term trie, numbers."""

from __future__ import annotations

import re

import pytest

from whyrec.text import normalise, tokens
from whyrec.verification import Support, Verifier, Vocabulary
from whyrec.verification.claims import _compact
from whyrec.verification.patterns import EN_NUMBER_RE, EN_NUMBER_WORDS, numbers_in
from whyrec.verification.support import fold
from whyrec.verification.verifier import unclosed_quote

FACTS = (
    "Because you rated \u201cHeat (1995)\u201d 5/5. It is tagged \u201ctrail\u201d, like 2 of "
    "your items. \u2018Quoted\u2019 and \u300aBook\u300b and \u300cName\u300d,  spaced\tout\n"
    "\u200bhid\u00adden ＦＵＬＬ－ＷＩＤＴＨ １２３ 你给《黄金时代》打了5分。ß and ǅ and İstanbul."
)


@pytest.mark.parametrize("text", [
    FACTS, FACTS * 3, "plain ascii text " * 20, "\u201c" * 130, "\n".join([FACTS] * 4),
    "short “one”",
])
def test_fold_is_normalise(text: str) -> None:
    assert fold(text) == normalise(text)


def vocabulary() -> Vocabulary:
    words = Vocabulary()
    words.add("title", ["Her", "Heat (1995)", "Heat Wave Summer", "The Good Dinosaur"])
    words.add("feature", ["heat", "summer camp", "wave"])
    return words


def test_longest_term_wins_and_walks_on() -> None:
    found = vocabulary().find("A Heat Wave Summer night, then summer camp and a wave.")
    assert [(span, kind) for _, _, span, kind in found] == [
        ("Heat Wave Summer", "title"), ("summer camp", "feature"), ("wave", "feature")]


def test_a_one_word_title_counts_only_as_a_name() -> None:
    words = vocabulary()
    assert [m[2] for m in words.find("Her dog barks. We saw Her twice.")] == ["Her"]
    assert words.find("Her dog barks at her.") == []
    # a longer term that starts with the pronoun is found all the same
    words.add("title", ["Her Alibi"])
    assert [m[2] for m in words.find("Her Alibi is on.")] == ["Her Alibi"]


def test_a_term_added_after_a_search_is_found() -> None:
    words = vocabulary()
    assert words.find("a cozy kettle") == []
    words.add("brand", ["Cozy Kettle"])
    assert [(m[2], m[3]) for m in words.find("a cozy kettle")] == [("cozy kettle", "brand")]
    # a stronger kind for a known term replaces the weaker one
    words.add("title", ["Summer Camp"])
    assert [m[3] for m in words.find("off to summer camp")] == ["title"]


def test_ids_of_letters_and_digits_and_known_ids() -> None:
    words = vocabulary()
    words.ids = {"42", "u0042", "kestrel"}
    verifier = Verifier(words)
    support = Support("Heat (1995)", ["Because you rated \u201cHeat (1995)\u201d 5/5."],
                      fact_terms={"hist:1": ["Heat (1995)"]})
    verdict = verifier.verify("We picked Heat (1995) for u0042 and Kestrel, rated 5/5.",
                              support, "en")
    flagged = {u.text for u in verdict.unsupported if u.kind == "id"}
    assert flagged == {"u0042", "Kestrel"}
    assert words.letter_ids() == {"u0042", "kestrel"}


@pytest.mark.parametrize("text", [
    "Two, three and TEN; often, tenfold, ten-fold, twenty_one, ninety, Ninety-nine.",
    "five stars, Hundred and THOUSAND, million-strong, sevenfold", "no numbers here",
])
def test_number_words_are_whole_words(text: str) -> None:
    # no digits and no Chinese numerals in these: the number words are all there is
    assert numbers_in(text) == {str(EN_NUMBER_WORDS[t.lower()])
                                for t in EN_NUMBER_RE.findall(text)}


def test_repeated_lines_and_a_stray_quote() -> None:
    once = Support("Heat", ["It is rated 4.2/5 by 12 people.", "Pack of 7"])
    twice = Support("Heat", ["It is rated 4.2/5 by 12 people.", "Pack of 7",
                             "It is rated 4.2/5 by 12 people."])
    assert once.numbers == twice.numbers == {"4.2", "5", "12", "7"}
    # an unclosed quote in one fact does not take the next fact's numbers with it
    stray = Support("Heat", ["You rated \u201cHeat 5/5.", "It is rated 4.2/5 by 12 people.\u201d"])
    assert {"4.2", "12"} <= stray.numbers


def test_a_term_never_runs_across_a_sentence_end() -> None:
    words = Vocabulary()
    words.add("feature", ["category 26", "star wars"])
    words.add("title", ["Matrix, The (1999)", "Kill Bill: Vol. 1 (2003)"])
    assert words.find("It is in the category. 26 people bought it.") == []
    assert [m[2] for m in words.find("Star Wars! Or star wars, and category 26.")] == [
        "Star Wars", "star wars", "category 26"]
    # a title keeps its own comma and brackets
    [(_, _, span, kind)] = words.find("You rated Matrix, The (1999) 5/5.")
    assert kind == "title" and span.startswith("Matrix, The (1999")
    [(_, _, span, kind)] = words.find("You may like Kill Bill: Vol. 1 (2003) too.")
    assert kind == "title" and span.startswith("Kill Bill: Vol. 1 (2003")


LINES = [
    "Because you rated \u201cHeat (1995)\u201d 5/5.", "", "…", "Drama",
    "\u200bhid\u00adden ＦＵＬＬ－ＷＩＤＴＨ", "Drama", "你给《黄金时代》打了5分。",
    "  spaced\tout  ",
]


@pytest.mark.parametrize("lines", [LINES, LINES[::-1], LINES * 2, ["", ""], ["…"]])
def test_support_lines_read_once_are_the_lines_joined(lines: list[str]) -> None:
    # each line is folded and tokenised once and remembered: the same as the whole joined,
    # lines with no token (or nothing at all) included, and the second time as the first
    for _ in range(2):
        support = Support("Heat", list(lines))
        joined = "\n".join(["Heat", *lines])
        assert support.text == fold(joined)
        assert support.token_text == f" {' '.join(tokens(fold(joined)))} "


@pytest.mark.parametrize("text", [
    "plain", "“Heat” and 《黄金时代》 and 「名」 and 『名』", "open “Heat", "close Heat”",
    "《A “B” C》", "《A “B》 C”", "“A” “B", "”", "a 3/4\" jack", "",
])
def test_unclosed_quote_is_the_walk_over_every_character(text: str) -> None:
    assert unclosed_quote(text) == _unclosed_by_walking(text)


def _unclosed_by_walking(text: str) -> str | None:
    """The plain way: every character visited."""
    pairs = {"\u201c": "\u201d", "《": "》", "「": "」", "『": "』"}
    closers = {close: open_ for open_, close in pairs.items()}
    opened: list[tuple[str, int]] = []
    for at, char in enumerate(text):
        if char in pairs:
            opened.append((char, at))
        elif char in closers:
            if not opened or opened[-1][0] != closers[char]:
                return text[max(0, at - 30): at + 1]
            opened.pop()
    return text[opened[0][1]: opened[0][1] + 40] if opened else None


@pytest.mark.parametrize("text", [
    "you rated \ue000      5/5 and \ue000  4/5.", "\ue000\ue001   x", "\ue000 one", "no  marks",
    "\ue001    \ue000    .", "  \ue000",
])
def test_compact_cuts_each_marks_padding_to_one_space(text: str) -> None:
    assert _compact(text) == re.sub(r"([\ue000\ue001]) +", r"\1 ", text)
