"""Service settings: command-line options > ``WHYREC_*`` variables > ``whyrec.toml`` > defaults.

Read by the one loader every command uses (:mod:`whyrec.config`): ``whyrec.toml`` (in the
working folder, ``$WHYREC_CONFIG`` or ``--config PATH``) holds the shared settings at its top
level and the service's own in a ``[serve]`` table, with the same names as the fields below,
e.g.::

    data = "shop/"
    backend = "openai"
    base_url = "http://gpu-node:8000/v1"
    llm_model = "Qwen2.5-7B-Instruct"

    [serve]
    port = 9000
    llm_timeout = 5

Environment variables are the upper-case names with a ``WHYREC_`` prefix (``WHYREC_PORT=9000``).
An unknown name in the file is a :class:`~whyrec.config.ConfigWarning` naming it. How
explanations are made and read are :class:`~whyrec.settings.ExplainSettings`' names
(``backend``, ``llm_model``, ``length``, ``tone``…); ``model`` and ``algo``, the older names,
still work in the file and as ``load_settings`` arguments.
"""

from __future__ import annotations

import ipaddress
import warnings
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from whyrec.config import CONFIG_FILE, OLD_NAMES, ConfigWarning, Source, applicable, load_config
from whyrec.errors import ConfigError
from whyrec.settings import ExplainSettings

SECTION = "serve"
__all__ = ["CONFIG_FILE", "OLD_NAMES", "ServiceSettings", "load_settings", "setting_sources"]


class ServiceSettings(BaseSettings, ExplainSettings):
    """Everything ``whyrec serve`` can be told: how to explain (the fields of
    :class:`~whyrec.settings.ExplainSettings`) and how to serve."""

    model_config = SettingsConfigDict(env_prefix="WHYREC_", extra="ignore")

    data: str = "demo"
    algorithm: str = "hybrid"
    #: a recommender saved by ``whyrec train`` (otherwise one is trained at start-up)
    recommender: str | None = None
    #: keep the recommender trained at start-up under ``$WHYREC_HOME/recommenders``, so a
    #: restart on the same data and code loads it instead of training it again
    keep_model: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    #: the store for feedback, keys and the explanation cache (default: $WHYREC_HOME's SQLite)
    db_url: str | None = None
    #: ``false`` serves without API keys: allowed only on a loopback address
    auth: bool = True
    #: seconds one model call may take before the explanation falls back to the template
    llm_timeout: float = Field(10.0, gt=0)  # the service always has a deadline
    #: after a failed model call, seconds during which explanations go straight to the template
    llm_cooldown: float = Field(15.0, ge=0)
    #: requests a minute for callers without a key (``auth = false``)
    rate_limit: int = Field(600, gt=0)
    #: where rate-limit counts live: ``memory://`` (per process), or ``redis://host:6379/0`` /
    #: ``memcached://host:11211`` shared by every worker (extra ``shared-limits``)
    rate_limit_storage: str = "memory://"
    max_body_bytes: int = Field(64 * 1024, gt=0)
    #: origins allowed to call the API from a browser; none (CORS off) by default
    cors_origins: list[str] = Field(default_factory=list)
    #: threads for quick requests (on few cores, more only take turns at the interpreter lock)
    threads: int = Field(8, ge=1, le=256)
    #: threads for requests that may wait for the model (each holds one while it waits)
    model_threads: int = Field(32, ge=1, le=256)
    k_anonymity: int = Field(10, ge=1)
    #: recommendations a request may ask for
    max_n: int = Field(50, ge=1)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the environment and the file are read by whyrec.config, the same as for every command
        return (init_settings,)

    def loopback(self) -> bool:
        """Whether ``host`` accepts connections from this machine only."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def load_settings(config: str | Path | None = None, **overrides: Any) -> ServiceSettings:
    """Settings from ``overrides`` (``None`` values are ignored), the ``WHYREC_*`` environment
    and ``config`` (default ``$WHYREC_CONFIG``, else ``./whyrec.toml`` when present); one-line
    :class:`ConfigError` when invalid, a :class:`~whyrec.config.ConfigWarning` for each name in
    the file nobody reads."""
    return _load(config, overrides)[0]


def setting_sources(config: str | Path | None = None,
                    **overrides: Any) -> tuple[ServiceSettings, dict[str, Source]]:
    """The settings and where each came from (``whyrec config serve``)."""
    settings, sources = _load(config, overrides)
    return settings, {name: sources.get(name, Source("default", "built-in"))
                      for name in ServiceSettings.model_fields}


def _load(config: str | Path | None,
          overrides: dict[str, Any]) -> tuple[ServiceSettings, dict[str, Source]]:
    loaded = load_config(config)
    names = ServiceSettings.model_fields
    for problem in loaded.unknown(SECTION, names):
        warnings.warn(problem, ConfigWarning, stacklevel=3)
    options = {OLD_NAMES.get(k, k): v for k, v in overrides.items() if v is not None}
    found = loaded.resolve(SECTION, names, options, defaults=False)
    values = applicable({name: v.value for name, v in found.items()},
                        given=[name for name, v in found.items() if v.source.kind == "option"])
    try:
        settings = ServiceSettings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        source = found.get(str(first["loc"][0])) if first["loc"] else None
        origin = f" ({source.source})" if source is not None else ""
        raise ConfigError(f"invalid setting {where}{origin}: {first['msg']}") from None
    return settings, {name: v.source for name, v in found.items()}
