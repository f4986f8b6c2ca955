"""The report: one JSON object for machines and one self-contained HTML page for people.

The HTML has no external resources (plots are embedded base64 PNGs, the style is inline) and
every piece of catalog or model text is escaped with :func:`html.escape`: titles, descriptions
and generated texts are untrusted.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from whyrec._version import __version__
from whyrec.eval.suite import EvalRecord

#: the headline rows of the comparison table: label, path into the metrics, format, better
HEADLINE: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("explanations", ("n",), "d", ""),
    ("delivered: any unsupported span", ("faithfulness", "delivered", "unsupported_rate"), "%",
     "lower"),
    ("drafts: any unsupported span", ("faithfulness", "drafts", "unsupported_rate"), "%",
     "lower"),
    ("drafts: false fact (hallucination)", ("faithfulness", "drafts", "hallucination_rate"),
     "%", "lower"),
    ("template fallback", ("generation", "fallback_rate"), "%", "lower"),
    ("LLM pass, first try", ("generation", "llm_pass_first_try"), "%", "higher"),
    ("LLM pass, after repair", ("generation", "llm_pass_after_repair"), "%", "higher"),
    ("latency p50 (ms)", ("generation", "latency_ms", "p50"), ".1f", "lower"),
    ("latency p95 (ms)", ("generation", "latency_ms", "p95"), ".1f", "lower"),
    ("PN (necessity)", ("counterfactual", "pn"), ".3f", "higher"),
    ("PS (sufficiency)", ("counterfactual", "ps"), ".3f", "higher"),
    ("F_NS", ("counterfactual", "fns"), ".3f", "higher"),
    ("USR", ("literature", "usr"), ".3f", "higher"),
    ("FMR (reference)", ("literature", "fmr"), ".3f", "higher"),
    ("FMR (evidence features)", ("literature", "fmr_evidence"), ".3f", "higher"),
    ("FCR", ("literature", "fcr"), ".3f", "higher"),
    ("DIV", ("literature", "div"), ".3f", "lower"),
    ("BLEU-1", ("overlap", "bleu1"), ".2f", "higher"),
    ("BLEU-4", ("overlap", "bleu4"), ".2f", "higher"),
    ("ROUGE-1 F", ("overlap", "rouge1", "f"), ".2f", "higher"),
    ("ROUGE-2 F", ("overlap", "rouge2", "f"), ".2f", "higher"),
    ("ROUGE-L F", ("overlap", "rougeL", "f"), ".2f", "higher"),
    ("distinctness (same item, two people)", ("personalisation", "distinctness"), ".3f",
     "higher"),
    ("cited facts that are personal", ("personalisation", "personal_fact_share"), "%", ""),
    ("cites a history item", ("personalisation", "cites_history_rate"), "%", ""),
)

#: what each headline metric means, in words, and where it comes from (shown beside it)
GLOSSARY: dict[str, tuple[str, str]] = {
    "delivered: any unsupported span": (
        "share of texts people saw that state something the recommender's facts do not back",
        "whyrec's claim-level verifier"),
    "drafts: any unsupported span": (
        "the same, for every draft the model wrote, before the verifier and repairs", "whyrec"),
    "drafts: false fact (hallucination)": (
        "share of drafts that state a fact that is false (a purchase that was a click, an "
        "invented number or title)", "whyrec"),
    "template fallback": ("share of texts whyrec's template wrote because the model's drafts "
                          "failed the check or the model did not answer", "whyrec"),
    "LLM pass, first try": ("share of model explanations whose first draft passed", "whyrec"),
    "LLM pass, after repair": ("the same, after at most --repairs rewrites", "whyrec"),
    "latency p50 (ms)": ("the median time to one explanation", ""),
    "latency p95 (ms)": ("the time 95 % of explanations took at most", ""),
    "PN (necessity)": ("share of explanations whose cited facts, taken away, move the item out "
                       "of the person's top-k: the reasons were needed",
                       "Tan et al., CountER, CIKM 2021"),
    "PS (sufficiency)": ("share whose cited facts alone keep the item in the top-k: the reasons "
                         "were enough", "Tan et al., CountER, CIKM 2021"),
    "F_NS": ("the harmonic mean of PN and PS", "Tan et al., CountER, CIKM 2021"),
    "USR": ("unique sentence ratio: distinct texts over all texts (templates repeat)",
            "Li et al., PETER, ACL 2021"),
    "FMR (reference)": ("feature matching ratio: texts naming the feature of a reference text",
                        "Li et al., PETER, ACL 2021"),
    "FMR (evidence features)": ("texts naming a feature the evidence holds",
                                "after Li et al., PETER"),
    "FCR": ("feature coverage ratio: distinct features mentioned over all features",
            "Li et al., PETER, ACL 2021"),
    "DIV": ("feature diversity: how much texts share their features (0 = none shared)",
            "Li et al., PETER, ACL 2021"),
    "BLEU-1": ("word overlap with a reference explanation (unigrams)", "Papineni et al., 2002"),
    "BLEU-4": ("the same for runs of up to four words", "Papineni et al., 2002"),
    "ROUGE-1 F": ("word overlap with a reference, as an F-score", "Lin, 2004"),
    "ROUGE-2 F": ("overlap of word pairs with a reference", "Lin, 2004"),
    "ROUGE-L F": ("longest common word sequence with a reference", "Lin, 2004"),
    "distinctness (same item, two people)": (
        "how different the texts two people get for the same item are (0 = identical)",
        "whyrec"),
    "cited facts that are personal": ("share of cited facts about the person's own history or "
                                      "stated preferences", "whyrec"),
    "cites a history item": ("share of texts naming an item the person had", "whyrec"),
}

#: the ranking rows (their names carry k) and the length table's columns, explained the same way
RANKING_GLOSSARY: dict[str, tuple[str, str]] = {
    "recall@k": ("share of what each person chose next (held out) that is in their top k",
                 ""),
    "ndcg@k": ("the same, with more credit for a find ranked nearer the top (1 = every find "
               "first)", "Järvelin & Kekäläinen, 2002"),
    "coverage": ("share of the catalog that is in at least one person's top k", ""),
}
LENGTH_GLOSSARY: tuple[tuple[str, str], ...] = (
    ("p90", "90 % of the texts are at most this long"),
    ("Flesch", "Flesch reading ease of English texts: 60–70 is plain English, higher is easier"),
    ("chars/sentence", "characters per sentence of Chinese texts: fewer is easier to read"),
)

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans CJK SC',sans-serif;
margin:24px auto;max-width:1180px;color:#1d2430;line-height:1.4}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;border-bottom:1px solid #d6dbe3;
padding-bottom:4px;margin-top:28px}.meta{color:#5b6472;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #d6dbe3;
padding:4px 8px;text-align:right}th{background:#eef1f5}td.l,th.l{text-align:left}
img{max-width:100%;display:block;margin:8px 0}.card{border:1px solid #d6dbe3;
border-radius:6px;padding:8px 12px;margin:8px 0;font-size:13px}.text{font-size:15px;
margin:4px 0}.ok{color:#2f7a3e;font-weight:600}.bad{color:#b0302e;font-weight:600}
.facts{color:#5b6472;margin:2px 0 0 16px;padding:0}.draft{color:#7a4a14;margin-left:16px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:8px}.owner{font-size:16px;max-width:820px}
"""


