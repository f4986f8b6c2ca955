"""Rate limits through the real app: per caller in memory, and one limit shared by several
workers through a real Redis or Memcached server (each test starts its own on a free port).

Without ``redis-server`` / ``memcached`` the shared cases skip, unless ``WHYREC_REQUIRE_REDIS=1``
(CI, after ``bash scripts/start-redis.sh`` installed them), where they fail.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from tests.service.conftest import make_client

from whyrec.data.dataset import Dataset
from whyrec.errors import ConfigError
from whyrec.models.base import Recommender

SERVERS = {  # how to start each storage's server on a port, in the foreground, keeping nothing
    "redis": ["redis-server", "--port", "{port}", "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no"],
    "memcached": ["memcached", "-p", "{port}", "-l", "127.0.0.1", "-U", "0", "-u", "root"],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(kind: str) -> tuple[subprocess.Popen[bytes], str]:
    """A fresh ``kind`` server (``redis`` or ``memcached``) and its storage URI."""
    if shutil.which(SERVERS[kind][0]) is None:
        if os.environ.get("WHYREC_REQUIRE_REDIS") == "1":
            pytest.fail(f"WHYREC_REQUIRE_REDIS=1 but {SERVERS[kind][0]} is not installed "
                        "(bash scripts/start-redis.sh)")
        pytest.skip(f"no {SERVERS[kind][0]}: bash scripts/start-redis.sh installs it")
    port = free_port()
    server = subprocess.Popen([part.format(port=port) for part in SERVERS[kind]],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"{kind} server did not start on port {port}")
            time.sleep(0.05)
    db = "/0" if kind == "redis" else ""
    return server, f"{kind}://127.0.0.1:{port}{db}"


@pytest.fixture(params=["redis", "memcached"])
def shared_storage(request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[bytes],
                                                                     str]]:
    server, uri = start_server(request.param)
    try:
        yield server, uri
    finally:
        server.kill()
        server.wait(timeout=10)


def statuses(client: object, count: int, path: str = "/v1/users") -> list[int]:
    return [client.get(path).status_code for _ in range(count)]  # type: ignore[attr-defined]


# --- in memory --------------------------------------------------------------------------------
def test_limit_per_client_and_retry_after_holds(tmp_path: Path, demo_dataset: Dataset,
                                                demo_model: Recommender) -> None:
    with make_client(tmp_path, demo_dataset, demo_model, auth=False, rate_limit=30) as client:
        codes = statuses(client, 6)
        # 30 a minute: 3 at once; a 4th only when the burst straddles the counter's window edge
        assert codes[:3] == [200, 200, 200] and codes.count(200) <= 4 and codes[-1] == 429
        limited = client.get("/v1/users")
        assert limited.status_code == 429
        error = limited.json()["error"]
        assert error["code"] == "rate_limited" and "30 requests a minute" in error["message"]
        wait = int(limited.headers["Retry-After"])
        assert 1 <= wait <= 7
        time.sleep(wait)  # the header is honest: after it, the next request goes through
        assert client.get("/v1/users").status_code == 200
        assert client.get("/healthz").status_code == 200  # health is never limited


def test_memory_storage_counts_per_process(tmp_path: Path, demo_dataset: Dataset,
                                           demo_model: Recommender) -> None:
    """What the shared storage is for: two workers on ``memory://`` each allow the full rate."""
    workers = []
    for i in range(2):
        (tmp_path / str(i)).mkdir()
        workers.append(make_client(tmp_path / str(i), demo_dataset, demo_model, auth=False,
                                   rate_limit=30))
    with workers[0] as first, workers[1] as second:
        assert statuses(first, 3) == [200, 200, 200]
        assert statuses(second, 3) == [200, 200, 200]


# --- shared by workers --------------------------------------------------------------------------
def test_workers_share_one_limit(tmp_path: Path, demo_dataset: Dataset,
                                 demo_model: Recommender,
                                 shared_storage: tuple[subprocess.Popen[bytes], str]) -> None:
    _, uri = shared_storage
    workers = []
    for i in range(2):
        (tmp_path / str(i)).mkdir()
        workers.append(make_client(tmp_path / str(i), demo_dataset, demo_model, auth=False,
                                   rate_limit=30, rate_limit_storage=uri))
    with workers[0] as first, workers[1] as second:
        assert statuses(first, 3) == [200, 200, 200]
        # the second worker sees the first one's requests: at most one more (at a window edge)
        then = statuses(second, 3)
        assert then.count(200) <= 1 and then[-1] == 429, then
        assert int(second.get("/v1/users").headers["Retry-After"]) >= 1


