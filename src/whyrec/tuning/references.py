"""Targets from people's own words: review sentences that mention the evidence (PETER, PEPLER).

PETER and PEPLER train explanation generators on sentences of a person's review of an item
that name one of the item's features. Here a (person, item) with a review becomes a training
pair when one of the review's sentences mentions a fact of the evidence whyrec has for that
recommendation, and the whole answer passes the verifier against the prompt's facts exactly as
a model draft must:

1. the item is taken out of the person's history and scored and explained as if recommended
   (leave one out: the evidence whyrec would have shown before the review was written);
2. the review, scrubbed of personal data by :meth:`~whyrec.data.dataset.Dataset.review`, is
   split into sentences, each put in the second person ("I", "my" -> "you", "your"; "我" ->
   "你"), since whyrec speaks to the person;
3. a sentence is skipped when its language was not asked for (``skipped:language``), when it
   held personal data (``skipped:personal_data``: a scrubbing placeholder such as ``(email)``
   is never trained on), when it is too short or too long (``skipped:short``, ``too_long``),
   or when it mentions no fact's feature or title (``skipped:no_mention``: a shared feature, a
   history item's or a cohort anchor's title, a trend's category);
4. the others go through the verifier (``dropped:KIND`` when it objects: a title, brand or
   number the facts do not back, "you bought it", a missing item name...); of the sentences that
   pass, one per (person, item, language) is kept, drawn from the seed.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from scipy import sparse

from whyrec.errors import ConfigError
from whyrec.explanation.explainer import MAX_TOKENS
from whyrec.explanation.prompt import estimate_tokens
from whyrec.privacy.pii import PLACEHOLDERS
from whyrec.text import CJK_RE, LATIN_LETTER_RE, WORD_RE
from whyrec.tuning.pairs import TrainingPair, accept_target, training_users, tuning_pipeline
from whyrec.types import Cohort, HistoryItem, SharedFeature, Trend
from whyrec.values import LENGTHS, Style

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset
    from whyrec.explanation.explainer import Explainer
    from whyrec.pipeline import Pipeline

#: a review sentence ends after ., !, ? and a space, or after 。！？；
SPLIT_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
#: the person's "I" becomes the "you" whyrec speaks to
SECOND_PERSON = {
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "i am": "you are",
    "i was": "you were", "i": "you", "me": "you", "my": "your", "mine": "yours",
    "myself": "yourself",
}
FIRST_PERSON_RE = re.compile(
    r"\b(?:i['’](?:m|ve|d|ll)|i am|i was|myself|mine|my|me|i)\b(?![.'’]\w)", re.IGNORECASE)
#: fewest words (Latin) or characters (Chinese) a sentence needs to say anything
MIN_WORDS, MIN_CHARS = 3, 6
#: facts a sentence may mention: the ones with a feature or a title, not a count
MENTIONABLE = (SharedFeature, HistoryItem, Cohort, Trend)


def reference_pairs(
    dataset: Dataset, *, languages: Sequence[str] = ("en", "zh"), max_pairs: int = 400,
    per_user: int = 3, seed: int = 0, algorithm: str = "itemknn",
    stats: Counter[str] | None = None,
) -> Iterator[TrainingPair]:
    """Verified pairs whose targets are sentences of the training people's own reviews.

    See the module's docstring for the steps and the reasons counted in ``stats``.

    Raises
    ------
    ConfigError
        ``dataset`` has no review text.

    Examples
    --------
    >>> pairs = list(reference_pairs(load_dataset("shop/"), max_pairs=5))   # doctest: +SKIP
    """
    if not dataset.has_reviews:
        raise ConfigError(
            f"--source references needs review text, and {dataset.name} has none: give the "
            "interactions a 'review' column (or map one: column_map={'review': '<column>'})")
    stats = stats if stats is not None else Counter()
    rng = random.Random(f"{seed}\x1freferences\x1f{dataset.domain}")
    pipeline = tuning_pipeline(dataset, algorithm)
    made = 0
    for user in training_users(dataset, rng):
        items = dataset.reviewed_items(user)
        if not items:
            continue
        for item in rng.sample(items, min(per_user, len(items))):
            text = dataset.review(user, item) or ""
            stats["reviews"] += 1
            rec = left_out(pipeline, user, item)
            for pair in _pairs_from_review(pipeline.explainer, rec, text, languages, rng,
                                           stats):
                made += 1
                yield pair
                if made >= max_pairs:
                    return


def sentences(text: str) -> list[str]:
    """The review's sentences, whitespace collapsed, end punctuation kept.

    Examples
    --------
    >>> sentences("Great tuner!  Holds pitch. 音色很好。价格也合适")
    ['Great tuner!', 'Holds pitch.', '音色很好。', '价格也合适']
    """
    return [s for s in (" ".join(part.split()) for part in SPLIT_RE.split(text)) if s]


def second_person(sentence: str, language: str) -> str:
    """The sentence said to its writer: "I love my tuner" -> "you love your tuner".

    Examples
    --------
    >>> second_person("I'm sure my son likes it", "en")
    "you're sure your son likes it"
    >>> second_person("我很喜欢", "zh")
    '你很喜欢'
    """
    if language == "zh":
        return sentence.replace("我", "你")
    return FIRST_PERSON_RE.sub(
        lambda m: SECOND_PERSON[" ".join(m.group().lower().replace("’", "'").split())], sentence)


def sentence_language(sentence: str) -> str | None:
    """``zh`` for mostly Chinese text, ``en`` for Latin text, ``None`` for neither."""
    cjk = len(CJK_RE.findall(sentence))
    latin = len(LATIN_LETTER_RE.findall(sentence))
    if cjk >= 2 and cjk >= latin:
        return "zh"
    return "en" if latin and not cjk else None


def as_target(sentence: str, language: str) -> str | None:
    """The sentence as the continuation of the answer start ("… because" / "…，因为")."""
    if language == "zh":
        body = second_person(sentence, "zh").strip().rstrip("。！？!?.;；，,… ")
        if len(CJK_RE.findall(body)) < MIN_CHARS:
            return None
        return body + "。"
    body = second_person(sentence, "en").strip().strip("\"'“”‘’-–— ").rstrip(".!?;:,… ")
    if len(WORD_RE.findall(body)) < MIN_WORDS:
        return None
    first = body.split(" ", 1)[0]
    if first[:1].isupper() and first[1:] == first[1:].lower() and first != "I":
        body = body[:1].lower() + body[1:]  # "The sound…" after "because": "the sound…"
    return " " + body + "."


# --- one review -----------------------------------------------------------------------------
def _pairs_from_review(explainer: Explainer, rec: Any, text: str, languages: Sequence[str],
                       rng: random.Random, stats: Counter[str]) -> list[TrainingPair]:
    passed: dict[str, list[tuple[TrainingPair, Counter[str]]]] = {}
    requests: dict[tuple[str, str], Any] = {}
    for sentence in sentences(text):
        stats["sentences"] += 1
        language = sentence_language(sentence)
        if language is None or language not in languages:
            stats["skipped:language"] += 1
            continue
        if PLACEHOLDER_RE.search(sentence):
            stats["skipped:personal_data"] += 1
            continue
        target = as_target(sentence, language)
        if target is None:
            stats["skipped:short"] += 1
            continue
        lengths = [n for n in LENGTHS if estimate_tokens(target)
                   <= 0.8 * MAX_TOKENS[n] * (1.5 if language == "zh" else 1)]
        if not lengths:
            stats["too_long"] += 1
            continue
        for length in lengths:  # the shortest style whose prompt has a fact it mentions
            key = (language, length)
            if key not in requests:
                requests[key] = explainer.prompt_for(rec, language=language,
                                                     style=Style(length=length))
            prompt = requests[key][0]
            cited = set(prompt.support.cited_ids(target))
            if any(f.id in cited for f in prompt.facts if isinstance(f, MENTIONABLE)):
                break
        else:
            stats["skipped:no_mention"] += 1
            continue
        judged: Counter[str] = Counter()
        if explainer.backend.tuned:  # a tuned model's start is the title alone
            target = (" is here because" if language == "en" else "很适合你，因为") + target
        pair = accept_target(requests[key], target, language=language,
                             style=Style(length=length),
                             key=f"{rec.user_id}|{rec.item_id}|{language}", stats=judged)
        if pair is None:
            stats.update(judged)
        else:
            passed.setdefault(language, []).append((pair, judged))
    kept = []
    for language in sorted(passed):
        chosen = rng.randrange(len(passed[language]))
        pair, judged = passed[language][chosen]
        stats.update(judged)
        stats["skipped:another_sentence_kept"] += len(passed[language]) - 1
        kept.append(pair)
    return kept


def left_out(pipeline: Pipeline, user: str, item: str) -> Any:
    """``item`` scored and explained for ``user`` as if it were not in their history."""
    model = pipeline.recommender
    full = model.history_row(user)
    keep = full.indices != model.item_index[item]
    # drop only this item: a dislike's explicit 0 stays (seen, not recommended back)
    row = sparse.csr_matrix((full.data[keep], full.indices[keep], [0, int(keep.sum())]),
                            shape=full.shape)
    rec = model.recommend_item(user, item, history=row)
    history = [str(model.item_ids[c]) for c in row.indices.tolist()]
    return pipeline.enrich([rec], history)[0]
