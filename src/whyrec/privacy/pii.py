"""Finding and removing personal data in free text: e-mail, phone, card, IBAN, ID numbers, URLs,
IP and street addresses, and person names where a cue gives them away.

Detection uses Presidio's pattern recognisers (``presidio-analyzer``) without its NLP engine:
no spaCy model is loaded and nothing is downloaded. This module's own patterns (links, bare
domains, Chinese ID numbers, street addresses, names after a cue) are matched as Presidio's
``PatternRecognizer`` matches them, with the same ``regex`` engine, but without importing
Presidio, whose package imports spaCy (a second and more): Presidio is loaded only for the
text that needs one of its recognisers (an "@" or a run of digits). Card numbers are checked
with Luhn, IBANs with their mod-97 checksum, phone numbers with Google's ``phonenumbers`` (so
Chinese mobile numbers and international formats are found); Chinese resident ID numbers are
checked with their GB 11643 check digit. Person names need a named-entity model, which cannot
be shipped offline here, so names are found only after a cue ("my name is …", "Mr …",
"我叫…", "王先生"). Every match is replaced by a neutral placeholder such as ``(email)``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from whyrec.errors import ConfigError

#: what a found span is replaced with, per kind
PLACEHOLDERS: dict[str, str] = {
    "EMAIL_ADDRESS": "(email)", "PHONE_NUMBER": "(phone)", "CREDIT_CARD": "(card number)",
    "IBAN_CODE": "(IBAN)", "CN_ID_CARD": "(ID number)", "URL": "(link)",
    "IP_ADDRESS": "(IP address)", "ADDRESS": "(address)", "PERSON": "(name)",
}
#: regions whose phone formats are recognised (Chinese first: the project's second language)
PHONE_REGIONS = ("CN", "US", "GB", "DE", "FR", "IN", "HK", "TW", "SG", "AU")
#: a candidate must score at least this (Presidio's scale, 0..1)
MIN_SCORE = 0.3
#: recognisers built from this module's patterns (run case-sensitively, without Presidio)
OWN_PATTERNS = ("url", "domain", "cn_id", "address", "person")
CASE_SENSITIVE = re.DOTALL | re.MULTILINE

_URL_PATTERNS = (
    (r"(?i)\b(?:https?|ftp)://[^\s\"'<>“”]+", 0.9),
    (r"(?i)\bwww\d{0,3}\.[a-z0-9\-]+(?:\.[a-z0-9\-]+)+(?:/[^\s\"'<>“”]*)?", 0.8),
)
#: a bare domain ("lamps.com"): contact data in people's text, a name in a catalog's
#: ("Startup.com (2001)", "Booking.com"), so catalog text keeps it
_DOMAIN_PATTERNS = (
    (r"(?i)\b[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:com|net|org|io|cn|shop|store|info|biz|me|ly|co"
     r"|xyz|app|dev|top|site|online|edu|gov)(?![\w.@-])(?:/[^\s\"'<>“”]*)?", 0.6),
)
#: 18-digit Chinese resident ID: region (6), birth date (8), sequence (3), check digit
_CN_ID = r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])" \
         r"\d{3}[0-9Xx](?![0-9A-Za-z])"
_STREET = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|"
           r"Place|Pl|Square|Sq|Terrace|Strasse|Straße)")
_HOUSE = rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){{1,3}}{_STREET}\b\.?"
_ADDRESS_CUE = (r"(?i:\baddress(?:\s+is)?|\b(?:i|we)\s+live\s+at|\blives\s+at|\blocated\s+at"
                r"|\b(?:ship|deliver|send|mail)\s+(?:it\s+)?to)\s*[:：]?\s*")
#: English street addresses need a cue or a town and postcode after them: product names say
#: "5 Road Running Shoe" and "2 TB Hard Drive" too
_ADDRESS_PATTERNS = (
    (_ADDRESS_CUE + _HOUSE + r"(?:,?\s+(?:Apt|Suite|Unit|Flat)\.?\s*\d+[A-Za-z]?)?", 0.7),
    (_HOUSE + r"(?:,?\s+(?:Apt|Suite|Unit|Flat)\.?\s*\d+[A-Za-z]?)?,\s*(?:[A-Z][a-z]+\s*){1,3},"
     r"?\s*(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|\d{4,5})\b", 0.7),
    (r"(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区|市|区|县|镇))*[\u4e00-\u9fff]{1,10}?"
     r"(?:路|街|大道|巷|胡同|弄)\s*\d{1,5}\s*号(?:\s*\d{1,5}\s*(?:室|楼|单元))*", 0.7),
)
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
             "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
             "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_NAME_PATTERNS = (
    (r"(?i:\bmy name is|\bmy name's|\bi am called|\bsigned|\bregards,|\bthanks,)"
     r"\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}", 0.6),
    (r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}", 0.6),
    (r"\bI(?:'m|’m| am)\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}", 0.5),
    (r"(?:我叫|我的名字是|我的名字叫|本人|联系人[:：]?)\s*[\u4e00-\u9fff]{2,3}", 0.6),
    (rf"[{_SURNAMES}][\u4e00-\u9fff]{{0,2}}(?:先生|女士|小姐|老师)", 0.5),
)
#: Presidio's time limit for one pattern's matches (its ``REGEX_TIMEOUT_SECONDS``), ours too
REGEX_TIMEOUT_S = int(os.environ.get("REGEX_TIMEOUT_SECONDS", 60))
log = logging.getLogger("whyrec.privacy")

#: cheap tests that decide which recognisers can possibly match (most text needs none)
_DIGITS_RE = re.compile(r"\d")
_NAME_CUE_RE = re.compile(
    r"(?i)my name|i am|i'm|i’m|signed|regards|thanks,|\b(?:mr|mrs|ms|miss|dr|"
    r"prof)\b|我叫|我的名字|本人|联系人|先生|女士|小姐|老师")
_PHONE_CUE_RE = re.compile(
    r"(?i)\b(?:call|phone|tel|telephone|mobile|cell|fax|whatsapp|contact|text|sms)\b|电话|手机|"
    r"联系|致电|热线|微信")
_ADDRESS_CUE_RE = re.compile(rf"(?i)\b{_STREET}\b|号")
#: the last label of an e-mail domain: letters only, as every top-level domain is
_TOP_LABEL_RE = re.compile(r"@[^@\s]+\.[A-Za-z]{2,24}$")
#: how people write phone numbers (part numbers are written otherwise: "099-2250-000")
_PHONE_SHAPE_RE = re.compile(
    r"\(\d{3}\)\s?\d{3}[-.\s]\d{4}|\d{3}-\d{3}-\d{4}|\d{3}\.\d{3}\.\d{4}"
    r"|\(?0\d{2,3}\)?[-\s]\d{7,8}")
#: full-width forms of ASCII (＠, ．, digits), read as ASCII to find what they spell
_FULL_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: where it is, what kind, and how sure the detector is."""

    start: int
    end: int
    kind: str
    score: float
    text: str


