"""A redis-server process of a test's (or a drill's) own, on a free port: the machine's shared
Redis is never touched. Killed with SIGKILL as a crash would, started again on the same port."""

# ruff: noqa: S603, S607 (a fixed system command: redis-server)
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time

from tests.integration.drill_cluster import free_port

REDIS = shutil.which("redis-server")


class RedisServer:
    def __init__(self) -> None:
        self.port, self.process = free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for line in self.process.stdout:  # redis-server says when it takes connections
            if b"Ready to accept connections" in line:
                return
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """SIGKILL, then wait until the port refuses connections (a forked test child that kills
        it is not its parent and cannot wait() for it)."""
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGKILL)  # Popen.kill would poll() first, which a non-parent cannot
        with contextlib.suppress(ChildProcessError, subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except ConnectionRefusedError:
                break
            time.sleep(0.01)
        self.process = None
