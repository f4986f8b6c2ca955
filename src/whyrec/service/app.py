"""The FastAPI app: the ``/v1`` API, health, metrics and the web page, in one process.

Every error reaches the client as ``{"error": {"status", "code", "message", "details"}}``;
unexpected ones as a bare 500 with a request id, never a stack trace. The access log names the
route template (``/v1/users/{user_id}/recommendations``), never the path a person's id is in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from whyrec._version import __version__
from whyrec.errors import (
    FeedbackError,
    InputLimitError,
    PrivacyError,
    UnknownItemError,
    UnknownUserError,
    ValidationError,
    WhyrecError,
)
from whyrec.privacy.pii import load_scrubber
from whyrec.service.hot import MARKER_SECONDS
from whyrec.service.routes import add_routes
from whyrec.service.schemas import ErrorOut, HealthOut
from whyrec.service.security import ApiError, require, state_of
from whyrec.service.state import ServiceState

log = logging.getLogger("whyrec.service")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
#: on every response: no MIME sniffing, no framing (clickjacking), no referrer leaks
SECURITY_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"))
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 403, 404, 413, 422, 429)}


def create_app(state: ServiceState) -> FastAPI:
    """The app around a built :class:`ServiceState` (see :func:`whyrec.service.serve`)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        # request handlers run in worker threads; on a few cores, dozens of them only take
        # turns at the interpreter lock (measured: fewer threads, more requests a second)
        to_thread.current_default_thread_limiter().total_tokens = state.settings.threads
        await to_thread.run_sync(state.hot.check_marker)  # fresh from the first request
        # the PII recognisers (Presidio, spaCy: a second and more) are built once the service
        # is first idle, not before listening nor beside the first requests: most texts need
        # none (a request whose text does builds them, as it would have waited for them)
        tasks = [asyncio.create_task(_watch_store(state)),
                 asyncio.create_task(_load_pii_when_idle(state))]
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        state.close()

    app = FastAPI(title="whyrec", version=__version__, lifespan=lifespan, responses=ERRORS,
                  description="Recommendations, and why: every explanation is checked against "
                              "the recommender's own evidence before it is sent.")
    app.state.whyrec = state
    add_routes(app)
    _add_operations(app)
    _add_error_handlers(app)
    if state.settings.cors_origins:  # off unless origins are named
        app.add_middleware(CORSMiddleware, allow_origins=state.settings.cors_origins,
                           allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(RequestGuard, state=state)
    return app


#: the PII recognisers are built once no request has been in flight for this long …
PII_LOAD_IDLE_S = 0.25
#: … or this long after the service starts listening, whichever comes first
PII_LOAD_LATEST_S = 5.0


async def _load_pii_when_idle(state: ServiceState) -> None:
    """Build the PII recognisers on a thread of their own once the service is idle (at the
    latest :data:`PII_LOAD_LATEST_S` after it starts): the first answers, which need none,
    then have the cores to themselves."""
    listening = time.monotonic()  # idle from now on, not from when the state was built
    deadline = listening + PII_LOAD_LATEST_S
    while (state.activity.idle_for(since=listening) < PII_LOAD_IDLE_S
           and time.monotonic() < deadline):
        await asyncio.sleep(0.05)
    threading.Thread(target=load_scrubber, name="whyrec-pii-load", daemon=True).start()


async def _watch_store(state: ServiceState) -> None:
    """Every :data:`~whyrec.service.hot.MARKER_SECONDS`: did another process write feedback or
    preferences? (Then the hot replies and preferences are dropped.)"""
    while True:
        await asyncio.sleep(MARKER_SECONDS)
        try:
            await to_thread.run_sync(state.hot.check_marker)
        except Exception as exc:  # the store failed: what is kept can no longer be checked
            state.hot.replies.clear()
            state.hot.preferences.clear()
            log.warning("could not read the store's change marker: %s", type(exc).__name__)


def _add_operations(app: FastAPI) -> None:
    web = files("whyrec.service") / "web"

    @app.get("/healthz", response_model=HealthOut, summary="Liveness and the model's state")
    def healthz(request: Request) -> dict[str, Any]:
        state = state_of(request)
        llm = state.llm_status()
        return {"status": "ok" if llm != "down" else "degraded", "llm": llm,
                "backend": state.backend.name, "version": __version__}

    @app.get("/metrics", summary="Prometheus metrics (admin keys)",
             dependencies=[Depends(require("admin"))],
             responses={200: {"content": {"text/plain": {}}}})
    def metrics(request: Request) -> Response:
        return Response(state_of(request).metrics.render(),
                        media_type="text/plain; version=0.0.4")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(web / "index.html"), media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(web)), name="static")


