"""A redis-server process of a test's (or a drill's) own, on a free port: the machine's shared
Redis is never touched. Killed with SIGKILL as a crash would, started again on the same port."""

# ruff: noqa: S603, S607 (a fixed system command: redis-server)
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.helpers import free_port, port_closed

REDIS = shutil.which("redis-server")


class RedisServer:
    def __init__(self) -> None:
        self.port, self.process = free_port(), None
        # The pid of the server running now, whoever started it (a forked test child may restart it)
        self.pidfile = Path(tempfile.gettempdir()) / f"sigap-test-redis-{os.getpid()}-{self.port}.pid"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--pidfile", str(self.pidfile)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for line in self.process.stdout:  # redis-server says when it takes connections
            if b"Ready to accept connections" in line:
                return
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """SIGKILL the server running now (its pid file says which: it may have been restarted by
        a forked test child), then wait until the port refuses connections (a non-parent cannot
        wait() for it)."""
        if self.process is None:
            return
        with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
            os.kill(int(self.pidfile.read_text()), signal.SIGKILL)
        os.kill(self.process.pid, signal.SIGKILL)  # Popen.kill would poll() first, which a non-parent cannot
        with contextlib.suppress(ChildProcessError, subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        port_closed(self.port, timeout=10)
        self.pidfile.unlink(missing_ok=True)
        self.process = None
