"""Surgical repair: a draft without the claims the verifier found fault with.

A failing sentence keeps its longest head that holds on its own (cut where a clause starts:
"You would enjoy “X” for its cozy atmosphere, making it a great place for friends." keeps
"You would enjoy “X” for its cozy atmosphere."); when no head holds, the sentence goes. A head
only ever says less than its sentence, and every text left is verified again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from whyrec.text import has_cjk, split_sentences
from whyrec.types import Verdict

#: where an English clause starts: after a comma, semicolon, colon or dash, or before a word
#: that opens a dependent clause
_EN_OPENERS = (r"which|while|making|creating|especially|including|as well as|despite|although|"
               r"even though|though|but|whereas|so that|where|offering|providing|allowing|"
               r"giving|perfect for|ideal for")
#: words that open a new clause only after a comma ("…, and it has", "…, you may")
_EN_AFTER_COMMA = r"and (?:it|you|they|this|that|its|the)|it|you|they|this|that|plus|so"
#: where an English clause (or a list's next item) starts: at a comma, semicolon, colon or dash,
#: or before a word that opens a dependent clause; a list cut short gets its "and" back
_EN_CLAUSE_RE = re.compile(r"\s*[,;:\u2014\u2013]\s+|\s+(?=(?:" + _EN_OPENERS + r")\b)")
_ZH_CLAUSE_RE = re.compile(r"[，；：,;:]")
#: a head that opens with a subordinator is a condition or a cause, not a statement
_EN_SUBORDINATE_RE = re.compile(r"(?:if|when|whenever|since|because|although|though|while|as|"
                                r"unless|whether|once)\b", re.IGNORECASE)
_ZH_SUBORDINATE_RE = re.compile("(?:如果|要是|假如|因为|由于|虽然|尽管|只要|一旦|当)")
#: a head must keep this many words (English) or characters (Chinese)
_EN_MIN_WORDS = 4
_ZH_MIN_CHARS = 6


@dataclass(frozen=True)
class Trimmed:
    """What is left of a draft, and each dropped sentence or clause with why it was dropped."""

    text: str
    dropped: list[str]


def without_failing_claims(text: str, verdict: Verdict,
                           recheck: Callable[[str], Verdict] | None = None) -> Trimmed | None:
    """``text`` without the claims holding an unsupported span; ``None`` when a problem is about
    the whole text (its language, length, the missing item) or nothing would be left.

    With ``recheck`` (the verifier on a whole text), a failing sentence first tries its heads,
    longest first: the sentence cut where a clause starts, judged in the text it would stand in.
    Without it, failing sentences are dropped whole. The caller verifies what is left again: it
    must still name the item and state a fact."""
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
    zh = has_cjk(text)
    kept, dropped, at = [], [], 0
    for (start, end), reasons in sorted(spans.items()):
        if start < at:
            continue
        kept.append(text[at:start])
        why = "; ".join(dict.fromkeys(reasons))
        head = _holding_head(text, start, end, zh, recheck) if recheck is not None else None
        if head is not None:
            kept.append(head)
            dropped.append(f"{text[start:end].strip()[len(head.rstrip('.。')):].strip(' ,，')}"
                           f" ({why})")
        else:
            dropped.append(f"{text[start:end].strip()} ({why})")
        at = end
    kept.append(text[at:])
    return _joined(kept, dropped, zh)


def _joined(kept: list[str], dropped: list[str], zh: bool) -> Trimmed | None:
    left = ("" if zh else " ").join(part.strip() for part in kept if part.strip())
    left = re.sub(r"\s+([.,;!?])", r"\1", left).strip()
    if not left:
        return None
    return Trimmed(text=left[0].upper() + left[1:] if left[0].islower() else left,
                   dropped=dropped)


def heads(sentence: str, zh: bool) -> list[str]:
    """The sentence cut where each of its clauses starts, longest first, each ended as a
    sentence; none that opens with a subordinator or is too short to stand alone."""
    body = sentence.strip()
    if not body or _subordinate(body, zh):
        return []
    pattern = _ZH_CLAUSE_RE if zh else _EN_CLAUSE_RE
    out = []
    for match in pattern.finditer(body):
        head = body[:match.start()].rstrip(" ,，;；:：")
        if not zh:
            head = _list_closed(head)
        if _long_enough(head, zh):
            out.append(head + ("。" if zh else "."))
    return out[::-1]


def _list_closed(head: str) -> str:
    """A list the cut left open gets its "and": "a cozy atmosphere, friendly staff" (", and
    good coffee" cut) becomes "a cozy atmosphere and friendly staff"."""
    tail_at = max(head.rfind(" and "), head.rfind(" or "))
    if tail_at >= 0 and "," not in head[tail_at:]:
        return head  # the list is closed already
    last = head.rfind(", ")
    if last < 0 or re.match(r", (?:" + _EN_OPENERS + "|" + _EN_AFTER_COMMA + r")\b", head[last:]):
        return head
    return head[:last] + " and " + head[last + 2:]


def _holding_head(text: str, start: int, end: int, zh: bool,
                  recheck: Callable[[str], Verdict]) -> str | None:
    """The longest head of the sentence ``text[start:end]`` with no problem of its own, judged
    with the rest of the text around it."""
    for head in heads(text[start:end], zh):
        candidate = text[:start] + head + ("" if zh else " ") + text[end:].lstrip()
        verdict = recheck(candidate)
        head_end = start + len(head)
        if not any(p.claim_start is not None and p.claim_start < head_end
                   and (p.claim_end or 0) > start for p in verdict.unsupported):
            return head
    return None


def _subordinate(sentence: str, zh: bool) -> bool:
    return bool((_ZH_SUBORDINATE_RE if zh else _EN_SUBORDINATE_RE).match(sentence))


def _long_enough(head: str, zh: bool) -> bool:
    if zh:
        return len(re.findall(r"[\u3400-\u9fff]", head)) >= _ZH_MIN_CHARS
    return len(re.findall(r"[^\W_]+", head)) >= _EN_MIN_WORDS


def repaired(text: str, verdict: Verdict, verify: Callable[[str], Verdict]) -> Trimmed | None:
    """``text`` after surgical repair when only some of its claims fail and what is left passes
    ``verify`` again (the item still named, a fact still stated); ``None`` otherwise."""
    trimmed = without_failing_claims(text, verdict, recheck=verify)
    if trimmed is None or not verify(trimmed.text).passed:
        return None
    return trimmed


def passing_part(text: str, language: str, verify: Callable[[str], Verdict]) -> str | None:
    """The text without one of its later sentences, or its first alone, whichever passes first
    (a check of the whole text, such as its language, cannot say which sentence failed)."""
    sentences = split_sentences(text)  # never inside a title ("Where Art Thou? (2000)")
    joiner = "" if language == "zh" else " "
    candidates = [joiner.join(sentences[:i] + sentences[i + 1:])
                  for i in range(len(sentences) - 1, 0, -1)]
    for candidate in [*candidates, *sentences[:1]]:
        if candidate and verify(candidate).passed:
            return candidate
    return None
