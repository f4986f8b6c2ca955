"""How to explain: one settings object for the CLI, the service, batch jobs, the report and the
Python API.

:class:`ExplainSettings` names each setting once — the backend and its language model
(``llm_model``, ``base_url``, ``llm_timeout``, ``prefill``, ``adapter``), the verifier's
``repairs``, and how the text reads (``language``, ``length``, ``tone``, ``prefer``,
``exclude``) — and turns them into what the parts below it take: :meth:`~ExplainSettings.style`
for the explainer and :meth:`~ExplainSettings.backend_options` for the backend's constructor.
``BatchConfig``, ``ReportConfig`` and ``ServiceSettings`` derive from it, so a setting has the
same name and the same check everywhere. :class:`~whyrec.pipeline.Pipeline` is built from it.

Examples
--------
>>> settings = ExplainSettings(backend="openai", llm_model="Qwen2.5-7B-Instruct",
...                            base_url="http://gpu:8000/v1", length="short")
>>> settings.style().key()
'short/neutral/+/-'
>>> sorted(settings.backend_options())
['base_url', 'model']
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from whyrec.backends.registry import available_backends, is_backend
from whyrec.errors import ConfigError
from whyrec.values import LANGUAGES, LENGTH_ALIASES, Style

#: backends that run a language model and take its options
MODEL_BACKENDS = ("llamacpp", "openai")


class ExplainSettings(BaseModel):
    """How explanations are made and how they read.

    Every value is checked when the settings are made; a mistake is a one-line
    :class:`~whyrec.errors.ConfigError` (or pydantic's ``ValidationError`` for a wrong type).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: ``llamacpp`` (the bundled model, in process), ``openai`` (any OpenAI-compatible
    #: server), ``template``, ``fake`` or a plug-in
    backend: str = "llamacpp"
    #: the language model: a GGUF file for llamacpp (default: the bundled one), the served
    #: model's name for openai (default: ``$WHYREC_MODEL``)
    llm_model: str | None = None
    #: openai: the server's API root (``http://host:8000/v1``; default ``$WHYREC_BASE_URL``)
    base_url: str | None = None
    #: seconds one model call may take before the template text is delivered
    llm_timeout: float | None = Field(default=None, gt=0)
    #: openai: the server continues a started answer (llama.cpp server, vLLM); whyrec then
    #: starts each explanation for the model, as it does in process
    prefill: bool = False
    #: llamacpp: a LoRA adapter GGUF from ``whyrec tune``; ``None``: the shipped one when
    #: installed; ``False``: none
    adapter: str | bool | None = None
    #: regenerations with the verifier's complaint before the template text is delivered
    repairs: int = Field(default=2, ge=0)
    #: drafts the first request asks for; the verified one stating the most facts is kept
    best_of: int = Field(default=1, ge=1, le=8)
    #: ``en`` or ``zh``; ``None``: each person's own
    language: str | None = None
    length: str = "medium"
    tone: str = "neutral"
    #: evidence kinds to lead with, in order
    prefer: tuple[str, ...] = ()
    #: evidence kinds never to mention
    exclude: tuple[str, ...] = ()

    @field_validator("length", mode="before")
    @classmethod
    def _length_alias(cls, value: Any) -> Any:
        return LENGTH_ALIASES.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not is_backend(self.backend):
            raise ConfigError(f"unknown backend {self.backend!r}; available: "
                              f"{', '.join(available_backends())}")
        if self.language is not None and self.language not in LANGUAGES:
            raise ConfigError(f"language must be {' or '.join(LANGUAGES)}, got "
                              f"{self.language!r}")
        self.style()  # length, tone and evidence kinds: Style's own checks and messages
        # a language-model option given to a backend that runs none is refused, so a typo in
        # --backend does not pass unnoticed
        if self.backend not in MODEL_BACKENDS and (self.llm_model is not None
                                                   or self.base_url is not None):
            raise ConfigError(f"--model and --base-url do not apply to the {self.backend} "
                              "backend")
        if self.adapter is not None and self.backend != "llamacpp":
            raise ConfigError(f"--adapter and --no-adapter do not apply to the {self.backend} "
                              "backend")
        if self.prefill and self.backend != "openai":
            raise ConfigError(f"--prefill applies to the openai backend, not {self.backend} "
                              "(llamacpp always starts the answer)")
        return self

    def style(self) -> Style:
        """The explainer's default :class:`~whyrec.values.Style`: length, tone, prefer, exclude."""
        return Style(length=self.length, tone=self.tone, prefer=self.prefer,
                     exclude=self.exclude)

    def backend_options(self, *, threads: int | None = None, parallel: int | None = None,
                        retries: int | None = None) -> dict[str, Any]:
        """Options for the backend's constructor (``create_backend(backend, **options)``).

        ``threads`` and ``parallel`` size llamacpp's share of the machine (a batch worker's
        cores and slots); ``retries`` is openai's.
        """
        options: dict[str, Any] = {}
        if self.backend == "llamacpp":
            options = {"model": self.llm_model, "timeout": self.llm_timeout,
                       "adapter": self.adapter, "threads": threads, "parallel": parallel}
        elif self.backend == "openai":
            options = {"model": self.llm_model, "base_url": self.base_url,
                       "timeout": self.llm_timeout, "prefill": self.prefill or None,
                       "retries": retries}
        return {k: v for k, v in options.items() if v is not None}

    def explain_settings(self) -> ExplainSettings:
        """Just the explanation settings (of a ``BatchConfig``, ``ReportConfig``…)."""
        if type(self) is ExplainSettings:
            return self
        return ExplainSettings(**{name: getattr(self, name)
                                  for name in ExplainSettings.model_fields})

    def updated(self, **changes: Any) -> Self:
        """A copy with ``changes``, checked like new settings."""
        return type(self)(**{**{name: getattr(self, name) for name in type(self).model_fields},
                             **changes})
