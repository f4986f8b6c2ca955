"""The HTTP service under load: ``whyrec serve`` (uvicorn) as a subprocess, on the demo shop.

* **baseline**: ``GET /healthz`` (no data, no auth), the ceiling of this client and server on
  this machine; the other throughputs are also given as ratios to it.
* **(a) cached explanations**: ``--clients`` clients × ``--duration`` s of
  ``GET /v1/users/{u}/items/{i}/explanation`` for ``--warm-pairs`` (person, item) pairs taken
  from the people's top-4, each explained once beforehand so every timed request is a cache hit.
* **(b) recommendations**: the same load on ``GET /v1/users/{u}/recommendations?n=10``, people
  round-robin.
* **(c) the language model killed mid-run**: a second service with ``--backend openai`` whose
  base URL is a separate process serving the bundled model (llama.cpp's OpenAI-compatible
  HTTP server); of ``--llm-clients`` clients, half ask for explanations of pairs never asked
  before and half for recommendations (paced by ``--rec-think``); the model process gets
  SIGKILL once ``--kill-after-answers`` explanations are answered (at ``--kill-by`` s at the
  latest), and the clients go on for ``--after-kill`` s. Every request must still be answered;
  after the kill the explanations are template texts flagged ``degraded`` and ``/healthz`` says
  the model is down (and, 16 s after the clients stop, ``ok`` again: see the README).

* **start-up** (in ``all``; ``--part startup`` alone writes
  ``benchmarks/results/service_startup.json``):
  ``--starts`` starts of ``whyrec serve --backend template`` on the demo shop and a SQLite store
  made (and migrated) beforehand, each timed from the spawn to the first ``/healthz``, to the
  answer of the first top-10 (``/v1/users/{u}/recommendations?n=10``) and to the first
  explanation of its first item; *cold* with an empty ``$WHYREC_HOME`` (no fitted model kept
  from an earlier start), *warm* with the model the previous start kept there. Medians. With
  ``--baseline-src DIR`` (a checkout of other code, e.g. ``git archive main | tar -x -C DIR``),
  the same starts of that code (``PYTHONPATH=DIR/src``, same interpreter and packages) are
  interleaved with these, and each median is also given as a ratio to the baseline's.
  Python keeps the modules' bytecode, as on a user's machine (``--no-bytecode``: every start
  compiles them, as this sandbox's ``PYTHONDONTWRITEBYTECODE=1`` makes it).

Every client is an ``httpx.AsyncClient`` with one keep-alive connection, all in this one
process (the load generator), which is not the server's: the server's own cost is its CPU time
(``/proc/<pid>/stat`` before and after each scenario), reported as requests per server
CPU-second and as a ratio to ``/healthz``'s. The clients share the machine's cores with the
server, so requests/s and latency are those of both on these cores. An error
is a non-2xx answer or a failed connection. The services run with API keys on (an admin key with
a rate limit too high to matter) and log to a file. Prints one JSON object and writes it to
``benchmarks/results/service.json`` (``--out``).

    nice -n 5 .venv/bin/python benchmarks/bench_service.py
    .venv/bin/python benchmarks/bench_service.py --part startup --starts 5 --baseline-src /tmp/base
    .venv/bin/python benchmarks/bench_service.py --duration 5 --clients 10 --after-kill 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO_ROOT, Target, finish, log

WHYREC = [sys.executable, "-m", "whyrec.cli.main"]
LLM_SERVER = textwrap.dedent("""
    import time
    from whyrec.backends.llamacpp import LlamaCppBackend
    backend = LlamaCppBackend()
    print(backend.address, flush=True)
    while True:
        time.sleep(3600)
