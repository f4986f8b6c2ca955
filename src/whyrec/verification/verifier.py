"""The verifier: every fact-bearing word of an explanation must be backed by its evidence.

Checks, each reported as unsupported spans of a :class:`~whyrec.types.Verdict`:

* catalog titles, brands and tag / genre / category words that the facts do not contain;
* numbers (digits, English number words, Chinese numerals) the facts do not state;
* URLs, e-mail addresses, phone numbers and ids (never allowed);
* words copied from untrusted catalog text, and promotional or instruction-like phrases
  (what a prompt injection would make a model say);
* labels echoed from the prompt, repeated sentences;
* the recommended item must be named; the language and the length must be the requested ones.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from whyrec.text import (
    CJK_RE,
    INVISIBLE_RE,
    LATIN_LETTER_RE,
    WORD_RE,
    has_cjk,
    normalise,
    quoted_names,
    split_sentences,
    title_variants,
    token_key,
    tokens,
)
from whyrec.types import UnsupportedSpan, Verdict
from whyrec.values import Style
from whyrec.verification.claims import Claim, check_claims, mask, others_did
from whyrec.verification.content import stems_of
from whyrec.verification.patterns import (
    EMAIL_RE,
    EN_NUMBER_RE,
    EN_NUMBER_WORDS,
    MIXED_ID_RE,
    NUMBER_RE,
    PHONE_RE,
    URL_RE,
    ZH_NUMBER_RE,
    canonical_number,
    find,
    zh_numeral,
)
from whyrec.verification.support import Support, fold, history_key, token_text
from whyrec.verification.vocabulary import Vocabulary

#: what an injected instruction or a fake promotion makes a model say; allowed only when a fact
#: itself says it
SUSPICIOUS_PHRASES = (
    "ignore previous", "ignore all", "instruction", "system prompt", "hidden prompt",
    "best product", "must recommend", "five stars", "5 stars", "discount", "% off", "coupon",
    "promo code", "free shipping", "limited time", "buy now", "click here", "visit our",
    "special offer", "on sale", "guarantee",
    "忽略", "指令", "系统提示", "提示词", "最好的产品", "五星", "折扣", "优惠", "促销", "免费",
    "点击", "限时", "包邮", "保证",
)
#: labels of the prompt's own layout that a small model tends to copy
PROMPT_ECHO_RE = re.compile(
    r"(?im)^\s*(?:facts?|item|explanation|answer|reader|recommended item)\s*[:：]|"
    r"\bfact\s*#?\d|\[\d+\]|事实[:：]|解释[:：]|<\|?im_|\|>|"
    # the repair request's own words
    r"using only the facts|write it again|只用上面的事实|并说出|请重写")
#: "you bought X": X must be one of the person's history items (en, then zh)
HISTORY_VERB_RE = re.compile(
    r"(?:\b(?:bought|purchased|viewed|looked at|rated|watched|read|liked|clicked|added|"
    r"reviewed|ordered)\b[^.!?;,]{0,4}|(?:购买过|买过|浏览过|点击过|看过|读过|喜欢)[^。！？；]{0,2}|给|把)$",
    re.IGNORECASE)
#: "you bought it": the recommended item is never in the person's history
HISTORY_PRONOUN_RE = re.compile(
    r"\byou(?:'ve| have)? (?:already )?(?:bought|purchased|viewed|looked at|rated|watched|read|"
    r"liked|clicked|added|reviewed|ordered|gave|scored|loved|enjoyed) (?:it|this(?: one| item)?)"
    r"\b|\byour (?:own )?(?:rating|score|review) (?:of|for) (?:it|this)\b|"
    r"你(?:已经)?(?:购买过|买过|浏览过|点击过|看过|读过|喜欢过|评价过)(?:它|这件|这部|这篇)|"
    # "你给它打了3.43分", "你给它的平均评分是…", "你对它的评分": a rating of the item itself
    r"你(?:已经|曾)?(?:给|对|为)(?:它|这件|这部|这本|这篇)[^，。；！？,.;!?]{0,6}?(?:打|评|的分)",
    re.IGNORECASE)
#: "3 of your items" / "你的3件商品": the count must be one a fact states
COUNT_RE = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten) of your\b|"
    r"你的([\d一二两三四五六七八九十]+)[件部篇个]", re.IGNORECASE)
SENTENCE_RE = re.compile(r"[^.!?。！？]+[.!?。！？]?")
FILLER_RE = re.compile(r"\b(?:also|too|as well)\b\s*|[还也]")
#: reports one unsupported span: (text, kind, reason)
Flag = Callable[[str, str, str], None]
#: how many consecutive words (Latin) or characters (Chinese) count as copied catalog text
COPY_WORDS = 4
COPY_CHARS = 6


class Verifier:
    """Checks explanations against their evidence, for one catalog vocabulary.

    Examples
    --------
    >>> from whyrec.verification.support import Support
    >>> verifier = Verifier(Vocabulary())
    >>> support = Support("Heat", ["You rated “Casino” 5/5."])
    >>> verifier.verify("Heat, because you rated Casino 4/5.", support, "en").passed
    False
    """

    def __init__(self, vocabulary: Vocabulary, *, example_titles: Iterable[str] = ()) -> None:
        self.vocabulary = vocabulary
        # the prompt's worked example names invented items: naming one copies the example
        self.example_names = tuple(normalise(n) for n in example_titles)

    def verify(
        self, text: str, support: Support, language: str, style: Style | None = None, *,
        require_item: bool = True,
    ) -> Verdict:
        style = style or Style()
        base, origin = _comparable(text)
        problems: list[UnsupportedSpan] = []
        masked: list[tuple[int, int]] = []  # spans already judged: not numbers, not prose

        def flag(span: str, kind: str, reason: str) -> None:
            problems.append(UnsupportedSpan(text=span, kind=kind, reason=reason))

        def claim_flag(span: str, kind: str, reason: str, start: int, end: int) -> None:
            problems.append(UnsupportedSpan(span, kind, reason, origin[start], origin[end]))

        if not base.strip():
            return Verdict(False, [UnsupportedSpan("", "length", "the text is empty")])
        folded = fold(base)  # the comparison key of the whole text, worked out once
        keys = token_text(folded)
        terms = self.vocabulary.find(base)
        for start, end, span, kind in terms:
            masked.append((start, end))
            if not support.backs(span):
                flag(span, kind, f"{kind} {span!r} is not in the facts")
            elif kind == "title" and HISTORY_VERB_RE.search(base[max(0, start - 24):start]) and (
                    not _is_history(span, support)) and not others_did(base, start, end, language):
                flag(span, "history", f"{span!r} is not something you did: it is not among "
                                      "your history items in the facts")
        for pattern, kind in ((EMAIL_RE, "email"), (URL_RE, "url"), (PHONE_RE, "phone")):
            for start, end, span in find(pattern, base):
                digits = sum(c.isdigit() for c in span)
                if _free(masked, start, end) and (kind != "phone" or digits >= 8):
                    flag(span, kind, f"{kind} {span!r} is never allowed in an explanation")
                    masked.append((start, end))
        for match in HISTORY_PRONOUN_RE.finditer(base):
            # "You loved “A” (you bought it…)": "it" is the history item named just before
            if not _history_before(base, match.start(), terms, support):
                flag(match.group(), "history", "the recommended item is not one you already had")
        self._counts(base, support, flag)
        self._quoted(base, support, language, flag)
        self._example_names(folded, self.example_names, flag)
        self._ids(base, support, masked, flag)
        self._numbers(_blank(base, masked), support, flag)
        self._suspicious(folded, support, flag)
        self._copied(base, folded, support, flag)
        for match in PROMPT_ECHO_RE.finditer(base):
            flag(match.group().strip(), "prompt_echo", "it repeats the prompt's layout")
        self._repeated(folded, flag)
        unclosed = unclosed_quote(base)
        if unclosed is not None:
            flag(unclosed, "fluency", "a quotation is opened and not closed (or closed and not "
                                      "opened): a name was cut off")
        quoted = [(start, start + len(name) + 2) for start, name in quoted_names(base)]
        title_spans = quoted + [(s, e) for s, e, _, kind in terms if kind == "title" and all(
            e <= qs or s >= qe for qs, qe in quoted)]
        blanked = [(s, e) for s, e in masked if all(e <= ts or s >= te for ts, te in title_spans)]
        claims = mask(base, title_spans, blanked, support)
        sentences = check_claims(claims, support, language, claim_flag)
        if support.fact_terms and not support.cites_any(base, folded, keys) and not any(
                sentence.paraphrase for sentence in sentences):
            flag(base[:40], "ungrounded", "it states none of the facts")
        if require_item and not _names(folded, keys, support.item_title):
            flag(support.item_title, "missing_item",
                 f"it must name the recommended item {support.item_title!r}")
        # a quoted name is a name, not prose, in whatever script (each was checked against the
        # facts above): “轻量越野跑鞋 …” does not make an English text Chinese
        self._language_and_length(_blank(base, masked + quoted), base, len(terms), language,
                                  style, flag)
        _place(problems, base, origin, sentences)
        return Verdict(passed=not problems, unsupported=problems)

    # --- checks -----------------------------------------------------------------------------
    def _ids(self, base: str, support: Support, masked: list[tuple[int, int]], flag: Flag) -> None:
        letter_ids = self.vocabulary.letter_ids()
        for match in WORD_RE.finditer(base):
            word = match.group()
            if word.isdigit():
                continue  # digits alone are never an id (a count, a rating)
            known = bool(letter_ids) and word.casefold() in letter_ids
            # an id of letters and digits needs a digit (most words have none)
            if (known or (not word.isalpha() and MIXED_ID_RE.fullmatch(word))) and _free(
                    masked, *match.span()) and not support.backs(word):
                flag(word, "id", f"{word!r} looks like an id; ids are never shown")
                masked.append(match.span())

    @staticmethod
    def _numbers(text: str, support: Support, flag: Flag) -> None:
        for _, _, span in find(NUMBER_RE, text):
            value = canonical_number(span)
            if value is not None and value not in support.numbers:
                flag(span, "number", f"number {span} is not in the facts")
        for _, _, span in find(EN_NUMBER_RE, text):
            if str(EN_NUMBER_WORDS[span.lower()]) not in support.numbers:
                flag(span, "number", f"number {span!r} is not in the facts")
        for _, _, span in find(ZH_NUMBER_RE, text):
            numeral = zh_numeral(span)
            if numeral is not None and str(numeral) not in support.numbers:
                flag(span, "number", f"number {span} is not in the facts")

    @staticmethod
    def _counts(base: str, support: Support, flag: Flag) -> None:
        """"Like 3 of your items, it is tagged X": 3 must be the count a fact gives for X."""
        for sentence in SENTENCE_RE.findall(base):
            for match in COUNT_RE.finditer(sentence):
                word = match.group(1) or match.group(2)
                value = _count_value(word)
                said_of = support.counts.get(value, [])
                in_sentence = _Sentence(sentence)  # its keys and stems, once for every term
                if not any(in_sentence.holds(term) for term in said_of):
                    flag(match.group(), "number",
                         f"{match.group()!r}: no fact gives that count for what this sentence "
                         "describes")

    @staticmethod
    def _quoted(base: str, support: Support, language: str, flag: Flag) -> None:
        """A quoted name the facts do not contain is an invented title."""
        for start, quoted in quoted_names(base):
            name = quoted.strip()
            if name and not support.backs(name):
                flag(name, "title", f"{name!r} is not a name in the facts")
            elif name and HISTORY_VERB_RE.search(base[max(0, start - 24):start]) \
                    and not _is_history(name, support) \
                    and not others_did(base, start, start + len(quoted) + 2, language):
                # "you rated “Drama” 5/5": a quoted genre after a history verb poses as a title
                flag(name, "history", f"{name!r} is not among your history items")

    @staticmethod
    def _example_names(folded: str, names: tuple[str, ...], flag: Flag) -> None:
        for name in names:
            if name in folded:
                flag(name, "prompt_echo", f"{name!r} comes from the worked example, not the facts")

    @staticmethod
    def _suspicious(folded: str, support: Support, flag: Flag) -> None:
        # "you gave “A” 5 stars" words a rating a fact states; a promotion is anything else
        top_rated = any(s.rating == 5.0 for s in support.signals if s.kind == "history")
        for phrase in SUSPICIOUS_PHRASES:
            if top_rated and phrase in ("5 stars", "five stars", "五星"):
                continue
            if phrase in folded and phrase not in support.text:
                flag(phrase, "instruction",
                     f"{phrase!r} reads like a promotion or an injected instruction")

    @staticmethod
    def _copied(base: str, folded: str, support: Support, flag: Flag) -> None:
        if not support.untrusted:
            return
        source = normalise(" ".join(support.untrusted))
        source_words = f" {' '.join(tokens(source))} "
        words = tokens(folded)
        for i in range(len(words) - COPY_WORDS + 1):
            window = " ".join(words[i : i + COPY_WORDS])
            if has_cjk(window):
                continue
            if f" {window} " in source_words and f" {window} " not in support.token_text:
                flag(window, "catalog_text", "it copies the catalog's description text")
                return
        chars = "".join(CJK_RE.findall(folded))
        source_chars = "".join(CJK_RE.findall(source))
        support_chars = "".join(CJK_RE.findall(support.text))
        for i in range(len(chars) - COPY_CHARS + 1):
            window = chars[i : i + COPY_CHARS]
            if window in source_chars and window not in support_chars:
                flag(window, "catalog_text", "it copies the catalog's description text")
                return

    @staticmethod
    def _repeated(folded: str, flag: Flag) -> None:
        # "It is in books. It is also in books." says one thing twice
        # a title's own "?" ends no sentence: a title named twice is not a sentence said twice
        sentences = [FILLER_RE.sub("", s).strip() for s in split_sentences(folded)
                     if len(s.strip()) > 8]
        seen: set[str] = set()
        for sentence in sentences:
            if sentence in seen:
                flag(sentence, "repetition", "it repeats a sentence")
                return
            seen.add(sentence)

    @staticmethod
    def _language_and_length(
        prose: str, base: str, n_terms: int, language: str, style: Style, flag: Flag
    ) -> None:
        """Language from the prose alone (titles may be in any language); length with each
        catalog term counted as one word, since a long product name is not a long text."""
        cjk = len(CJK_RE.findall(prose))
        latin = len(LATIN_LETTER_RE.findall(prose))
        latin_words = len([w for w in WORD_RE.findall(prose) if not has_cjk(w)])
        if language == "zh":
            if cjk < 4 or cjk < latin:
                flag(base[:40], "language", "it must be written in Chinese")
            size = cjk + latin_words + 2 * n_terms
            if size > style.max_chars:
                flag(base[-20:], "length", f"it is longer than {style.max_chars} characters")
            elif size < 8:
                flag(base, "length", "it is too short to explain anything")
        else:
            if cjk > 0.1 * (cjk + latin):
                flag(base[:40], "language", "it must be written in English")
            size = latin_words + n_terms
            if size > style.max_words:
                flag(base[-30:], "length", f"it is longer than {style.max_words} words")
            elif size < 5:
                flag(base, "length", "it is too short to explain anything")


def _count_value(word: str) -> str:
    if word.isdigit():
        return canonical_number(word) or word
    if word.isascii():
        return "1" if word.lower() == "one" else str(EN_NUMBER_WORDS.get(word.lower(), word))
    return str(zh_numeral(word) or 1)


def support_term_in(term: str, sentence: str) -> bool:
    """Whether a fact's word occurs in a sentence (token-wise for Latin words)."""
    return _Sentence(sentence).holds(term)


