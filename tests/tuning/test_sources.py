"""``--source references`` and ``--source distill``: review sentences and a teacher model's drafts
become targets only when the verifier passes them; the rest is dropped and counted.

The references tests use a small synthetic shop written here (reviews in English and Chinese,
with planted unsupported claims and contact data); the distill tests talk to a real
OpenAI-compatible server: the llama.cpp engine serving the bundled model on 127.0.0.1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from whyrec.backends.fake import FakeBackend
from whyrec.backends.llamacpp import LlamaCppBackend
from whyrec.cli.main import main
from whyrec.data import dataset_from_frames
from whyrec.data.dataset import MAX_REVIEW_CHARS, Dataset
from whyrec.data.load import load_dataset
from whyrec.errors import ConfigError
from whyrec.explanation.explainer import Explainer
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.tuning.data import TrainingPair, build_pairs, is_held_out
from whyrec.tuning.distill import distill_pairs
from whyrec.tuning.references import (
    as_target,
    left_out,
    second_person,
    sentence_language,
    sentences,
)

EMAIL = "ann.lee@example.com"
GROUPS = (("Guitar Tuners", "吉他调音器", "tuner"), ("Guitar Strings", "吉他弦", "strings"),
          ("Drum Sticks", "鼓槌", "sticks"))
#: sentences no target may ever hold: a price the facts do not give, another shop's product
PLANTED = ("cost 37 dollars", "Strobe Master Pro", "价格是37元")


Judge = Callable[..., list[str]]  # the judge_pairs fixture (conftest.py)

def _review(group: int, zh: bool) -> str:
    feature, feature_zh, _ = GROUPS[group]
    if zh:
        # the first sentence is backed by the facts (the category); "声音清楚" is an
        # attribute no fact states, so the verifier keeps it out of every target
        return (f"我很喜欢这类{feature_zh}。声音清楚。快递太慢了。这些{feature_zh}的价格是37元。"
                f"有问题请发邮件到 {EMAIL} 咨询{feature_zh}。")
    low = feature.lower()
    return (f"I love these {low}. I love how steady these {low} are. "
            f"Shipping was slow and the box was dented. "
            f"My old {low} never felt this solid. These {low} cost 37 dollars. "
            f"It beats my Strobe Master Pro and other {low}. "
            f"Questions about the {low}? Write to {EMAIL} any time.")


def _frames(review_column: str = "reviewText") -> tuple[pd.DataFrame, pd.DataFrame]:
    items = []
    for g, (feature, _, word) in enumerate(GROUPS):
        items += [{"item_id": f"g{g}i{k}", "title": f"Acme {word.title()} Model {chr(65 + k)}",
                   "category": feature} for k in range(5)]
    items.append({"item_id": "strobe", "title": "Strobe Master Pro", "category": "Pedals"})
    held_out = [f"p{u:03d}" for u in range(200) if is_held_out(f"p{u:03d}")][:4]
    training = [f"p{u:03d}" for u in range(200) if not is_held_out(f"p{u:03d}")][:30]
    rows = []
    for n, user in enumerate(training + held_out):
        group = n % 3
        history = [f"g{group}i{(n + k) % 5}" for k in range(4)]
        for k, item in enumerate(history):
            last = k == len(history) - 1
            rows.append({"user": user, "item": item, "event": "purchase",
                         "timestamp": 1_700_000_000 + 3600 * (10 * n + k),
                         review_column: _review(group, zh=n % 2 == 1) if last else ""})
    return pd.DataFrame(rows), pd.DataFrame(items)


@pytest.fixture(scope="module")
def shop() -> Dataset:
    interactions, items = _frames()
    return dataset_from_frames(
        interactions, items, name="reviewed-shop",
        translations={"zh": {feature: zh for feature, zh, _ in GROUPS}})


def _judge_references(dataset: Dataset, pairs: list[TrainingPair]) -> None:
    """Every pair: a training person, a sentence of their review, and a text the verifier
    passes against *all* of the evidence (the prompt's facts are a subset of it)."""
    pipeline = Pipeline(dataset, create("itemknn").fit(dataset))
    judge = Explainer("template", dataset=dataset)
    for pair in pairs:
        user, item, language = pair.key.split("|")
        assert not is_held_out(user)
        review = dataset.review(user, item)
        assert review is not None
        assert pair.target in {as_target(s, language) for s in sentences(review)}
        rec = left_out(pipeline, user, item)
        start = pair.prompt.rsplit("<|im_start|>assistant\n", 1)[1]
        verdict = judge.verify(start + pair.target, rec, language=language)
        assert verdict.passed, (pair.target, verdict.unsupported)


# --- the review column --------------------------------------------------------------------------
def test_the_review_column_is_optional_validated_cut_and_scrubbed(tmp_path: Path) -> None:
    interactions, items = _frames(review_column="Comment")
    interactions.loc[0, "Comment"] = "Fine guitar tuners. " + "x" * (2 * MAX_REVIEW_CHARS)
    interactions.loc[1, "Comment"] = None
    data = dataset_from_frames(interactions, items, column_map={"review": "Comment"})
    assert data.has_reviews and "review" not in data.interactions.columns
    first = interactions.loc[0, "user"], interactions.loc[0, "item"]
    assert len(data.review(*first) or "") == MAX_REVIEW_CHARS
    assert any("cut 1 reviews" in w for w in data.report.warnings)
    assert data.review(interactions.loc[1, "user"], interactions.loc[1, "item"]) is None
    with_mail = interactions.loc[3, "user"], interactions.loc[3, "item"]
    scrubbed = data.review(*with_mail) or ""
    assert EMAIL not in scrubbed and "(email)" in scrubbed
    assert data.n_reviews == sum(1 for t in interactions["Comment"] if t) - 1
    assert data.subset(data.interactions.head(5)).review(*with_mail) == scrubbed
    # a dataset folder: found under an alias, no column_map needed
    interactions.rename(columns={"Comment": "review_text"}).to_csv(
        tmp_path / "interactions.csv", index=False)
    items.to_csv(tmp_path / "items.csv", index=False)
    assert load_dataset(tmp_path).review(*with_mail) == scrubbed
    without = dataset_from_frames(interactions.drop(columns="Comment"), items)
    assert not without.has_reviews and without.review(*with_mail) is None


# --- references ---------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "zh"])
def test_reference_targets_are_review_sentences_the_verifier_passes(
        shop: Dataset, language: str) -> None:
    stats: Counter[str] = Counter()
    pairs = list(build_pairs(shop, source="references", languages=[language], max_pairs=50,
                             stats=stats))
    assert len(pairs) >= 5
    assert {p.language for p in pairs} == {language}
    assert stats["accepted"] == stats[f"accepted:{language}"] == len(pairs)
    assert stats["skipped:language"] > 0  # the other language's reviews
    assert len({p.key for p in pairs}) == len(pairs)  # one sentence per (person, item)
    _judge_references(shop, pairs)


def test_unsupported_and_personal_sentences_never_become_targets(shop: Dataset) -> None:
    stats: Counter[str] = Counter()
    pairs = list(build_pairs(shop, source="references", max_pairs=100, stats=stats))
    assert pairs
    for pair in pairs:
        text = pair.prompt + pair.target
        assert EMAIL not in text and "(email)" not in text and "@" not in text
        assert not any(planted.lower() in pair.target.lower() for planted in PLANTED)
    assert stats["skipped:personal_data"] > 0  # the sentences that held the e-mail address
    assert stats["dropped:number"] > 0  # "cost 37 dollars" said of the item
    assert stats["dropped:title"] > 0  # "Strobe Master Pro" is not in the facts
    assert stats["skipped:no_mention"] > 0  # "Shipping was slow…"
    assert stats["reviews"] == 30 * 1  # one review per training person, none held out


def test_reference_pairs_are_deterministic_from_the_seed(shop: Dataset) -> None:
    def run(seed: int) -> list[tuple[str, str]]:
        return [(p.key, p.target) for p in build_pairs(shop, source="references", seed=seed,
                                                       max_pairs=20)]

    assert run(0) == run(0)
    assert run(0) != run(1)


def test_references_need_review_text(demo_dataset: Dataset) -> None:
    with pytest.raises(ConfigError, match="needs review text"):
        list(build_pairs(demo_dataset, source="references"))


def test_review_sentences_are_said_to_their_writer() -> None:
    assert sentences("Great tuner!  It holds pitch. 音色很好。价格合适") == [
        "Great tuner!", "It holds pitch.", "音色很好。", "价格合适"]
    assert second_person("I've had my tuner since I was young, i.e. long", "en") == (
        "you've had your tuner since you were young, i.e. long")
    assert second_person("我们都喜欢", "zh") == "你们都喜欢"
    assert as_target("The guitar tuners are great!", "en") == " the guitar tuners are great."
    assert as_target("TC Electronic makes good guitar tuners", "en") == (
        " TC Electronic makes good guitar tuners.")  # only a plain capital is lowered
    assert as_target("Too short.", "en") is None
    assert as_target("我很喜欢这类吉他调音器！", "zh") == "你很喜欢这类吉他调音器。"
    assert sentence_language("吉他调音器很好") == "zh"
    assert sentence_language("Nice guitar tuners") == "en"
    assert sentence_language("!!!") is None


# --- distill ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server_url(llamacpp_backend: LlamaCppBackend) -> str:
    return llamacpp_backend.address + "/v1"  # the openai client wants the API root


@pytest.mark.slow
def test_distilled_targets_from_a_real_server_pass_the_verifier(
        demo_dataset: Dataset, server_url: str, judge_pairs: Judge) -> None:
    stats: Counter[str] = Counter()
    pairs = list(build_pairs(demo_dataset, source="distill", base_url=server_url,
                             llm_model="SmolLM2-135M-Instruct", languages=["en"], max_pairs=2,
                             stats=stats))
    assert len(pairs) == 2 and stats["accepted"] == 2
    assert stats["drafts"] >= 2 and stats["drafts"] == sum(
        v for k, v in stats.items() if k == "accepted" or k.startswith("dropped:"))
    judge_pairs(demo_dataset, pairs)
    # reproducible: the same seeds give the same targets. llama.cpp's prompt cache changes the
    # arithmetic a little with what the slot held before, so compare two runs that each start
    # after the same run (the first one ran after whatever test came before)
    runs = [[(p.key, p.target) for p in build_pairs(
        demo_dataset, source="distill", base_url=server_url, llm_model="SmolLM2-135M-Instruct",
        languages=["en"], max_pairs=2)] for _ in range(2)]
    assert runs[0] == runs[1]
    assert [key for key, _ in runs[0]] == [p.key for p in pairs]


@pytest.mark.slow
def test_distilled_chinese_targets(demo_dataset: Dataset, server_url: str,
                                   judge_pairs: Judge) -> None:
    pairs = list(build_pairs(demo_dataset, source="distill", base_url=server_url,
                             llm_model="SmolLM2-135M-Instruct", languages=["zh"], max_pairs=1))
    assert len(pairs) == 1 and pairs[0].language == "zh"
    assert pairs[0].prompt.endswith(("因为", "原因是", "理由是"))  # an answer start
    judge_pairs(demo_dataset, pairs)


@pytest.mark.slow  # every draft is refused, so it walks the whole demo
def test_failing_drafts_are_dropped_and_counted(demo_dataset: Dataset) -> None:
    teacher = FakeBackend(replies=[" you rated \u201cThe Invented Film\u201d 5/5."],
                          prefill=True)
    stats: Counter[str] = Counter()
    pairs = list(distill_pairs(demo_dataset, teacher=teacher, languages=["en"], max_pairs=3,
                               per_user=1, stats=stats, seed=0))
    assert pairs == [] and stats["accepted"] == 0
    assert stats["drafts"] > 0 and stats["drafts"] == sum(
        v for k, v in stats.items() if k.startswith("dropped:"))


def test_a_server_that_does_not_answer_is_named(demo_dataset: Dataset) -> None:
    with pytest.raises(ConfigError, match="failed 3 requests"):
        list(build_pairs(demo_dataset, source="distill", base_url="http://127.0.0.1:9/v1",
                         llm_model="teacher", llm_timeout=5))


def test_server_options_belong_to_distill(demo_dataset: Dataset, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match="distill only"):
        list(build_pairs(demo_dataset, base_url="http://127.0.0.1:9/v1"))
    code = main(["tune", "--data", "demo", "--out", str(tmp_path), "--model", "teacher"])
    assert code == 1
    assert "apply to --source distill only" in capsys.readouterr().err
    assert main(["tune", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--base-url" in help_text and "not implemented" not in help_text
