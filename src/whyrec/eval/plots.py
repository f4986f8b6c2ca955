"""The report's plots: matplotlib (``Agg``, no display) figures returned as base64 PNG strings.

Each function takes the configurations' results (:class:`~whyrec.eval.runner.ConfigResult`)
and returns one PNG, so the HTML report embeds it as ``data:image/png;base64,…`` and stays a
single self-contained file.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from whyrec.errors import ConfigError
from whyrec.eval.faithfulness import GROUPS
from whyrec.eval.personal import text_stats

EXTRA_HINT = "pip install 'whyrec[eval]'"
COLOURS = ("#3b6ea8", "#e08a2c", "#4e9a5b", "#b04a5a", "#7a62a8", "#8c7a4b")
#: fonts with Chinese glyphs, tried after matplotlib's own (which has none) so that a
#: configuration or backend named in Chinese is not drawn as boxes; the first installed one is used
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei")


def pyplot() -> Any:
    """matplotlib's pyplot on the ``Agg`` backend (files only), or a one-line error."""
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ConfigError(f"the report's plots need matplotlib: {EXTRA_HINT}") from exc
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    family = list(matplotlib.rcParams["font.family"])
    if not any(name in family for name in CJK_FONTS):
        installed = {font.name for font in font_manager.fontManager.ttflist}
        cjk = next((name for name in CJK_FONTS if name in installed), None)
        if cjk:  # only an installed one: a missing family makes matplotlib warn on every text
            matplotlib.rcParams["font.family"] = [*family, cjk]
    return plt


def to_png(figure: Any) -> str:
    """A figure as a base64 PNG string (the figure is closed)."""
    plt = pyplot()
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _bars(groups: Sequence[str], series: Mapping[str, Sequence[float]], title: str,
          ylabel: str, ylim: tuple[float, float] | None = (0, 1)) -> str:
    """Grouped bars: one group per x label, one bar per series (configuration); "" when every
    bar would be zero (an empty chart says less than the sentence the report shows instead)."""
    if not any(v for values in series.values() for v in values):
        return ""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(8, 3.4))
    width = 0.8 / max(1, len(series))
    x = np.arange(len(groups))
    for k, (name, values) in enumerate(series.items()):
        axes.bar(x + k * width - 0.4 + width / 2, values, width, label=name,
                 color=COLOURS[k % len(COLOURS)])
    axes.set_xticks(x, groups, rotation=15, ha="right")
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    if ylim is not None:
        axes.set_ylim(*ylim)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(fontsize=8)
    return to_png(figure)


def unsupported_plot(results: Sequence[Any]) -> str:
    """Share of texts with an unsupported span, per span group: delivered and raw drafts."""
    series: dict[str, list[float]] = {}
    for result in results:
        faith = result.metrics["faithfulness"]
        series[f"{result.config.label()} delivered"] = [
            faith["delivered"]["by_group"][g] for g in GROUPS]
        if faith["drafts"]["n"]:
            series[f"{result.config.label()} drafts"] = [
                faith["drafts"]["by_group"][g] for g in GROUPS]
    return _bars(GROUPS, series, "Texts with an unsupported span, by kind", "share of texts")


def generation_plot(results: Sequence[Any]) -> str:
    """Fallback rate and LLM pass rates per configuration."""
    labels = ["fallback", "LLM pass 1st try", "LLM pass after repair", "LLM written"]
    series = {}
    for result in results:
        g = result.metrics["generation"]
        series[result.config.label()] = [g["fallback_rate"], g["llm_pass_first_try"] or 0.0,
                                         g["llm_pass_after_repair"] or 0.0,
                                         g["llm_written_rate"]]
    return _bars(labels, series, "How explanations were produced", "share")


