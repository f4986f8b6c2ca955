"""Backends by name: the built-in ones and plug-ins from the ``whyrec.backends`` entry points.

Built-ins register through the same path as third-party backends: a name mapped to
``"module:Class"``, imported only when asked for, so heavy dependencies load only when used.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from whyrec.backends.base import Backend
from whyrec.errors import ConfigError

ENTRY_POINT_GROUP = "whyrec.backends"

BUILTIN: dict[str, str] = {
    "llamacpp": "whyrec.backends.llamacpp:LlamaCppBackend",
    "openai": "whyrec.backends.openai_compat:OpenAIBackend",
    "template": "whyrec.backends.template:TemplateBackend",
    "fake": "whyrec.backends.fake:FakeBackend",
}


def _registered() -> dict[str, str]:
    found = dict(BUILTIN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry.value)
    return found


def is_backend(name: str) -> bool:
    """Whether :func:`create_backend` knows ``name`` (a built-in one without reading the
    installed packages' entry points: a plug-in cannot take a built-in name)."""
    return name in BUILTIN or name in _registered()


def available_backends() -> list[str]:
    """Names accepted by :func:`create_backend`, built-ins first."""
    return list(_registered())


def backend_class(name: str) -> type[Backend]:
    """The class registered under ``name`` (imports its module)."""
    target = BUILTIN.get(name) or _registered().get(name)
    if target is None:
        raise ConfigError(f"unknown backend {name!r}; available: "
                          f"{', '.join(available_backends())}")
    module_name, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise ConfigError(f"backend {name!r} ({target}) is not a whyrec Backend")
    return cls


def create_backend(name: str, **options: Any) -> Backend:
    """A backend by name; ``options`` go to its constructor (``None`` values are dropped).

    Examples
    --------
    >>> create_backend("fake", replies=["Because you bought it."]).name
    'fake'
    """
    cls = backend_class(name)
    kwargs = {k: v for k, v in options.items() if v is not None}
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"backend {name!r}: {exc}") from None
