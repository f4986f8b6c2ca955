"""Explanation text as it is written, one verified sentence at a time.

The model's first draft streams into a buffer; each sentence is shown only once the text up to
and including it passes the verifier (length aside: the draft is not finished). When a
sentence fails, nothing more is shown, and the final event carries the delivered explanation
(repaired or the template's) with ``replaced`` set, so the client swaps the text. Nothing
unverified ever leaves this module.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from whyrec.explanation.explainer import Explainer
from whyrec.explanation.mend import mended
from whyrec.privacy.clean import clean_text
from whyrec.text import SENTENCE_END_RE
from whyrec.types import Explanation, Recommendation
from whyrec.values import Style

#: spans that only mean "not finished yet" while the draft is still being written
UNFINISHED_KINDS = frozenset({"length"})


def stream_explanation(explainer: Explainer, rec: Recommendation, *,
                       language: str | None = None, style: Style | None = None,
                       ) -> Iterator[dict[str, Any]]:
    """Events: ``{"event": "text", "text": …}`` per verified sentence, then
    ``{"event": "explanation", "explanation": {...}, "replaced": bool}``."""
    language = language or explainer.language_of(rec.user_id)
    pieces: queue.Queue[str | Explanation | BaseException] = queue.Queue()

    def work() -> None:
        try:
            pieces.put(explainer.explain(rec, language=language, style=style,
                                         on_piece=pieces.put))
        except BaseException as exc:  # handed to the reader, which raises it
            pieces.put(exc)

    threading.Thread(target=work, name="whyrec-stream", daemon=True).start()
    prompt, verifier, start = explainer.prompt_for(rec, language=language, style=style)
    relaxed = replace(style or explainer.style, length="detailed")
    written, shown, failed = start, "", False
    while True:
        item = pieces.get()
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, Explanation):
            yield {"event": "explanation", "explanation": item.to_dict(),
                   "replaced": bool(shown) and not item.text.startswith(shown)}
            return
        written += item
        finished = _finished_part(written)
        if failed or len(finished) <= len(shown):
            continue
        # cleaned and mended as the explainer does, so what is shown is what it delivers
        candidate = mended(clean_text(finished, purpose="reply"), prompt.support.titles,
                           prompt.support.carted, prompt.support.grouping_features)
        verdict = verifier.verify(candidate, prompt.support, language, relaxed,
                                  require_item=False)
        if any(span.kind not in UNFINISHED_KINDS for span in verdict.unsupported):
            failed = True  # the rest waits for the repaired or template text
            continue
        if candidate.startswith(shown) and len(candidate) > len(shown):
            yield {"event": "text", "text": candidate[len(shown):]}
            shown = candidate


def _finished_part(text: str) -> str:
    """``text`` up to the end of its last complete sentence ("" when there is none)."""
    ends = [m.start() for m in SENTENCE_END_RE.finditer(text)]
    if text.rstrip().endswith(("。", "！", "？")):
        return text.rstrip()
    return text[:ends[-1]] if ends else ""
