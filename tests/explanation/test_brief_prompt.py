"""The bundled model's prompt (``Backend.brief_prompt``) is brief: no item-details line, and
history facts said plainly ("You rated “X” 5/5."), without the template's frames ("…, and this
one is a close match", "它很符合你的口味：") that the model copied into every text and that
cost prompt tokens; other backends get the full prompt."""

from __future__ import annotations

import pytest

from whyrec.backends.fake import FakeBackend
from whyrec.explanation.explainer import Explainer
from whyrec.types import HistoryItem, Recommendation
from whyrec.values import ItemDetails

DETAILS = ItemDetails(title="Alder Trail Lamp", category="camping", tags=("outdoor",))


def _rec() -> Recommendation:
    history = [HistoryItem(id=f"hist:h{i}", item_id=f"h{i}", title=f"Alder Tent {i}",
                           score_share=0.5 - 0.1 * i, event="rating", rating=5.0 - i)
               for i in range(3)]
    return Recommendation(user_id="u1", item_id="i1", title=DETAILS.title, score=1.0, rank=1,
                          algorithm="external", evidence=history)


def _request(brief: bool, language: str) -> str:
    backend = FakeBackend(prefill=True)
    backend.brief_prompt = brief
    prompt, _, _ = Explainer(backend).prompt_for(_rec(), language=language, details=DETAILS)
    return prompt.messages[-1]["content"]


@pytest.mark.parametrize(("language", "plain"), [
    ("en", ["- You rated “Alder Tent 0” 5/5.", "- You rated “Alder Tent 1” 4/5."]),
    ("zh", ["- 你给《Alder Tent 0》打了5分。", "- 你给《Alder Tent 1》打了4分。"])])
def test_a_small_models_prompt_says_history_facts_plainly(language: str,
                                                          plain: list[str]) -> None:
    brief = _request(True, language)
    assert all(line in brief.splitlines() for line in plain), brief
    assert "camping" not in brief
    full = _request(False, language)
    assert not any(line in full.splitlines() for line in plain), full
    assert "camping" in full