def get_metric(metrics: dict[str, Any], path: Sequence[str]) -> Any:
    value: Any = metrics
    for key in path:
        if not isinstance(value, dict) or value.get(key) is None:
            return None
        value = value[key]
    return value


def format_metric(value: Any, spec: str) -> str:
    if value is None:
        return "–"
    if spec == "%":
        return f"{100 * value:.1f} %"
    if spec == "d":
        return f"{int(value)}"
    return format(value, spec)


def sample_records(records: Sequence[EvalRecord], count: int, seed: int = 0
                   ) -> list[EvalRecord]:
    """A seeded sample of ``count`` records, model-written and fallbacks alike."""
    chosen = list(records)
    random.Random(seed).shuffle(chosen)
    return chosen[:count]


def sample_dict(record: EvalRecord) -> dict[str, Any]:
    """One sampled explanation with its evidence and verdicts, as JSON."""
    rec, e = record.recommendation, record.explanation
    return {
        "user_id": rec.user_id, "item_id": rec.item_id, "title": rec.title,
        "language": e.language, "text": e.text, "backend": e.backend, "model": e.model,
        "fallback": e.fallback, "fallback_reason": e.fallback_text or None,
        "verdict": None if e.verdict is None else e.verdict.to_dict(),
        "cited_ids": e.cited_ids, "drafts": [d.to_dict() for d in e.drafts],
        "evidence": [f.to_dict() for f in rec.evidence],
        "reference": record.reference,
    }


