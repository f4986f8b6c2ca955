"""The ``template`` backend: deterministic sentences from the evidence, no language model."""

from __future__ import annotations

from collections.abc import Sequence

from whyrec.backends.base import Backend, BackendError, Completion, Message


class TemplateBackend(Backend):
    """Marks "word the evidence with templates"; the explainer never sends it a prompt."""

    name = "template"
    uses_model = False
    model_name = "template"
    in_process = True

    def complete(
        self, messages: list[Message], *, max_tokens: int = 120, temperature: float = 0.3,
        seed: int = 0, stop: Sequence[str] = (),
    ) -> Completion:
        raise BackendError("the template backend words evidence directly; it takes no prompt")
