"""Text overlap with reference explanations: BLEU-1/4 (``sacrebleu``) and ROUGE-1/2/L
(``rouge-score``), as reported by PETER and PEPLER.

References
----------
* K. Papineni et al. *BLEU: a Method for Automatic Evaluation of Machine Translation*, ACL 2002;
  M. Post. *A Call for Clarity in Reporting BLEU Scores*, WMT 2018 (sacrebleu).
* C.-Y. Lin. *ROUGE: A Package for Automatic Evaluation of Summaries*, ACL workshop 2004.
* PETER (Li et al., ACL 2021) and PEPLER (Li et al., TOIS 2023) report corpus BLEU-1 and BLEU-4
  and the mean per-pair ROUGE-1/2/L precision, recall and F1, all times 100; so does this module.

Chinese: sacrebleu's ``zh`` tokenizer splits Chinese characters; rouge-score's default tokenizer
drops every non-ASCII character (a Chinese text would score 0), so ROUGE uses :func:`units`
(lower-case word tokens, one token per Chinese character) and no stemmer -- nothing is
downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whyrec.errors import ConfigError
from whyrec.text import CJK_RE, WORD_RE, has_cjk, normalise

EXTRA_HINT = "pip install 'whyrec[eval]'"


def units(text: str) -> list[str]:
    """Comparison units of a text: lower-case words, and each Chinese character on its own.

    Examples
    --------
    >>> units("Great 跑鞋 for you")
    ['great', '跑', '鞋', 'for', 'you']
    """
    out: list[str] = []
    for word in WORD_RE.findall(normalise(text)):
        if has_cjk(word):
            out.extend(_split_cjk(word))
        else:
            out.append(word)
    return out


def _split_cjk(word: str) -> list[str]:
    pieces: list[str] = []
    latin = ""
    for char in word:
        if CJK_RE.match(char):
            if latin:
                pieces.append(latin)
                latin = ""
            pieces.append(char)
        else:
            latin += char
    if latin:
        pieces.append(latin)
    return pieces


class _UnitTokenizer:
    """rouge-score's tokenizer interface (``tokenize(text) -> list[str]``)."""

    def tokenize(self, text: str) -> list[str]:
        return units(text)


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Corpus BLEU-1 and BLEU-4 (0..100) of ``hypotheses`` against one reference each.

    BLEU-n is the brevity-penalised geometric mean of the modified 1..n-gram precisions
    (Papineni et al. 2002), no smoothing beyond sacrebleu's default (``exp``), tokenized with
    ``13a`` or, when any text holds Chinese, ``zh``.

    Examples
    --------
    >>> round(bleu(["the cat sat on the mat"], ["the cat sat on the mat"])["bleu4"], 6)
    100.0
    """
    if len(hypotheses) != len(references):
        raise ValueError("hypotheses and references must have the same length")
    if not hypotheses:
        return {"bleu1": 0.0, "bleu4": 0.0}
    try:
        from sacrebleu.metrics import BLEU
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ConfigError(f"BLEU needs sacrebleu: {EXTRA_HINT}") from exc
    chinese = any(has_cjk(t) for t in (*hypotheses, *references))
    tokenize = "zh" if chinese else "13a"
    metric = BLEU(max_ngram_order=4, tokenize=tokenize)
    score = metric.corpus_score(list(hypotheses), [list(references)])
    # BLEU-1 is the brevity penalty times the unigram precision (one tokenization for both)
    bleu1 = score.bp * score.precisions[0] if score.sys_len else 0.0
    return {"bleu1": float(bleu1), "bleu4": float(score.score)}


def rouge(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, Any]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-L precision, recall and F1 (0..100) over the pairs.

    ROUGE-n: n-gram overlap counts divided by the hypothesis' (precision) / reference's (recall)
    n-gram counts; ROUGE-L uses the longest common subsequence instead (Lin 2004).

    Examples
    --------
    >>> rouge(["the cat sat"], ["the cat sat on"])["rouge1"]["r"]
    100.0
    """
    if len(hypotheses) != len(references):
        raise ValueError("hypotheses and references must have the same length")
    kinds = ("rouge1", "rouge2", "rougeL")
    totals = {kind: {"p": 0.0, "r": 0.0, "f": 0.0} for kind in kinds}
    if not hypotheses:
        return totals
    try:
        from rouge_score.rouge_scorer import RougeScorer
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ConfigError(f"ROUGE needs rouge-score: {EXTRA_HINT}") from exc
    scorer = RougeScorer(list(kinds), use_stemmer=False, tokenizer=_UnitTokenizer())
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        scores = scorer.score(reference, hypothesis)  # (target, prediction)
        for kind in kinds:
            totals[kind]["p"] += scores[kind].precision
            totals[kind]["r"] += scores[kind].recall
            totals[kind]["f"] += scores[kind].fmeasure
    n = len(hypotheses)
    return {kind: {k: 100.0 * v / n for k, v in values.items()} for kind, values in
            totals.items()}