""")
RATE = 1_000_000_000  # requests a minute: the key's limit must not shape the load


@dataclass
class Sample:
    started: float  # seconds since the scenario began
    latency: float  # seconds
    status: int  # 0: no answer (connection error, timeout)
    body: dict[str, Any] | None = None
    error: str = ""
    path: str = ""


@dataclass
class Service:
    """A ``whyrec serve`` subprocess and how to reach it."""

    process: subprocess.Popen[bytes]
    url: str
    headers: dict[str, str]
    log_path: Path
    startup_s: float
    command: list[str] = field(default_factory=list)
    #: seconds from the spawn to the answer of the first top-10 request (after /healthz)
    first_recommendation_s: float | None = None
    #: seconds from the spawn to the answer of the first explanation (``explain_first``)
    first_explanation_s: float | None = None
    #: the server's CPU seconds (user + system, all its threads) at those three moments
    cpu_at: dict[str, float] = field(default_factory=dict)

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def server_errors(self) -> list[str]:
        """Log lines of unexpected exceptions (answered as 500) and tracebacks."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines()
                if " failed: " in line or line.startswith("Traceback")][:20]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux ``/proc``; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_ms(samples: list[Sample]) -> dict[str, float | None]:
    values = [s.latency * 1000.0 for s in samples]
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    return {"p50": round(percentile(values, 0.50), 2), "p95": round(percentile(values, 0.95), 2),
            "p99": round(percentile(values, 0.99), 2), "max": round(max(values), 2)}


def errors_of(samples: list[Sample]) -> dict[str, int]:
    """Failed requests by kind: ``status 503``, ``ConnectError``, …"""
    kinds: dict[str, int] = {}
    for sample in samples:
        if not 200 <= sample.status < 300:
            kind = f"status {sample.status}" if sample.status else sample.error
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def create_key(db_url: str) -> str:
    done = subprocess.run([*WHYREC, "keys", "create", "bench", "--scope", "admin", "--rate",
                           str(RATE), "--db", db_url], capture_output=True, text=True,
                          check=True, cwd=REPO_ROOT)
    return done.stdout.strip().splitlines()[0]


def start_service(folder: Path, name: str, options: list[str], *, wait_s: float,
                  env: dict[str, str] | None = None, token: str | None = None,
                  explain_first: bool = False) -> Service:
    """``whyrec serve`` with its own store in ``folder``; returns once ``/healthz`` answers and
    the first top-10 (and, with ``explain_first``, its first item's explanation) is answered.

    ``token``: a key already made in ``folder/name.sqlite`` (none made then); ``env``: the
    server's environment."""
    db_url = f"sqlite:///{folder / name}.sqlite"
    token = token or create_key(db_url)
    port = free_port()
    command = [*WHYREC, "serve", "--port", str(port), "--db", db_url, *options]
    log_path = folder / f"{name}.log"
    started = time.perf_counter()
    with log_path.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
                                   start_new_session=True, env=env)
    url = f"http://127.0.0.1:{port}"
    service = Service(process, url, {"Authorization": f"Bearer {token}"}, log_path, 0.0,
                      command=["whyrec", *command[len(WHYREC):]])
    deadline = started + wait_s
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/healthz", timeout=2.0).status_code == 200:
                service.startup_s = round(time.perf_counter() - started, 2)
                service.cpu_at["healthz_s"] = round(service.cpu_seconds(), 2)
                first = get_json(service, "/v1/users?limit=1")["users"][0]["id"]
                recs = get_json(service, f"/v1/users/{first}/recommendations?n=10")
                service.first_recommendation_s = round(time.perf_counter() - started, 2)
                service.cpu_at["first_top10_s"] = round(service.cpu_seconds(), 2)
                if explain_first:
                    item = recs["recommendations"][0]["item_id"]
                    get_json(service, f"/v1/users/{first}/items/{item}/explanation")
                    service.first_explanation_s = round(time.perf_counter() - started, 2)
                    service.cpu_at["first_explanation_s"] = round(service.cpu_seconds(), 2)
                log(f"{name}: serving on {url} after {service.startup_s} s (first top-10 "
                    f"answered at {service.first_recommendation_s} s"
                    + (f", first explanation at {service.first_explanation_s} s)"
                       if explain_first else ")"))
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    service.stop()
    tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
    sys.exit(f"error: the {name} service did not come up within {wait_s:g} s:\n{tail}")


