"""Evidence -> prompt -> backend -> verifier -> repair -> template fallback, with a cache.

Every delivered :class:`~whyrec.types.Explanation` says how it was made: backend and model,
how many model calls, the verdict on the delivered text, each raw draft's verdict, the latency,
and whether (and why) the template text was delivered instead of a model's draft.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from whyrec.backends.audit import AuditLog, audit_everything
from whyrec.backends.base import Backend, BackendError, Completion, Message
from whyrec.backends.locality import is_local, local_only_default, require_local
from whyrec.backends.registry import create_backend
from whyrec.data.dataset import Cached
from whyrec.errors import ConfigError
from whyrec.explanation.cache import ExplanationCache, cache_key
from whyrec.explanation.examples import example_titles
from whyrec.explanation.extension import (
    FACTS_AIMED,
    led_start,
    next_sentence_start,
    unstated,
    warm_close_start,
)
from whyrec.explanation.mend import mended
from whyrec.explanation.prompt import (
    DEFAULT_TOKEN_BUDGET,
    PROMPT_VERSION,
    ItemDetails,
    Prompt,
    answer_start,
    build_prompt,
    repair_messages,
    support_for,
    tuned_start,
)
from whyrec.explanation.templates import TemplateExplainer
from whyrec.privacy.clean import clean_text
from whyrec.privacy.sanitise import (
    private_details,
    private_recommendation,
    vetted_recommendation,
)
from whyrec.types import (
    Draft,
    Explanation,
    FallbackReason,
    Recommendation,
    UnsupportedSpan,
    Verdict,
)
from whyrec.values import Style
from whyrec.verification.trim import passing_part, repaired
from whyrec.verification.verifier import Verifier
from whyrec.verification.vocabulary import Vocabulary, dataset_vocabulary

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset

#: tokens a reply may use, by length (Chinese needs about half again as many)
MAX_TOKENS = {"short": 70, "medium": 150, "detailed": 240}
#: an explanation is one paragraph; a new line means the model moved on to something else
STOP = ("\n",)
#: each catalog item's details, by item id (read once per dataset)
CATALOG_DETAILS: Cached[dict[str, ItemDetails]] = Cached("explanation: catalog details")


class Explainer:
    """Explains recommendations with a backend and guarantees the delivered text is supported.

    Parameters
    ----------
    backend : a :class:`Backend` or a registered name (``llamacpp``, ``openai``, ``template``,
        ``fake``); ``backend_options`` go to its constructor.
    dataset : the catalog the recommendations come from (vocabulary, wording, languages);
        without one, caller-supplied :class:`ItemDetails` and evidence are the vocabulary.
    style : default length, tone and evidence preferences.
    language : the default language (``None``: each person's own, from the dataset).
    max_repairs : regenerations with the verifier's complaint before the template fallback.
    best_of : drafts the first request asks for (other seeds, sampled); the verified one
        stating the most facts is delivered. Each costs a model call.
    cache : an :class:`ExplanationCache`; ``None`` caches nothing.
    local_only : refuse a backend that sends prompts off this machine (default:
        ``$WHYREC_LOCAL_ONLY``); :class:`~whyrec.errors.PrivacyError` names where they would go.
    audit : an :class:`~whyrec.backends.audit.AuditLog` for every model request; by default
        (``None``) requests to an external backend are logged to ``$WHYREC_HOME/audit.jsonl``
        (every request with ``WHYREC_AUDIT=all``); ``False`` logs nothing.

    Every recommendation is scrubbed of personal data and pseudonymised (the person's id
    replaced by "you") before it is worded, prompted, cached or logged.

    Examples
    --------
    >>> explainer = Explainer("template", dataset=dataset)           # doctest: +SKIP
    >>> explainer.explain(recommendation).verdict.passed             # doctest: +SKIP
    True
    """

    def __init__(
        self, backend: Backend | str = "llamacpp", *, dataset: Dataset | None = None,
        style: Style | None = None, max_repairs: int = 2, cache: ExplanationCache | None = None,
        best_of: int = 1,
        token_budget: int = DEFAULT_TOKEN_BUDGET, domain: str | None = None,
        local_only: bool | None = None, audit: AuditLog | bool | None = None,
        language: str | None = None, **backend_options: Any,
    ) -> None:
        self.backend = (create_backend(backend, **backend_options) if isinstance(backend, str)
                        else backend)
        self.local_only = local_only_default() if local_only is None else local_only
        if self.local_only:
            require_local(self.backend)
        if audit is None:
            audit = (not is_local(self.backend) or audit_everything()) and self.backend.uses_model
        self.audit: AuditLog | None = (audit if isinstance(audit, AuditLog)
                                       else AuditLog() if audit else None)
        self.style = style or Style()
        self.language = language
        self.max_repairs = max_repairs
        if best_of < 1:
            raise ConfigError(f"best_of must be at least 1, got {best_of}")
        self.best_of = best_of
        self.cache = cache
        self.token_budget = token_budget
        self._domain = domain
        self.use_dataset(dataset)

    def use_dataset(self, dataset: Dataset | None) -> None:
        """Explain recommendations from ``dataset``'s catalog (vocabulary, wording, languages)."""
        self.dataset = dataset
        self.domain = self._domain or (dataset.domain if dataset is not None else "ecommerce")
        self.vocabulary = dataset_vocabulary(dataset) if dataset is not None else Vocabulary()
        self._details = _catalog_details(dataset) if dataset is not None else {}
        self._wordings: dict[tuple[str, str], TemplateExplainer] = {}

    # --- public -----------------------------------------------------------------------------
    def explain(
        self, rec: Recommendation, *, language: str | None = None, style: Style | None = None,
        details: ItemDetails | None = None, on_piece: Callable[[str], None] | None = None,
    ) -> Explanation:
        """One explanation; never raises for a failing backend (it falls back instead).

        ``on_piece`` receives the first draft piece by piece as a streaming backend writes it
        (unverified: :mod:`whyrec.explanation.streaming` shows only the sentences that pass).
        """
        started = time.perf_counter()
        language = language or self.language_of(rec.user_id)
        style = style or self.style
        details = details or self.details_for(rec)
        # personal data never reaches a prompt, a cache entry or a log: scrub it first
        rec = private_recommendation(rec)
        details = private_details(details, rec.user_id)
        # the key digests every fact: worth its cost only when there is a cache to ask
        key = self._key(rec, details, language, style) if self.cache is not None else ""
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                hit.cached = True
                hit.latency_ms = (time.perf_counter() - started) * 1000.0
                hit.assign_id()
                return hit
        explanation = self._explain(rec, language, style, details, on_piece)
        explanation.latency_ms = (time.perf_counter() - started) * 1000.0
        explanation.assign_id()
        # a backend outage is temporary: its fallback is not worth remembering
        if self.cache is not None and not explanation.is_outage:
            self.cache.put(key, explanation)
        return explanation

    def explain_many(
        self, recs: Sequence[Recommendation], *, language: str | None = None,
        style: Style | None = None, workers: int = 1,
    ) -> list[Explanation]:
        """``explain`` for each recommendation, ``workers`` at a time (parallel model slots)."""
        if workers <= 1 or len(recs) <= 1:
            return [self.explain(r, language=language, style=style) for r in recs]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda r: self.explain(r, language=language, style=style),
                                 recs))

    def verify(self, text: str, rec: Recommendation, *, language: str = "en",
               style: Style | None = None, details: ItemDetails | None = None) -> Verdict:
        """Judge any text (a model's, a person's) against all of ``rec``'s evidence."""
        style = style or self.style
        details = details or self._details.get(rec.item_id) or ItemDetails(title=rec.title)
        rec = vetted_recommendation(rec)  # a caller's words that are no reason back nothing
        support = support_for(rec, details, self._wording(language, style),
                              translations=self._translations(language),
                              untrusted=self._untrusted(rec, details))
        return self.verifier_for(rec, details).verify(text, support, language, style)

    def details_for(self, rec: Recommendation) -> ItemDetails:
        """The catalog details of ``rec``'s item (just its title when the catalog lacks it)."""
        return self._details.get(rec.item_id) or ItemDetails(title=rec.title)

    def language_of(self, user_id: str) -> str:
        """The default language, else the person's own from the dataset, else English."""
        if self.language:
            return self.language
        return self.dataset.user_language(user_id, default="en") if self.dataset else "en"

    def verifier_for(self, rec: Recommendation, details: ItemDetails) -> Verifier:
        """A verifier whose vocabulary also holds the request's own catalog words."""
        if self.dataset is not None and rec.item_id in self._details:
            return Verifier(self.vocabulary, example_titles=example_titles())
        titles = [details.title, *(ref.title for fact in rec.evidence for ref in fact.items())]
        return Verifier(self.vocabulary.extended(
            title=titles, brand=[details.brand], feature=[details.category, *details.tags]),
            example_titles=example_titles())

    def prompt_for(
        self, rec: Recommendation, *, language: str | None = None, style: Style | None = None,
        details: ItemDetails | None = None,
    ) -> tuple[Prompt, Verifier, str]:
        """The first request :meth:`explain` sends for ``rec``, without sending it.

        Returns the prompt (messages, facts and what they back), the verifier that judges the
        reply, and the answer start that prefill-capable backends continue ("" otherwise).
        Fine-tuning builds its training prompts here, so they are exactly the ones sent.
        """
        language = language or self.language_of(rec.user_id)
        style = style or self.style
        details = details or self._details.get(rec.item_id) or ItemDetails(title=rec.title)
        rec = private_recommendation(rec)
        details = private_details(details, rec.user_id)
        prompt = self._prompt(rec, language, style, details)
        return prompt, self.verifier_for(rec, details), self._start(rec, details.title,
                                                                    language, prompt, style)

    # --- the pipeline -----------------------------------------------------------------------
    def _start(self, rec: Recommendation, title: str, language: str, prompt: Prompt,
               style: Style) -> str:
        """The answer start a prefill-capable backend continues: for a tuned model only the
        item's quoted title (it words the reason its own way; left to open freely, the bundled
        model named a history item instead of the item), else one of the language's openings
        ("We picked “X” because", "Why “X”? Because"…), picked by the person and the rank, so
        that a page of recommendations never opens two texts alike (the ranks take the
        openings in turn from a place of the person's own), and the same request always opens
        alike.
        When the style prefers a kind of fact, the reason is begun with the first words of the
        strongest such fact, so that it leads the text."""
        if not self.backend.supports_prefill:
            return ""
        if self.backend.tuned:
            return tuned_start(title, language)
        start = answer_start(title, language,
                             zlib.crc32(rec.user_id.encode()) + OPENING_STRIDE * rec.rank)
        preferred = [s for f, s in zip(prompt.facts, prompt.sentences, strict=False)
                     if s and f.kind in style.prefer]
        return led_start(start, preferred[0], language) if preferred else start

    def _prompt(self, rec: Recommendation, language: str, style: Style,
                details: ItemDetails) -> Prompt:
        return build_prompt(rec, details, self._wording(language, style), style=style,
                            token_budget=self.token_budget,
                            translations=self._translations(language),
                            untrusted=self._untrusted(rec, details),
                            compact=self.backend.tuned,
                            item_details=not self.backend.brief_prompt,
                            plain=self.backend.brief_prompt)

    def _explain(self, rec: Recommendation, language: str, style: Style,
                 details: ItemDetails, on_piece: Callable[[str], None] | None = None
                 ) -> Explanation:
        wording = self._wording(language, style)
        verifier = self.verifier_for(rec, details)
        untrusted = self._untrusted(rec, details)
        if not self.backend.uses_model:
            return self._template(rec, wording, verifier, details, untrusted, language, style,
                                  reason=None)
        prompt = self._prompt(rec, language, style, details)
        drafts: list[Draft] = []
        messages = prompt.messages
        seed = zlib.crc32(f"{rec.user_id}\x1f{rec.item_id}".encode())
        max_tokens = int(MAX_TOKENS[style.length] * (1.5 if language == "zh" else 1))
        reason: FallbackReason | None = None
        detail = ""
        start = self._start(rec, details.title, language, prompt, style)
        for attempt in range(1 + self.max_repairs):
            begun = self._repair_start(start, prompt, style, attempt, language)
            request: list[Message] = (
                [*messages, {"role": "assistant", "content": begun}] if begun else messages)
            if self.audit is not None:
                self.audit.record(self.backend, prompt.facts, details, request,
                                  purpose="explain" if attempt == 0 else "repair",
                                  language=language)
            # the first request may be several drafts (best of k, other seeds, sampled); each
            # repair is one, sampled (hotter, another seed): a greedy one repeats the draft
            tries = self.best_of if attempt == 0 else 1
            judged: list[tuple[str, Verdict, Any]] = []
            try:
                for number in range(tries):
                    options: dict[str, Any] = {
                        "max_tokens": max_tokens,
                        "temperature": 0.2 if attempt == 0 and number == 0 else 0.9,
                        "seed": seed + REPAIR_SEED_STEP * attempt + DRAFT_SEED_STEP * number,
                        "stop": STOP}
                    if (attempt == 0 and number == 0 and on_piece is not None
                            and self.backend.supports_streaming):
                        completion = _streamed(self.backend, request, options, on_piece)
                    else:
                        completion = self.backend.complete(request, **options)
                    text = _drafted(begun, completion.text, language, prompt)
                    judged.append((*self._judged(text, prompt, verifier, language, style,
                                                 completion.latency_ms, drafts), completion))
            except BackendError as exc:
                if not judged:
                    reason, detail = FallbackReason.BACKEND_ERROR, str(exc)
                    break
            # the verified draft that states the most facts (the first among equals)
            passed = [j for j in judged if j[1].passed]
            draft, verdict, completion = max(
                passed, key=lambda j: len(prompt.support.cited_ids(j[0]))) if passed else judged[-1]
            if verdict.passed:
                draft, cited = self._extended(draft, prompt, verifier, details, language,
                                              style, seed, drafts, on_piece)
                return Explanation(
                    user_id=rec.user_id, item_id=rec.item_id, text=draft, language=language,
                    cited_ids=cited, backend=self.backend.name,
                    model=completion.model or self.backend.model_name, attempts=attempt + 1,
                    verdict=verdict, style=style.key(), drafts=drafts)
            messages = repair_messages(prompt, draft, _short_complaint(verdict), details.title,
                                       language)
        if reason is None:
            reason = FallbackReason.VERIFICATION_FAILED
            detail = f"{len(drafts)} draft(s), the last: {drafts[-1].unsupported[0].reason}"
        explanation = self._template(rec, wording, verifier, details, untrusted, language, style,
                                     reason=reason, detail=detail)
        explanation.attempts = len(drafts) + (1 if reason is FallbackReason.BACKEND_ERROR else 0)
        explanation.drafts = drafts
        return explanation

    def _repair_start(self, start: str, prompt: Prompt, style: Style, attempt: int,
                      language: str) -> str:
        """The answer start of a repair: the reason begun with the first words of one of the
        facts in turn (the bundled model, asked again, often writes the same draft; begun on
        a fact, it words that fact). The first try, a tuned model and a preferred kind keep
        their start."""
        sentences = [s for s in prompt.sentences if s]
        if attempt == 0 or not start or self.backend.tuned or style.prefer or not sentences:
            return start
        return led_start(start, sentences[(attempt - 1) % len(sentences)], language)

    def _extended(self, text: str, prompt: Prompt, verifier: Verifier, details: ItemDetails,
                  language: str, style: Style, seed: int, drafts: list[Draft],
                  on_piece: Callable[[str], None] | None) -> tuple[str, list[str]]:
        """``text`` grown by sentence planning (:mod:`whyrec.explanation.extension`) until it
        states as many facts as its length asks, and the ids of the facts it cites; each
        further sentence is begun here and written by the model, and kept only when the whole
        passes and says something new. A sentence that fails is followed by one on the next
        fact (up to :data:`EXTENSION_MISSES` in all); a sentence that passes but states another
        fact than the one it was begun on leaves that one to be planned again (facts whose
        wordings begin alike, "You rated “A” 5/5." and "You rated “B” 4/5.", are begun alike,
        and the model picks which it words); an outage stops the growing."""
        cited = prompt.support.cited_ids(text)
        if not self.backend.supports_prefill:
            return text, cited
        aimed = FACTS_AIMED[style.length]
        facts = list(zip((f.id for f in prompt.facts), prompt.sentences, strict=False))
        tried: set[str] = set()
        step = misses = sentences = 0
        try:
            while len(cited) < aimed:
                todo = [s for s in unstated(facts, cited) if s not in tried]
                if not todo:
                    break
                tried.add(todo[0])
                sentences += 1
                longer = self._sentence(next_sentence_start(text, todo[0], language, step),
                                        prompt, verifier, details, language, style,
                                        seed + EXTENSION_SEED_STEP * sentences, drafts)
                now = prompt.support.cited_ids(longer) if longer else []
                # kept only when it states more, and as a continuation (what was shown stays)
                if longer is None or len(now) <= len(cited) or not longer.startswith(text):
                    misses += 1
                    if misses >= EXTENSION_MISSES:
                        break
                    continue
                if on_piece is not None:
                    on_piece(longer[len(text):])
                if todo[0] in unstated(facts, now):
                    tried.discard(todo[0])  # it said another fact: this one is still to say
                text, cited, step = longer, now, step + 1
            if style.tone == "friendly":  # a warm close, worded by the model
                closed = self._sentence(warm_close_start(text, language), prompt, verifier,
                                        details, language, style, seed + EXTENSION_SEED_STEP,
                                        drafts)
                if closed is not None and closed.startswith(text) and len(closed) > len(text):
                    if on_piece is not None:
                        on_piece(closed[len(text):])
                    text, cited = closed, prompt.support.cited_ids(closed)
        except BackendError:
            pass  # the text so far is verified: an outage only stops it growing
        return text, cited

    def _sentence(self, begun: str, prompt: Prompt, verifier: Verifier, details: ItemDetails,
                  language: str, style: Style, seed: int, drafts: list[Draft]) -> str | None:
        """``begun`` finished by the model, when the whole passes the verifier (recorded as an
        extension draft either way); ``None`` when it fails. A backend's error is raised."""
        request: list[Message] = [*prompt.messages, {"role": "assistant", "content": begun}]
        if self.audit is not None:
            self.audit.record(self.backend, prompt.facts, details, request, purpose="extend",
                              language=language)
        completion = self.backend.complete(
            request, max_tokens=int(EXTENSION_TOKENS * (1.5 if language == "zh" else 1)),
            temperature=0.2, seed=seed, stop=STOP)
        longer = _drafted(begun, completion.text, language, prompt)
        verdict = verifier.verify(longer, prompt.support, language, style)
        drafts.append(_private_draft(longer, verdict, completion.latency_ms))
        drafts[-1].extension = True
        return longer if verdict.passed else None

    @staticmethod
    def _judged(draft: str, prompt: Prompt, verifier: Verifier, language: str, style: Style,
                latency_ms: float, drafts: list[Draft]) -> tuple[str, Verdict]:
        """The draft verified (and recorded in ``drafts``); when only some of its claims fail,
        what is left after surgical repair, if that passes."""
        verdict = verifier.verify(draft, prompt.support, language, style)
        # drafts are kept for the record: a model may invent contact data, never store it
        drafts.append(_private_draft(draft, verdict, latency_ms))
        if verdict.passed:
            return draft, verdict
        # surgical repair: deliver the claims that hold, if they still name the item and state
        # a fact; the draft record says what was dropped and why
        trimmed = repaired(draft, verdict,
                           lambda text: verifier.verify(text, prompt.support, language, style))
        if trimmed is None:
            return draft, verdict
        drafts[-1].dropped = [clean_text(d, purpose="record") for d in trimmed.dropped]
        return trimmed.text, Verdict(passed=True, unsupported=[])

    def _template(self, rec: Recommendation, wording: TemplateExplainer, verifier: Verifier,
                  details: ItemDetails, untrusted: list[str], language: str, style: Style,
                  reason: FallbackReason | None, detail: str = "") -> Explanation:
        explanation = wording.explain(rec)
        support = support_for(rec, details, wording, translations=self._translations(language),
                              untrusted=untrusted)

        def verify(text: str) -> Verdict:
            return verifier.verify(text, support, language, style)

        # template text comes from the facts by construction; the check still runs, so a
        # wording bug (or a catalog that defeats it) cannot hide, and what is delivered passes:
        # the failing sentences dropped, else the item named with no reason, else no title
        verdict = verify(explanation.text)
        if not verdict.passed:
            trimmed = repaired(explanation.text, verdict, verify)
            shorter = trimmed.text if trimmed is not None else passing_part(
                explanation.text, language, verify)
            if shorter is not None:
                explanation.text, verdict = shorter, Verdict(passed=True, unsupported=[])
                explanation.cited_ids = support.cited_ids(shorter)
            else:
                explanation.cited_ids = []
                for bare in wording.bare(rec):
                    verdict = verify(bare)
                    if verdict.passed:
                        explanation.text = bare
                        break
                else:
                    # nothing whyrec can word about this item passes (a catalog built to defeat
                    # the check): no text rather than an unchecked one
                    explanation.text = ""
                    detail = WITHHELD
        if not explanation.cited_ids and verdict.passed:  # shortened: what it still states
            explanation.cited_ids = support.cited_ids(explanation.text)
        explanation.verdict = verdict
        explanation.fallback = reason is not None
        explanation.fallback_reason = reason
        explanation.fallback_detail = detail
        explanation.backend = self.backend.name  # what was asked for; ``model`` says who wrote
        explanation.model = "template"
        return explanation

    # --- helpers ----------------------------------------------------------------------------
    def _key(self, rec: Recommendation, details: ItemDetails, language: str,
             style: Style) -> str:
        evidence = [e.to_dict() for e in rec.evidence]
        return cache_key(PROMPT_VERSION, rec.user_id, rec.item_id, evidence, details.__dict__,
                         language, style.key(), self.backend.name, self.backend.model_name,
                         self.max_repairs, self.best_of)

    def _translations(self, language: str) -> Mapping[str, str]:
        return self.dataset.translations.get(language, {}) if self.dataset else {}

    def _wording(self, language: str, style: Style) -> TemplateExplainer:
        key = (language, style.key())
        if key not in self._wordings:
            scale = (self.dataset.rating_scale if self.dataset else None) or 5.0
            self._wordings[key] = TemplateExplainer(
                language=language, domain=self.domain, translations=self._translations(language),
                rating_scale=scale, style=style)
        return self._wordings[key]

    def _untrusted(self, rec: Recommendation, details: ItemDetails) -> list[str]:
        """Catalog free text about the items involved: the model must never echo it."""
        descriptions = self.vocabulary.descriptions
        ids = [rec.item_id, *(ref.item_id for fact in rec.evidence for ref in fact.items()
                              if ref.role == "history")]
        texts = [clean_text(descriptions[i], purpose="record") for i in ids if i in descriptions]
        return [*texts, details.description] if details.description else texts


