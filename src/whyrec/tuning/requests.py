"""Training pairs from callers' requests with reference explanations (``whyrec tune --requests``).

A request is what ``whyrec explain --input`` reads: the item, its facts (often a caller's
``free_text`` reasons, e.g. user and item profiles) and a ``reference`` text. The prompt is the
one the tuned model is sent for that request; the target is the reference, cut by the claim
verifier's surgical repair to the sentences and clauses the facts back (a reference written by
people or by another system often says more than its facts). A reference with nothing backed
left, or that no longer names the item, is dropped and counted.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Sequence

from whyrec.backends.fake import FakeBackend
from whyrec.explanation.explainer import MAX_TOKENS, Explainer, clean_draft
from whyrec.explanation.prompt import estimate_tokens
from whyrec.explanation.requests import ExplanationRequest
from whyrec.tuning.pairs import COMPACT, TrainingPair, accept_target
from whyrec.values import Style
from whyrec.verification.trim import repaired

#: the lengths a reference may be trained as, shortest first: the first whose token limit fits
LENGTH_ORDER = ("medium", "detailed")


def request_pairs(requests: Sequence[ExplanationRequest], *, max_pairs: int, seed: int = 0,
                  stats: Counter[str] | None = None,
                  layout: str = "full") -> Iterator[TrainingPair]:
    """Verified pairs from ``requests`` that carry a reference, in an order drawn from ``seed``
    (``layout``: as :func:`whyrec.tuning.data.build_pairs`)."""
    stats = stats if stats is not None else Counter()
    explainer = Explainer(FakeBackend(prefill=True, tuned=layout == COMPACT), audit=False,
                          local_only=False)
    order = list(range(len(requests)))
    random.Random(f"{seed}\x1frequests").shuffle(order)
    made = 0
    for index in order:
        request = requests[index]
        if not request.reference:
            stats["skipped:no_reference"] += 1
            continue
        pair = _pair(explainer, request, stats)
        if pair is not None:
            made += 1
            yield pair
            if made >= max_pairs:
                return


def _pair(explainer: Explainer, request: ExplanationRequest,
          stats: Counter[str]) -> TrainingPair | None:
    language = request.language or "en"
    reference = clean_draft(request.reference or "")
    for length in LENGTH_ORDER:
        limit = MAX_TOKENS[length] * (1.5 if language == "zh" else 1)
        if estimate_tokens(reference) <= 0.8 * limit:
            break
    else:
        stats["too_long"] += 1
        return None
    style = Style(length=length)
    prompt, verifier, start = explainer.prompt_for(request.recommendation, language=language,
                                                   style=style, details=request.details)
    verdict = verifier.verify(reference, prompt.support, language, style)
    target = reference
    if not verdict.passed:
        trimmed = repaired(reference, verdict,
                           lambda text: verifier.verify(text, prompt.support, language, style))
        if trimmed is None:
            stats.update(f"dropped:{s.kind}" for s in verdict.unsupported[:1])
            return None
        stats["trimmed"] += 1
        target = trimmed.text
    if start and not target.startswith(start):
        # the answer is begun for the model: "You would enjoy “X” for …" goes on as "“X” fits
        # you: you would enjoy it for …" (after the title) or "… because you would enjoy it
        # for …" (after "We picked “X” because")
        title = prompt.support.item_title
        quoted = f"《{title}》" if language == "zh" else f"\u201c{title}\u201d"
        if quoted not in target:
            stats["dropped:missing_item"] += 1
            return None
        said = target.replace(quoted, "它" if language == "zh" else "it", 1)
        if start.endswith(("because", "因为")):
            target = start + ("" if language == "zh" else " ") + (
                said if language == "zh" else said[:1].lower() + said[1:])
        else:
            target = start + ("很适合你：" + said if language == "zh"
                              else " fits you: " + said[:1].lower() + said[1:])
    rec = request.recommendation
    return accept_target((prompt, verifier, start), target[len(start):], language=language,
                         style=style,
                         key=f"{rec.user_id}|{rec.item_id}|{language}", stats=stats)