def fidelity_plot(results: Sequence[Any]) -> str:
    """Literature metrics and counterfactual fidelity per configuration (all in [0, 1])."""
    # all higher-is-better on one axis (DIV, lower-is-better, is in the table only)
    labels = ["USR", "FMR (evidence)", "FCR", "PN", "PS", "F_NS", "distinctness"]
    series = {}
    for result in results:
        m = result.metrics
        lit, cf = m["literature"], m["counterfactual"] or {}
        series[result.config.label()] = [
            lit["usr"], lit["fmr_evidence"] or 0.0, lit["fcr"],
            cf.get("pn", 0.0), cf.get("ps", 0.0), cf.get("fns", 0.0),
            m["personalisation"]["distinctness"]]
    return _bars(labels, series, "Explanation metrics (higher is better)", "value")


def ranking_plot(results: Sequence[Any], k: int) -> str | None:
    """Recall@K, NDCG@K and coverage per configuration; ``None`` without ranking results."""
    series = {}
    for result in results:
        ranking = result.metrics.get("ranking")
        if ranking:
            series[result.config.label()] = [ranking[f"recall@{k}"], ranking[f"ndcg@{k}"],
                                             ranking["coverage"]]
    if not series:
        return None
    top = max(max(v) for v in series.values())
    return _bars([f"Recall@{k}", f"NDCG@{k}", "coverage"], series,
                 "Recommendation quality (held-out split)", "value",
                 (0, max(0.05, min(1.0, top * 1.25))))


def latency_plot(results: Sequence[Any]) -> str:
    """Histogram of per-explanation latency on a log scale, one colour per configuration."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(8, 3.0))
    data = [np.maximum([r.explanation.latency_ms for r in result.records] or [0.0], 1e-2)
            for result in results]
    low = min(float(d.min()) for d in data)
    high = max(float(d.max()) for d in data)
    bins = np.logspace(np.log10(low), np.log10(max(high, low * 10)), 30)
    for k, (result, values) in enumerate(zip(results, data, strict=True)):
        axes.hist(values, bins=bins, alpha=0.6, label=result.config.label(),
                  color=COLOURS[k % len(COLOURS)])
    axes.set_xscale("log")
    axes.set_xlabel("milliseconds per explanation (log scale)")
    axes.set_ylabel("explanations")
    axes.set_title("Latency")
    axes.legend(fontsize=8)
    return to_png(figure)


def length_plot(results: Sequence[Any]) -> str:
    """Histograms of explanation length per language (English words, Chinese characters)."""
    plt = pyplot()
    languages = sorted({r.explanation.language for res in results for r in res.records}) or ["en"]
    figure, axes = plt.subplots(1, len(languages), figsize=(8, 3.0), squeeze=False)
    for column, language in enumerate(languages):
        ax = axes[0][column]
        for k, result in enumerate(results):
            lengths = [text_stats(r.explanation.text, language)["length"]
                       for r in result.records if r.explanation.language == language]
            if lengths:
                ax.hist(lengths, bins=15, alpha=0.55, label=result.config.label(),
                        color=COLOURS[k % len(COLOURS)])
        unit = "characters" if language == "zh" else "words"
        ax.set_title(f"Length ({language}, {unit})")
        ax.set_xlabel(unit)
        ax.legend(fontsize=7)
    return to_png(figure)


def usefulness_plot(summary: dict[str, Any]) -> str:
    """Helpful rate per backend with its 95 % interval."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(8, 2.8))
    names = [b for b, s in summary["by_backend"].items() if s["votes"]]
    rates = [summary["by_backend"][b]["helpful_rate"] for b in names]
    low = [r - summary["by_backend"][b]["helpful_rate_ci95"][0] for b, r in zip(names, rates,
                                                                                strict=True)]
    high = [summary["by_backend"][b]["helpful_rate_ci95"][1] - r for b, r in zip(names, rates,
                                                                                 strict=True)]
    axes.barh(names, rates, xerr=[low, high], color=COLOURS[0], capsize=4)
    axes.set_xlim(0, 1)
    axes.set_xlabel("helpful / (helpful + not helpful), 95 % interval")
    axes.set_title("Helpful rate by backend")
    return to_png(figure)
