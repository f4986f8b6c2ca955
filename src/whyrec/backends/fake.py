"""The ``fake`` backend: scripted replies, for unit tests of the explainer's own logic."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from whyrec.backends.base import Backend, BackendError, Completion, Message

Reply = str | BaseException


class FakeBackend(Backend):
    """Replies from a script: a list used in order (the last one repeats), or a function.

    A reply that is an exception is raised instead, to play a dead or slow server.
    Every request is kept in ``calls``.

    Examples
    --------
    >>> fake = FakeBackend(replies=["first", "second"])
    >>> [fake.complete([{"role": "user", "content": "hi"}]).text for _ in range(3)]
    ['first', 'second', 'second']
    """

    name = "fake"
    in_process = True

    def __init__(
        self, replies: Sequence[Reply] | Callable[[list[Message]], Reply] = ("",),
        model: str = "fake", prefill: bool = False, tuned: bool = False,
    ) -> None:
        self.replies = replies
        self.supports_prefill = prefill
        self.tuned = tuned
        self.model_name = model
        self.calls: list[list[Message]] = []

    def complete(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Completion:
        started = time.perf_counter()
        self.calls.append([dict(m) for m in messages])  # type: ignore[misc]
        if callable(self.replies):
            reply = self.replies(messages)
        else:
            if not self.replies:
                raise BackendError("the fake backend has no scripted replies")
            reply = self.replies[min(len(self.calls), len(self.replies)) - 1]
        if isinstance(reply, BaseException):
            raise reply
        return Completion(text=reply, model=self.model_name,
                          latency_ms=(time.perf_counter() - started) * 1000.0)
