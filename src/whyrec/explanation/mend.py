"""A draft mended before it is verified: its quotation marks put back where the names it quotes
end, and a few slips of the bundled model that drop or add words stating nothing (a cart's
"to your cart", a category's "the … category", a stray "yourself").

A small model copies a title from its prompt and then runs on inside the quotation: "you rated
“Jim Dunlop Capo, 5/5”", "you rated “Epiphone Ukulele Outfit, 5/5." (never closed), or closes
it with a straight mark. The draft says something true in a broken form, which the verifier
rightly rejects. Where the quoted text begins with a name the facts give, the quotation is
closed right after that name, so the rating (or whatever follows) stands outside it, and the
verifier then judges what the draft says. Nothing is mended in a quotation that holds no known
name whole, or that closes after words other than a rating: those are the verifier's to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from whyrec.text import STRAY_YOURSELF_RE

#: each opening mark, and the marks that may close it in a draft
_CLOSERS = {"\u201c": ("\u201d", '"'), "《": ("》",)}
_PROPER_CLOSER = {"\u201c": "\u201d", "《": "》"}
#: a rating run into a quotation after its name: ", 5/5", " 4.5/5", "，5分"
_RATING_RE = re.compile(r"[,，]?\s*(\d+(?:\.\d+)?\s*/\s*\d+|\d+(?:\.\d+)?分)\s*")
#: where a sentence or a new quotation begins: an unclosed quotation ends before it
_BOUNDARY_RE = re.compile(r"[.!?。！？\u201c《]")
#: "5/5 out of 5" says the scale twice
_SCALE_TWICE_RE = re.compile(r"\b(\d+(?:\.\d+)?)/(\d+) out of \2\b")


def mended(text: str, titles: Iterable[str], carted: Iterable[str] = (),
           grouping: Iterable[tuple[str, str]] = ()) -> str:
    """``text`` with each quotation that begins with one of ``titles`` closed after it, a
    rating's scale said once ("5/5 out of 5" -> "5/5"), an item of ``carted`` (titles the
    person added to their cart) said to have gone to the cart where the draft dropped it
    ("you added “X”." -> "you added “X” to your cart."), and a shared category or genre of
    ``grouping`` ((feature, value) pairs) named as one ("it shares camping with 3 of your
    items" -> "it shares the camping category with …")."""
    names = sorted({t for t in titles if t}, key=len, reverse=True)
    text = _SCALE_TWICE_RE.sub(r"\1/\2", text)
    if names:
        text = _quotations_closed(text, names)
    for title in sorted({t for t in carted if t}, key=len, reverse=True):
        text = _to_cart(text, title)
    for feature, value in grouping:
        text = _grouping_named(text, feature, value)
    # an emphatic "yourself" the model repeats, or carries into a clause about other people
    # ("people who watched “X” often chose it too yourself"): it states nothing, so it goes
    text = _YOURSELF_TWICE_RE.sub("yourself", text)
    return STRAY_YOURSELF_RE.sub(r"\1", text)


_YOURSELF_TWICE_RE = re.compile(r"\byourself(?:\s+yourself\b)+")


def _grouping_named(text: str, feature: str, value: str) -> str:
    if not value or feature not in ("category", "genre"):
        return text
    pattern = re.compile(rf"\bshares (?:the )?({re.escape(value)})(?: {feature})?"
                         r"(?=\s+with\b|\s*[.,;!?]|$)", re.IGNORECASE)
    return pattern.sub(rf"shares the \1 {feature}", text)


#: "added “X”" where the sentence or the clause ends: the draft dropped "to your cart"
_ADDED_AT_END = r"\badded (\u201c{0}\u201d|《{0}》)(?=\s*(?:[.,;!?]|$|and\b|but\b))"


def _to_cart(text: str, title: str) -> str:
    pattern = re.compile(_ADDED_AT_END.format(re.escape(title)))
    return pattern.sub(r"added \1 to your cart", text)


def _quotations_closed(text: str, names: list[str]) -> str:
    out: list[str] = []
    at = 0
    while True:
        opening = _next_opening(text, at)
        if opening is None:
            out.append(text[at:])
            return "".join(out)
        mark_at, mark = opening
        name_at = mark_at + 1
        name = next((n for n in names if text.startswith(n, name_at)), None)
        out.append(text[at:name_at])
        if name is None:
            at = name_at
            continue
        out.append(name)
        at = _closed_after(text, name_at + len(name), mark, out)


def _next_opening(text: str, start: int) -> tuple[int, str] | None:
    found = [(i, m) for m in _CLOSERS if (i := text.find(m, start)) >= 0]
    return min(found) if found else None


def _closed_after(text: str, end: int, mark: str, out: list[str]) -> int:
    """Appends the closing mark (and a rating moved out of the quotation) to ``out``; returns
    where the rest of ``text`` resumes."""
    closer = _PROPER_CLOSER[mark]
    if text.startswith(_CLOSERS[mark], end):  # closed where the name ends (a straight mark
        out.append(closer)                     # becomes the proper one)
        return end + 1
    rest = text[end:]
    rating = _RATING_RE.match(rest)
    if rating is not None and rest.startswith(_CLOSERS[mark], rating.end()):
        # "“X, 5/5”" -> "“X” 5/5"
        out.append(closer + ("" if mark == "《" else " ") + rating.group(1))
        return end + rating.end() + 1
    # a rating's own decimal point ends no sentence
    boundary = _BOUNDARY_RE.search(rest, rating.end() if rating is not None else 0)
    stop = boundary.start() if boundary is not None else len(rest)
    if not any(c in rest[:stop] for c in _CLOSERS[mark]):
        # never closed before the sentence ends or the next name opens: closed after the name
        out.append(closer)
        if rating is not None:
            out.append(("" if mark == "《" else " ") + rating.group(1))
            return end + rating.end()
    return end
