"""Surgical repair: a draft without the sentences the verifier found fault with."""

from __future__ import annotations

import re
from dataclasses import dataclass

from whyrec.text import has_cjk
from whyrec.types import Verdict


@dataclass(frozen=True)
class Trimmed:
    """What is left of a draft, and each dropped sentence with why it was dropped."""

    text: str
    dropped: list[str]


def without_failing_claims(text: str, verdict: Verdict) -> Trimmed | None:
    """``text`` without every sentence holding an unsupported span; ``None`` when a problem is
    about the whole text (its language, length, the missing item) or nothing would be left.
    The caller verifies what is left again: it must still name the item and state a fact."""
    if verdict.passed or not verdict.unsupported:
        return None
    spans: dict[tuple[int, int], list[str]] = {}
    for problem in verdict.unsupported:
        if problem.claim_start is None or problem.claim_end is None:
            if problem.kind != "ungrounded":  # dropping sentences may still leave one cited
                return None
            continue
        spans.setdefault((problem.claim_start, problem.claim_end), []).append(problem.reason)
    if not spans:
        return None
    kept, dropped, at = [], [], 0
    for (start, end), reasons in sorted(spans.items()):
        if start < at:
            continue
        kept.append(text[at:start])
        dropped.append(f"{text[start:end].strip()} ({'; '.join(dict.fromkeys(reasons))})")
        at = end
    kept.append(text[at:])
    joiner = "" if has_cjk(text) else " "
    left = joiner.join(part.strip() for part in kept if part.strip())
    left = re.sub(r"\s+([.,;!?])", r"\1", left).strip()
    if not left:
        return None
    return Trimmed(text=left[0].upper() + left[1:] if left[0].islower() else left,
                   dropped=dropped)
