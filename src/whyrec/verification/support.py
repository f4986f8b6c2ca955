"""What the evidence handed to the model backs: its sentences, numbers and untrusted text."""

from __future__ import annotations

from dataclasses import dataclass, field

from whyrec.verification.patterns import numbers_in
from whyrec.verification.text import has_cjk, normalise, token_key, tokens


@dataclass
class Support:
    """The facts one explanation may use.

    ``sentences`` are the facts as given to the model (and any item details shown to it);
    ``fact_terms`` maps each fact id to the words that show the text cites it; ``untrusted``
    holds catalog free text about the items involved, which must never be echoed.
    """

    item_title: str
    sentences: list[str] = field(default_factory=list)
    fact_terms: dict[str, list[str]] = field(default_factory=dict)
    untrusted: list[str] = field(default_factory=list)
    #: titles of the person's history items among the facts (what "you bought X" may name)
    history_titles: list[str] = field(default_factory=list)
    #: "N of your items" counts the facts state, each with the words it is said of
    counts: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        joined = "\n".join([self.item_title, *self.sentences])
        self.text = normalise(joined)
        self.token_text = f" {' '.join(tokens(self.text))} "
        self.numbers = numbers_in(joined)

    def backs(self, term: str) -> bool:
        """Whether ``term`` (a title, brand, tag…) occurs in the facts."""
        if has_cjk(term):
            return normalise(term) in self.text
        key = token_key(term)
        return bool(key) and f" {key} " in self.token_text

    def cited_ids(self, text: str) -> list[str]:
        """Facts whose words appear in ``text``."""
        folded = normalise(text)
        keys = f" {' '.join(tokens(folded))} "
        cited = []
        for fact_id, terms in self.fact_terms.items():
            for term in terms:
                found = (normalise(term) in folded if has_cjk(term)
                         else f" {token_key(term)} " in keys)
                if term and found:
                    cited.append(fact_id)
                    break
        return cited
