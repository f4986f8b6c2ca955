"""What a service process keeps in memory in front of its store: hot replies and preferences.

A repeated top-n or explanation for the same person, item and options is answered from here,
in the event loop: no thread, no store read, no model. What may make an entry wrong, and why it
cannot last:

* this process's own writes (feedback, a reset, a chat turn's "not like this") drop the
  person's entries at once (:meth:`HotState.invalidate`);
* other processes' writes (more workers): every :data:`MARKER_SECONDS` the store is asked for
  the feedback events and preference resets since the last look (two indexed reads), and those
  people's entries are dropped; rows gone (``whyrec forget``) drop every entry; anything else an
  entry might miss is bounded by :data:`MAX_AGE_SECONDS`.

The data, the trained recommender and the evidence are read-only in a process, so a reply for
the same person and preferences is the same reply.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select

from whyrec.store.engine import Store
from whyrec.store.schema import feedback_events, user_preferences

V = TypeVar("V")
#: how often the store is asked whether another process changed feedback or preferences
MARKER_SECONDS = 1.0
#: the longest any entry is trusted (what the marker cannot see: a person forgotten elsewhere)
MAX_AGE_SECONDS = 60.0
#: entries are not served when the store was last checked longer ago than this
STALE_SECONDS = 3.0
#: how far behind the last look the next one reads (events by number, resets by time)
LOOK_BACK_EVENTS = 100
LOOK_BACK_SECONDS = 5.0
MISSING: Any = object()


class HotCache(Generic[V]):
    """A thread-safe LRU of at most ``size`` entries, each trusted ``max_age`` seconds."""

    def __init__(self, size: int, max_age: float = MAX_AGE_SECONDS) -> None:
        self.size = size
        self.max_age = max_age
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V:
        """The value, or :data:`MISSING` (never stored, pushed out, or too old)."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return MISSING
            if time.monotonic() - found[0] > self.max_age:
                del self._entries[key]
                return MISSING
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class HotState:
    """The hot replies and preferences of one process, and what keeps them right.

    Nothing is served from here unless the store was checked in the last
    :data:`STALE_SECONDS` (the app's watcher checks it every :data:`MARKER_SECONDS`): an app
    run without its lifespan answers everything as it would without this cache.
    """

    def __init__(self, store: Store, *, replies: int = 8192, people: int = 8192) -> None:
        self.store = store
        self.replies: HotCache[Any] = HotCache(replies)
        self.preferences: HotCache[Any] = HotCache(people)
        # a person's generation is part of every key of theirs (preferences too): bumping it
        # drops them all, and a reply begun before the write is kept under the old one
        self._generations: dict[str, int] = {}
        # who has feedback or a reset at all (the others' preferences need no store read)
        self._with_feedback: set[str] | None = None
        self._seq = 0
        self._reset_at = 0.0
        self._checked_at = -float("inf")

    @property
    def fresh(self) -> bool:
        """Whether other processes' writes were looked for recently enough to trust entries."""
        return time.monotonic() - self._checked_at < STALE_SECONDS

    def generation(self, user_id: str) -> int:
        return self._generations.get(user_id, 0)

    def may_have_feedback(self, user_id: str) -> bool:
        """``False`` only when the store surely has no feedback or reset of ``user_id``."""
        known = self._with_feedback
        return known is None or not self.fresh or user_id in known

    def invalidate(self, user_id: str) -> None:
        """Something of ``user_id``'s was written: forget what was kept for them."""
        self._generations[user_id] = self._generations.get(user_id, 0) + 1
        if self._with_feedback is not None:
            self._with_feedback.add(user_id)

    def check_marker(self) -> None:
        """Look for other processes' writes since the last look: the people whose feedback or
        preferences changed lose their entries; rows gone (a person forgotten) drop all."""
        events, resets = feedback_events.c, user_preferences.c
        with self.store.read() as connection:
            seq = int(connection.execute(select(func.max(events.seq))).scalar() or 0)
            if self._with_feedback is None or seq < self._seq:  # first look, or rows deleted
                people = set(connection.execute(select(events.user_id).distinct()).scalars())
                people |= set(connection.execute(select(resets.user_id)).scalars())
                reset_at = connection.execute(select(func.max(resets.updated_at))).scalar()
                if self._with_feedback is not None:
                    self.replies.clear()
                    self.preferences.clear()
                self._with_feedback = people
                self._seq, self._reset_at = seq, float(reset_at or 0.0)
                self._checked_at = time.monotonic()
                return
            # a little behind the last look: a transaction may commit a lower sequence number
            # (or another machine's clock run behind) after a higher one was seen
            changed = set(connection.execute(select(events.user_id).where(
                events.seq > self._seq - LOOK_BACK_EVENTS).distinct()).scalars()) \
                if seq != self._seq else set()
            rows = connection.execute(select(resets.user_id, resets.updated_at).where(
                resets.updated_at > self._reset_at - LOOK_BACK_SECONDS)).all()
        for user_id in changed | {str(row[0]) for row in rows}:
            self.invalidate(user_id)
        self._seq = seq
        self._reset_at = max([self._reset_at, *(float(row[1]) for row in rows)])
        self._checked_at = time.monotonic()