def report_data(run: dict[str, Any], usefulness: dict[str, Any] | None = None,
                samples: int = 5) -> dict[str, Any]:
    """The report's figures as one JSON-serialisable object (what ``--json`` prints)."""
    data: dict[str, Any] = {
        "whyrec_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **{k: run[k] for k in ("dataset", "split", "k", "people", "per_person", "seed")},
        "configs": [
            {"name": r.config.label(), "settings": r.config.settings(), **r.metrics,
             "samples": [sample_dict(s) for s in sample_records(r.records, samples)]}
            for r in run["results"]],
    }
    if usefulness is not None:
        data["usefulness"] = usefulness
    return data


#: what the person did, as the web page words it
_DID = {"purchase": "You bought", "add_to_cart": "You added to your cart", "click": "You looked at",
        "view": "You viewed", "rating": "You rated"}


def _percent(share: Any) -> str:
    value = abs(float(share or 0)) * 100
    return "<1 %" if 0 < value < 1 else f"{round(value)} %"


def _evidence_line(fact: dict[str, Any]) -> str:
    """One fact in plain words, as the web page says it ("You bought “X” (46 % of the score)")."""
    kind = fact.get("kind", "")
    if kind == "history_item":
        share = float(fact.get("score_share") or 0)
        effect = (f"lowered the score by {_percent(share)}" if share < 0
                  else f"{_percent(share)} of the score")
        if (fact.get("n_items") or 1) > 1 or not fact.get("title"):
            n = fact.get("n_items", 0)
            return f"{n} other item{'' if n == 1 else 's'} in your history — {effect}"
        rating = f", your rating {fact['rating']:g}" if fact.get("rating") is not None else ""
        did = _DID.get(fact.get("event") or "", "In your history:")
        return f"{did} “{fact['title']}” ({effect}{rating})"
    if kind == "shared_feature":
        return (f"Same {fact.get('feature')} “{fact.get('value')}” as "
                f"{fact.get('history_count')} of your items")
    if kind == "cohort":
        about = "about " if fact.get("approximate") else ""
        anchor = fact.get("anchor_title") or fact.get("anchor_item_id")
        return (f"{about}{fact.get('co_count')} of {fact.get('anchor_count')} people who chose "
                f"“{anchor}” also chose this ({_percent(fact.get('share'))})")
    if kind == "item_quality":
        mean = fact.get("mean_rating")
        rated = (f"; average rating {mean:.2g} from {fact.get('n_ratings')} ratings"
                 if mean is not None else "")
        return f"{fact.get('n_people')} people chose it{rated}"
    if kind == "preference":
        return f"You told us: {fact.get('statement') or fact.get('aspect')}"
    if kind == "free_text":
        return f"Note: {fact.get('text')}"
    if kind == "trend":
        return (f"#{fact.get('rank_in_category')} in {fact.get('category')} over the last "
                f"{fact.get('window_days')} days")
    shown = {k: v for k, v in fact.items() if k not in ("kind", "id") and v not in (None, "", ())}
    return f"{kind}: " + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
                                   for k, v in shown.items())


def _owner_summary(configs: Sequence[dict[str, Any]], k: Any) -> str:
    """What the first configuration's figures mean, in a sentence or three."""
    if not configs:
        return ""
    first = configs[0]

    def share(path: tuple[str, ...]) -> str:
        return format_metric(get_metric(first, path), "%")

    n = get_metric(first, ("n",))
    unsupported = share(("faithfulness", "delivered", "unsupported_rate"))
    parts = [f"Of {n} explanations of the run “{first['name']}”, {unsupported} said something "
             "the recommender's facts do not back"]
    written = get_metric(first, ("generation", "llm_written_rate"))
    if written:
        parts.append(f"{format_metric(written, '%')} were worded by the language model and "
                     f"{format_metric(1 - written, '%')} by the template")
    elif written is not None:
        parts.append("all were worded by the template")
    p50 = get_metric(first, ("generation", "latency_ms", "p50"))
    if p50 is not None:
        parts.append(f"half took under {format_metric(p50, '.0f')} ms")
    recall = get_metric(first, ("ranking", f"recall@{k}")) if k else None
    text = "; ".join(parts) + "."
    if recall is not None:
        text += (f" The recommendations found {format_metric(recall, '%')} of what people "
                 f"chose next within their top {k}.")
    return text


