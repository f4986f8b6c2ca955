"""The ``/v1`` API: recommendations, explanations, follow-up questions, feedback, preferences.

Replies are dicts prepared here and sent as JSON bytes (:func:`_json`): the response models
document them, and validating what this code just built would be most of a cached reply's
cost. A repeated top-n or explanation is answered from :mod:`whyrec.service.hot` in the event
loop; the first one is made on a worker thread.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from dataclasses import replace
from typing import Annotated, Any, TypeVar

from anyio import to_thread
from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from whyrec.errors import UnknownItemError
from whyrec.explanation.requests import parse_request
from whyrec.explanation.streaming import stream_explanation
from whyrec.feedback.events import FeedbackEvent, record_feedback, stored_event
from whyrec.feedback.preferences import reset_preferences
from whyrec.privacy.sanitise import UNTITLED, private_recommendation, private_text
from whyrec.service.hot import MISSING
from whyrec.service.schemas import (
    CallerExplanationIn,
    ChatIn,
    ChatOut,
    ErrorOut,
    ExplanationOut,
    FeedbackIn,
    FeedbackOut,
    ItemOut,
    ItemsOut,
    Language,
    Length,
    PreferencesOut,
    RecommendationsOut,
    UserOut,
    UsersOut,
)
from whyrec.service.security import ApiError, Caller, require, state_of
from whyrec.service.state import ServiceState
from whyrec.types import Explanation, Recommendation

T = TypeVar("T")


class Operations:
    """The ``/v1`` operations as they are declared (``@router.get(path, …)``), added to an app
    by :func:`add_routes` straight on its router.

    Not an ``APIRouter``: FastAPI builds each route of an included router twice (its
    dependencies, parameters and response models analysed at declaration, then again for the
    app at the first request: a tenth of a second on 2 cores, in front of the first answer)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.declared: list[tuple[str, Callable[..., Any], str, dict[str, Any]]] = []

    def _declare(self, method: str, path: str, options: dict[str, Any]
                 ) -> Callable[[Callable[..., T]], Callable[..., T]]:
        def decorator(endpoint: Callable[..., T]) -> Callable[..., T]:
            self.declared.append((self.prefix + path, endpoint, method, options))
            return endpoint
        return decorator

    def get(self, path: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self._declare("GET", path, options)

    def post(self, path: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self._declare("POST", path, options)

    def delete(self, path: str, **options: Any) -> Callable[[Callable[..., T]], Callable[..., T]]:
        return self._declare("DELETE", path, options)


router = Operations(prefix="/v1")


def add_routes(app: FastAPI) -> None:
    """Add the ``/v1`` operations to ``app``, in the order they are declared."""
    for path, endpoint, method, options in router.declared:
        app.router.add_api_route(path, endpoint, methods=[method], **options)


Reader = Annotated[Caller, Depends(require("read"))]
Writer = Annotated[Caller, Depends(require("write"))]
#: ids may hold any character, "/" included (sent as %2F, which the server decodes): the routes
#: take them with Starlette's ``path`` converter
UserId = Annotated[str, Path(min_length=1, max_length=200)]
ItemId = Annotated[str, Path(min_length=1, max_length=200)]

try:  # the serve extra's fast JSON; the standard library's otherwise (same content)
    import orjson

    def _dumps(payload: Any) -> bytes:
        return orjson.dumps(payload)
except ImportError:  # pragma: no cover - orjson comes with the serve extra
    def _dumps(payload: Any) -> bytes:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _json(payload: Any, status_code: int = 200) -> Response:
    return Response(_dumps(payload), status_code=status_code, media_type="application/json")


@router.get("/users", response_model=UsersOut, summary="People the recommender knows")
def users(request: Request, _: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 50,
          offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    state = state_of(request)
    ids = [str(u) for u in state.dataset.user_ids[offset:offset + limit]]
    return {"users": [UserOut(id=u, language=state.dataset.user_language(u)) for u in ids],
            "total": len(state.dataset.user_ids)}


@router.get("/items", response_model=ItemsOut, summary="Catalog items whose title matches")
def items(request: Request, _: Reader,
          query: Annotated[str, Query(max_length=200)] = "",
          limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, Any]:
    catalog = state_of(request).dataset.items
    needle = query.casefold().strip()
    titles = catalog["title"].astype(str)
    matches = catalog[titles.str.casefold().str.contains(needle, regex=False)] if needle \
        else catalog
    return {"items": [ItemOut(id=str(i), title=private_text(str(t), catalog=True) or UNTITLED)
                      for i, t in zip(matches["item_id"][:limit], matches["title"][:limit],
                                      strict=True)]}


@router.get("/users/{user_id:path}/recommendations", response_model=RecommendationsOut,
            summary="Top-n recommendations with their evidence, optionally explained")
async def recommendations(
    request: Request, _: Reader, user_id: UserId,
    n: Annotated[int, Query(ge=1, le=100)] = 10,
    explain: Annotated[bool, Query(description="add explanations (they cost time)")] = False,
    language: Language | None = None, length: Length | None = None,
) -> Response:
    state = state_of(request)
    key = ("recommendations", user_id, state.hot.generation(user_id), n, explain, language,
           length)
    body = state.hot.replies.get(key) if state.hot.fresh else MISSING
    if body is not MISSING:
        return Response(body, media_type="application/json")
    if explain:  # may wait for the model: off the threads that serve everything else
        reply = await offload(state, _recommendations, state, user_id, n, True, language, length)
    else:
        reply = await to_thread.run_sync(_recommendations, state, user_id, n, False, language,
                                         length)
    body = _dumps(reply)
    if not reply["degraded"]:  # an outage's template texts are not worth remembering
        state.hot.replies.put(key, body)
    return Response(body, media_type="application/json")


def _recommendations(state: ServiceState, user_id: str, n: int, explain: bool,
                     language: str | None, length: str | None) -> dict[str, Any]:
    if n > state.settings.max_n:
        raise ApiError(422, "invalid_request", f"n is {n}; this service allows at most "
                                               f"{state.settings.max_n}")
    recs = state.pipeline.recommend(user_id, n)
    explanations = _explain(state, recs, language, length) if explain else []
    by_item = {e.item_id: e for e in explanations}
    # explanations carry the person's preference notes; without them, read them once more
    notes = (explanations[0].preferences if explanations
             else state.pipeline.preferences(user_id).notes())
    return {"user_id": user_id,
            "recommendations": [{**_shown(r, state),
                                 "explanation": _public(by_item.get(r.item_id))}
                                for r in recs],
            "degraded": _degraded(explanations), "preferences": notes}


@router.get("/users/{user_id:path}/items/{item_id:path}/explanation",
            response_model=ExplanationOut,
            summary="Why this item for this person (stream=true: text/event-stream)",
            responses={200: {"content": {"text/event-stream": {}}}})
async def explanation(
    request: Request, _: Reader, user_id: UserId, item_id: ItemId,
    language: Language | None = None, length: Length | None = None,
    stream: Annotated[bool, Query(description="server-sent events: verified sentences as "
                                              "they are written, then the explanation")] = False,
) -> Any:
    state = state_of(request)
    if stream:
        rec = await to_thread.run_sync(_recommendation, state, user_id, item_id)
        return StreamingResponse(_offloaded(state, _events(state, rec, language, length)),
                                 media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})
    started = time.perf_counter()
    key = ("explanation", user_id, item_id, state.hot.generation(user_id), language, length)
    hot = state.hot.replies.get(key) if state.hot.fresh else MISSING
    if hot is not MISSING:
        return _json(_hot_explanation(state, hot, started))
    reply = await offload(state, _explanation, state, user_id, item_id, language, length)
    _keep_explanation(state, key, reply)
    return _json(reply)


def _keep_explanation(state: ServiceState, key: Hashable, reply: dict[str, Any]) -> None:
    """Keep a reply as its next asking gets it from the cache (outages' texts not at all)."""
    if reply["degraded"]:
        return
    found = Explanation.from_dict(reply["explanation"])
    found.cached = True
    state.hot.replies.put(key, {**reply, "explanation": {**reply["explanation"], "cached": True},
                                "_found": found})


def _hot_explanation(state: ServiceState, hot: dict[str, Any], started: float
                     ) -> dict[str, Any]:
    """A kept explanation reply, its latency this request's (as the store's cache gives it)."""
    state.metrics.observe_explanations([hot["_found"]])
    reply = {k: v for k, v in hot.items() if k != "_found"}
    reply["explanation"] = {**reply["explanation"],
                            "latency_ms": (time.perf_counter() - started) * 1000.0}
    return reply


def _shown(rec: Recommendation, state: ServiceState | None = None) -> dict[str, Any]:
    """A recommendation as a reply shows it: titles and free text cleaned as explanations
    clean them (no contact data, no instruction to a model; a caller's text loses names); with
    ``state``, the catalog's price and picture address where it has them (``None`` where not)."""
    shown = private_recommendation(rec).to_dict()
    if state is not None:
        shown.update(_catalog_extras(state, rec.item_id))
    return shown


def _catalog_extras(state: ServiceState, item_id: str) -> dict[str, Any]:
    found = state.extras.get(item_id)
    if found is None:  # a pandas row costs more than the rest of a recommendation: once each
        found = state.extras[item_id] = _row_extras(state, item_id)
    return found


def _row_extras(state: ServiceState, item_id: str) -> dict[str, Any]:
    dataset = state.dataset
    try:
        row = dataset.items.iloc[dataset.item_row(item_id)]
    except UnknownItemError:  # a caller's item, not in the catalog
        return {"price": None, "image_url": None}
    price = row.get("price")
    image = row.get("image_url")
    return {"price": float(price) if price == price and price is not None else None,
            "image_url": str(image) if isinstance(image, str) and image else None}


def _explanation(state: ServiceState, user_id: str, item_id: str, language: str | None,
                 length: str | None) -> dict[str, Any]:
    rec = _recommendation(state, user_id, item_id)
    found = _explain(state, [rec], language, length)[0]
    return {"explanation": _public(found), "recommendation": _shown(rec, state),
            "degraded": _degraded([found])}


@router.post("/explanations", response_model=ExplanationOut,
             summary="Explain a recommendation made elsewhere, from the evidence sent")
async def caller_explanation(request: Request, _: Reader, body: CallerExplanationIn
                             ) -> dict[str, Any]:
    state = state_of(request)
    return await offload(state, _caller_explanation, state, body)


def _caller_explanation(state: ServiceState, body: CallerExplanationIn) -> dict[str, Any]:
    try:
        parsed = parse_request(body.model_dump(exclude={"length"}))
    except (ValueError, TypeError) as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    found = state.pipeline.explain_requests([parsed], length=body.length)[0]
    state.metrics.observe_explanations([found])
    return {"explanation": _public(found), "recommendation": _shown(parsed.recommendation),
            "degraded": _degraded([found])}


@router.post("/chat", response_model=ChatOut,
             summary='Follow-up questions: "why?", "why not X?", "what else like this?"')
async def chat(request: Request, _: Writer, body: ChatIn) -> dict[str, Any]:
    state = state_of(request)
    return await offload(state, _chat, state, body)


def _chat(state: ServiceState, body: ChatIn) -> dict[str, Any]:
    from whyrec.chat.answers import Conversation  # its phrasings: with the first question

    conversation = Conversation(state.pipeline, body.user_id, body.item_id,
                                language=body.language, conversation_id=body.conversation_id)
    answer = conversation.ask(body.question)
    state.hot.invalidate(body.user_id)  # a turn may store feedback ("not like this")
    state.metrics.observe_explanations(answer.explanations)
    payload = answer.to_dict()
    payload["explanations"] = [_public(e) for e in answer.explanations]
    return {"conversation_id": conversation.id, "answer": payload,
            "degraded": _degraded(answer.explanations)}


@router.post("/feedback", response_model=FeedbackOut, status_code=201,
             summary="A person's reaction to an explanation; later explanations adapt",
             responses={200: {"model": FeedbackOut,
                              "description": "a retry (the same event_id): the event stored "
                                             "the first time; nothing new is stored"},
                        409: {"model": ErrorOut,
                              "description": "the event was stored, then forgotten"}})
def feedback(request: Request, response: Response, _: Writer, body: FeedbackIn
             ) -> dict[str, Any]:
    state = state_of(request)
    fields = body.model_dump(exclude_none=True)
    event = FeedbackEvent(**fields)
    new = record_feedback(state.store, event)
    # a retry with the same event_id (the idempotency key) is answered with what was stored
    # the first time, 200 instead of 201: nothing new was created
    stored = new[0] if new else stored_event(state.store, event.event_id)
    if stored is None:  # stored, then forgotten in between: nothing to show
        raise ApiError(409, "conflict", f"event {event.event_id!r} is no longer stored")
    if not new:
        response.status_code = 200
    state.hot.invalidate(stored.user_id)
    return {"event": stored.to_dict(),
            "preferences": state.pipeline.preferences(stored.user_id).notes()}


@router.get("/users/{user_id:path}/preferences", response_model=PreferencesOut,
            summary="What this person's feedback changed about their explanations")
def preferences(request: Request, _: Reader, user_id: UserId) -> dict[str, Any]:
    found = state_of(request).pipeline.preferences(user_id)
    return {"user_id": user_id, "preferences": found.notes(), "language": found.language,
            "n_events": found.n_events}


@router.delete("/users/{user_id:path}/preferences", response_model=PreferencesOut,
               summary="Forget this person's explanation preferences (feedback is kept)")
def reset(request: Request, _: Writer, user_id: UserId) -> dict[str, Any]:
    state = state_of(request)
    reset_preferences(state.store, user_id)
    state.hot.invalidate(user_id)
    found = state.pipeline.preferences(user_id)
    return {"user_id": user_id, "preferences": found.notes(), "language": found.language,
            "n_events": found.n_events}


# --- helpers --------------------------------------------------------------------------------
async def offload(state: ServiceState, work: Callable[..., T], *args: Any) -> T:
    """Run ``work`` on the threads kept for model calls (a slow model never takes the threads
    that answer recommendations, feedback and health)."""
    return await to_thread.run_sync(work, *args, limiter=state.model_threads())


async def _offloaded(state: ServiceState, events: Iterator[str]) -> AsyncIterator[str]:
    done = object()
    while True:
        event = await offload(state, next, events, done)
        if event is done:
            return
        yield event


def _recommendation(state: ServiceState, user_id: str, item_id: str) -> Recommendation:
    return state.pipeline.recommend_item(user_id, item_id)


def _explain(state: ServiceState, recs: list[Recommendation], language: str | None,
             length: str | None) -> list[Explanation]:
    found = state.pipeline.explain(recs, language=language, length=length)
    state.metrics.observe_explanations(found)
    return found


def _events(state: ServiceState, rec: Recommendation, language: str | None,
            length: str | None) -> Iterator[str]:
    pipeline = state.pipeline
    base = pipeline.explainer.style
    prefs, style = pipeline.personal_style(
        rec.user_id, base if length is None else replace(base, length=length))
    for event in stream_explanation(pipeline.explainer, rec,
                                    language=language or prefs.language, style=style):
        if event["event"] == "explanation":
            found = pipeline.deliver([Explanation.from_dict(event["explanation"])], prefs)[0]
            state.metrics.observe_explanations([found])
            event = {**event, "explanation": _public(found), "degraded": _degraded([found])}
        yield f"event: {event.pop('event')}\ndata: {json.dumps(event, ensure_ascii=False)}\n\n"


def _public(explanation: Explanation | None) -> dict[str, Any] | None:
    """An explanation as callers see it: raw model drafts (unverified) stay inside."""
    if explanation is None:
        return None
    data = explanation.to_dict()
    data.pop("drafts", None)
    return data


def _degraded(explanations: list[Explanation]) -> bool:
    return any(e.is_outage for e in explanations)
