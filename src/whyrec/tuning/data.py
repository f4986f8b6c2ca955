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
exactly as a model draft would be (:func:`~whyrec.tuning.pairs.accept_target`); failures are
dropped and counted. People whose id falls in the held-out share
(:func:`~whyrec.tuning.pairs.is_held_out`) are never used, so the benchmark can measure on them.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whyrec.errors import ConfigError
from whyrec.explanation.explainer import Explainer
from whyrec.explanation.prompt import prompt_title
from whyrec.tuning.distill import distill_pairs
from whyrec.tuning.pairs import (
    COMPACT,
    END_OF_TURN,
    TrainingPair,
    accept_target,
    is_held_out,
    pick_style,
    prefill_explainer,
    render_chat,
    training_users,
    tuning_pipeline,
)
from whyrec.tuning.paraphrase import framed, paraphrase
from whyrec.tuning.references import reference_pairs
from whyrec.values import Style

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset

# the pair and its helpers live in ``pairs`` (every source uses them); named here too, where
# callers have always found them
__all__ = ["END_OF_TURN", "SOURCES", "TrainingPair", "build_pairs", "is_held_out", "load_pairs",
           "render_chat", "save_pairs"]

#: where targets come from
SOURCES = ("paraphrase", "references", "distill")


def build_pairs(
    dataset: Dataset, *, source: str = "paraphrase", languages: Sequence[str] = ("en", "zh"),
    language_weights: Sequence[float] | None = None, max_pairs: int = 400, per_user: int = 3,
    seed: int = 0, algorithm: str = "itemknn", stats: Counter[str] | None = None,
    base_url: str | None = None, llm_model: str | None = None, llm_timeout: float = 60.0,
    layout: str = "full",
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
    algorithm : the recommender whose recommendations are explained.
    layout : the prompt the adapter will be sent: ``full`` (the worked example, the answer begun
        "We picked “X” because"; the target goes on from there) or ``compact`` (no example, the
        answer begun with the item's title).
    base_url, llm_model, llm_timeout : ``distill`` only: the OpenAI-compatible server (its API root,
        e.g. ``http://host:8000/v1``; default ``$WHYREC_BASE_URL``) and its model name
        (default ``$WHYREC_MODEL``); the key comes from ``$WHYREC_API_KEY``.

    Examples
    --------
    >>> from whyrec.data.load import load_dataset
    >>> pairs = list(build_pairs(load_dataset("demo"), max_pairs=2))   # doctest: +SKIP
    """
    if source not in SOURCES:
        raise ConfigError(f"--source must be one of {', '.join(SOURCES)}, got {source!r}")
    if source != "distill" and (base_url is not None or llm_model is not None):
        raise ConfigError("--base-url and --model apply to --source distill only")
    stats = stats if stats is not None else Counter()
    if source == "references":
        yield from reference_pairs(dataset, languages=languages, max_pairs=max_pairs,
                                   per_user=per_user, seed=seed, algorithm=algorithm,
                                   stats=stats)
        return
    if source == "distill":
        yield from distill_pairs(dataset, base_url=base_url, llm_model=llm_model,
                                 llm_timeout=llm_timeout, languages=languages,
                                 language_weights=language_weights, max_pairs=max_pairs,
                                 per_user=per_user, seed=seed, algorithm=algorithm, stats=stats)
        return
    rng = random.Random(f"{seed}\x1f{dataset.domain}")
    pipeline = tuning_pipeline(dataset, algorithm,
                               prefill_explainer(dataset, tuned=layout == COMPACT))
    users = training_users(dataset, rng)
    made = 0
    for user in users:
        for rec in pipeline.recommend(user, n=per_user):
            language = rng.choices(list(languages), weights=language_weights)[0]
            pair = _pair(pipeline.explainer, rec, language, rng, stats)
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
def _pair(explainer: Explainer, rec: Any, language: str, rng: random.Random,
          stats: Counter[str]) -> TrainingPair | None:
    style = pick_style(rng)
    prompt, verifier, start = explainer.prompt_for(rec, language=language, style=style)
    facts = list(prompt.facts)
    if not facts:
        stats["no_facts"] += 1
        return None
    chosen = _choose(facts, style, rng)
    translations = dict(explainer.dataset.translations.get(language, {})
                        if explainer.dataset else {})
    scale = (explainer.dataset.rating_scale if explainer.dataset else None) or 5.0
    if start and not explainer.backend.tuned:  # "We picked “X” because": the target goes on
        target = paraphrase(chosen, language, explainer.domain, rng, translations=translations,
                            rating_scale=scale)
    else:  # the compact prompt: the whole text in one of many shapes, after the title if begun
        text = framed(prompt_title(prompt.support.item_title), chosen,
                      language, explainer.domain, rng, tone=style.tone,
                      translations=translations, rating_scale=scale, title_first=bool(start))
        target = text[len(start):] if start and text.startswith(start) else text
    return accept_target((prompt, verifier, start), target, language=language, style=style,
                         key=f"{rec.user_id}|{rec.item_id}|{language}", stats=stats)


#: how many facts a text of each length words (issue 17: short 1, medium 2-3, detailed 4-5)
FACTS_WORDED = {"short": (1, 1), "medium": (2, 3), "detailed": (4, 5)}


def _choose(facts: list[Any], style: Style, rng: random.Random) -> list[Any]:
    """As many facts as the length words, the strongest (or the preferred kind) first, then
    facts of kinds not yet worded before more of the same kind; kept in prompt order."""
    low, high = FACTS_WORDED[style.length]
    k = min(len(facts), rng.randint(low, high))
    picked = [0]
    while len(picked) < k:
        kinds = {facts[i].kind for i in picked}
        fresh = [i for i in range(len(facts)) if i not in picked and facts[i].kind not in kinds]
        pool = fresh or [i for i in range(len(facts)) if i not in picked]
        picked.append(pool[0] if rng.random() < 0.7 else rng.choice(pool))
    return [facts[i] for i in sorted(picked)]
