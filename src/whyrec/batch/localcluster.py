"""A throw-away Ray cluster of several nodes on this machine, for tests and benchmarks.

Each node is started with ``ray start`` in its own session, so it can be killed on its own
(``kill_node``: a machine lost mid-run) and every process it started is ended by ``stop``,
without touching Ray processes this object did not start. Token authentication is on, with a
fresh token passed through the environment (nothing is written to ``~/.ray``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: the smallest object store Ray accepts is about 75 MB
OBJECT_STORE_BYTES = 100 * 1024 * 1024


class LocalRayCluster:
    """Start with ``start_head``, add nodes with ``add_node``, end with ``stop``.

    Examples
    --------
    >>> with LocalRayCluster() as cluster:                            # doctest: +SKIP
    ...     cluster.start_head(num_cpus=1)
    ...     worker = cluster.add_node(num_cpus=2, resources={"batch_node": 2})
    ...     run(["whyrec", "batch", "--engine", "ray", "--address", cluster.address])
    """

    def __init__(self, temp_dir: str | Path | None = None) -> None:
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        # Ray limits socket paths to 107 bytes: keep its session folder short
        self.temp_dir = Path(temp_dir or tempfile.mkdtemp(prefix="wr-ray-", dir="/tmp"))
        self.env = {
            **os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32),
            "RAY_USAGE_STATS_ENABLED": "0", "RAY_DISABLE_IMPORT_WARNING": "1",
        }
        self.nodes: list[int] = []  # process group of each node, head first
        self._ray = str(Path(sys.executable).with_name("ray"))

    def start_head(self, num_cpus: int = 1, resources: dict[str, float] | None = None) -> int:
        """Start the head node; returns its process group id."""
        return self._start(["--head", f"--port={self.port}", f"--temp-dir={self.temp_dir}",
                            "--include-dashboard=false"], num_cpus, resources)

    def add_node(self, num_cpus: int = 1, resources: dict[str, float] | None = None) -> int:
        """Start a worker node joined to the head; returns its process group id."""
        return self._start([f"--address={self.address}"], num_cpus, resources)

    def kill_node(self, group: int) -> None:
        """SIGKILL every process of one node: the machine is gone."""
        _kill_group(group)
        self.nodes.remove(group)

    def stop(self) -> None:
        """End every process of every node this object started, and remove its files."""
        for group in reversed(self.nodes):
            _kill_group(group)
        self.nodes.clear()
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def alive_nodes(self) -> int:
        """Nodes the head counts as alive (asks the cluster through ``ray status``)."""
        status = subprocess.run([self._ray, "status", f"--address={self.address}"],
                                env=self.env, capture_output=True, text=True, timeout=60)
        lines = status.stdout.split("Pending:")[0]
        return sum(1 for line in lines.splitlines() if line.strip().startswith("1 node_"))

    def _start(self, args: list[str], num_cpus: int,
               resources: dict[str, float] | None) -> int:
        import json

        command = [self._ray, "start", *args, f"--num-cpus={num_cpus}", "--num-gpus=0",
                   f"--object-store-memory={OBJECT_STORE_BYTES}", "--disable-usage-stats"]
        if resources:
            command.append(f"--resources={json.dumps(resources)}")
        process = subprocess.Popen(command, env=self.env, start_new_session=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.nodes.append(process.pid)  # the node's processes keep this process group
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            raise RuntimeError(f"ray start failed:\n{output[-2000:]}")
        return process.pid

    def __enter__(self) -> LocalRayCluster:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _kill_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
