"""A backend with a deadline and a breaker, so a slow or dead model never stalls the service.

Each model call gets ``timeout`` seconds; a call that fails or runs over opens the breaker for
``cooldown`` seconds, during which calls fail at once; after it, the next call tries the model
again. The model counts as down from a failure until a call succeeds. The explainer turns every
failure into a template explanation whose ``fallback_reason`` says why, and the API flags the
response.

Why not pybreaker (or circuitbreaker): the part worth a library here is the deadline (a bounded
pool for calls that overrun, a deadline on streams), and neither has one; the breaker is a few
lines with one failure to open. pybreaker would also serialise every model call: its
``CircuitBreaker.call`` holds its lock while the call runs (8 concurrent 0.2 s calls: 1.64 s
through it, 0.22 s without; the service lets ``model_threads`` calls wait on the model at once).
No retry library either: in the service a failed call goes to the template at once (the backend
is made with ``retries=0``), and elsewhere the openai SDK's own ``max_retries`` retries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from whyrec.backends.base import Backend, BackendError, Completion, Message


class GuardedBackend(Backend):
    """Wraps ``inner``: same name, model and capabilities, bounded time per call."""

    name = "guarded"

    def __init__(self, inner: Backend, *, timeout: float, cooldown: float,
                 max_calls: int = 4) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[misc]
        self.uses_model = inner.uses_model  # type: ignore[misc]
        self.in_process = inner.in_process  # type: ignore[misc]
        self.supports_prefill = inner.supports_prefill
        self.tuned = inner.tuned
        self.supports_streaming = inner.supports_streaming
        self.model_name = inner.model_name
        self.endpoint = inner.endpoint
        self.timeout = timeout
        self.cooldown = cooldown
        # a call that overran keeps its thread until the model gives up: bound how many
        self._pool = ThreadPoolExecutor(max_workers=max_calls, thread_name_prefix="whyrec-llm")
        self._open_until = 0.0
        self._failing = False
        self._last_error = ""
        self._lock = threading.Lock()

    @property
    def healthy(self) -> bool:
        """``False`` from a failed call until a call succeeds again (the breaker lets one try
        through every ``cooldown`` seconds)."""
        return not self._failing

    def _breaker_open(self) -> bool:
        return time.monotonic() < self._open_until

    @property
    def last_error(self) -> str:
        return self._last_error

    def complete(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Completion:
        self._check_breaker()
        future = self._pool.submit(self.inner.complete, messages, max_tokens=max_tokens,
                                   temperature=temperature, seed=seed, stop=stop)
        try:
            completion = future.result(timeout=self.timeout)
        except FutureTimeout:
            self._trip(f"no reply within {self.timeout:g} s")
            raise BackendError(f"the model gave no reply within {self.timeout:g} s") from None
        except BackendError as exc:
            self._trip(str(exc))
            raise
        self._failing = False
        return completion

    def stream(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Iterator[str]:
        self._check_breaker()
        deadline = time.monotonic() + self.timeout
        try:
            for piece in self.inner.stream(messages, max_tokens=max_tokens,
                                           temperature=temperature, seed=seed, stop=stop):
                yield piece
                if time.monotonic() > deadline:
                    raise BackendError(f"the model gave no reply within {self.timeout:g} s")
        except BackendError as exc:
            self._trip(str(exc))
            raise
        self._failing = False

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.inner.close()

    def _check_breaker(self) -> None:
        if self._breaker_open():
            raise BackendError(f"the model is unavailable ({self._last_error}); retrying soon")

    def _trip(self, reason: str) -> None:
        with self._lock:
            self._failing = True
            self._last_error = reason[:200]
            self._open_until = time.monotonic() + self.cooldown
