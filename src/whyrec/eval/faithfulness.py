"""Faithfulness to the facts, and how explanations were produced (fallback, pass rates, latency).

The verifier (:mod:`whyrec.verification`) already judged every delivered text
(``Explanation.verdict``) and every raw model draft (``Explanation.drafts``); this module counts
its unsupported spans. Each span has a ``kind``; kinds are grouped as follows:

=======================  ==================================================================
group                    span kinds
=======================  ==================================================================
item                     ``title`` (a catalog title the facts lack), ``history`` (a false
                         "you bought X")
feature                  ``feature`` (tag, genre, category)
number                   ``number``
brand                    ``brand``
injection                ``instruction`` (promotional or injected phrase), ``catalog_text``
                         (copied untrusted description)
privacy                  ``url``, ``email``, ``phone``, ``id``
instruction_following    ``length``, ``language``, ``missing_item``, ``prompt_echo``,
                         ``repetition``, ``ungrounded`` (the text does what it was asked: the
                         requested length and language, name the item, state a fact)
=======================  ==================================================================

The first six groups state something false or forbidden (*hallucination*); the last is form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from whyrec.types import Explanation

SPAN_GROUPS: Mapping[str, str] = {
    "title": "item", "history": "item", "feature": "feature", "number": "number",
    "brand": "brand", "instruction": "injection", "catalog_text": "injection",
    "url": "privacy", "email": "privacy", "phone": "privacy", "id": "privacy",
    "length": "instruction_following", "language": "instruction_following",
    "missing_item": "instruction_following", "prompt_echo": "instruction_following",
    "repetition": "instruction_following", "ungrounded": "instruction_following",
}
GROUPS = ("item", "feature", "number", "brand", "injection", "privacy",
          "instruction_following", "other")
#: groups that state a false or forbidden fact (the rest is form)
FACT_GROUPS = frozenset({"item", "feature", "number", "brand", "injection", "privacy"})


def span_group(kind: str) -> str:
    """The group of a span kind (``other`` for kinds this module does not know yet).

    Examples
    --------
    >>> span_group("history"), span_group("length"), span_group("new-check")
    ('item', 'instruction_following', 'other')
    """
    return SPAN_GROUPS.get(kind, "other")


def span_rates(verdicts: Sequence[Sequence[str] | None]) -> dict[str, Any]:
    """Share of texts with any unsupported span, overall and per group.

    Parameters
    ----------
    verdicts : per text, the kinds of its unsupported spans (empty = passed); ``None`` for a
        text that was never verified (counted as ``unverified``, not in the rates). With no
    verified text the overall rates are ``None``.

    Examples
    --------
    >>> span_rates([[], ["number", "length"], ["title"], None])["by_group"]["number"]
    0.3333333333333333
    """
    checked = [kinds for kinds in verdicts if kinds is not None]
    n = len(checked)
    by_group: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    any_span = fact_span = 0
    for kinds in checked:
        groups = {span_group(k) for k in kinds}
        by_group.update(groups)
        by_kind.update(kinds)
        any_span += bool(kinds)
        fact_span += bool(groups & FACT_GROUPS)
    return {
        "n": n,
        "unverified": len(verdicts) - n,
        "with_unsupported": any_span,
        "unsupported_rate": any_span / n if n else None,
        "hallucination_rate": fact_span / n if n else None,
        "by_group": {g: by_group[g] / n if n else 0.0 for g in GROUPS},
        "span_counts": dict(by_kind.most_common()),
    }


def faithfulness(explanations: Sequence[Explanation]) -> dict[str, Any]:
    """Unsupported-span rates of the delivered texts and of every raw model draft.

    Examples
    --------
    >>> faithfulness([])["delivered"]["n"]
    0
    """
    delivered = [None if e.verdict is None else [s.kind for s in e.verdict.unsupported]
                 for e in explanations]
    drafts = [[s.kind for s in d.unsupported] for e in explanations for d in e.drafts]
    return {"delivered": span_rates(delivered), "drafts": span_rates(drafts)}


def _quantiles(values: Iterable[float]) -> dict[str, float]:
    array = np.asarray(list(values), dtype=np.float64)
    if array.size == 0:
        return {"mean": 0.0, "p50": 0.0, "p95": 0.0, "max": 0.0}
    return {"mean": float(array.mean()), "p50": float(np.percentile(array, 50)),
            "p95": float(np.percentile(array, 95)), "max": float(array.max())}


def generation(explanations: Sequence[Explanation]) -> dict[str, Any]:
    """How the texts were made: fallback rate, LLM pass rates, attempts and latency.

    ``llm_pass_first_try`` / ``llm_pass_after_repair`` are over the explanations a model was
    asked for (those with drafts): the share whose first draft / any draft passed.
    ``fallback_rate`` is over all explanations (template backends never fall back). Rates
    with nothing to count (no model draft at all) are ``None``.

    Examples
    --------
    >>> generation([])["fallback_rate"]
    0.0
    """
    n = len(explanations)
    with_drafts = [e for e in explanations if e.drafts]
    first = sum(1 for e in with_drafts if e.drafts[0].passed)
    any_pass = sum(1 for e in with_drafts if any(d.passed for d in e.drafts))
    reasons: Counter[str] = Counter()
    for e in explanations:
        if e.fallback and e.fallback_reason:
            reasons[e.fallback_reason.value] += 1
    m = len(with_drafts)
    return {
        "n": n,
        "fallback_rate": sum(e.fallback for e in explanations) / n if n else 0.0,
        "llm_written_rate": sum(1 for e in explanations if e.drafts and not e.fallback) / n
        if n else 0.0,
        "llm_requests": m,
        "llm_pass_first_try": first / m if m else None,
        "llm_pass_after_repair": any_pass / m if m else None,
        "mean_attempts": float(np.mean([e.attempts for e in explanations])) if n else 0.0,
        "cached_rate": sum(e.cached for e in explanations) / n if n else 0.0,
        "latency_ms": _quantiles(e.latency_ms for e in explanations),
        "fallback_reasons": dict(reasons.most_common(5)),
    }