def start_llm(folder: Path, *, wait_s: float) -> tuple[subprocess.Popen[bytes], str]:
    """The bundled model behind llama.cpp's own OpenAI-compatible HTTP server, in a process."""
    out = folder / "llm.out"
    with out.open("wb") as sink, (folder / "llm.err").open("wb") as errors:
        process = subprocess.Popen([sys.executable, "-c", LLM_SERVER], stdout=sink,
                                   stderr=errors, cwd=REPO_ROOT, start_new_session=True)
    deadline = time.perf_counter() + wait_s
    while time.perf_counter() < deadline and process.poll() is None:
        address = out.read_text().strip()
        if address:
            return process, address
        time.sleep(0.5)
    process.kill()
    sys.exit(f"error: the model process gave no address within {wait_s:g} s: "
             f"{(folder / 'llm.err').read_text()[-2000:]}")


def check_openai(base_url: str) -> dict[str, Any]:
    """One chat completion through the ``openai`` client: the base URL really is compatible."""
    import openai

    client = openai.OpenAI(base_url=base_url, api_key="not-needed", timeout=120, max_retries=0)
    started = time.perf_counter()
    reply = client.chat.completions.create(
        model="x", messages=[{"role": "user", "content": "Say hello."}], max_tokens=16)
    client.close()
    return {"ok": bool(reply.choices and reply.choices[0].message.content),
            "seconds": round(time.perf_counter() - started, 2)}


async def drive(service: Service, paths: Callable[[int], Iterator[str]], *, clients: int,
                timeout: float, stop: Callable[[], bool], samples: list[Sample],
                begun: float, keep_body: bool = False,
                think: Callable[[int], float] = lambda _: 0.0) -> float:
    """``clients`` clients, each with one connection, request ``paths(client)`` in turn until
    ``stop()``, pausing ``think(client)`` s between requests; every answer is appended to
    ``samples`` as it comes. Returns the wall time from
    ``begun`` until the last request was answered."""

    async def client(number: int) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=service.url, headers=service.headers,
                                     limits=limits, timeout=timeout) as http:
            for path in paths(number):
                if stop():
                    return
                now = time.perf_counter()
                try:
                    response = await http.get(path)
                    body = response.json() if keep_body and response.status_code < 300 else None
                    sample = Sample(now - begun, time.perf_counter() - now,
                                    response.status_code, body, path=path)
                except (httpx.HTTPError, ValueError) as exc:
                    sample = Sample(now - begun, time.perf_counter() - now, 0,
                                    error=type(exc).__name__, path=path)
                samples.append(sample)
                if think(number):
                    await asyncio.sleep(think(number))

    await asyncio.gather(*(client(k) for k in range(clients)))
    return time.perf_counter() - begun


def load_report(samples: list[Sample], wall: float, clients: int, duration: float,
                cpu_s: float) -> dict[str, Any]:
    ok = [s for s in samples if 200 <= s.status < 300]
    return {"clients": clients, "duration_s": duration, "wall_s": round(wall, 2),
            "requests": len(samples), "requests_per_s": round(len(samples) / wall, 1),
            "latency_ms": latency_ms(ok), "errors": len(samples) - len(ok),
            "error_kinds": errors_of(samples), "server_cpu_s": round(cpu_s, 2),
            "requests_per_server_cpu_s": round(len(samples) / cpu_s, 1) if cpu_s else None}


def get_json(service: Service, path: str, timeout: float = 120.0) -> Any:
    response = httpx.get(f"{service.url}{path}", headers=service.headers, timeout=timeout)
    response.raise_for_status()
    return response.json()


def people(service: Service) -> list[str]:
    found: list[str] = []
    while True:
        page = get_json(service, f"/v1/users?limit=500&offset={len(found)}")
        found += [u["id"] for u in page["users"]]
        if not page["users"] or len(found) >= page["total"]:
            return found


def pairs_of(service: Service, users: list[str], n: int, per_user: int) -> list[tuple[str, str]]:
    """``n`` (person, item) pairs from the people's top-``per_user`` recommendations."""
    pairs: list[tuple[str, str]] = []
    for user in users:
        recs = get_json(service, f"/v1/users/{user}/recommendations?n={per_user}")
        pairs += [(user, r["item_id"]) for r in recs["recommendations"]]
        if len(pairs) >= n:
            break
    return pairs[:n]


def cycle(paths: list[str], offset: int) -> Iterator[str]:
    for k in count(offset):
        yield paths[k % len(paths)]