class _Sentence:
    """A sentence as fact words are looked up in it, each form worked out on first use."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self._folded: str | None = None
        self._keys: str | None = None
        self._stems: set[str] | None = None

    def holds(self, term: str) -> bool:
        if self._folded is None:
            self._folded = normalise(self.sentence)
        if has_cjk(term):
            return normalise(term) in self._folded
        key = token_key(term)
        if self._keys is None:
            self._keys = f" {' '.join(tokens(self._folded))} "
        if bool(key) and f" {key} " in self._keys:
            return True
        # "board game" for "board games": every stem of the term's words is in the sentence
        wanted = stems_of(term)
        if not wanted:
            return False
        if self._stems is None:
            self._stems = stems_of(self.sentence)
        return wanted <= self._stems


def _is_history(span: str, support: Support) -> bool:
    return history_key(span) in support.history_keys


#: checks about the text as a whole: no sentence of it is to blame
WHOLE_TEXT = frozenset({"length", "language", "missing_item", "ungrounded", "prompt_echo"})


#: the marks that open a quotation, and the mark that closes each
_QUOTATION_PAIRS = {"\u201c": "\u201d", "《": "》", "「": "」", "『": "』"}
_QUOTATION_CLOSERS = {close: open_ for open_, close in _QUOTATION_PAIRS.items()}
_QUOTATION_MARK_RE = re.compile(
    "[" + re.escape("".join(_QUOTATION_PAIRS) + "".join(_QUOTATION_CLOSERS)) + "]")


def unclosed_quote(text: str) -> str | None:
    """The text from a quotation mark that is never closed (or a closing mark with no opening
    one), or ``None``: a draft cut inside a name ("because you rated “Hola! Portable Stand
    (Ukulele.") quotes a name that is no name. Only curly quotes and book marks count: a
    straight one is as often an inch mark ("Fender 1/4\" Output Jack")."""
    opened: list[tuple[str, int]] = []
    # only the marks are visited (the regex engine skips the rest of the text)
    for mark in _QUOTATION_MARK_RE.finditer(text):
        char, at = mark.group(), mark.start()
        if char in _QUOTATION_PAIRS:
            opened.append((char, at))
        else:
            if not opened or opened[-1][0] != _QUOTATION_CLOSERS[char]:
                return text[max(0, at - 30): at + 1]
            opened.pop()
    return text[opened[0][1]: opened[0][1] + 40] if opened else None


def _comparable(text: str) -> tuple[str, Sequence[int]]:
    """The text as it is compared (NFKC, invisible characters removed), and for every position
    of it (and its end) the position in ``text`` it came from."""
    if not INVISIBLE_RE.search(text):
        base = unicodedata.normalize("NFKC", text)
        if len(base) == len(text):  # the usual case: full-width marks become ASCII one for one
            return base, range(len(text) + 1)
    parts: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if INVISIBLE_RE.match(char):
            continue
        normal = unicodedata.normalize("NFKC", char) if not char.isascii() else char
        parts.append(normal)
        origin.extend([i] * len(normal))
    origin.append(len(text))
    return "".join(parts), origin


def _place(problems: list[UnsupportedSpan], base: str, origin: Sequence[int],
           sentences: list[Claim]) -> None:
    """Give every sentence-local problem the sentence it is in (offsets into the original)."""
    folded = base.casefold()
    for index, problem in enumerate(problems):
        if problem.claim_start is not None or problem.kind in WHOLE_TEXT or not problem.text:
            continue
        at = folded.find(problem.text.casefold())
        for sentence in sentences:
            if at >= 0 and sentence.start <= at < sentence.end:
                problems[index] = dataclasses.replace(
                    problem, claim_start=origin[sentence.start], claim_end=origin[sentence.end])
                break


def _history_before(base: str, at: int, terms: list[tuple[int, int, str, str]],
                    support: Support) -> bool:
    """Whether a history item is named earlier in the sentence ending at ``at``."""
    start = max(base.rfind(end, 0, at) for end in (". ", "。", "! ", "? ")) + 1
    named = [span for s, _, span, kind in terms if kind == "title" and start <= s < at]
    named += [name for s, name in quoted_names(base[start:at])]
    return any(_is_history(name, support) for name in named)


def _free(masked: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in masked)


def _blank(text: str, masked: list[tuple[int, int]]) -> str:
    """The text with judged spans replaced by spaces (offsets preserved)."""
    chars = list(text)
    for start, end in masked:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _names(folded: str, keys: str, title: str) -> bool:
    for variant in title_variants(title):
        if has_cjk(variant):
            if normalise(variant) in folded:
                return True
        elif token_key(variant) and f" {token_key(variant)} " in keys:
            return True
    return False