def _sample_html(sample: dict[str, Any], esc: Callable[[Any], str]) -> str:
    verdict = sample["verdict"] or {}
    passed = verdict.get("passed")
    status = ('<span class="ok">verified</span>' if passed
              else '<span class="bad">UNSUPPORTED: ' + esc("; ".join(
                  f"{s['kind']}: {s['text']}" for s in verdict.get("unsupported", []))) + "</span>")
    source = "template fallback" if sample["fallback"] else sample["model"] or sample["backend"]
    parts = [f'<div class="card"><div><b>{esc(sample["title"])}</b> for {esc(sample["user_id"])}'
             f' ({esc(sample["language"])}, {esc(source)}) — {status}</div>',
             f'<div class="text">{esc(sample["text"])}</div>']
    for k, draft in enumerate(sample["drafts"], start=1):
        kinds = ", ".join(s["kind"] for s in draft.get("unsupported", [])) or "passed"
        parts.append(f'<div class="draft">draft {k} ({esc(kinds)}): {esc(draft["text"])}</div>')
    if sample.get("reference"):
        parts.append(f'<div class="draft">reference: {esc(sample["reference"])}</div>')
    cited = set(sample["cited_ids"])
    facts = "".join(f"<li>{'★ ' if f.get('id') in cited else ''}{esc(_evidence_line(f))}</li>"
                    for f in sample["evidence"])
    parts.append(f'<ul class="facts">{facts}</ul></div>')
    return "".join(parts)


def render_html(data: dict[str, Any], plots: dict[str, str]) -> str:
    """The self-contained HTML page for :func:`report_data`'s object and the base64 plots."""
    def esc(value: Any) -> str:
        return html.escape(str(value), quote=True)

    configs = data["configs"]
    head = "".join(f"<th>{esc(c['name'])}</th>" for c in configs)
    rows = []
    glossary: list[tuple[str, str]] = []
    for label, path, spec, better in HEADLINE:
        values = [get_metric(c, path) for c in configs]
        if all(v is None for v in values):
            continue
        hint = f" <small>({better} is better)</small>" if better else ""
        meaning = GLOSSARY.get(label, ("", ""))[0]
        cells = "".join(f"<td>{esc(format_metric(v, spec))}</td>" for v in values)
        rows.append(f'<tr><td class="l" title="{esc(meaning)}">{esc(label)}{hint}</td>'
                    f"{cells}</tr>")
        if label in GLOSSARY:
            glossary.append((label, better))
    k = data.get("k")
    if k and any(c.get("ranking") for c in configs):
        for key in (f"recall@{k}", f"ndcg@{k}", "coverage"):
            cells = "".join(f"<td>{esc(format_metric(get_metric(c, ('ranking', key)), '.4f'))}</td>"
                            for c in configs)
            rows.append(f'<tr><td class="l">{esc(key)} (ranking) <small>(higher is better)'
                        f"</small></td>{cells}</tr>")

    def image(name: str, alt: str, empty: str = "") -> str:
        if plots.get(name):
            return f'<img alt="{esc(alt)}" src="data:image/png;base64,{plots[name]}">'
        return f'<p class="meta">{esc(empty)}</p>' if empty else ""

    terms = "".join(
        f'<tr><td class="l">{esc(label)}</td><td class="l">{esc(GLOSSARY[label][0])}</td>'
        f'<td class="l">{esc(better or "—")}</td><td class="l">{esc(GLOSSARY[label][1])}</td></tr>'
        for label, better in glossary)
    if k and any(c.get("ranking") for c in configs):
        terms += "".join(
            f'<tr><td class="l">{esc(name.replace("@k", f"@{k}"))}</td>'
            f'<td class="l">{esc(meaning.replace("top k", f"top {k}"))}</td>'
            f'<td class="l">higher</td><td class="l">{esc(source)}</td></tr>'
            for name, (meaning, source) in RANKING_GLOSSARY.items())
    terms += "".join(f'<tr><td class="l">{esc(name)} (length table)</td>'
                     f'<td class="l">{esc(meaning)}</td><td class="l">—</td><td class="l"></td>'
                     "</tr>" for name, meaning in LENGTH_GLOSSARY)

    body = [
        f"<h1>whyrec report: {esc(data['dataset'])}</h1>",
        f'<div class="meta">whyrec {esc(data["whyrec_version"])} · {esc(data["created"])} · '
        f"split {esc(data['split'])} · k {esc(data['k'])} · {esc(data['people'])} people × "
        f"{esc(data['per_person'])} recommendations · seed {esc(data['seed'])}</div>",
        "<h2>Summary</h2>",
        f'<p class="owner" data-testid="owner-summary">{esc(_owner_summary(configs, k))}</p>',
        f'<table><tr><th class="l">metric</th>{head}</tr>{"".join(rows)}</table>',
        "<h2>What the metrics mean</h2>",
        '<table data-testid="glossary"><tr><th class="l">metric</th><th class="l">meaning</th>'
        f'<th class="l">better</th><th class="l">source</th></tr>{terms}</table>',
        "<h2>Faithfulness to the facts</h2>",
        image("unsupported", "unsupported spans",
              "No text, delivered or drafted, had an unsupported span: nothing to chart."),
        "<h2>How explanations were produced</h2>",
        image("generation", "generation", "Every text was worded by the template (no model was "
              "asked): nothing to chart."),
        image("latency", "latency"),
        "<h2>Explanation metrics and counterfactual fidelity</h2>",
        image("fidelity", "explanation metrics", "Every explanation metric is 0 for these runs."),
        "<h2>Length per language</h2>", _readability_table(configs, esc),
        image("length", "length"),
        "<h2>Recommendation quality</h2>", image("ranking", "ranking"),
    ]
    if "usefulness" in data:
        overall = data["usefulness"]["overall"]
        body += ["<h2>Usefulness (feedback)</h2>",
                 f"<p>{esc(overall['events'])} events on {esc(overall['explanations'])} "
                 f"explanations from {esc(overall['people'])} people; helpful rate "
                 f"{esc(format_metric(overall['helpful_rate'], '%'))}.</p>",
                 image("usefulness", "usefulness")]
    body += ["<h2>Sample explanations</h2>",
             '<p class="meta">Under each text, the evidence it was written from; ★ marks the '
             "facts the text states.</p>"]
    for config in configs:
        body.append(f"<h3>{esc(config['name'])}</h3>")
        body.extend(_sample_html(s, esc) for s in config["samples"])
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>whyrec report: {esc(data['dataset'])}</title><style>{STYLE}</style>"
            f"</head><body>{''.join(body)}</body></html>")


