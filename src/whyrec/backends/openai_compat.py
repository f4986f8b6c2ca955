"""The ``openai`` backend: any OpenAI-compatible server (vLLM, Ollama, llama.cpp, a hosted API).

The key comes from the environment (``WHYREC_API_KEY``, else ``OPENAI_API_KEY``), never from a
command line. Connection failures, timeouts and server errors become :class:`BackendError`, so
the explainer delivers a template explanation with the reason instead of failing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from typing import Any

from whyrec.backends.base import Backend, BackendError, Completion, Message
from whyrec.errors import ConfigError

KEY_VARIABLES = ("WHYREC_API_KEY", "OPENAI_API_KEY")


class OpenAIBackend(Backend):
    """Chat completions from an OpenAI-compatible server through the official ``openai`` client.

    Parameters
    ----------
    base_url : the server's API root, e.g. ``http://gpu-node:8000/v1`` (default:
        ``WHYREC_BASE_URL``, else ``OPENAI_BASE_URL``).
    model : the model name the server knows (default: ``WHYREC_MODEL``).
    timeout : seconds per request; retries : extra tries after a connection error or 5xx.
    prefill : the server continues a final assistant message (llama.cpp server does; vLLM
        with ``continue_final_message``); the explainer then starts the answer for the model.
    """

    name = "openai"
    supports_streaming = True

    def __init__(
        self, base_url: str | None = None, model: str | None = None, *,
        timeout: float = 30.0, retries: int = 1, api_key: str | None = None,
        prefill: bool = False,
    ) -> None:
        try:
            import openai
        except ImportError:
            raise ConfigError("the openai backend needs the `openai` extra: "
                              "pip install 'whyrec[openai]'") from None
        base_url = base_url or os.environ.get("WHYREC_BASE_URL") or os.environ.get(
            "OPENAI_BASE_URL")
        if not base_url:
            raise ConfigError("the openai backend needs a server: pass --base-url URL "
                              "(or set WHYREC_BASE_URL)")
        model = model or os.environ.get("WHYREC_MODEL")
        if not model:
            raise ConfigError("the openai backend needs a model name: pass --model NAME "
                              "(or set WHYREC_MODEL)")
        key = api_key or next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)
        self.base_url = base_url
        self.endpoint = base_url
        self.supports_prefill = prefill
        self.model_name = model
        self._errors = (openai.APIError,)
        # local servers need no key, but the client insists on one
        self._client = openai.OpenAI(base_url=base_url, api_key=key or "not-needed",
                                     timeout=timeout, max_retries=retries)

    def complete(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Completion:
        started = time.perf_counter()
        try:
            reply = self._client.chat.completions.create(
                model=self.model_name, messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens, temperature=temperature, seed=seed,
                stop=list(stop) or None,
            )
        except self._errors as exc:
            raise BackendError(f"{type(exc).__name__} from {self.base_url}: "
                               f"{_first_line(str(exc))}") from None
        latency = (time.perf_counter() - started) * 1000.0
        if not reply.choices:
            raise BackendError(f"{self.base_url} returned no choices")
        usage = reply.usage
        return Completion(
            # the name asked for: servers echo aliases or placeholders ("-") back
            text=reply.choices[0].message.content or "", model=self.model_name,
            latency_ms=latency,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
        )

    def stream(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Iterator[str]:
        yield from stream_chat(self._client, self.model_name, self.base_url, messages,
                               max_tokens=max_tokens, temperature=temperature, seed=seed,
                               stop=stop, errors=self._errors)

    def close(self) -> None:
        self._client.close()


def stream_chat(
    client: Any, model: str, where: str, messages: list[Message], *, max_tokens: int,
    temperature: float, seed: int, stop: Sequence[str], errors: tuple[type[BaseException], ...],
    extra: dict[str, Any] | None = None,
) -> Iterator[str]:
    """A streamed chat completion's text pieces; failures become :class:`BackendError`."""
    try:
        chunks = client.chat.completions.create(
            model=model, messages=messages, max_tokens=max_tokens, temperature=temperature,
            seed=seed, stop=list(stop) or None, stream=True, extra_body=extra)
        for chunk in chunks:
            if chunk.choices and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content
    except errors as exc:
        raise BackendError(f"{type(exc).__name__} from {where}: "
                           f"{_first_line(str(exc))}") from None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else "no detail"
