"""Targets written by a larger model: distillation through an OpenAI-compatible server.

Each prompt is the one whyrec sends (:meth:`~whyrec.explanation.explainer.Explainer.prompt_for`,
answer start included) and goes to the teacher through whyrec's ``openai`` backend, the answer
start sent as a final assistant message for the teacher to continue (llama.cpp's server does;
vLLM with ``continue_final_message``; a reply that repeats the start is accepted too). The
cleaned continuation is the target, kept only when the verifier passes the whole answer against
the prompt's facts (:func:`~whyrec.tuning.data.accept_target`); failing drafts are dropped and
counted by the verifier's reason (``dropped:KIND``), failed requests as ``dropped:backend_error``.

Prompts carry pseudonymised facts only ("you", never a person's id), and they go through the
same privacy gates as ``whyrec explain --backend openai``: ``WHYREC_LOCAL_ONLY`` refuses a
server off this machine, and requests to one are written to the audit log.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from whyrec.backends.base import Backend, BackendError, Message
from whyrec.backends.openai_compat import OpenAIBackend
from whyrec.errors import ConfigError
from whyrec.explanation.explainer import MAX_TOKENS, STOP, Explainer, clean_draft, continued
from whyrec.privacy.sanitise import private_details
from whyrec.tuning.pairs import (
    TrainingPair,
    accept_target,
    pick_style,
    training_users,
    tuning_pipeline,
)

if TYPE_CHECKING:
    from whyrec.data.dataset import Dataset

#: sampling temperature of the teacher: some variety, still mostly faithful
TEMPERATURE = 0.6
#: failed requests in a row after which the server is taken to be down
MAX_FAILURES = 3


def distill_pairs(
    dataset: Dataset, *, base_url: str | None = None, llm_model: str | None = None,
    llm_timeout: float = 60.0, languages: Sequence[str] = ("en", "zh"),
    language_weights: Sequence[float] | None = None, max_pairs: int = 400, per_user: int = 3,
    seed: int = 0, algorithm: str = "itemknn", stats: Counter[str] | None = None,
    teacher: Backend | None = None,
) -> Iterator[TrainingPair]:
    """Verified pairs whose targets a teacher model wrote.

    Parameters
    ----------
    base_url, llm_model, llm_timeout : the teacher: an OpenAI-compatible API root
        (``http://host:8000/v1``; default ``$WHYREC_BASE_URL``), its model name (default
        ``$WHYREC_MODEL``) and seconds per request. The key comes from ``$WHYREC_API_KEY``.
    teacher : a ready :class:`~whyrec.backends.base.Backend` instead (its ``supports_prefill``
        must be true); ``base_url`` and ``llm_model`` are then not used.

    The other parameters are :func:`~whyrec.tuning.data.build_pairs`'s. Each request's seed
    comes from ``seed``, the person and the item, so a server that samples deterministically
    from a seed (llama.cpp, vLLM) gives the same pairs again.

    Raises
    ------
    ConfigError
        No server or model is named, or the server failed ``MAX_FAILURES`` requests in a row
        before any pair was made.

    Examples
    --------
    >>> pairs = list(distill_pairs(load_dataset("demo"), base_url="http://gpu:8000/v1",
    ...                            model="Qwen2.5-7B-Instruct", max_pairs=5))  # doctest: +SKIP
    """
    if teacher is None:
        teacher = OpenAIBackend(base_url=base_url, model=llm_model, timeout=llm_timeout,
                                prefill=True)
    if not teacher.supports_prefill:
        raise ConfigError("the distill teacher must continue the answer start (prefill)")
    stats = stats if stats is not None else Counter()
    rng = random.Random(f"{seed}\x1fdistill\x1f{dataset.domain}")
    # the explain command's gates: local-only refuses a remote teacher, remote requests audited
    pipeline = tuning_pipeline(dataset, algorithm, Explainer(teacher, dataset=dataset))
    made = failures = 0
    for user in training_users(dataset, rng):
        for rec in pipeline.recommend(user, n=per_user):
            language = rng.choices(list(languages), weights=language_weights)[0]
            try:
                pair = _distilled(pipeline.explainer, rec, language, rng, seed, stats)
            except BackendError as exc:
                stats["dropped:backend_error"] += 1
                failures += 1
                if failures >= MAX_FAILURES and not made:
                    raise ConfigError(f"--source distill: the teacher failed {failures} "
                                      f"requests in a row: {exc}") from None
                continue
            failures = 0
            if pair is not None:
                made += 1
                yield pair
                if made >= max_pairs:
                    return


def _distilled(explainer: Explainer, rec: Any, language: str, rng: random.Random, seed: int,
               stats: Counter[str]) -> TrainingPair | None:
    style = pick_style(rng)
    prompt, verifier, start = explainer.prompt_for(rec, language=language, style=style)
    if not prompt.facts:
        stats["no_facts"] += 1
        return None
    request: list[Message] = [*prompt.messages, {"role": "assistant", "content": start}]
    if explainer.audit is not None:
        explainer.audit.record(explainer.backend, prompt.facts,
                               private_details(explainer.details_for(rec), rec.user_id), request,
                               purpose="distill", language=language)
    completion = explainer.backend.complete(
        request, max_tokens=int(MAX_TOKENS[style.length] * (1.5 if language == "zh" else 1)),
        temperature=TEMPERATURE, stop=STOP,
        seed=zlib.crc32(f"{seed}\x1f{rec.user_id}\x1f{rec.item_id}\x1f{language}".encode()))
    stats["drafts"] += 1
    draft = clean_draft(continued(start, completion.text, language))
    if not draft.startswith(start) or len(draft) == len(start):
        stats["dropped:not_a_continuation"] += 1
        return None
    return accept_target((prompt, verifier, start), draft[len(start):], language=language,
                         style=style, key=f"{rec.user_id}|{rec.item_id}|{language}",
                         stats=stats)