#: extra scans with earlier findings blanked out (each can reveal what a failed match hid)
MAX_RESCANS = 2


class PiiScrubber:
    """Finds personal data in text and replaces it with placeholders.

    Presidio's recognisers are built when a text first needs one (Presidio imports spaCy,
    which takes about a second): text with no "@" and no run of six digits is answered without
    them. :meth:`load` builds them at once.

    Examples
    --------
    >>> PiiScrubber().scrub("mail me at ann@example.com or call 13812345678")
    'mail me at (email) or call (phone)'
    """

    def __init__(self, regions: tuple[str, ...] = PHONE_REGIONS) -> None:
        self.regions = regions
        self._recognizers: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._warm = False  # every recogniser run once (load)

    def find(self, text: str, *, names: bool = True) -> list[Finding]:
        """Every non-overlapping finding in ``text``, left to right (the surest wins overlaps).

        ``names=False`` leaves person names and bare domains alone: catalog titles name
        people and sites on purpose ("Mrs. Doubtfire", "Startup.com"); contact data is
        removed either way.
        """
        if not text or not text.strip():
            return []
        original = text
        if not text.isascii():
            # "bob＠gmail．com": one character for one, so positions stay those of the original
            text = text.translate(_FULL_WIDTH)
        wanted = ["email"] if "@" in text else []
        # every link pattern needs "://" or "www", every bare domain a dot
        if "://" in text or "www" in text.lower():
            wanted.append("url")
        if names and "." in text:
            wanted.append("domain")
        digits = len(_DIGITS_RE.findall(text))
        if digits >= 6:
            wanted += ["phone", "card", "iban", "cn_id", "ip"]
        if digits and _ADDRESS_CUE_RE.search(text):
            wanted.append("address")
        if names and _NAME_CUE_RE.search(text):
            wanted.append("person")
        found = _without_overlaps(self._scan(text, original, wanted, names))
        # a pattern match that fails its check (a phone and a card side by side read as one
        # bad card) hides the real one behind it: scan again with what was found blanked out
        for _ in range(MAX_RESCANS):
            if not found:
                break
            masked = list(text)
            for finding in found:
                masked[finding.start:finding.end] = " " * (finding.end - finding.start)
            more = [f for f in self._scan("".join(masked), original, wanted, names)
                    if not any(f.start < g.end and g.start < f.end for g in found)]
            if not more:
                break
            found = _without_overlaps(found + more)
        return found

    def _scan(self, text: str, original: str, wanted: list[str], names: bool
              ) -> list[Finding]:
        found: list[Finding] = []
        for name in wanted:
            if name in OWN_PATTERNS:  # no Presidio needed
                own = _own_recognizer(name)
                results = [(start, end, score, own.entity)
                           for start, end, score in own.analyze(text)]
            else:
                recognizer = self._load()[name]
                results = [(r.start, r.end, float(r.score), r.entity_type) for r in
                           recognizer.analyze(text, [recognizer.supported_entities[0]], None)]
            for start, end, score, kind in results:
                if score < MIN_SCORE or end <= start:
                    continue
                if (not names and kind == "PHONE_NUMBER"
                        and not _phone_in_catalog(original, start, end)):
                    continue  # a part number ("Fender 099-2250-000"), not a phone
                found.append(Finding(start, end, kind, score, original[start:end]))
        return found

    def scrub(self, text: str, *, names: bool = True) -> str:
        """``text`` with every finding replaced by its placeholder."""
        findings = self.find(text, names=names)
        if not findings:
            return text
        parts, last = [], 0
        for finding in findings:
            parts += [text[last:finding.start], PLACEHOLDERS.get(finding.kind, "(removed)")]
            last = finding.end
        parts.append(text[last:])
        return "".join(parts)

    def load(self) -> None:
        """Build the recognisers now, if not yet (thread-safe: others wait for this one), and
        run each once: Presidio compiles its patterns and ``phonenumbers`` reads a region's
        metadata on first use, which would otherwise fall on the first text that needs them."""
        _own_recognizers()
        self._load()
        if not self._warm:  # also when a text loaded them, but ran only some of them
            self._warm = True
            self.scrub(_WARM_UP)

    @property
    def loaded(self) -> bool:
        """Whether Presidio's recognisers are built."""
        return self._recognizers is not None

    def _load(self) -> dict[str, Any]:
        if self._recognizers is None:
            with self._lock:
                if self._recognizers is None:
                    self._recognizers = _build_recognizers(self.regions)
        return self._recognizers


