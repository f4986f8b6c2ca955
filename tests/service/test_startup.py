"""``whyrec serve``'s start-up (issue 18: the first answers within 3 s on 2 cores): what it
does not load before it listens, and what its first answers do not load either.

A fresh interpreter runs ``whyrec serve`` as the script does (``main``; a warm start: the
recommender an earlier start fitted is kept in its home), with uvicorn's ``run``
replaced by a probe: it records ``sys.modules`` and the garbage collector's state when the
service would start listening, then makes the first answers the start-up benchmark times (a
/healthz, a top-10, the explanation of its first item) through the real app and records
``sys.modules`` again. Each module named below stayed off that path once; this test fails when
one comes back (an import at the top of a module the service loads, a command module imported
by the group, Presidio's load started before the first answers).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("fastapi")

#: not loaded by the time the service listens
NOT_BEFORE_LISTENING = (
    # Presidio and the spaCy it imports (a second and more): built once the service is idle
    "presidio_analyzer", "spacy",
    # the other commands, and what only they use
    "whyrec.cli.batch", "whyrec.cli.chat", "whyrec.cli.demo", "whyrec.cli.evaluate",
    "whyrec.cli.explain", "whyrec.cli.report", "whyrec.cli.train", "whyrec.cli.tune",
    "whyrec.batch", "whyrec.eval", "whyrec.tuning",
    # chat's phrasings (the first question loads them), a caller's reasons' judge
    "whyrec.chat", "whyrec.privacy.reasons",
    # the schema migrations, for a store at its newest revision
    "alembic",
    # optional extras no serve start-up needs
    "matplotlib", "torch", "transformers", "ray", "xllamacpp", "openai",
)
#: still not loaded once the first /healthz, top-10 and explanation are answered
NOT_FOR_THE_FIRST_ANSWERS = ("presidio_analyzer", "spacy", "whyrec.chat",
                             "whyrec.privacy.reasons")

PROBE = """
import gc, json, sys
import uvicorn

def run(app, **options):
    found = {"listening": sorted(sys.modules), "collector": gc.isenabled(),
             "frozen": gc.get_freeze_count()}
    from fastapi.testclient import TestClient
    from whyrec.service import app as service_app
    service_app.PII_LOAD_IDLE_S = service_app.PII_LOAD_LATEST_S = 3600.0  # not while probed
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        user = client.get("/v1/users?limit=1").json()["users"][0]["id"]
        reply = client.get(f"/v1/users/{user}/recommendations?n=10")
        assert reply.status_code == 200, reply.text
        item = reply.json()["recommendations"][0]["item_id"]
        reply = client.get(f"/v1/users/{user}/items/{item}/explanation")
        assert reply.status_code == 200, reply.text
        found["answered"] = sorted(sys.modules)
    print(json.dumps(found))

uvicorn.run = run
from whyrec.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from whyrec.store import open_store

    folder = tmp_path_factory.mktemp("startup")
    db_url = f"sqlite:///{folder / 'svc.sqlite'}"
    open_store(db_url).close()  # made and migrated beforehand, as the benchmark's
    # the built-in defaults (no WHYREC_* setting of the caller's), an empty home of its own
    env = {k: v for k, v in os.environ.items() if not k.startswith("WHYREC_")}
    env["WHYREC_HOME"] = str(folder / "home")
    # twice: the second start is a warm one (the recommender the first fitted is kept in the
    # home), as the target is measured
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "serve", "--backend", "template", "--no-auth",
             "--db", db_url, "--port", "0"],
            env=env, cwd=folder, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    assert "using the hybrid recommender kept in" in done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _loaded(modules: object, names: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [name for name in names
            if any(m == name or m.startswith(name + ".") for m in modules)]


@pytest.mark.slow  # two whyrec processes; the first fits the demo's recommender (~15 s)
def test_serve_listens_without_what_its_first_answers_do_not_need(
        started: dict[str, object]) -> None:
    assert _loaded(started["listening"], NOT_BEFORE_LISTENING) == []


@pytest.mark.slow
def test_the_first_answers_load_neither_presidio_nor_chat(started: dict[str, object]) -> None:
    assert _loaded(started["answered"], NOT_FOR_THE_FIRST_ANSWERS) == []


@pytest.mark.slow
def test_what_start_up_made_is_out_of_the_collectors_passes(
        started: dict[str, object]) -> None:
    # the collector was paused for the start-up; it runs again, over what serving makes only
    assert started["collector"] is True
    assert isinstance(started["frozen"], int) and started["frozen"] > 10_000
