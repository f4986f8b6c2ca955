"""Training pairs for fine-tuning: the exact prompt whyrec sends -> a faithful continuation.

The prompt comes from :meth:`~whyrec.explanation.explainer.Explainer.prompt_for` (so it is the
one the ``llamacpp`` backend receives, answer start included), rendered with the bundled model's
ChatML template. The target is the text after the answer start. Where targets come from:

* ``paraphrase``: the prompt's facts worded many ways (:mod:`whyrec.tuning.paraphrase`);
* ``references``: sentences of the person's own review of the item that mention a fact's
  feature or title, as PETER and PEPLER train on (:mod:`whyrec.tuning.references`);
* ``distill``: drafts of a larger model on an OpenAI-compatible server
  (:mod:`whyrec.tuning.distill`).

Every target, whatever its source, is checked by the verifier against the prompt's facts
exactly as a model draft would be (:func:`accept_target`); failures are dropped and counted.
People whose id falls in the held-out share (:func:`is_held_out`) are never used, so the
benchmark can measure on them.
"""

from __future__ import annotations

import json
import random
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whyrec.backends.base import Message
from whyrec.errors import ConfigError
from whyrec.explanation.explainer import MAX_TOKENS, Explainer
from whyrec.explanation.prompt import estimate_tokens
from whyrec.privacy.clean import clean_text
from whyrec.tuning.paraphrase import paraphrase
from whyrec.values import Style

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset
    from whyrec.explanation.prompt import Prompt
    from whyrec.verification.verifier import Verifier

#: where targets come from
SOURCES = ("paraphrase", "references", "distill")
#: share of people kept out of training (for the benchmark)
HELD_OUT_FRACTION = 0.2
END_OF_TURN = "<|im_end|>"
#: lengths a pair is written for, and how often (the default ``medium`` dominates)
LENGTH_WEIGHTS = {"medium": 0.8, "short": 0.1, "detailed": 0.1}


@dataclass(frozen=True)
class TrainingPair:
    """One example: ``prompt`` (rendered chat up to the answer start) and ``target``."""

    prompt: str
    target: str
    language: str
    key: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def is_held_out(user_id: str, fraction: float = HELD_OUT_FRACTION) -> bool:
    """Whether a person is kept out of training (stable across runs and processes).

    Examples
    --------
    >>> sum(is_held_out(str(u)) for u in range(1000)) in range(150, 250)
    True
    """
    return zlib.crc32(f"tune\x1f{user_id}".encode()) % 1000 < fraction * 1000


def training_users(dataset: Dataset, rng: random.Random) -> list[str]:
    """The people pairs may come from (none held out), in an order drawn from ``rng``."""
    users = [str(u) for u in dataset.user_ids.tolist() if not is_held_out(str(u))]
    rng.shuffle(users)
    return users


def pick_style(rng: random.Random) -> Style:
    """A length drawn by ``LENGTH_WEIGHTS`` (mostly the default, ``medium``)."""
    return Style(length=rng.choices(list(LENGTH_WEIGHTS),
                                    weights=list(LENGTH_WEIGHTS.values()))[0])


def render_chat(messages: Sequence[Message], start: str) -> str:
    """The text llama.cpp builds from ``messages`` with ChatML (SmolLM2's template), the
    assistant's reply begun with ``start``."""
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}{END_OF_TURN}\n" for m in messages)
    return f"{turns}<|im_start|>assistant\n{start}"