def _error(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "code": code, "message": message,
                                   "details": details or []}}, status_code=status,
                        headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e["msg"]}
                   for e in exc.errors()[:20]]
        first = details[0] if details else {"where": "request", "problem": "invalid"}
        return _error(422, "invalid_request", f"{first['where']}: {first['problem']}", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail),
                      headers=getattr(exc, "headers", None))

    @app.exception_handler(WhyrecError)
    async def whyrec_error(_: Request, exc: WhyrecError) -> JSONResponse:
        status, code = _status_of(exc)
        return _error(status, code, str(exc).splitlines()[0][:500])

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = uuid.uuid4().hex[:12]
        # the type and where, not the message: messages can quote a person's data
        route = _route_name(request.scope.get("route")) or "?"
        log.error("request %s on %s failed: %s", request_id, route, type(exc).__name__)
        return _error(500, "internal_error", f"internal error (request {request_id})")


def _status_of(exc: WhyrecError) -> tuple[int, str]:
    if isinstance(exc, UnknownUserError | UnknownItemError):
        return 404, "not_found"
    if isinstance(exc, InputLimitError):
        return 413, "too_large"
    if isinstance(exc, FeedbackError | ValidationError):
        return 422, "invalid_request"
    if isinstance(exc, PrivacyError):
        return 403, "forbidden"
    return 400, "bad_request"


class RequestGuard:
    """Pure ASGI middleware: body size limit, metrics, and an access log without personal data."""

    def __init__(self, app: ASGIApp, state: ServiceState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        limit = self.state.settings.max_body_bytes
        status = {"code": 500}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        activity = self.state.activity
        activity.in_flight += 1
        try:
            too_big = _over_limit(scope, limit)
            if not too_big and scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
                # read the body here (it is small by then), so a chunked one over the limit is
                # refused before any handler parses it
                body, too_big = await _read_body(receive, limit)
                receive = _replay(body)
            if too_big:
                response = _error(413, "too_large", f"the request body is over {limit:,} bytes")
                await response(scope, receive, send_status)
            else:
                await self.app(scope, receive, send_status)
        finally:
            activity.in_flight -= 1
            activity.last_ended = time.monotonic()
        route = _route_name(scope.get("route")) or "unmatched"
        elapsed = time.perf_counter() - started
        self.state.metrics.observe_request(route, scope["method"], status["code"], elapsed)
        key_id = getattr(scope.get("state", {}), "get", lambda *_: "-")("key_id", "-")
        log.info("%s %s %d %.1fms key=%s", scope["method"], route, status["code"],
                 elapsed * 1000.0, key_id)


def _over_limit(scope: Scope, limit: int) -> bool:
    declared = dict(scope.get("headers") or []).get(b"content-length")
    if declared is None:
        return False
    try:
        return int(declared) > limit
    except ValueError:
        return True


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = {"done": False}

    async def receive() -> Message:
        if sent["done"]:
            return {"type": "http.disconnect"}
        sent["done"] = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _route_name(route: Any) -> str | None:
    """A route as logs and metrics name it: its template without converters
    ("/v1/users/{user_id}/preferences", never a person's id)."""
    return getattr(route, "path_format", None) or getattr(route, "path", None)
