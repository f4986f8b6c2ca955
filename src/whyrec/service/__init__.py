"""The HTTP service: ``whyrec serve`` (API under ``/v1``, OpenAPI at ``/docs``, web page at ``/``).

Needs the ``serve`` extra (FastAPI, uvicorn, prometheus-client, pydantic-settings, limits).
Keys come from ``whyrec keys create``.
"""

from __future__ import annotations

from typing import Any

from whyrec.errors import ConfigError

__all__ = ["build_app", "require_serve_extra"]


def require_serve_extra() -> None:
    """One-line :class:`ConfigError` naming the extra when FastAPI or uvicorn is missing."""
    try:
        import fastapi  # noqa: F401
        import limits  # noqa: F401
        import prometheus_client  # noqa: F401
        import pydantic_settings  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConfigError(f"the service needs the `serve` extra ({exc.name} is missing): "
                          "pip install 'whyrec[serve]'") from None


def build_app(settings: Any = None, **parts: Any) -> Any:
    """A ready FastAPI app: data, recommender and model loaded once (``parts`` override them).

    ``settings`` is a :class:`~whyrec.service.settings.ServiceSettings` (default: from
    ``whyrec.toml`` and the environment).
    """
    require_serve_extra()
    from whyrec.service.app import create_app
    from whyrec.service.settings import load_settings
    from whyrec.service.state import build_state

    return create_app(build_state(settings or load_settings(), **parts))
