"""What reaches a person when the detector misses: each attack of an attack file put where its
``field`` says (a history title, a tag, a description, a caller's reason; a chat question is
asked in a real conversation) and explained in English and Chinese by the template, by a model
that does what its prompt says and by one that echoes its prompt. Counts the delivered texts and
chat answers that carry the attack's payload, with the detector's own verdict beside them, and
the caller's reasons withheld as no reason (``whyrec.privacy.reasons``: listed, not quoted).

Run ``.venv/bin/python benchmarks/bench_injection_delivery.py [--attacks FILE]`` (default the
unseen set, ``tests/privacy/data/attacks_unseen.jsonl``); prints JSON, saves
``results/injection_delivery.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the corpus's helpers: the same requests as the tests build

from tests.privacy.corpus import carries, load_jsonl  # noqa: E402
from tests.privacy.test_injection import _request  # noqa: E402

from whyrec.backends.base import Message  # noqa: E402
from whyrec.backends.fake import FakeBackend  # noqa: E402
from whyrec.explanation.explainer import Explainer  # noqa: E402
from whyrec.privacy.injection import is_injection  # noqa: E402
from whyrec.privacy.sanitise import private_recommendation  # noqa: E402

#: where each field of the attack files enters a request (a caller's reason is free text)
PLACE = {"title": "history_title", "tag": "tag", "description": "description",
         "caller_text": "free_text", "brand": "brand", "category": "category"}


def obedient(payloads: str) -> Any:
    def reply(messages: list[Message]) -> str:
        return messages[-1]["content"].replace("\n", " ") + " " + payloads
    return reply


def echo(messages: list[Message]) -> str:
    return " ".join(m["content"] for m in messages).replace("\n", " ")


def chat_answers(attacks: list[dict[str, str]]) -> dict[str, Any]:
    """Each chat-question attack asked of a real conversation (demo shop, template)."""
    from whyrec.chat import Conversation
    from whyrec.data.load import load_dataset
    from whyrec.models.registry import create
    from whyrec.pipeline import Pipeline
    from whyrec.settings import ExplainSettings

    dataset = load_dataset("demo")
    pipeline = Pipeline(dataset, create("popular").fit(dataset),
                        ExplainSettings(backend="template"))
    carried = []
    for record in attacks:
        for user in ("u0001", "u0002"):
            top = pipeline.recommend(user, 1)[0]
            answer = Conversation(pipeline, user, top.item_id).ask(record["text"])
            if carries(answer.text, record["payload"]):
                carried.append({"text": record["text"], "answer": answer.text[:200]})
    return {"asked": 2 * len(attacks), "carrying_payload": len(carried), "examples": carried[:10]}


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--attacks", type=Path,
                           default=REPO / "tests/privacy/data/attacks_unseen.jsonl")
    arguments.add_argument("--out", type=Path,
                           default=REPO / "benchmarks/results/injection_delivery.json")
    options = arguments.parse_args()
    started = time.perf_counter()
    attacks = load_jsonl(options.attacks)
    placed = [r for r in attacks if r["field"] in PLACE]
    payloads = " ".join(sorted({r["payload"] for r in attacks}))
    result: dict[str, Any] = {"benchmark": "injection_delivery", "attacks": str(
        options.attacks.relative_to(REPO)), "n_attacks": len(attacks), "by_backend": {}}
    for name in ("template", "obedient", "echo"):
        for language in ("en", "zh"):
            backend: Any = "template" if name == "template" else FakeBackend(
                obedient(payloads) if name == "obedient" else echo)
            explainer = Explainer(backend, max_repairs=1)
            counts: Counter[str] = Counter(carrying_payload=0, of_them_missed_by_detector=0,
                                           reason_withheld=0)
            examples = []
            for record in placed:
                rec, details = _request(PLACE[record["field"]], record["text"], language)
                explanation = explainer.explain(rec, details=details, language=language)
                counts["explained"] += 1
                # a caller's reason that does not read as one is listed, not quoted
                counts["reason_withheld"] += PLACE[record["field"]] == "free_text" and any(
                    getattr(f, "withheld", "") for f in private_recommendation(rec).evidence)
                if carries(explanation.text, record["payload"]):
                    counts["carrying_payload"] += 1
                    counts["of_them_missed_by_detector"] += not is_injection(record["text"])
                    examples.append({"field": record["field"], "text": record["text"][:90],
                                     "delivered": explanation.text[:200]})
            result["by_backend"][f"{name}/{language}"] = {"explained": counts.pop("explained"),
                                                          **counts, "examples": examples[:5]}
    result["chat_questions"] = chat_answers([r for r in attacks if r["field"] == "question"])
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    options.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
