"""Service settings: command-line options > ``WHYREC_*`` variables > ``whyrec.toml`` > defaults.

``whyrec.toml`` (in the working folder, or ``--config PATH``) holds a ``[serve]`` table with the
same names as the fields below, e.g.::

    [serve]
    data = "shop/"
    backend = "openai"
    base_url = "http://gpu-node:8000/v1"
    llm_model = "Qwen2.5-7B-Instruct"
    llm_timeout = 5

Environment variables are the upper-case names with a ``WHYREC_`` prefix (``WHYREC_PORT=9000``).
An unknown name in the file is refused, so a typo is not silently ignored. How explanations are
made and read are :class:`~whyrec.settings.ExplainSettings`' names (``backend``, ``llm_model``,
``length``, ``tone``…); ``model`` and ``algo``, the older names, still work in the file and as
``load_settings`` arguments.
"""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from whyrec.errors import ConfigError
from whyrec.settings import ExplainSettings

CONFIG_FILE = "whyrec.toml"
SECTION = "serve"
#: older names of settings, still read from the file and by ``load_settings``
OLD_NAMES = {"model": "llm_model", "algo": "algorithm"}


class ServiceSettings(BaseSettings, ExplainSettings):
    """Everything ``whyrec serve`` can be told: how to explain (the fields of
    :class:`~whyrec.settings.ExplainSettings`) and how to serve."""

    model_config = SettingsConfigDict(env_prefix="WHYREC_", extra="ignore")

    data: str = "demo"
    algorithm: str = "hybrid"
    #: a recommender saved by ``whyrec train`` (otherwise one is trained at start-up)
    recommender: str | None = None
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
        return init_settings, env_settings, _TomlSection(settings_cls)

    def loopback(self) -> bool:
        """Whether ``host`` accepts connections from this machine only."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


class _TomlSection(PydanticBaseSettingsSource):
    """The ``[serve]`` table of the config file named by ``_config_path``."""

    path: Path | None = None

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # __call__ reads the whole table at once

    def __call__(self) -> dict[str, Any]:
        path = _TomlSection.path
        if path is None or not path.is_file():
            return {}
        try:
            with path.open("rb") as handle:
                table = tomllib.load(handle).get(SECTION, {})
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [{SECTION}] must be a table")
        table = _new_names(table)
        unknown = sorted(set(table) - set(ServiceSettings.model_fields))
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) in [{SECTION}]: {', '.join(unknown)}; "
                              f"known: {', '.join(ServiceSettings.model_fields)}")
        return table


def load_settings(config: str | Path | None = None, **overrides: Any) -> ServiceSettings:
    """Settings from ``config`` (default ``./whyrec.toml`` when present), the environment and
    ``overrides`` (``None`` values are ignored); one-line :class:`ConfigError` when invalid."""
    path = Path(config) if config is not None else Path(CONFIG_FILE)
    if config is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    _TomlSection.path = path
    try:
        return ServiceSettings(**_new_names({k: v for k, v in overrides.items()
                                             if v is not None}))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from None
    finally:
        _TomlSection.path = None


def _new_names(values: dict[str, Any]) -> dict[str, Any]:
    return {OLD_NAMES.get(name, name): value for name, value in values.items()}