def test_storage_down_lets_requests_through_and_says_so(
        tmp_path: Path, demo_dataset: Dataset, demo_model: Recommender,
        caplog: pytest.LogCaptureFixture) -> None:
    server, uri = start_server("redis")
    try:
        with make_client(tmp_path, demo_dataset, demo_model, auth=False, rate_limit=30,
                         rate_limit_storage=uri) as client:
            assert client.get("/v1/users").status_code == 200
            server.kill()
            server.wait(timeout=10)
            started = time.perf_counter()
            with caplog.at_level(logging.WARNING, logger="whyrec.service"):
                assert statuses(client, 5) == [200] * 5  # over the limit, but unlimited now
            assert time.perf_counter() - started < 5
            warnings = [r.getMessage() for r in caplog.records
                        if "rate limit storage" in r.getMessage()]
            assert len(warnings) == 1 and "unlimited" in warnings[0]  # once, not per request
    finally:
        server.kill()
        server.wait(timeout=10)


# --- configuration ------------------------------------------------------------------------------
@pytest.mark.parametrize(("uri", "says"), [
    ("nosuch://x", "unknown storage; use one of memory://, redis://"),
    ("async+memory://", "unknown storage"),
    ("redis://127.0.0.1:notaport", "invalid"),
])
def test_bad_storage_is_one_line_at_start_up(tmp_path: Path, demo_dataset: Dataset,
                                             demo_model: Recommender, uri: str,
                                             says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make_client(tmp_path, demo_dataset, demo_model, auth=False, rate_limit_storage=uri)
    message = str(caught.value)
    assert message.startswith(f"rate_limit_storage {uri}: ") and says in message
    assert "\n" not in message


def test_unreachable_storage_fails_at_start_up_without_its_password(
        tmp_path: Path, demo_dataset: Dataset, demo_model: Recommender) -> None:
    uri = f"redis://:s3cret@127.0.0.1:{free_port()}/0"  # nothing listens there
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="cannot reach it") as caught:
        make_client(tmp_path, demo_dataset, demo_model, auth=False, rate_limit_storage=uri)
    assert "s3cret" not in str(caught.value) and ":***@127.0.0.1" in str(caught.value)
    assert time.perf_counter() - started < 5


def test_missing_client_package_names_the_extra() -> None:
    # a real interpreter where importing the clients fails, as on an install without the extra
    code = ("import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('redis', 'pymemcache'): raise ImportError(name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "from whyrec.errors import ConfigError\n"
            "from whyrec.service.ratelimit import open_storage\n"
            "for uri in ('redis://127.0.0.1:1/0', 'memcached://127.0.0.1:1'):\n"
            "    try:\n"
            "        open_storage(uri)\n"
            "    except ConfigError as exc:\n"
            "        print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == [
        "rate_limit_storage redis://127.0.0.1:1/0: needs the redis package: "
        "pip install 'whyrec[shared-limits]'",
        "rate_limit_storage memcached://127.0.0.1:1: needs the pymemcache package: "
        "pip install 'whyrec[shared-limits]'"]


def test_storage_setting_from_the_environment(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from whyrec.service.settings import load_settings

    monkeypatch.chdir(tmp_path)  # no whyrec.toml here
    monkeypatch.delenv("WHYREC_RATE_LIMIT_STORAGE", raising=False)
    assert load_settings().rate_limit_storage == "memory://"
    monkeypatch.setenv("WHYREC_RATE_LIMIT_STORAGE", "redis://cache:6379/2")
    assert load_settings().rate_limit_storage == "redis://cache:6379/2"


@pytest.mark.slow  # a real `whyrec serve` process
def test_serve_refuses_a_bad_storage_in_one_line(tmp_path: Path) -> None:
    reply = subprocess.run(
        [sys.executable, "-m", "whyrec.cli.main", "serve", "--no-auth", "--backend", "template",
         "--port", str(free_port()), "--db", f"sqlite:///{tmp_path / 's.sqlite'}"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "WHYREC_RATE_LIMIT_STORAGE": "nosuch://x"})
    assert reply.returncode == 1
    assert reply.stderr.strip().splitlines()[-1].endswith(
        "rate_limit_storage nosuch://x: unknown storage; use one of memory://, redis://, "
        "rediss://, redis+unix://, redis+sentinel://, redis+cluster://, memcached://")
