"""The backend interface: chat messages in, one completion out.

A backend only *words*; the explainer builds the prompt, verifies the draft and falls back.
Capabilities are class attributes, as in Simon Willison's ``llm``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypedDict

from whyrec.errors import ConfigError, WhyrecError


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Completion:
    """One reply: its text, the model that wrote it, and what it cost."""

    text: str
    model: str
    latency_ms: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0


class BackendError(WhyrecError):
    """The backend could not answer (server down, timeout, bad reply): the caller falls back."""


class BackendNotInstalled(ConfigError):
    """An optional part a backend needs (an extra, a model package) is not installed.

    ``hint`` is the one command that adds it, so the default path can fall back to the
    template and say how to get the model.
    """

    def __init__(self, message: str, *, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class Backend(ABC):
    """Writes a reply to chat messages.

    Subclasses set ``name`` and implement :meth:`complete`. ``uses_model = False`` marks the
    template backend, whose text comes from the evidence directly rather than from a prompt.
    """

    name: ClassVar[str]
    uses_model: ClassVar[bool] = True
    #: continues a final assistant message instead of starting a new one (llama.cpp, vLLM)
    supports_prefill: bool = False
    #: :meth:`stream` yields the reply piece by piece as the model writes it
    supports_streaming: bool = False
    #: fine-tuned on whyrec's compact prompt (``whyrec tune``): it is sent without the worked
    #: example and without an answer start, and writes the whole text in its own words
    tuned: bool = False
    #: a small model on a CPU, for which every prompt token costs time before the first word:
    #: the prompt leaves out the item's detail line (category, brand, tags)
    brief_prompt: bool = False
    #: the model loaded or asked for; part of every cache key
    model_name: str = ""
    #: the model runs inside this process: prompts never leave the machine
    in_process: ClassVar[bool] = False
    #: where prompts are sent (a URL) when not in process; ``None`` when the backend does not say
    endpoint: str | None = None

    @abstractmethod
    def complete(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Completion:
        """One completion. Raises :class:`BackendError` when no usable reply came back."""

    def stream(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Iterator[str]:
        """The reply in pieces as it is written; backends without streaming give it whole."""
        yield self.complete(messages, max_tokens=max_tokens, temperature=temperature,
                            seed=seed, stop=stop).text

    def close(self) -> None:
        """Release what the backend holds (servers, connections)."""
