"""Training pairs: every target passes the verifier, held-out people stay out, bad targets are
dropped, and the rendered prompt is the one llama.cpp builds from whyrec's chat messages."""

from __future__ import annotations

import importlib.util
import random
import re
from collections import Counter
from collections.abc import Callable

import pytest

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.explanation.prompt import ANSWER_STARTS
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.settings import ExplainSettings
from whyrec.tuning import data as tuning_data
from whyrec.tuning.data import build_pairs, is_held_out, render_chat
from whyrec.tuning.pairs import prefill_explainer
from whyrec.tuning.paraphrase import paraphrase
from whyrec.types import Cohort, HistoryItem, ItemQuality, SharedFeature

Judge = Callable[..., list[str]]  # the judge_pairs fixture (conftest.py)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_target_passes_the_verifier_against_all_evidence(
        demo_dataset: Dataset, language: str, judge_pairs: Judge) -> None:
    stats: Counter[str] = Counter()
    pairs = list(build_pairs(demo_dataset, languages=[language], max_pairs=25, stats=stats))
    assert len(pairs) == 25 and stats["accepted"] == 25
    starts = judge_pairs(demo_dataset, pairs)
    # one of the language's openings, the item's title in its place (a lead may follow)
    masked = [re.sub(r"\u201c[^\u201d]*\u201d|《[^》]*》", "{t}", s, count=1) for s in starts]
    assert all(any(m.startswith(frame) for frame in ANSWER_STARTS[language]) for m in masked)
    assert len(set(masked)) > 3  # and they vary


@pytest.mark.parametrize("language", ["en", "zh"])
def test_compact_pairs_begin_with_the_title_and_carry_no_example(
        demo_dataset: Dataset, language: str, judge_pairs: Judge) -> None:
    pairs = list(build_pairs(demo_dataset, languages=[language], max_pairs=12,
                             layout="compact"))
    starts = judge_pairs(demo_dataset, pairs)
    # the compact prompt: no worked example, the answer begun with the item's quoted title
    assert all(p.prompt.count("<|im_start|>user") == 1 for p in pairs)
    assert all(s.startswith("\u201c" if language == "en" else "《") and s.endswith(
        "\u201d" if language == "en" else "》") for s in starts)


def test_targets_word_several_facts(demo_dataset: Dataset) -> None:
    pairs = list(build_pairs(demo_dataset, languages=["en"], max_pairs=40))
    # each further fact is a sentence of its own or joined with ", and" / "; also"
    worded = [1 + p.target.count(". ") + p.target.count(", and ") + p.target.count("; also")
              for p in pairs]
    assert sum(n >= 2 for n in worded) >= len(pairs) / 2, worded


def test_whole_texts_open_in_many_ways() -> None:
    from whyrec.tuning.paraphrase import framed

    fact = HistoryItem(id="h1", item_id="9", title="Heat", score_share=1.0, event="rating",
                       rating=5.0)
    openings = {framed("Ronin", [fact], "en", "movies", random.Random(seed)).split()[0]
                for seed in range(40)}
    assert len(openings) >= 8, openings


def test_targets_vary(demo_dataset: Dataset) -> None:
    pairs = list(build_pairs(demo_dataset, languages=["en"], max_pairs=40))
    assert len({p.target for p in pairs}) >= 35


@pytest.mark.slow  # every candidate is refused, so it walks the whole demo
def test_an_unfaithful_target_is_dropped(demo_dataset: Dataset,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tuning_data, "paraphrase",
                        lambda *a, **k: " you rated \u201cThe Invented Film\u201d 5/5.")
    stats: Counter[str] = Counter()
    assert list(build_pairs(demo_dataset, languages=["en"], max_pairs=5, stats=stats)) == []
    assert stats["accepted"] == 0 and sum(stats.values()) > 0


def test_an_unknown_source_is_named(demo_dataset: Dataset) -> None:
    with pytest.raises(ConfigError, match=r"must be one of"):
        list(build_pairs(demo_dataset, source="nonsense"))


def test_paraphrases_use_only_the_facts_values() -> None:
    facts = [HistoryItem(id="h", item_id="1", title="Heat", score_share=1.0, event="rating",
                         rating=4.5),
             SharedFeature(id="f", feature="tag", value="heist", history_count=3),
             Cohort(id="c", anchor_item_id="1", anchor_title="Heat", co_count=12,
                    anchor_count=40, share=0.3),
             ItemQuality(id="q", item_id="2", n_people=50, mean_rating=4.1, n_ratings=50)]
    seen = {paraphrase(facts, "en", "movies", random.Random(seed)) for seed in range(30)}
    assert len(seen) >= 20
    for text in seen:
        digits = {t for t in text.replace("/", " ").replace("%", " ").split() if t[:1].isdigit()}
        assert {d.rstrip(".,;") for d in digits} <= {"4.5/5", "4.5", "5", "3", "30", "12", "40",
                                                     "4.1", "50"}


def test_held_out_share_is_about_a_fifth() -> None:
    assert 150 <= sum(is_held_out(str(u)) for u in range(1000)) <= 250


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("xllamacpp") is None,
                    reason="the `llm` extra (xllamacpp) is not installed")
def test_rendered_prompt_is_what_llamacpp_continues(demo_dataset: Dataset) -> None:
    from whyrec.backends.llamacpp import LlamaCppBackend

    backend = LlamaCppBackend(adapter=False, n_ctx=1024)
    pipeline = Pipeline(demo_dataset, create("itemknn").fit(demo_dataset),
                        ExplainSettings(backend="template"))
    user = next(str(u) for u in demo_dataset.user_ids.tolist() if not is_held_out(str(u)))
    rec = pipeline.recommend(user, n=1)[0]
    prompt, _, start = prefill_explainer(demo_dataset).prompt_for(rec, language="en")
    chat = backend.complete([*prompt.messages, {"role": "assistant", "content": start}],
                            max_tokens=12, temperature=0.0)
    raw = backend._server.handle_completions({
        "prompt": render_chat(prompt.messages, start), "n_predict": 12, "temperature": 0.0})
    assert chat.prompt_tokens == raw["usage"]["prompt_tokens"]
    # the chat reply repeats the answer start; the raw one may end inside a UTF-8 character
    continued = chat.text.removeprefix(start).strip()
    raw_text = str(raw["choices"][0]["text"]).rstrip("\ufffd").strip()
    assert raw_text and continued.startswith(raw_text)
