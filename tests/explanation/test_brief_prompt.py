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


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_small_models_prompt_words_every_fact_so_a_sentence_can_be_begun_on_it(
        language: str) -> None:
    """Sentence planning begins a further sentence with the first words of its fact's wording,
    up to a number: "11 people rated it 3.91 out of 5 on average." gave it none, and the model,
    begun on a bare "Plus,", repeated a fact it had stated. The brief prompt words each fact
    with a phrasing that opens with words (the same fact, the numbers it states unchanged)."""
    from whyrec.explanation.extension import sentence_lead
    from whyrec.explanation.templates import TemplateExplainer
    from whyrec.types import Cohort, ItemQuality

    wording = TemplateExplainer(language=language)
    facts = [ItemQuality(id="quality:i1", item_id="i1", n_people=11, mean_rating=3.91,
                         n_ratings=11, rating_scale=5.0),
             ItemQuality(id="quality:i1", item_id="i1", n_people=64),
             Cohort(id="cohort:h0:i1", anchor_item_id="h0", anchor_title="Alder Tent 0",
                    co_count=12, anchor_count=143, share=0.0839)]
    begun_on_numbers = 0
    for user in range(40):  # the phrasing is picked by the person and the item
        rec = Recommendation(user_id=f"u{user}", item_id="i1", title=DETAILS.title, score=1.0,
                             rank=1, algorithm="external", evidence=facts)
        template = wording.fact_sentences(rec, facts)
        brief = wording.fact_sentences(rec, facts, plain=True)
        begun_on_numbers += sum(1 for s in template if not sentence_lead(s, language))
        assert all(sentence_lead(s, language) for s in brief), brief
        for fact, sentence in zip(facts, brief, strict=True):
            numbers = {"3.91", "11"} if fact.kind == "item_quality" and fact.n_ratings else (
                {"64"} if fact.kind == "item_quality" else {"143"})
            assert all(n in sentence for n in numbers), sentence
    assert begun_on_numbers  # the template's phrasings still include them
