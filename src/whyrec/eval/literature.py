"""The literature's explanation metrics: USR, FMR, FCR and DIV, as PETER and PEPLER define them.

References
----------
* L. Li, Y. Zhang, L. Chen. *Generate Neural Template Explanations for Recommendation* (NETE),
  CIKM 2020 -- where USR, FMR, FCR and DIV were introduced.
* L. Li, Y. Zhang, L. Chen. *Personalized Transformer for Explainable Recommendation* (PETER),
  ACL 2021, section 5.2, and its code ``utils.py`` (``unique_sentence_percent``,
  ``feature_matching_ratio``, ``feature_coverage_ratio``, ``feature_diversity``).
* L. Li, Y. Zhang, L. Chen. *Personalized Prompt Learning for Explainable Recommendation*
  (PEPLER), ACM TOIS 2023 -- the same four definitions.

A *feature* is a catalog word an explanation can talk about: a category, tag or genre (PETER's
"feature" is an item aspect such as "price" or "story"). Features are found with the verifier's
catalog :class:`~whyrec.verification.vocabulary.Vocabulary`, so the same matching serves English
and Chinese text; a Chinese translation of a feature counts as that feature.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from whyrec.text import INVISIBLE_RE, normalise, token_key, tokens
from whyrec.verification.vocabulary import Vocabulary


def unique_sentence_ratio(texts: Sequence[str]) -> float:
    """USR: the share of generated explanations that are unique (higher = more varied).

    PETER: ``USR = |S| / N`` where ``S`` is the set of unique generated sentences and ``N`` the
    number of generated sentences; two sentences are the same when their token sequences are
    equal (here: lower-case word tokens after NFKC, so spacing and case do not make a text new).

    Parameters
    ----------
    texts : the generated explanations, one per (person, item).

    Returns
    -------
    float in (0, 1]; 0.0 for no texts.

    Examples
    --------
    >>> unique_sentence_ratio(["Good for you.", "good  for you", "Another one."])
    0.6666666666666666
    """
    if not texts:
        return 0.0
    unique = {tuple(tokens(normalise(text))) for text in texts}
    return len(unique) / len(texts)


def feature_matching_ratio(
    found: Sequence[Collection[str]], targets: Sequence[Collection[str]]
) -> float:
    """FMR: the share of explanations that mention their pair's target feature.

    PETER: ``FMR = (1/N) * sum_{u,i} delta(f_{u,i} in S_{u,i})`` where ``S_{u,i}`` is the
    generated explanation and ``f_{u,i}`` the feature of the ground-truth review. A pair here may
    have several target features (every feature its reference names); it matches when the
    explanation names any of them. Pairs without a target feature are left out by the caller.

    Parameters
    ----------
    found : the features each explanation names.
    targets : the target features of each pair, in the same order.

    Examples
    --------
    >>> feature_matching_ratio([{"crime"}, {"drama"}], [{"crime", "heist"}, {"comedy"}])
    0.5
    """
    if len(found) != len(targets):
        raise ValueError("found and targets must have the same length")
    if not found:
        return 0.0
    hits = sum(1 for have, want in zip(found, targets, strict=True) if set(have) & set(want))
    return hits / len(found)


def feature_coverage_ratio(found: Iterable[Collection[str]], n_features: int) -> float:
    """FCR: the share of all catalog features that some explanation mentions.

    PETER: ``FCR = N_g / |F|`` where ``N_g`` is the number of distinct features in all
    generated explanations and ``F`` the whole feature set.

    Examples
    --------
    >>> feature_coverage_ratio([{"crime"}, {"crime", "drama"}], 4)
    0.5
    """
    if n_features <= 0:
        return 0.0
    distinct: set[str] = set()
    for features in found:
        distinct.update(features)
    return len(distinct) / n_features


def feature_diversity(found: Sequence[Collection[str]]) -> float:
    """DIV: how many features two explanations share on average (lower = more diverse).

    PETER: ``DIV = 2 / (N (N - 1)) * sum_{i < j} |F_i ∩ F_j|`` over all pairs of generated
    explanations. PETER loops over the pairs (quadratic); the same sum is
    ``sum_f C(c_f, 2)`` where ``c_f`` counts the explanations naming feature ``f`` (each pair
    sharing ``f`` is counted once by that feature's count vector), so this is linear in the
    number of (explanation, feature) mentions.

    Examples
    --------
    >>> feature_diversity([{"a", "b"}, {"a"}, {"c"}])
    0.3333333333333333
    """
    n = len(found)
    if n < 2:
        return 0.0
    counts = Counter(f for features in found for f in set(features))
    shared_pairs = sum(c * (c - 1) // 2 for c in counts.values())
    return shared_pairs / (n * (n - 1) / 2)


@dataclass
class FeatureIndex:
    """Finds catalog features in text and names each by one canonical key.

    Parameters
    ----------
    vocabulary : the catalog vocabulary (its ``feature`` terms are the feature set).
    translations : ``{language: {feature: translated}}``; a translation counts as its feature.

    Examples
    --------
    >>> vocabulary = Vocabulary()
    >>> vocabulary.add("feature", ["running shoes", "跑鞋"])
    >>> index = FeatureIndex(vocabulary, {"zh": {"running shoes": "跑鞋"}})
    >>> sorted(index.features_in("Light running shoes, 跑鞋")), index.n_features
    (['running shoes'], 1)
    """

    vocabulary: Vocabulary
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._canonical: dict[str, str] = {}
        for words in self.translations.values():
            for source, translated in words.items():
                self._canonical[self._key(translated)] = token_key(source)
        keys = {k for k, kind in self.vocabulary.latin.items() if kind == "feature"}
        keys |= {self._canonical.get(k, k) for k, kind in self.vocabulary.cjk.items()
                 if kind == "feature"}
        self.all_features = frozenset(keys)

    @property
    def n_features(self) -> int:
        """``|F|``: the number of distinct features in the catalog."""
        return len(self.all_features)

    @staticmethod
    def _key(text: str) -> str:
        return token_key(text) or INVISIBLE_RE.sub("", text).casefold().strip()

    def features_in(self, text: str) -> frozenset[str]:
        """The canonical features ``text`` names."""
        base = unicodedata.normalize("NFKC", text)
        folded = base.casefold()
        # only the Chinese terms that occur at all: Vocabulary.find runs one regex per term
        present = {t: k for t, k in self.vocabulary.cjk.items() if t in folded}
        view = Vocabulary(self.vocabulary.latin, present, lengths=self.vocabulary.lengths)
        found = set()
        for _, _, span, kind in view.find(base):
            if kind == "feature":
                key = self._key(span)
                found.add(self._canonical.get(key, key))
        return frozenset(found)

    def features_of_values(self, values: Iterable[str]) -> frozenset[str]:
        """Canonical keys of feature values (e.g. the values of shared-feature evidence)."""
        keys = {self._key(v) for v in values if v}
        return frozenset(self._canonical.get(k, k) for k in keys)
