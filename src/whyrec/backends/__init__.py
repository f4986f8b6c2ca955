"""Language-model backends: one small interface, chosen by name from a registry."""

from whyrec.backends.base import Backend, BackendError, Completion, Message
from whyrec.backends.registry import available_backends, create_backend

__all__ = ["Backend", "BackendError", "Completion", "Message", "available_backends",
           "create_backend"]