#: ``fallback_detail`` of an explanation whose every wording failed its check: no text is given
WITHHELD = "withheld: no wording of this item passed the check"
#: how far apart the openings of neighbouring ranks are in the list of openings: prime to
#: its length, so that a page takes different ones, and more than one, so that two people's
#: pages do not share runs of them
OPENING_STRIDE = 7
#: how far apart the seeds of a draft and its repairs are, of a request's several drafts, and
#: of the further sentences a verified text grows by
REPAIR_SEED_STEP = 7919
DRAFT_SEED_STEP = 104729
EXTENSION_SEED_STEP = 15485863
#: tokens one further sentence may use (Chinese: half again as many)
EXTENSION_TOKENS = 60
#: further sentences that may fail (or say nothing new) before a text stops growing: the
#: bundled model that fumbles one fact often words the next one well
EXTENSION_MISSES = 2


def clean_draft(text: str) -> str:
    """A reply as a person would see it: ``clean_text(text, purpose="reply")``."""
    return clean_text(text, purpose="reply")


def _drafted(begun: str, reply: str, language: str, prompt: Prompt) -> str:
    """A model's reply as it is judged: the whole answer, cleaned, its quotations mended."""
    support = prompt.support
    return mended(clean_draft(continued(begun, reply, language)), support.titles,
                  support.carted, support.grouping_features)


