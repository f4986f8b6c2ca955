"""Evidence: the typed facts that explain a recommendation, one module per kind.

:mod:`whyrec.evidence.base` holds the contract every kind fulfils (what it carries, what cites
it, how its text is cleaned, how it reads) and the registry; this package registers the built-in
kinds, in the order they are listed and worded by default. ``whyrec.types``
re-exports them, as it always did.
"""

from whyrec.evidence.base import (
    EVIDENCE_TYPES,
    REQUIRED,
    TITLE_CHARS,
    Cleaner,
    Evidence,
    ItemRef,
    Signal,
    TextField,
    evidence_from_dict,
    kind_of_id,
    missing_behaviour,
    on_five_point_scale,
    register_kind,
    unregister_kind,
)
from whyrec.evidence.cohort import Cohort
from whyrec.evidence.feature import SharedFeature
from whyrec.evidence.free_text import FreeText
from whyrec.evidence.history import HistoryItem
from whyrec.evidence.preference import Preference
from whyrec.evidence.quality import ItemQuality
from whyrec.evidence.trend import Trend

#: the built-in kinds, in registration order (styles and feedback list kinds in this order)
BUILT_IN = (HistoryItem, SharedFeature, Cohort, ItemQuality, Trend, Preference, FreeText)
for _kind in BUILT_IN:
    register_kind(_kind)

__all__ = [
    "BUILT_IN", "EVIDENCE_TYPES", "REQUIRED", "TITLE_CHARS", "Cleaner", "Cohort", "Evidence",
    "FreeText", "HistoryItem", "ItemQuality", "ItemRef", "Preference", "SharedFeature", "Signal",
    "TextField", "Trend", "evidence_from_dict", "kind_of_id", "missing_behaviour",
    "on_five_point_scale", "register_kind", "unregister_kind",
]
