"""Text utilities shared by the verifier, the prompt and privacy: one way to compare words.

Latin text is compared as lower-case word tokens; Chinese text as characters. Both go through
NFKC first, so full-width digits and letters compare equal to ASCII ones. The cleaning steps
here (:func:`clean_catalog_text`, :func:`clean_reply`) are reached through the one cleaning
entry point, :func:`whyrec.privacy.clean.clean_text`; :func:`normalise` is the comparison key,
never shown to anyone.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from functools import lru_cache

#: CJK ideographs (the basic block and extension A), the characters that mark Chinese text
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
CJK_RE = re.compile(f"[{CJK}]")
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
LATIN_WORDS_RE = re.compile(r"[A-Za-z]{2,}")
#: a quoted name in an explanation: “…”, "…", 《…》, 「…」; each opening mark closes only with its
#: own closing mark, so a title holding straight quotes or an inch mark (“Tape 24"x3"”) stays
#: one name; catalog titles run long (Amazon's to 200 characters and more)
QUOTED_RE = re.compile(
    r"“([^”]{2,300})”|\"([^\"]{2,300})\"|《([^》]{2,300})》|「([^」]{2,300})」")


def quoted_names(text: str) -> list[tuple[int, str]]:
    """``(start, name)`` of every quoted name in ``text`` (see ``QUOTED_RE``)."""
    return [(m.start(), next(g for g in m.groups() if g is not None))
            for m in QUOTED_RE.finditer(text)]
#: code points of emoji and pictographs (for the joiner rule below)
EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff"
#: "Heat (1995)" -> "Heat"; MovieLens and many catalogs append the year
YEAR_SUFFIX_RE = re.compile(r"\s*\((?:\d{4}|\d{4}[-–]\d{0,4})\)\s*$")
#: "The Northern Observatory" -> "Northern Observatory"
LEADING_ARTICLE_RE = re.compile(r"^(?:The|A|An) (?=\S)")
#: "Matrix, The" -> "The Matrix"
ARTICLE_SUFFIX_RE = re.compile(r"^(.*), (The|A|An|Les|La|Le|Il|Der|Die|Das|El)$")
#: a sentence ends after ., !, ? (Latin, followed by a space) or 。！？ (Chinese)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
#: the marks that open or close a quoted title
_QUOTE_MARK_RE = re.compile('[“《”》"]')


def split_sentences(text: str) -> list[str]:
    """``text`` cut at its sentence ends (``SENTENCE_END_RE``) outside quoted titles: the "?" of
    “O Brother, Where Art Thou? (2000)” ends no sentence. Straight quotes pair up in turn."""
    # whether each quote or book mark leaves the text inside a quotation: only the marks are
    # visited (a text is walked by the regex engine, not character by character)
    depth = 0  # how many quote or book marks are still open
    straight = False
    marks: list[int] = []  # where each mark stands
    quoted: list[bool] = []  # whether the text is quoted just after it
    for mark in _QUOTE_MARK_RE.finditer(text):
        char = mark.group()
        if char in "“《":
            depth += 1
        elif char in "”》":
            depth = max(depth - 1, 0)
        else:
            straight = not straight
        marks.append(mark.start())
        quoted.append(depth > 0 or straight)
    out, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        at = match.start() - 1  # the sentence mark itself
        if at >= 0 and marks:
            last = bisect.bisect_right(marks, at) - 1  # the last mark at or before it
            if last >= 0 and quoted[last]:
                continue
        out.append(text[start:match.start()])
        start = match.end()
    out.append(text[start:])
    return [part for part in out if part]


#: "Explanation:" / "回答：" in front of a reply
LABEL_RE = re.compile(r"^\s*(?:explanation|answer|解释|回答)\s*[:：]\s*", re.IGNORECASE)
#: characters no reader sees, which an attacker uses to hide or reorder text: control
#: characters (NUL included; tabs and line breaks are spacing and handled as such), zero-width
#: and bidi controls (U+202A-E, isolates U+2066-9), soft hyphens, the grapheme joiner, tag
#: characters (U+E0000 block), private-use and interlinear marks; the zero-width joiner only
#: where it does not join two emoji (a family emoji keeps its joiners)
INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u180e\u200b\u200c\u200e\u200f"
    "\u2028-\u202e\u2060-\u206f\ufe00-\ufe0e\ufeff\ufff9-\ufffb\ue000-\uf8ff"
    "\U000e0000-\U000e007f]"
    f"|(?<![{EMOJI}])\u200d|\u200d(?![{EMOJI}])")
#: look-alike letters and digits folded to plain ones by NFKC where text is kept: full-width
#: forms but Chinese punctuation (，；：！？（）stay as written), enclosed (ⓘ) and mathematical
#: (𝐢) alphanumerics, ligatures. Superscripts and fractions keep their look ("Alien³", "8½").
_LOOKALIKE_RE = re.compile(
    "[\uff01-\uff07\uff0a\uff0b\uff0d-\uff19\uff1c-\uff1e\uff20-\uff5e\u2460-\u24ff"
    "\ufb00-\ufb06\U0001d400-\U0001d7ff\U0001f100-\U0001f1ff]+")


def normalise(text: str) -> str:
    """NFKC, invisible characters removed, lower case, straight quotes, single spaces."""
    # short strings (titles, tags) recur endlessly and are memoised; long ones (whole
    # explanations) are unique, and memoising them would only grow memory
    return _normalise_short(text) if len(text) <= SHORT else _normalise(text)


#: the longest string worth memoising
SHORT = 120


@lru_cache(maxsize=65_536)
def _normalise_short(text: str) -> str:
    return _normalise(text)


def _normalise(text: str) -> str:
    text = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    text = text.translate(_QUOTES).casefold()
    return " ".join(text.split())


_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'",
                         "\u300a": '"', "\u300b": '"', "\u300c": '"', "\u300d": '"'})


def tokens(text: str) -> list[str]:
    """Word tokens of normalised text; a run of Chinese characters is one token."""
    return WORD_RE.findall(text)


def token_key(text: str) -> str:
    """How a multi-word term is looked up: its normalised tokens joined by one space."""
    return " ".join(tokens(normalise(text)))


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def title_variants(title: str) -> set[str]:
    """The ways a text may name a catalog title: as is, without its year, article in front."""
    title = title.strip()
    variants = {title}
    bare = YEAR_SUFFIX_RE.sub("", title)
    variants.add(bare)
    moved = ARTICLE_SUFFIX_RE.match(bare)
    if moved:
        variants.add(f"{moved.group(2)} {moved.group(1)}")
        variants.add(moved.group(1))
    # "The Northern Observatory" named "Northern Observatory" (two words or more left)
    unled = LEADING_ARTICLE_RE.sub("", bare)
    if unled != bare and len(unled.split()) >= 2:
        variants.add(unled)
    if has_cjk(bare) and LATIN_WORDS_RE.search(bare):
        # "可充电机械键盘 Quietwave Meridian 2" is also named by its Latin part
        latin = " ".join(CJK_RE.sub(" ", bare).split())
        if len(latin.split()) >= 2:
            variants.add(latin)
    return {v for v in variants if v}


def quote_title(title: str, language: str) -> str:
    """A catalog title as the language marks one: “Heat” or 《盗火线》; a title already in book
    marks (Chinese book titles often are) stays as it is, in either language."""
    if title.startswith("《") and title.endswith("》"):
        return title
    return f"《{title}》" if language == "zh" else f"\u201c{title}\u201d"


def plain_text(text: str) -> str:
    """Text as it is kept: composed (NFC), look-alike letters and digits folded (full-width,
    enclosed and mathematical forms, ligatures; Chinese punctuation stays), invisible
    characters removed, spacing collapsed to single spaces.

    Examples
    --------
    >>> plain_text("Ｎｉｋｅ\\u2067 Air\\x00 Max\\n 90，红色 Alien³")
    'Nike Air Max 90，红色 Alien³'
    """
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()
    return " ".join(kept_form(text).split())


def kept_form(text: str) -> str:
    """:func:`plain_text` without collapsing the spacing: composed, look-alikes folded,
    invisible characters removed, Chinese punctuation (，（）：) as written."""
    if not text.isascii():
        text = _LOOKALIKE_RE.sub(lambda part: unicodedata.normalize("NFKC", part.group()),
                                 unicodedata.normalize("NFC", text))
    return INVISIBLE_RE.sub("", text)


def clean_catalog_text(text: str, limit: int = 120) -> str:
    """Catalog text made safe to quote in a prompt: one line, no invisible characters, no
    quotes or brackets that could close the quotation, and bounded in length."""
    text = str(text)
    # titles and tags are quoted again for every recommendation that names them: each once
    return _clean_catalog_short(text, limit) if len(text) <= SHORT else _clean_catalog(text, limit)


@lru_cache(maxsize=65_536)
def _clean_catalog_short(text: str, limit: int) -> str:
    return _clean_catalog(text, limit)


def _clean_catalog(text: str, limit: int) -> str:
    text = INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    text = _UNQUOTABLE_RE.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else _cut(text, limit)


#: where a text too long to quote whole is best cut: after a clause, else between words
_CLAUSE_END_RE = re.compile(r"[,;，；、]\s*")


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with "…": after its last clause or word that fits
    (when that keeps half of it), never inside a word: a model copies what it is shown, and
    copied "… and trendy piz." ends its sentence on half a word."""
    head = text[: limit - 1]
    clause = max((m.start() for m in _CLAUSE_END_RE.finditer(head)), default=-1)
    space = head.rfind(" ") if text[limit - 1] != " " else len(head)
    at = clause if clause >= limit // 2 else space if space >= limit // 2 else len(head)
    return head[:at].rstrip(" ,;:-，；、") + "…"