def _streamed(backend: Backend, request: list[Message], options: dict[str, Any],
              on_piece: Callable[[str], None]) -> Completion:
    started = time.perf_counter()
    pieces = []
    for piece in backend.stream(request, **options):
        pieces.append(piece)
        on_piece(piece)
    return Completion(text="".join(pieces), model=backend.model_name,
                      latency_ms=(time.perf_counter() - started) * 1000.0)


def continued(start: str, reply: str, language: str) -> str:
    """The whole answer when the model continued ``start`` (some servers echo it back)."""
    if not start or reply.lstrip().startswith(start):
        return reply
    return start + ("" if language == "zh" else " ") + reply.lstrip()


def _private_draft(text: str, verdict: Verdict, latency_ms: float) -> Draft:
    """A draft as kept for the record: its text and unsupported spans scrubbed of contact
    data (a model may invent some; it is never stored)."""
    spans = [UnsupportedSpan(text=clean_text(s.text, purpose="record"), kind=s.kind,
                             reason=clean_text(s.reason, purpose="record"),
                             claim_start=s.claim_start, claim_end=s.claim_end)
             for s in verdict.unsupported]
    return Draft(passed=verdict.passed, unsupported=spans, text=clean_text(text, purpose="record"),
                 latency_ms=round(latency_ms, 1))


def _short_complaint(verdict: Verdict) -> str:
    return "; ".join(s.reason for s in verdict.unsupported[:3])


def _catalog_details(dataset: Dataset) -> dict[str, ItemDetails]:
    def make() -> dict[str, ItemDetails]:
        items = dataset.items
        columns: dict[str, list[Any]] = {
            c: items[c].tolist() if c in items else [None] * len(items)
            for c in ("category", "brand", "tags", "description")}
        return {
            str(item): ItemDetails(
                title=str(title), category=_text(columns["category"][i]),
                brand=_text(columns["brand"][i]),
                tags=tuple(columns["tags"][i]) if isinstance(columns["tags"][i], (list, tuple))
                else (), description=_text(columns["description"][i]))
            for i, (item, title) in enumerate(zip(items["item_id"].tolist(),
                                                  items["title"].tolist(), strict=True))
        }

    return dataset.cached(CATALOG_DETAILS, make)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