# --- the scenarios ------------------------------------------------------------------------
def run_load(options: argparse.Namespace, folder: Path) -> dict[str, Any]:
    extra = ["--backend", options.backend]
    service = start_service(folder, "load", extra, wait_s=options.startup_timeout)
    try:
        users = people(service)
        # (a) warm the cache
        pairs = pairs_of(service, users, options.warm_pairs, per_user=4)
        paths = [f"/v1/users/{u}/items/{i}/explanation" for u, i in pairs]
        started = time.perf_counter()
        warm = [get_json(service, path, timeout=300) for path in paths]
        warm_s = time.perf_counter() - started
        log(f"warmed {len(paths)} explanations in {warm_s:.1f} s")
        outcomes = _outcomes(warm)

        def measured(name: str, make: Callable[[int], Iterator[str]], duration: float,
                     keep_body: bool = False) -> tuple[dict[str, Any], list[Sample]]:
            log(f"{name}: {options.clients} clients x {duration:g} s")
            cpu, client_cpu = service.cpu_seconds(), time.process_time()
            samples: list[Sample] = []
            begun = time.perf_counter()
            wall = asyncio.run(drive(service, make, clients=options.clients, timeout=60.0,
                                     stop=lambda: time.perf_counter() >= begun + duration,
                                     samples=samples, begun=begun, keep_body=keep_body))
            report = load_report(samples, wall, options.clients, duration,
                                 service.cpu_seconds() - cpu)
            report["client_cpu_s"] = round(time.process_time() - client_cpu, 2)
            report["load_average_1min_after"] = round(os.getloadavg()[0], 2)
            log(f"{name}: {report['requests_per_s']} req/s, p50 {report['latency_ms']['p50']} ms,"
                f" {report['errors']} errors")
            return report, samples

        baseline, _ = measured("healthz", lambda k: cycle(["/healthz"], k),
                               min(options.duration, options.baseline_duration))
        cached, samples = measured("cached explanations", lambda k: cycle(paths, k),
                                   options.duration, keep_body=True)
        cached["warm"] = {"pairs": len(paths), "seconds": round(warm_s, 2),
                          "median_s_per_explanation": round(warm_s / max(1, len(paths)), 3),
                          "outcomes": outcomes}
        cached["answered_from_cache"] = sum(
            1 for s in samples if s.body and s.body["explanation"].get("cached"))
        cached["not_from_cache"] = sum(
            1 for s in samples if s.body and not s.body["explanation"].get("cached"))
        rec_paths = [f"/v1/users/{u}/recommendations?n=10" for u in users]
        recs, _ = measured("recommendations", lambda k: cycle(rec_paths, k * 17),
                           options.duration)
        recs["people"] = len(users)
        return {"server": {"command": service.command, "backend": options.backend,
                           "startup_s": service.startup_s,
                           "startup_first_recommendation_s": service.first_recommendation_s,
                           "server_errors_logged": service.server_errors()},
                "baseline_healthz": baseline, "cached_explanations": cached,
                "recommendations": recs,
                "ratios": {
                    "cached_explanations_per_server_cpu_s_over_healthz": _ratio(
                        cached["requests_per_server_cpu_s"] or 0.0,
                        baseline["requests_per_server_cpu_s"] or 0.0),
                    "recommendations_per_server_cpu_s_over_healthz": _ratio(
                        recs["requests_per_server_cpu_s"] or 0.0,
                        baseline["requests_per_server_cpu_s"] or 0.0),
                    "cached_explanations_rps_over_healthz": _ratio(
                        cached["requests_per_s"], baseline["requests_per_s"]),
                    "recommendations_rps_over_healthz": _ratio(
                        recs["requests_per_s"], baseline["requests_per_s"])}}
    finally:
        service.stop()


STARTUP_MEASURES = ("healthz_s", "first_top10_s", "first_explanation_s")