def build_pairs(
    dataset: Dataset, *, source: str = "paraphrase", languages: Sequence[str] = ("en", "zh"),
    language_weights: Sequence[float] | None = None, max_pairs: int = 400, per_user: int = 3,
    seed: int = 0, algo: str = "itemknn", stats: Counter[str] | None = None,
    base_url: str | None = None, model: str | None = None, timeout: float = 60.0,
) -> Iterator[TrainingPair]:
    """Verified training pairs from ``dataset``'s training people (never the held-out ones).

    Parameters
    ----------
    dataset : the catalog and interactions (with review text for ``references``).
    source : ``paraphrase``, ``references`` or ``distill`` (see the module's docstring).
    languages, language_weights : the languages pairs are written in, and how often; for
        ``references`` the review's own language decides (sentences in other languages are
        skipped) and the weights are not used.
    max_pairs : stop after this many accepted pairs.
    per_user : recommendations explained per person (``references``: reviewed items used).
    seed : the same seed and data give the same pairs (``distill``: as far as the server
        samples deterministically from a seed, as llama.cpp and vLLM do).
    stats : filled with counts of accepted and dropped targets, by reason (the verifier's
        kinds as ``dropped:KIND``; ``skipped:…`` for review sentences never put to it).
    base_url, model, timeout : ``distill`` only: the OpenAI-compatible server (its API root,
        e.g. ``http://host:8000/v1``; default ``$WHYREC_BASE_URL``) and its model name
        (default ``$WHYREC_MODEL``); the key comes from ``$WHYREC_API_KEY``.

    Examples
    --------
    >>> from whyrec.data.load import load_dataset
    >>> pairs = list(build_pairs(load_dataset("demo"), max_pairs=2))   # doctest: +SKIP
    """
    if source not in SOURCES:
        raise ConfigError(f"--source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source != "distill" and (base_url is not None or model is not None):
        raise ConfigError("--base-url and --model apply to --source distill only")
    stats = stats if stats is not None else Counter()
    if source == "references":
        from whyrec.tuning.references import reference_pairs

        yield from reference_pairs(dataset, languages=languages, max_pairs=max_pairs,
                                   per_user=per_user, seed=seed, algo=algo, stats=stats)
        return
    if source == "distill":
        from whyrec.tuning.distill import distill_pairs

        yield from distill_pairs(dataset, base_url=base_url, model=model, timeout=timeout,
                                 languages=languages, language_weights=language_weights,
                                 max_pairs=max_pairs, per_user=per_user, seed=seed, algo=algo,
                                 stats=stats)
        return
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline

    rng = random.Random(f"{seed}\x1f{dataset.domain}")
    pipeline = Pipeline(dataset, create(algo).fit(dataset), backend="template")
    explainer = _PrefillExplainer(dataset)
    users = training_users(dataset, rng)
    made = 0
    for user in users:
        for rec in pipeline.recommend(user, n=per_user):
            language = rng.choices(list(languages), weights=language_weights)[0]
            pair = _pair(explainer, rec, language, rng, stats)
            if pair is not None:
                made += 1
                yield pair
                if made >= max_pairs:
                    return


def save_pairs(pairs: Iterable[TrainingPair], path: Path) -> int:
    """Write pairs as JSON lines; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(pair.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    return count


def load_pairs(path: Path) -> list[TrainingPair]:
    """Pairs written by :func:`save_pairs`."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [TrainingPair(**row) for row in rows]


# --- one pair -----------------------------------------------------------------------------------
class _PrefillExplainer(Explainer):
    """An explainer that builds prompts as for a prefill-capable backend, loading no model."""

    def __init__(self, dataset: Dataset) -> None:
        from whyrec.backends.fake import FakeBackend

        super().__init__(FakeBackend(prefill=True), dataset=dataset, audit=False, local_only=False)


def _pair(explainer: Explainer, rec: Any, language: str, rng: random.Random,
          stats: Counter[str]) -> TrainingPair | None:
    style = pick_style(rng)
    prompt, verifier, start = explainer.prompt_for(rec, language=language, style=style)
    facts = list(prompt.facts)
    if not facts:
        stats["no_facts"] += 1
        return None
    chosen = _choose(facts, style, rng)
    translations = dict(explainer._translations(language))
    scale = (explainer.dataset.rating_scale if explainer.dataset else None) or 5.0
    target = paraphrase(chosen, language, explainer.domain, rng, translations=translations,
                        rating_scale=scale)
    return accept_target((prompt, verifier, start), target, language=language, style=style,
                         key=f"{rec.user_id}|{rec.item_id}|{language}", stats=stats)


def accept_target(request: tuple[Prompt, Verifier, str], target: str, *, language: str,
                  style: Style, key: str, stats: Counter[str]) -> TrainingPair | None:
    """The pair ``request`` (from :meth:`Explainer.prompt_for`) -> ``target``, or ``None``.

    ``target`` continues the answer start. It is dropped (and counted in ``stats``) when
    cleaning would change it, when it is longer than 80% of the style's token limit, or when
    the verifier rejects the whole answer against the prompt's facts (``dropped:KIND``, the
    first complaint's kind).
    """
    prompt, verifier, start = request
    draft = clean_text(start + target, purpose="reply")
    limit = MAX_TOKENS[style.length] * (1.5 if language == "zh" else 1)
    if draft != " ".join((start + target).split()) or estimate_tokens(target) > 0.8 * limit:
        stats["too_long"] += 1
        return None
    verdict = verifier.verify(draft, prompt.support, language, style)
    if not verdict.passed:
        stats.update(f"dropped:{s.kind}" for s in verdict.unsupported[:1])
        return None
    stats["accepted"] += 1
    stats[f"accepted:{language}"] += 1
    return TrainingPair(prompt=render_chat(prompt.messages, start), target=target,
                        language=language, key=key)


def _choose(facts: list[Any], style: Style, rng: random.Random) -> list[Any]:
    """One to ``style.n_facts`` facts, usually the strongest first, kept in prompt order."""
    most = min(len(facts), 1 if style.length == "short" else style.n_facts)
    weights = [1.0, 1.6, 1.2, 0.6, 0.4][:most]
    k = rng.choices(range(1, most + 1), weights=weights)[0]
    first = 0 if rng.random() < 0.85 else rng.randrange(len(facts))
    others = [i for i in range(len(facts)) if i != first]
    picked = sorted([first, *rng.sample(others, min(k - 1, len(others)))])
    return [facts[i] for i in picked]
