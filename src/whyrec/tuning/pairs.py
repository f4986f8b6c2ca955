"""What every source of training pairs shares: the pair, who may be trained on, the prompt whyrec
sends (from an explainer that starts the answer, as the bundled model's does), and the check
every target passes (:func:`accept_target`).

The sources themselves — paraphrases (:mod:`whyrec.tuning.data`), people's reviews
(:mod:`whyrec.tuning.references`) and a teacher model (:mod:`whyrec.tuning.distill`) — build on
this module; :func:`whyrec.tuning.data.build_pairs` picks one.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from whyrec.backends.base import Message
from whyrec.backends.fake import FakeBackend
from whyrec.explanation.explainer import MAX_TOKENS, Explainer, clean_draft
from whyrec.explanation.prompt import estimate_tokens
from whyrec.models.registry import create
from whyrec.pipeline import Pipeline
from whyrec.values import Style

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset
    from whyrec.explanation.prompt import Prompt
    from whyrec.verification.verifier import Verifier

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


#: how often a pair is written in the friendly tone, and leading with a preferred kind
FRIENDLY_SHARE = 0.2
PREFER_SHARE = 0.2
#: the kinds a drawn preference may name (what people ask for most)
PREFERABLE = ("history_item", "shared_feature", "cohort", "item_quality", "trend")


def pick_style(rng: random.Random) -> Style:
    """A length drawn by ``LENGTH_WEIGHTS`` (mostly the default, ``medium``); sometimes the
    friendly tone, sometimes a preferred kind of fact (the prompt then leads with it)."""
    length = rng.choices(list(LENGTH_WEIGHTS), weights=list(LENGTH_WEIGHTS.values()))[0]
    tone = "friendly" if rng.random() < FRIENDLY_SHARE else "neutral"
    prefer = (rng.choice(PREFERABLE),) if rng.random() < PREFER_SHARE else ()
    return Style(length=length, tone=tone, prefer=prefer)


def render_chat(messages: Sequence[Message], start: str) -> str:
    """The text llama.cpp builds from ``messages`` with ChatML (SmolLM2's template), the
    assistant's reply begun with ``start``."""
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}{END_OF_TURN}\n" for m in messages)
    return f"{turns}<|im_start|>assistant\n{start}"


#: the prompt layouts an adapter may be trained for (the llamacpp backend reads the one in the
#: adapter's sidecar)
LAYOUTS = ("full", "compact")
COMPACT = "compact"


def prefill_explainer(dataset: Dataset, *, tuned: bool = False) -> Explainer:
    """An explainer that builds prompts as for the bundled model (the worked example, the answer
    begun "We picked “X” because"; ``tuned=True``: the compact layout, begun with the title),
    loading no model: fine-tuning's prompts are exactly the ones sent."""
    return Explainer(FakeBackend(prefill=True, tuned=tuned), dataset=dataset, audit=False,
                     local_only=False)


def tuning_pipeline(dataset: Dataset, algorithm: str,
                    explainer: Explainer | None = None) -> Pipeline:
    """A pipeline with ``algorithm`` trained on all of ``dataset``, explaining with
    ``explainer`` (default: :func:`prefill_explainer`'s)."""
    return Pipeline(dataset, create(algorithm).fit(dataset),
                    explainer or prefill_explainer(dataset))


def accept_target(request: tuple[Prompt, Verifier, str], target: str, *, language: str,
                  style: Style, key: str, stats: Counter[str]) -> TrainingPair | None:
    """The pair ``request`` (from :meth:`Explainer.prompt_for`) -> ``target``, or ``None``.

    ``target`` continues the answer start. It is dropped (and counted in ``stats``) when
    cleaning would change it, when it is longer than 80% of the style's token limit, or when
    the verifier rejects the whole answer against the prompt's facts (``dropped:KIND``, the
    first complaint's kind).
    """
    prompt, verifier, start = request
    draft = clean_draft(start + target)
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
