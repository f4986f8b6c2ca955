"""whyrec: recommendations that explain themselves, grounded in the recommender's real reasons.

The public API is imported lazily so that ``import whyrec`` stays fast.
"""

from __future__ import annotations

from typing import Any

from whyrec._version import __version__

_API = ("load_dataset", "from_frames", "train", "recommend", "explain", "verify", "evaluate",
        "ExplainSettings")
__all__ = [*_API, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _API:
        from whyrec import api

        return getattr(api, name)
    raise AttributeError(f"module 'whyrec' has no attribute {name!r}")