#: one of everything the recognisers find: what :meth:`PiiScrubber.load` runs them on
_WARM_UP = ("Write to ann@example.com or www.example.com, call +1 415 867 5309 or 13812345678, "
            "card 4111 1111 1111 1111, IBAN DE89370400440532013000, IP 192.168.0.1, "
            "ID 11010519491231002X, 221B Baker Street, my name is Ann Lee.")


def _build_recognizers(regions: tuple[str, ...]) -> dict[str, Any]:
    """Presidio's recognisers (e-mail, phone, card, IBAN, IP): importing Presidio takes about a
    second, since its package imports spaCy."""
    try:
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
        )
    except ImportError:
        raise ConfigError("PII scrubbing needs presidio-analyzer (a core dependency): "
                          "pip install presidio-analyzer") from None

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's e-mail patterns, with the domain checked against tldextract's bundled
        suffix list (the stock check may fetch the list from the network)."""

        def validate_result(self, pattern_text: str) -> bool:
            # any top-level label counts: shops and attackers use private ones too
            # ("admin@example-shop.test", "bob@corp.internal")
            return _offline_fqdn(pattern_text) or _TOP_LABEL_RE.search(pattern_text) is not None

    return {
        "email": OfflineEmailRecognizer(),
        "phone": PhoneRecognizer(supported_regions=list(regions)),
        "card": CreditCardRecognizer(),
        "iban": IbanRecognizer(),
        "ip": IpRecognizer(),
    }


class OwnRecognizer:
    """One of this module's pattern sets, matched as Presidio's ``PatternRecognizer`` matches a
    pattern list (``analyze`` with ``regex_flags``), without importing Presidio.

    The same engine (the ``regex`` package, with a time limit per pattern), the same rules: an
    empty match is skipped; a validator's verdict makes the score 1 (valid) or 0 (invalid, and
    dropped); then Presidio's ``EntityRecognizer.remove_duplicates``, which drops a result held
    in an earlier kept one of at least its score. The patterns are case-sensitive (names and
    streets are capitalised): Presidio's default flags would ignore case.
    """

    def __init__(self, entity: str, specs: tuple[tuple[str, float], ...],
                 validate: Callable[[str], bool] | None = None) -> None:
        import regex

        self.entity = entity
        self.patterns = [(regex.compile(spec, flags=CASE_SENSITIVE), score)
                         for spec, score in specs]
        self.validate = validate

    def analyze(self, text: str) -> list[tuple[int, int, float]]:
        """(start, end, score) of every match that stands."""
        found: list[tuple[int, int, float]] = []
        for pattern, score in self.patterns:
            try:
                for match in pattern.finditer(text, timeout=REGEX_TIMEOUT_S):
                    start, end = match.span()
                    if start == end:
                        continue
                    if self.validate is not None:
                        score_now = 1.0 if self.validate(text[start:end]) else 0.0
                    else:
                        score_now = score
                    if score_now > 0.0:
                        found.append((start, end, score_now))
            except TimeoutError:  # as Presidio: this pattern's further matches are skipped
                log.warning("%s pattern timed out after %s s, skipped", self.entity,
                            REGEX_TIMEOUT_S)
        return _remove_contained(found)


def _remove_contained(found: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Presidio's ``EntityRecognizer.remove_duplicates`` for the results of one entity type:
    duplicates once; by start, longest and surest first, a result inside a kept one whose
    score is at least its own is dropped."""
    kept: list[tuple[int, int, float]] = []
    for start, end, score in sorted(set(found), key=lambda r: (r[0], r[0] - r[1], -r[2])):
        if not any(k[0] <= start and end <= k[1] and score <= k[2] for k in kept):
            kept.append((start, end, score))
    return kept


