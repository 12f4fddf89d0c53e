"""A throwaway PostgreSQL cluster for fault drills: created with Debian's pg_createcluster on a
free port, stopped and started at will, dropped afterwards. The machine's main cluster (5432) is
never touched. Skips (reason naming PostgreSQL) where clusters cannot be made: not root, no
postgresql-common, or TEST_DATABASE_URL unset (no PostgreSQL on this machine)."""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import free_port


def _version() -> str | None:
    versions = sorted((p.name for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), key=int)
    return versions[-1] if versions else None


class Cluster:
    def __init__(self, version: str, name: str, port: int) -> None:
        self.version, self.name, self.port = version, name, port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, action: str, *extra: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *extra],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        """Returns once the server accepts connections (pg_ctl start -w waits for that)."""
        self._ctl("start", "--", "-w", "-t", "30")

    def stop(self) -> None:
        """Fast shutdown: open transactions are rolled back, clients are disconnected."""
        self._ctl("stop", "-m", "fast")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", self.url(database), "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


class ClusterUnavailable(RuntimeError):
    pass


@contextmanager
def new_cluster(prefix: str = "sigapdrill") -> Iterator[Cluster]:
    """A cluster of its own (tests and bench/fault_drill.py); ClusterUnavailable where none can be made."""
    version = _version()
    if os.geteuid() != 0 or not shutil.which("pg_createcluster") or version is None:
        raise ClusterUnavailable("PostgreSQL drill needs root and pg_createcluster (postgresql-common)")
    cluster = Cluster(version, f"{prefix}{os.getpid()}", free_port())
    created = subprocess.run(
        [
            "pg_createcluster",
            version,
            cluster.name,
            "--port",
            str(cluster.port),
            "-o",
            "shared_buffers=16MB",
            "-o",
            "max_connections=40",
            "--",
            "--auth=trust",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if created.returncode != 0:
        raise ClusterUnavailable(f"PostgreSQL drill cluster not created: {created.stderr.strip()[-300:]}")
    try:
        cluster.start()
        yield cluster
    finally:
        subprocess.run(["pg_dropcluster", "--stop", version, cluster.name], capture_output=True, timeout=120)


@contextmanager
def throwaway_cluster(prefix: str = "sigapdrill") -> Iterator[Cluster]:
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL not configured: set TEST_DATABASE_URL")
    try:
        manager = new_cluster(prefix)
        cluster = manager.__enter__()
    except ClusterUnavailable as unavailable:
        pytest.skip(str(unavailable))
    try:
        yield cluster
    finally:
        manager.__exit__(None, None, None)
