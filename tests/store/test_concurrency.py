"""No feedback lost or duplicated: many threads, 8 processes × 500 events, and a writer killed
mid-write — on SQLite and on PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from whyrec.feedback import FeedbackEvent, record_explanation, record_feedback
from whyrec.store import Store, open_store
from whyrec.store.schema import feedback_events
from whyrec.types import Explanation

#: one writer process: ``argv`` = url, explanation id, process number, events, batch size
WRITER = textwrap.dedent("""
    import sys
    from whyrec.feedback import FeedbackEvent, record_feedback
    from whyrec.store import open_store
    url, explanation_id, proc, n, batch = sys.argv[1:6]
    store = open_store(url)
    n, batch = int(n), int(batch)
    print("ready", flush=True)
    for start in range(0, n, batch):
        record_feedback(store, [FeedbackEvent(explanation_id, "helpful",
                                              event_id=f"{proc}-{k}")
                                for k in range(start, min(n, start + batch))])
    print("done", flush=True)
""")


def seed(store: Store) -> str:
    return record_explanation(store, Explanation(
        user_id="u1", item_id="i1", text="Because you rated “Heat”.", language="en",
        cited_ids=["hist:1"], backend="template"))


def event_ids(store: Store) -> list[str]:
    with store.read() as connection:
        return list(connection.execute(select(feedback_events.c.event_id)).scalars())


def start_writer(url: str, explanation_id: str, proc: int, n: int, batch: int
                 ) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, url, explanation_id, str(proc),
                             str(n), str(batch)], stdout=subprocess.PIPE, text=True)


def test_threads_sharing_a_store_lose_nothing(store: Store) -> None:
    explanation_id = seed(store)

    def write(thread: int) -> None:
        for k in range(100):
            record_feedback(store, FeedbackEvent(explanation_id, "helpful",
                                                 event_id=f"t{thread}-{k}"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    ids = event_ids(store)
    assert len(ids) == 800 and len(set(ids)) == 800


@pytest.mark.slow
def test_eight_processes_times_500_events_all_present_exactly_once(store_url: str) -> None:
    store = open_store(store_url)
    explanation_id = seed(store)
    started = time.perf_counter()
    writers = [start_writer(store_url, explanation_id, p, 500, 1) for p in range(8)]
    outputs = [w.communicate(timeout=300)[0] for w in writers]
    seconds = time.perf_counter() - started
    assert all(w.returncode == 0 for w in writers), outputs
    ids = event_ids(store)
    expected = {f"{p}-{k}" for p in range(8) for k in range(500)}
    assert len(ids) == 4000 and set(ids) == expected
    print(f"\n{store.dialect}: 4000 events from 8 processes in {seconds:.1f} s")


def test_retrying_a_whole_batch_stores_it_once(store: Store) -> None:
    explanation_id = seed(store)
    batch = [FeedbackEvent(explanation_id, "helpful", event_id=f"b-{k}") for k in range(20)]
    record_feedback(store, batch[:10])  # the first half landed, then the caller timed out
    record_feedback(store, batch)
    assert sorted(event_ids(store)) == sorted(e.event_id for e in batch)


@pytest.mark.slow
def test_a_writer_killed_mid_write_leaves_whole_batches(store_url: str) -> None:
    store = open_store(store_url)
    explanation_id = seed(store)
    writer = start_writer(store_url, explanation_id, 0, 100_000, 10)
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    deadline = time.monotonic() + 60
    while len(event_ids(store)) < 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    ids = event_ids(store)
    assert len(ids) >= 200 and len(ids) % 10 == 0  # batches are all-or-nothing
    assert len(set(ids)) == len(ids)
    if store.dialect == "sqlite":
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    record_feedback(store, FeedbackEvent(explanation_id, "helpful", event_id="after"))
    with store.read() as connection:
        count = connection.execute(select(func.count()).select_from(feedback_events)).scalar()
    assert count == len(ids) + 1