#: marks that could close a quotation or start markup in a prompt
_UNQUOTABLE_RE = re.compile(r"[\"“”<>\[\]{}`#*|\\]")
#: closing quotes and brackets that may follow a sentence's mark
_CLOSING = "\u201d\u2019\"')\uff09"


def clean_reply(text: str) -> str:
    """A model's reply as a person would see it: first paragraph, no label, no wrapping
    quotes, no sentence cut off by the token limit, no sentence said twice."""
    text = text.strip().split("\n\n", 1)[0]
    text = LABEL_RE.sub("", text)
    if len(text) > 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    text = " ".join(text.split())
    sentences = SENTENCE_END_RE.split(text)
    if len(sentences) > 1 and not SENTENCE_END_RE.search(sentences[-1] + " "):
        sentences = sentences[:-1]  # cut off mid-sentence by max_tokens
    kept: list[str] = []
    for sentence in sentences:
        if sentence and sentence not in kept:
            kept.append(sentence)
    if not kept:
        return ""
    # Chinese sentences run on without a space; English ones (Chinese titles inside or not)
    # keep theirs
    joined = kept[0]
    for before, sentence in itertools.pairwise(kept):
        cjk = before.rstrip(_CLOSING).endswith(("。", "！", "？")) or CJK_RE.match(sentence)
        joined += ("" if cjk else " ") + sentence
    return joined


#: "yourself" in a clause without "you" before it ("people who watched “X” chose it too
#: yourself"): the bundled model's slip. A rating's decimal point ("4.5/5 yourself") ends no
#: clause. Group 1 is the clause up to it: the mend keeps that, the verifier rejects the match.
STRAY_YOURSELF_RE = re.compile(
    r"((?:^|[,;:!?]|\.(?!\d))(?:(?!\byou\b)(?:[^,;:.!?]|\.(?=\d)))*?)\s+yourself\b")
