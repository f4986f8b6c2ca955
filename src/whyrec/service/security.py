"""Who is calling: API keys with scopes, and per-caller rate limits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from whyrec.service.state import ServiceState

bearer = HTTPBearer(auto_error=False, description="wr_… key from `whyrec keys create`")
key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


class ApiError(Exception):
    """An error answered with ``status`` and a JSON body (never a stack trace)."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


@dataclass(frozen=True)
class Caller:
    """The key behind a request (``key_id`` "-" when keys are off)."""

    key_id: str
    scope: str


def state_of(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.whyrec
    return state


def require(scope: str) -> Callable[..., Awaitable[Caller]]:
    """A dependency that admits keys whose scope includes ``scope``, within their rate.

    It runs in the event loop (a sync dependency would cost every request a trip to a worker
    thread): a key checked in the last seconds and the in-memory rate limit need no store; a
    key's first check and a shared rate-limit storage (a network call) go to a thread."""

    async def check(request: Request,
                    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),  # noqa: B008
                    api_key: str | None = Depends(key_header)) -> Caller:
        state = state_of(request)
        if not state.settings.auth:
            caller = Caller(key_id="-", scope="admin")
            rate = state.settings.rate_limit
            bucket = f"ip:{request.client.host if request.client else '-'}"
        else:
            token = credentials.credentials if credentials is not None else (api_key or "")
            if not token:
                raise ApiError(401, "unauthenticated", "an API key is required: send "
                               "'Authorization: Bearer wr_…' or 'X-API-Key: wr_…'",
                               {"WWW-Authenticate": "Bearer"})
            key = state.keys.trusted(token) or await to_thread.run_sync(state.keys.check, token)
            if key is None:
                raise ApiError(401, "unauthenticated", "the API key is unknown or revoked",
                               {"WWW-Authenticate": "Bearer"})
            if not key.allows(scope):
                raise ApiError(403, "forbidden",
                               f"this key's scope is {key.scope!r}; this needs {scope!r}")
            caller = Caller(key_id=key.key_id, scope=key.scope)
            rate, bucket = key.rate_per_minute, f"key:{key.key_id}"
        request.state.key_id = caller.key_id
        wait = (state.limiter.allow(bucket, rate) if _in_memory(state)
                else await to_thread.run_sync(state.limiter.allow, bucket, rate))
        if wait:
            raise ApiError(429, "rate_limited",
                           f"rate limit of {rate} requests a minute reached; retry in "
                           f"{wait:.1f} s", {"Retry-After": str(max(1, round(wait + 0.5)))})
        return caller

    return check


def _in_memory(state: ServiceState) -> bool:
    return state.limiter.storage_uri.startswith("memory")
