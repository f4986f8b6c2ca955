"""Where a backend sends prompts: this process, this machine, or somewhere else.

A backend is *local* when it runs in this process (``in_process``: llama.cpp, template, fake) or
its ``endpoint`` is a loopback address (``127.0.0.0/8``, ``::1``, ``localhost``). Everything
else — a hosted API, a GPU server on the network, a plug-in that does not say — is external:
``local_only`` refuses it, and each request to it is written to the audit log.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from whyrec.backends.base import Backend
from whyrec.errors import PrivacyError

LOCAL_ONLY_VARIABLE = "WHYREC_LOCAL_ONLY"
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def local_only_default() -> bool:
    """Whether ``$WHYREC_LOCAL_ONLY`` asks for local backends only (``1``, ``true``, ``yes``)."""
    return os.environ.get(LOCAL_ONLY_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")


def endpoint_host(url: str | None) -> str | None:
    """The host name of an endpoint URL (``None`` when there is none).

    Examples
    --------
    >>> endpoint_host("http://127.0.0.1:8000/v1")
    '127.0.0.1'
    """
    if not url:
        return None
    return urlsplit(url if "://" in url else f"http://{url}").hostname


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this machine by a loopback address (no DNS lookup is made).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("api.example.com")
    (True, True, False)
    """
    if not host:
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_local(backend: Backend) -> bool:
    """Whether ``backend``'s prompts stay on this machine."""
    if not backend.uses_model or backend.in_process:
        return True
    return is_loopback(endpoint_host(backend.endpoint))


def describe(backend: Backend) -> str:
    """Where prompts go, in words, for messages: ``"api.example.com"`` or ``"this process"``."""
    if not backend.uses_model or backend.in_process:
        return "this process"
    return endpoint_host(backend.endpoint) or "an unknown place (the backend does not say)"


def require_local(backend: Backend) -> None:
    """Raise :class:`PrivacyError` unless ``backend`` is local (the ``local_only`` check)."""
    if not is_local(backend):
        raise PrivacyError(
            f"local_only is set, but the {backend.name} backend sends prompts to "
            f"{describe(backend)}, which is not this machine; use --backend llamacpp or "
            f"template, a server on 127.0.0.1, or unset {LOCAL_ONLY_VARIABLE}")