def _readability_table(configs: Sequence[dict[str, Any]], esc: Callable[[Any], str]) -> str:
    rows = []
    for config in configs:
        for language, stats in config["readability"].items():
            extra = (f"Flesch {stats['flesch_reading_ease']:.1f}" if "flesch_reading_ease"
                     in stats else f"{stats['chars_per_sentence']:.1f} chars/sentence")
            rows.append(f'<tr><td class="l">{esc(config["name"])}</td><td>{esc(language)}</td>'
                        f"<td>{stats['n']}</td><td>{stats['length_mean']:.1f} "
                        f"{esc(stats['unit'])}</td><td>{stats['length_p90']:.0f}</td>"
                        f"<td>{esc(extra)}</td></tr>")
    return ('<table><tr><th class="l">configuration</th><th>language</th><th>texts</th>'
            "<th>mean length</th><th>p90</th><th>readability</th></tr>" + "".join(rows)
            + "</table>")


def build_plots(run: dict[str, Any], usefulness: dict[str, Any] | None) -> dict[str, str]:
    """Every plot of the report, by name (``ranking`` / ``usefulness`` only when they apply)."""
    from whyrec.eval import plots

    results = run["results"]
    made: dict[str, str] = {
        "unsupported": plots.unsupported_plot(results),
        "generation": plots.generation_plot(results),
        "latency": plots.latency_plot(results),
        "fidelity": plots.fidelity_plot(results),
        "length": plots.length_plot(results),
    }
    if run.get("k"):
        ranking = plots.ranking_plot(results, run["k"])
        if ranking:
            made["ranking"] = ranking
    if usefulness is not None and any(s["votes"] for s in usefulness["by_backend"].values()):
        made["usefulness"] = plots.usefulness_plot(usefulness)
    return made


def write_report(run: dict[str, Any], path: Any, usefulness: dict[str, Any] | None = None,
                 samples: int = 5) -> dict[str, Any]:
    """Write the HTML report to ``path`` and return the JSON figures."""
    from pathlib import Path

    data = report_data(run, usefulness, samples)
    page = render_html(data, build_plots(run, usefulness))
    Path(path).write_text(page, encoding="utf-8")
    return data


def dumps(data: dict[str, Any]) -> str:
    """The JSON figures as text (tuples as lists, non-ASCII kept)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