def run_startup(options: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Cold and warm starts of this code (and of ``--baseline-src``'s), interleaved."""
    codes: dict[str, str | None] = {"this": None}
    if options.baseline_src is not None:
        codes = {"baseline": str(options.baseline_src.resolve() / "src"), "this": None}
    db_name = "startup"
    token = create_key(f"sqlite:///{folder / db_name}.sqlite")  # the store exists, migrated
    times: dict[tuple[str, str], list[dict[str, float]]] = {}

    def environment(code: str, src: str | None) -> dict[str, str]:
        env = {**os.environ, "WHYREC_HOME": str(folder / f"home-{code}")}
        if src is not None:
            env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
        if not options.no_bytecode:
            # as on a user's machine: Python keeps the modules' bytecode (``pip install``
            # compiles it; an editable install writes it on first import); this sandbox's
            # PYTHONDONTWRITEBYTECODE=1 would make every start compile whyrec's ~100 modules
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        return env

    if not options.no_bytecode:
        for code, src in codes.items():  # one start, not timed, writes each code's bytecode
            log(f"priming {code} code's bytecode")
            start_service(folder, db_name, ["--backend", "template"],
                          wait_s=options.startup_timeout, env=environment(code, src),
                          token=token).stop()
    for start in range(options.starts):
        for code, src in codes.items():
            home = folder / f"home-{code}"
            for kind in ("cold", "warm"):
                if kind == "cold":  # nothing kept from an earlier start
                    shutil.rmtree(home, ignore_errors=True)
                home.mkdir(exist_ok=True)
                env = environment(code, src)
                log(f"start {start + 1}/{options.starts}: {code} code, {kind}")
                service = start_service(folder, db_name, ["--backend", "template"],
                                        wait_s=options.startup_timeout, env=env, token=token,
                                        explain_first=True)
                service.stop()
                times.setdefault((code, kind), []).append({
                    "healthz_s": service.startup_s,
                    "first_top10_s": service.first_recommendation_s or 0.0,
                    "first_explanation_s": service.first_explanation_s or 0.0,
                    **{f"server_cpu_{name}": value for name, value in service.cpu_at.items()}})
    result: dict[str, Any] = {
        "command": "whyrec serve --backend template --db sqlite:///<made beforehand> "
                   "--port <free>",
        "data": "demo", "starts": options.starts,
        "what": "seconds from the spawn to the first /healthz, to the answer of the first "
                "top-10 and to the first explanation of its first item (median of the starts)",
        "cold": "empty $WHYREC_HOME: the recommender is fitted at start-up",
        "warm": "$WHYREC_HOME as the cold start left it (the fitted recommender kept there)",
        "bytecode": ("none: every start compiles whyrec's modules (--no-bytecode)"
                     if options.no_bytecode else
                     "cached, as on a user's machine (PYTHONDONTWRITEBYTECODE removed from the "
                     "server's environment; one untimed start per code writes it first)"),
        "server_cpu": "server_cpu_*: the server process's CPU seconds (user + system, every "
                      "thread: the cold fit's and the background PII load's too) at those "
                      "moments, less sensitive than wall time to what else runs on the cores",
        "load_average_1min_after": round(os.getloadavg()[0], 2)}
    for (code, kind), runs in times.items():
        entry = result.setdefault(code, {})
        entry[kind] = {name: round(statistics.median([r[name] for r in runs]), 2)
                       for name in (*STARTUP_MEASURES, *(f"server_cpu_{m}"
                                                         for m in STARTUP_MEASURES))}
        entry[kind]["runs"] = runs
    if "baseline" in result:
        result["baseline_src"] = str(options.baseline_src)
        result["ratios_this_over_baseline"] = {
            kind: {name: _ratio(result["this"][kind][name], result["baseline"][kind][name])
                   for name in (*STARTUP_MEASURES, "server_cpu_first_top10_s")}
            for kind in ("cold", "warm")}
    return result


def run_outage(options: argparse.Namespace, folder: Path) -> dict[str, Any]:
    llm, address = start_llm(folder, wait_s=options.startup_timeout)
    try:
        compatible = check_openai(f"{address}/v1")
        log(f"model process at {address}: openai client {compatible}")
        service = start_service(
            folder, "outage",
            ["--backend", "openai", "--base-url", f"{address}/v1", "--model", "x", "--prefill",
             "--llm-timeout", str(options.llm_timeout)],
            wait_s=options.startup_timeout)
        try:
            return _outage(options, service, llm, compatible)
        finally:
            service.stop()
    finally:
        if llm.poll() is None:
            llm.kill()
        llm.wait(timeout=10)


def _outage(options: argparse.Namespace, service: Service, llm: subprocess.Popen[bytes],
            compatible: dict[str, Any]) -> dict[str, Any]:
    users = people(service)
    # half the clients ask for explanations never asked before (each walks its own share of
    # everyone's top-10), the other half for recommendations (no model involved)
    explainers = max(1, options.llm_clients // 2)
    pairs = pairs_of(service, users[::-1], explainers * 60, per_user=10)
    paths = [f"/v1/users/{u}/items/{i}/explanation" for u, i in pairs]
    rec_paths = [f"/v1/users/{u}/recommendations?n=10" for u in users]

    def client_paths(k: int) -> Iterator[str]:
        return iter(paths[k::explainers]) if k < explainers else cycle(rec_paths, k * 101)

    def explained() -> int:
        return sum(1 for sample in samples if "/explanation" in sample.path)
    health_before = get_json(service, "/healthz")
    killed: dict[str, float] = {}
    health: list[tuple[float, str]] = []
    samples: list[Sample] = []
    stopped = {"flag": False}

    async def run() -> float:
        begun = time.perf_counter()

        async def watch() -> None:
            async with httpx.AsyncClient(base_url=service.url, timeout=30.0) as http:
                while not stopped["flag"]:
                    try:
                        reply = (await http.get("/healthz")).json()["llm"]
                    except (httpx.HTTPError, ValueError, KeyError) as exc:
                        reply = f"error {type(exc).__name__}"
                    health.append((time.perf_counter() - begun, reply))
                    await asyncio.sleep(1.0)

        async def control() -> None:
            # the kill comes once enough explanations were answered by the model's path (or at
            # --kill-by), so "before" is measured even when the model is slow on a busy machine
            while (explained() < options.kill_after_answers
                   and time.perf_counter() - begun < options.kill_by):
                await asyncio.sleep(0.1)
            llm.send_signal(signal.SIGKILL)
            killed["at_s"] = time.perf_counter() - begun
            log(f"killed the model process (pid {llm.pid}) at {killed['at_s']:.1f} s, after "
                f"{explained()} explanations")
            await asyncio.sleep(options.after_kill)
            stopped["flag"] = True

        tasks = [asyncio.create_task(watch()), asyncio.create_task(control())]
        wall = await drive(service, client_paths,
                           think=lambda k: 0.0 if k < explainers else options.rec_think,
                           clients=options.llm_clients, timeout=options.llm_timeout * 4 + 60,
                           stop=lambda: stopped["flag"], samples=samples, begun=begun,
                           keep_body=True)
        stopped["flag"] = True
        await asyncio.gather(*tasks)
        return wall

    log(f"model outage: {explainers} explanation + {options.llm_clients - explainers} "
        f"recommendation clients; kill after {options.kill_after_answers} explanations "
        f"(at most {options.kill_by:g} s), then {options.after_kill:g} s more")
    wall = asyncio.run(run())
    health_after = get_json(service, "/healthz")
    # the breaker closes ``llm_cooldown`` s after the last failed model call; with no request
    # trying the model since, /healthz cannot know it is still dead
    from whyrec.service.settings import ServiceSettings

    cooldown = float(ServiceSettings.model_fields["llm_cooldown"].default)
    time.sleep(cooldown + 1.0)
    health_quiet = get_json(service, "/healthz")
    kill_at = killed.get("at_s", float("inf"))

    def part(group: list[Sample]) -> dict[str, Any]:
        ok = [s for s in group if s.body is not None]
        report: dict[str, Any] = {"requests": len(group), "errors": len(group) - len(ok),
                                  "error_kinds": errors_of(group), "latency_ms": latency_ms(ok)}
        if any("/explanation" in s.path for s in group):
            reasons: dict[str, int] = {}
            for sample in ok:
                assert sample.body is not None
                reason = (sample.body["explanation"].get("fallback_reason") or "-")[:90]
                reasons[reason] = reasons.get(reason, 0) + 1
            report.update(
                outcomes=_outcomes([s.body for s in ok]),
                degraded=sum(1 for s in ok if s.body and s.body.get("degraded")),
                fallback_reasons=dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:4]))
        return report

    def phases(kind: str) -> dict[str, Any]:
        mine = [s for s in samples if kind in s.path]
        return {
            "before_kill": part([s for s in mine if s.started + s.latency < kill_at]),
            "in_flight_at_kill": part([s for s in mine
                                       if s.started < kill_at <= s.started + s.latency]),
            "started_after_kill": part([s for s in mine if s.started >= kill_at])}

    explanations = phases("/explanation")
    after = [s.body for s in samples if "/explanation" in s.path
             and s.started + s.latency >= kill_at and s.body is not None]
    started_after = explanations["started_after_kill"]
    down_seen = [t for t, state in health if state == "down" and t >= kill_at]
    return {
        "clients": options.llm_clients,
        "client_mix": f"{explainers} clients on explanations never asked before, "
                      f"{options.llm_clients - explainers} on recommendations?n=10 with "
                      f"{options.rec_think:g} s between requests (background load that leaves "
                      f"the model CPU)",
        "why_fewer_clients": "each uncached explanation is 1-3 model calls of seconds on this "
                             "CPU, and the model serves one request at a time",
        "kill_rule": f"SIGKILL once {options.kill_after_answers} explanations were answered "
                     f"or at {options.kill_by:g} s, whichever first; clients go on for "
                     f"{options.after_kill:g} s after it",
        "llm_process": "whyrec.backends.llamacpp.LlamaCppBackend() in its own process "
                       "(bundled SmolLM2-135M, 1 slot), its llama.cpp HTTP server as base URL",
        "openai_client_check": compatible,
        "server": {"command": service.command, "llm_timeout_s": options.llm_timeout,
                   "startup_s": service.startup_s,
                   "server_errors_logged": service.server_errors()},
        "wall_s": round(wall, 2), "killed_at_s": round(kill_at, 2) if killed else None,
        "requests": len(samples),
        "errors": sum(1 for s in samples if s.body is None),
        "explanations": explanations, "recommendations": phases("/recommendations"),
        "explanations_answered_after_kill": len(after),
        "explanations_degraded_after_kill": sum(1 for b in after if b.get("degraded")),
        "explanations_template_fallbacks_after_kill": sum(
            1 for b in after if b["explanation"].get("fallback")
            and b["explanation"].get("model") == "template"),
        "started_after_kill_answered": started_after["requests"] - started_after["errors"],
        "started_after_kill_degraded": started_after.get("degraded", 0),
        "healthz_before": health_before, "healthz_after": health_after,
        f"healthz_{cooldown + 1:g}_s_later_no_traffic_model_still_dead": health_quiet,
        "healthz_llm_down_after_kill_s": round(down_seen[0] - kill_at, 2) if down_seen else None,
        "healthz_timeline": [[round(t, 1), state] for t, state in health],
    }


def _outcomes(bodies: list[dict[str, Any] | None]) -> dict[str, int]:
    """Who wrote the delivered texts: llm, template, fallback: outage / verification."""
    found: dict[str, int] = {}
    for body in bodies:
        if body is None:
            continue
        explanation = body["explanation"]
        if not explanation.get("fallback"):
            kind = "template" if explanation.get("model") == "template" else "llm"
        elif (explanation.get("fallback_reason") or "").startswith("backend error"):
            kind = "fallback_outage"
        else:
            kind = "fallback_verification"
        found[kind] = found.get(kind, 0) + 1
    return found


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def main(argv: list[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--clients", type=int, default=32)
    arguments.add_argument("--duration", type=float, default=30.0,
                           help="seconds of load for (a) and (b)")
    arguments.add_argument("--baseline-duration", type=float, default=10.0)
    arguments.add_argument("--backend", default="template", choices=["template", "llamacpp"],
                           help="backend of the (a)/(b) service (llamacpp: warming is slow)")
    arguments.add_argument("--warm-pairs", type=int, default=40)
    arguments.add_argument("--llm-clients", type=int, default=8)
    arguments.add_argument("--rec-think", type=float, default=0.25,
                           help="(c): seconds between a recommendation client's requests")
    arguments.add_argument("--kill-after-answers", type=int, default=2,
                           help="(c): kill the model once this many explanations are answered")
    arguments.add_argument("--kill-by", type=float, default=90.0,
                           help="(c): kill the model at this many seconds at the latest")
    arguments.add_argument("--after-kill", type=float, default=10.0,
                           help="(c): seconds the clients go on after the kill")
    arguments.add_argument("--llm-timeout", type=float, default=60.0,
                           help="the outage service's --llm-timeout: long, so requests queued "
                                "behind the model's one slot do not trip the breaker early")
    arguments.add_argument("--startup-timeout", type=float, default=300.0)
    arguments.add_argument("--part", choices=["all", "load", "outage", "startup"],
                           default="all",
                           help="startup: only the start-up timings, written to "
                                "benchmarks/results/service_startup.json (unless --out)")
    arguments.add_argument("--no-bytecode", action="store_true",
                           help="start-up: every start compiles whyrec's modules (as with "
                                "PYTHONDONTWRITEBYTECODE=1); default: bytecode cached, as on a "
                                "user's machine")
    arguments.add_argument("--starts", type=int, default=3,
                           help="startup: starts of each kind (cold, warm) to take medians of")
    arguments.add_argument("--baseline-src", type=Path, default=None, metavar="DIR",
                           help="startup: a checkout of other whyrec code, started too "
                                "(interleaved) as the baseline of the ratios")
    arguments.add_argument("--check", action="store_true",
                           help="exit with status 1 when a target is missed")
    arguments.add_argument("--out", type=Path, default=None,
                           help="default: benchmarks/results/service.json "
                                "(service_startup.json for --part startup)")
    options = arguments.parse_args(argv)
    results = REPO_ROOT / "benchmarks" / "results"
    if options.out is None:
        options.out = results / ("service_startup.json" if options.part == "startup"
                                 else "service.json")
    started = time.perf_counter()
    result: dict[str, Any] = {
        "benchmark": "service", "cpus": os.cpu_count(), "data": "demo",
        "client": "httpx.AsyncClient, one connection per client, all clients in one process "
                  "on the same machine as the server",
        "auth": f"API keys on; one admin key, rate_per_minute {RATE:,}"}
    targets: list[Target] = []
    with tempfile.TemporaryDirectory(prefix="whyrec-bench-service-") as name:
        folder = Path(name)
        if options.part in ("all", "startup"):
            if options.part == "startup":
                result["benchmark"] = "service_startup"
            result["startup"] = run_startup(options, folder)
            warm = result["startup"]["this"]["warm"]
            targets += [Target(f"warm_{measure}_median", warm[measure], 3.0, "<=")
                        for measure in STARTUP_MEASURES]
        if options.part in ("all", "load"):
            result.update(run_load(options, folder))
            for scenario in ("baseline_healthz", "cached_explanations", "recommendations"):
                targets.append(Target(f"{scenario}_errors", result[scenario]["errors"], 0,
                                      "<="))
            targets.append(Target("cached_explanations_not_from_cache",
                                  result["cached_explanations"]["not_from_cache"], 0, "<="))
            for name in ("cached_explanations", "recommendations"):
                ratio = result["ratios"][f"{name}_per_server_cpu_s_over_healthz"]
                targets.append(Target(f"{name}_per_server_cpu_s_over_healthz", ratio or 0.0,
                                      0.5, ">="))
        if options.part == "load" and options.out.exists():
            # keep the outage figures of the last full run in the file, marked as such
            earlier = json.loads(options.out.read_text(encoding="utf-8")).get("llm_outage")
            if earlier is not None:
                result["llm_outage"] = {**earlier, "from_an_earlier_run": True}
        if options.part in ("all", "outage"):
            outage = run_outage(options, folder)
            result["llm_outage"] = outage
            targets += [
                Target("llm_outage_errors", outage["errors"], 0, "<="),
                Target("llm_outage_started_after_kill_answered",
                       outage["started_after_kill_answered"], 1, ">="),
                Target("llm_outage_degraded_share_started_after_kill",
                       outage["started_after_kill_degraded"]
                       / max(1, outage["started_after_kill_answered"]), 1.0, ">="),
                Target("llm_outage_healthz_down_after",
                       1.0 if outage["healthz_after"]["llm"] == "down" else 0.0, 1.0, ">=")]
    return finish(result, targets, options.check, started, options.out)


if __name__ == "__main__":
    sys.exit(main())
