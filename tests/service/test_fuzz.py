"""Fuzzing the HTTP API from its own OpenAPI spec (schemathesis): no request makes it fail.

The app is built in process (template backend, keys on, a fresh SQLite store) and every
operation of ``/openapi.json`` is called with generated valid and invalid input, authenticated
with an admin key whose rate limit is too high to matter. A 5xx, a status code the spec does not
list, or a reply whose content type or body does not match the spec fails the test.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from whyrec.data.dataset import Dataset  # noqa: E402
from whyrec.service import build_app  # noqa: E402
from whyrec.service.keys import create_key  # noqa: E402
from whyrec.service.settings import load_settings  # noqa: E402

#: the fuzz run and the check that it covers the API go together
pytestmark = pytest.mark.slow
#: generated cases per operation in the fuzzing phase (the coverage phase adds its own)
MAX_EXAMPLES = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def _spec() -> dict[str, Any]:
    """The API's OpenAPI document without loading data or a model (the routes alone make it):
    schemathesis parametrises at import time, and the real app takes seconds to build."""
    from whyrec.service.app import create_app

    stub = SimpleNamespace(settings=load_settings(backend="template", auth=True))
    spec: dict[str, Any] = create_app(stub).openapi()  # type: ignore[arg-type]
    return spec


SPEC = _spec()
schema = schemathesis.openapi.from_dict(SPEC)
#: ids the demo shop knows, so that generated requests also reach the code past "not found"
USERS = [f"u{k:04d}" for k in range(1, 1001, 37)]
ITEMS = [f"i{k:04d}" for k in range(1, 361, 13)]
#: ids of explanations the service recorded (filled by the fixture), for feedback bodies
EXPLANATION_IDS: list[str] = []


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half the time, known people and items instead of generated ids."""
    if not isinstance(path_parameters, dict) or not {"user_id", "item_id"} & set(path_parameters):
        return st.just(path_parameters)
    known = st.fixed_dictionaries({
        name: st.sampled_from(USERS if name == "user_id" else ITEMS)
        for name in path_parameters if name in ("user_id", "item_id")})
    return st.one_of(st.just(path_parameters),
                     known.map(lambda ids: {**path_parameters, **ids}))


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    """Chat bodies about known people and items; feedback on recorded explanations."""
    if not isinstance(body, dict):
        return st.just(body)
    path = context.operation.path if context.operation is not None else ""
    if path == "/v1/chat":
        known = st.fixed_dictionaries({"user_id": st.sampled_from(USERS),
                                       "item_id": st.sampled_from(ITEMS)})
    elif path == "/v1/feedback" and EXPLANATION_IDS:
        known = st.fixed_dictionaries({"explanation_id": st.sampled_from(EXPLANATION_IDS)})
    else:
        return st.just(body)
    return st.one_of(st.just(body), known.map(lambda ids: {**body, **ids}))


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, demo_dataset: Dataset
             ) -> tuple[Any, dict[str, str]]:
    """The real app (template backend, keys on, a fresh store) and an admin key's header."""
    folder: Path = tmp_path_factory.mktemp("fuzz")
    app = build_app(load_settings(backend="template", db_url=f"sqlite:///{folder / 'svc.sqlite'}",
                                  auth=True),
                    dataset=demo_dataset)
    _, token = create_key(app.state.whyrec.store, "fuzz", "admin", rate_per_minute=10**9)
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        for user in USERS[:3]:
            reply = client.get(f"/v1/users/{user}/recommendations?n=2&explain=true",
                               headers=auth)
            assert reply.status_code == 200, reply.text
            EXPLANATION_IDS.extend(r["explanation"]["id"]
                                   for r in reply.json()["recommendations"])
    return app, auth


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_survives_fuzzing(case: Any, fuzz_app: tuple[Any, dict[str, str]]
                                          ) -> None:
    app, auth = fuzz_app
    response = case.call(app=app, base_url="http://testserver", headers=auth)
    assert response.status_code != 429, "the rate limit shaped the run"
    case.validate_response(response, checks=CHECKS, headers=auth)


def test_fuzzed_spec_is_the_apps(fuzz_app: tuple[Any, dict[str, str]]) -> None:
    """The spec fuzzed is the real app's, and it lists every route: the run covers the API."""
    app, _ = fuzz_app
    assert app.openapi() == SPEC
    operations = {(method.upper(), path) for path, item in SPEC["paths"].items()
                  for method in item}
    # as the spec names them: without the converters ("{user_id:path}" is "{user_id}")
    routes = {(method, getattr(route, "path_format", route.path)) for route in app.routes
              if getattr(route, "include_in_schema", False) and hasattr(route, "methods")
              for method in route.methods if method != "HEAD"}
    assert routes <= operations
    assert len(operations) >= 11


def test_sequences_of_calls_never_fail(fuzz_app: tuple[Any, dict[str, str]]) -> None:
    """Stateful: schemathesis chains calls by the links it infers from the spec (people and
    items from one reply into the next request, explanations into feedback, preferences read
    and reset); no sequence may end in a 5xx or a reply the spec does not describe."""
    app, auth = fuzz_app
    base = schema.as_state_machine()
    assert len(base.bundles) >= 4, "the spec no longer links its operations"
    server_errors: list[str] = []
    calls: list[str] = []

    class Workflow(base):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"app": app, "base_url": "http://testserver", "headers": auth}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any
                              ) -> None:
            calls.append(f"{case.method} {case.path} {response.status_code}")
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path}")
            case.validate_response(response, checks=CHECKS, headers=auth)

    Workflow.run(settings=settings(max_examples=25, stateful_step_count=6, deadline=None,
                                   suppress_health_check=list(HealthCheck)))
    assert server_errors == []
    print(f"\nstateful: {len(calls)} calls, {len(set(calls))} kinds (operation, status)")
    assert len(calls) >= 50 and len({c.split()[1] for c in calls}) >= 4
