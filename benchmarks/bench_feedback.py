"""Feedback store: write throughput and the latency of reading a person's preferences.

For SQLite (a WAL file) and, when ``--pg-url`` / ``WHYREC_TEST_PG_URL`` names a server, for
PostgreSQL (a fresh database on it):

* one process writing events one transaction each, and 8 processes × 500 events at once
  (events per second; every event must be present exactly once afterwards);
* ``preferences_for`` for people with 20 feedback events each: median and p95 latency, and the
  ratio to a baseline read transaction (``SELECT 1``) timed in the same process — the machines
  here are noisy, so the ratio is the figure to compare.

Prints one JSON object; ``--out`` also writes it to a file.

    .venv/bin/python benchmarks/bench_feedback.py --out benchmarks/results/feedback.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from whyrec.feedback import FeedbackEvent, preferences_for, record_explanation, record_feedback
from whyrec.store import open_store
from whyrec.store.schema import feedback_events
from whyrec.types import Explanation

WRITER = textwrap.dedent("""
    import sys
    from whyrec.feedback import FeedbackEvent, record_feedback
    from whyrec.store import open_store
    url, explanation_id, proc, n = sys.argv[1:5]
    store = open_store(url)
    for k in range(int(n)):
        record_feedback(store, FeedbackEvent(explanation_id, "helpful", event_id=f"{proc}-{k}"))
""")
KINDS = ("too_long", "helpful", "not_relevant", "too_technical", "more_about")


def explanation(user: str, item: str) -> Explanation:
    return Explanation(user_id=user, item_id=item, text=f"Because of {item}.", language="en",
                       cited_ids=[f"hist:{item}", "cohort:a:b"], backend="template")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_store(url: str, n_single: int, n_people: int, reads: int) -> dict[str, Any]:
    store = open_store(url)
    target = record_explanation(store, explanation("w", "i0"))
    # one process, one transaction per event
    started = time.perf_counter()
    for k in range(n_single):
        record_feedback(store, FeedbackEvent(target, "helpful", event_id=f"single-{k}"))
    single = n_single / (time.perf_counter() - started)
    # 8 processes x 500 events
    started = time.perf_counter()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, target, str(p), "500"])
               for p in range(8)]
    assert all(w.wait(timeout=600) == 0 for w in writers)
    parallel_s = time.perf_counter() - started
    with store.read() as connection:
        ids = list(connection.execute(select(feedback_events.c.event_id)
                                      .where(feedback_events.c.event_id.notlike("single-%")))
                   .scalars())
    exactly_once = len(ids) == 4000 and len(set(ids)) == 4000
    # preference reads: people with 20 events each
    for person in range(n_people):
        user = f"p{person}"
        ids_ = [record_explanation(store, explanation(user, f"i{k}")) for k in range(4)]
        record_feedback(store, [
            FeedbackEvent(ids_[k % 4], KINDS[k % len(KINDS)],
                          aspect="ratings" if KINDS[k % len(KINDS)] == "more_about" else None,
                          created_at=time.time() - k * 3600)
            for k in range(20)])
    baseline, latency = [], []
    for k in range(reads):
        started = time.perf_counter()
        with store.read() as connection:
            connection.execute(text("SELECT 1")).scalar()
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        prefs = preferences_for(store, f"p{k % n_people}")
        latency.append(time.perf_counter() - started)
        assert prefs.n_events == 20
    with store.read() as connection:
        total = connection.execute(select(func.count()).select_from(feedback_events)).scalar()
    store.close()
    return {
        "events_per_s_one_process": round(single, 1),
        "events_per_s_8_processes": round(4000 / parallel_s, 1),
        "eight_x_500_seconds": round(parallel_s, 2),
        "eight_x_500_all_present_exactly_once": exactly_once,
        "events_stored": total,
        "preferences_read_ms_median": round(statistics.median(latency) * 1000, 3),
        "preferences_read_ms_p95": round(percentile(latency, 0.95) * 1000, 3),
        "baseline_read_ms_median": round(statistics.median(baseline) * 1000, 3),
        "preferences_read_vs_baseline": round(statistics.median(latency)
                                              / statistics.median(baseline), 1),
    }


def fresh_pg_database(admin_url: str) -> tuple[str, Any]:
    name = f"whyrec_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=1000, help="events written by one process")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--pg-url", default=os.environ.get("WHYREC_TEST_PG_URL"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    results: dict[str, Any] = {"benchmark": "feedback_store", "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = bench_store(f"sqlite:///{folder}/bench.sqlite", args.single,
                                        args.people, args.reads)
    if args.pg_url:
        url, drop = fresh_pg_database(args.pg_url)
        try:
            results["postgresql"] = bench_store(url, args.single, args.people, args.reads)
        finally:
            drop()
    payload = json.dumps(results, indent=2)
    print(payload)
    if args.out:
        args.out.write_text(payload + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