@cache
def _own_recognizer(name: str) -> OwnRecognizer:
    """One of this module's recognisers (:data:`OWN_PATTERNS`), built when a text first needs
    it: each compiles its own patterns, and most text needs one at most."""
    specs: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {
        "url": ("URL", _URL_PATTERNS), "domain": ("URL", _DOMAIN_PATTERNS),
        "cn_id": ("CN_ID_CARD", ((_CN_ID, 0.9),)), "address": ("ADDRESS", _ADDRESS_PATTERNS),
        "person": ("PERSON", _NAME_PATTERNS)}
    entity, patterns = specs[name]
    return OwnRecognizer(entity, patterns, validate=cn_id_valid if name == "cn_id" else None)


def _own_recognizers() -> dict[str, OwnRecognizer]:
    return {name: _own_recognizer(name) for name in OWN_PATTERNS}


@lru_cache(maxsize=1)
def _tld_extractor() -> Any:
    import tldextract

    # no suffix-list URLs: the snapshot bundled with tldextract, never the network
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _offline_fqdn(text: str) -> bool:
    return bool(_tld_extractor()(text.rsplit("@", 1)[-1]).fqdn)


def cn_id_valid(number: str) -> bool:
    """The GB 11643-1999 check digit of an 18-character Chinese resident ID number.

    Examples
    --------
    >>> cn_id_valid("11010519491231002X")
    True
    >>> cn_id_valid("110105194912310021")
    False
    """
    if len(number) != 18 or not number[:17].isdigit():
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _phone_in_catalog(text: str, start: int, end: int) -> bool:
    """Whether a phone-shaped number in catalog text is a phone: catalogs are full of part
    numbers, so it needs a leading ``+``, a word like "call" or "电话" just before it, or the
    shape phones are written in: a Chinese mobile or landline number, a North American one
    ("(415) 867-5309", "415-867-5309", "415.867.5309")."""
    span = text[start:end]
    digits = re.sub(r"\D", "", span)
    return (span.lstrip().startswith("+") or _PHONE_CUE_RE.search(text[max(0, start - 24):start])
            is not None or re.fullmatch(r"1[3-9]\d{9}", digits) is not None
            or _PHONE_SHAPE_RE.fullmatch(span.strip()) is not None)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Keep the surest (then longest) of overlapping findings, in text order."""
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (-f.score, -(f.end - f.start), f.start)):
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


_default = PiiScrubber()


@lru_cache(maxsize=65_536)
def scrub_text(text: str) -> str:
    """Text a person or a caller wrote, without personal data (names found by cue included);
    cached, since the same strings recur across explanations.

    Examples
    --------
    >>> scrub_text("Desk lamp, questions to shop@lamps.example.com")
    'Desk lamp, questions to (email)'
    """
    return _default.scrub(text)


@lru_cache(maxsize=65_536)
def scrub_catalog_text(text: str) -> str:
    """Catalog text (titles, tags, brands, descriptions) without contact or payment data;
    names are kept, since catalogs name people on purpose ("Mr. Holland's Opus").

    Examples
    --------
    >>> scrub_catalog_text("Mrs. Doubtfire (1993), fan club www.doubtfire-fans.org")
    'Mrs. Doubtfire (1993), fan club (link)'
    """
    return _default.scrub(text, names=False)


def load_scrubber() -> None:
    """Build the shared scrubber's recognisers now (Presidio's import: about a second), so that
    the first text that needs them does not wait; ``whyrec serve`` does it once it is first
    idle."""
    _default.load()


def require_presidio() -> None:
    """One-line :class:`ConfigError` when Presidio is not installed (checked without importing
    it, which takes about a second)."""
    from importlib.util import find_spec

    if find_spec("presidio_analyzer") is None:
        raise ConfigError("PII scrubbing needs presidio-analyzer (a core dependency): "
                          "pip install presidio-analyzer")


def find_pii(text: str, *, names: bool = True) -> list[Finding]:
    """The personal data :func:`scrub_text` would remove from ``text``."""
    return _default.find(text, names=names)
