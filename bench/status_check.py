"""Status-check throughput against a trivial page of the same server, 1,000,000-row roster.

DESIGN §7: the status check (POST /cek-status: CSRF, form, NIK rules, lockout, roster lookup,
name match, hashed log row, answer page) keeps at least 60% of the throughput of a trivial page
(GET /) of the same gunicorn server; this portal aims at 70%. Measured on SQLite and
PostgreSQL, each with the same 1,000,000-row roster, imported once through the real CLI.

    .venv/bin/python bench/status_check.py [--seconds 15] [--connections 8] [--rounds 2]
        [--workers 2] [--backend sqlite|postgresql|both] [--rows 1000000]

PostgreSQL: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/sigap_bench), dropped and
recreated when it does not hold the roster; the test suite's database `test` is refused.

Load comes from wrk (`apt-get install -y wrk`) over loopback: `wrk -t1 -cN -dS`, a Lua
script cycling through pre-encoded POST bodies. The bodies are 90% people sampled from the
roster with their name (a tenth typed in lower case), 10% NIKs that are valid but not in the
roster, each used once, so no NIK reaches the lockout. Measurements alternate (trivial,
status check, trivial, status check, ...) so drift on a noisy machine hits both; the ratio is
total status-check requests over total trivial requests in the same time. Before each
status-check measurement the log and lockout tables are emptied.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    BIN,
    OUT,
    ROOT,
    ROSTER_ROWS,
    Roster,
    bench_env,
    flask,
    machine,
    roster_file,
)

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/sigap_bench")
FOUND_SHARE = 0.9
LUA = """
local bodies, cookie, i, htmx = {}, nil, 0, false
init = function(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  cookie = args[2]
  i = tonumber(args[3] or "0") % #bodies
  htmx = args[4] == "htmx"
end
request = function()
  i = i % #bodies + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }
  if htmx then headers["HX-Request"] = "true" end
  return wrk.format("POST", "/cek-status", headers, bodies[i])
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    non_2xx: int
    errors: int
    cpu_seconds: float = 0.0  # used by the gunicorn workers (and their PostgreSQL backends)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.requests


@dataclass
class BackendResult:
    backend: str
    trivial: list[Load] = field(default_factory=list)
    status: list[Load] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    setup: str = ""

    @staticmethod
    def _rps(loads: list[Load]) -> float:
        return sum(x.requests for x in loads) / sum(x.seconds for x in loads)

    @property
    def trivial_rps(self) -> float:
        return self._rps(self.trivial)

    @property
    def status_rps(self) -> float:
        return self._rps(self.status)

    @property
    def ratio(self) -> float:
        return self.status_rps / self.trivial_rps

    @staticmethod
    def _cpu_ms(loads: list[Load]) -> float:
        return 1000 * sum(x.cpu_seconds for x in loads) / sum(x.requests for x in loads)

    @property
    def trivial_cpu_ms(self) -> float:
        return self._cpu_ms(self.trivial)

    @property
    def status_cpu_ms(self) -> float:
        return self._cpu_ms(self.status)

    @property
    def cpu_ratio(self) -> float:
        """Requests per CPU-second, status check over trivial (what a quiet machine shows)."""
        return self.trivial_cpu_ms / self.status_cpu_ms


# --- databases --------------------------------------------------------------------------------


def _pg_admin(url: str):
    import psycopg

    base, _, name = url.rpartition("/")
    return psycopg.connect(base + "/postgres", autocommit=True), name


def _person_count(url: str) -> int | None:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM person")).scalar_one()
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def prepare_database(backend: str, roster: Roster) -> tuple[str, str]:
    """A migrated database holding the roster (imported once, reused while it holds it)."""
    sqlite_path = OUT / f"status-check-{roster.rows}.sqlite3"
    if backend == "sqlite":
        url = f"sqlite:///{sqlite_path}"
    else:
        url = PG_URL if roster.rows == ROSTER_ROWS else f"{PG_URL}_{roster.rows}"
    if _person_count(url) == roster.rows:
        return url, "reused"
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        admin, name = _pg_admin(url)
        if name == "test":
            raise SystemExit("BENCH_PG_URL names `test`, the test suite's database: use another")
        with admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    env = bench_env(url)
    flask(["db", "upgrade"], env)
    started = time.perf_counter()
    flask(["roster", "import", str(roster.csv), "--by", "bench"], env)
    took = time.perf_counter() - started
    if backend == "postgresql":
        run_sql(url, "VACUUM ANALYZE")
    return url, f"imported {roster.rows:,} rows in {took:.0f} s"


def run_sql(url: str, *statements: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(sa.text(statement))
    engine.dispose()


def reset_checks(url: str) -> None:
    run_sql(url, "DELETE FROM status_check_log", "DELETE FROM access_lockout")


def outcomes(url: str) -> dict[str, int]:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        found = dict(conn.execute(sa.text("SELECT outcome, count(*) FROM status_check_log GROUP BY outcome")).all())
    engine.dispose()
    return found


# --- load -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, url: str, workers: int) -> None:
        self.port = _free_port()
        self.log = (OUT / "gunicorn.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "sync",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=bench_env(url),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.get("/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def get(self, path: str, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode()

    def post(self, path: str, body: str, cookie: str):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        )
        response = conn.getresponse()
        return response.status, response.read().decode()

    def cpu_seconds(self, database_url: str) -> float:
        """CPU time used so far by the workers and, on PostgreSQL, by their backends."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        pids = [int(pid) for pid in children]
        if database_url.startswith("postgresql"):
            pids += _backend_pids(database_url)
        return sum(_cpu_of(pid) for pid in pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _backend_pids(url: str) -> list[int]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def csrf_session(server: Server) -> tuple[str, str]:
    status, set_cookie, page = server.get("/cek-status")
    assert status == 200, status
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    cookie = set_cookie.split(";", 1)[0]
    assert token and cookie.startswith("session="), "no CSRF token or session cookie"
    return token.group(1), cookie


def _unknown_niks(known: set[str], count: int, rng: random.Random) -> list[str]:
    """Valid NIKs (Kota Bekasi prefix, real birth date, serial ≠ 0000) not in the roster."""
    niks: list[str] = []
    while len(niks) < count:
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
        day = birth.day + (40 if rng.random() < 0.4 else 0)
        nik = (
            f"3275{rng.randrange(1, 13):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
            f"{rng.randrange(1, 10000):04d}"
        )
        if nik not in known:
            known.add(nik)
            niks.append(nik)
    return niks


def write_bodies(roster: Roster, token: str, path: Path, count: int = 60_000, seed: int = 7) -> None:
    rng = random.Random(seed)  # noqa: S311 (test data)
    people = json.loads(roster.sample.read_text())
    known = {nik for nik, _ in people}
    unknown = iter(_unknown_niks(known, count, rng))
    lines = []
    for _ in range(count):
        if rng.random() < FOUND_SHARE:
            nik, name = rng.choice(people)
            if rng.random() < 0.1:
                name = name.lower()
        else:
            nik, name = next(unknown), rng.choice(people)[1]
        lines.append(urlencode({"csrf_token": token, "nik": nik, "nama": name}))
    path.write_text("\n".join(lines) + "\n")


def sanity_check(server: Server, token: str, cookie: str, roster: Roster) -> None:
    """A found person gets a result, an unknown NIK gets "not found", before any load."""
    nik, name = json.loads(roster.sample.read_text())[0]
    status, page = server.post("/cek-status", urlencode({"csrf_token": token, "nik": nik, "nama": name}), cookie)
    assert status == 200 and 'class="result result-' in page and "result-none" not in page, status
    status, page = server.post(
        "/cek-status", urlencode({"csrf_token": token, "nik": "3275010101000001", "nama": "Tidak Ada"}), cookie
    )
    assert status == 200 and "result-none" in page, status


def wrk(
    server: Server, url: str, seconds: int, connections: int, script: Path | None = None, args: list[str] = ()
) -> Load:
    port = server.port
    cpu_before = server.cpu_seconds(url)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    command += [f"http://127.0.0.1:{port}/"]
    if args:
        command += ["--", *args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if not done:
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    requests, took, unit = int(done.group(1)), float(done.group(2)), done.group(3)
    took = took / 1000 if unit == "ms" else took
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    error_count = sum(int(x) for x in errors.groups()) if errors else 0
    cpu = server.cpu_seconds(url) - cpu_before
    return Load(requests, took, int(non_2xx.group(1)) if non_2xx else 0, error_count, cpu)


def measure(
    backend: str,
    roster: Roster,
    *,
    seconds: float,
    connections: int,
    rounds: int,
    workers: int,
    quiet: bool = False,
    htmx: bool = False,
) -> BackendResult:
    url, setup = prepare_database(backend, roster)
    result = BackendResult(backend=backend, setup=setup)
    say = (lambda *_: None) if quiet else print
    say(f"[{backend}] database: {setup}")
    reset_checks(url)
    server = Server(url, workers)
    try:
        token, cookie = csrf_session(server)
        sanity_check(server, token, cookie, roster)
        bodies, script = OUT / f"bodies-{backend}.txt", OUT / "post.lua"
        write_bodies(roster, token, bodies)
        script.write_text(LUA)
        total_bodies = sum(1 for _ in bodies.open())
        offset = 0
        # Warm-up: code paths, templates, connection pools and the database cache.
        wrk(server, url, 3, connections)
        reset_checks(url)
        mode = "htmx" if htmx else "page"
        wrk(server, url, 3, connections, script, [str(bodies), cookie, str(offset), mode])
        offset += 3000
        for n in range(rounds):
            trivial = wrk(server, url, seconds, connections)
            reset_checks(url)
            status = wrk(
                server, url, seconds, connections, script, [str(bodies), cookie, str(offset % total_bodies), mode]
            )
            offset += status.requests
            result.trivial.append(trivial)
            result.status.append(status)
            say(
                f"[{backend}] round {n + 1}: trivial {trivial.rps:.0f} req/s "
                f"({trivial.cpu_ms:.2f} CPU-ms/req), status check {status.rps:.0f} req/s "
                f"({status.cpu_ms:.2f} CPU-ms/req); ratio {status.rps / trivial.rps:.2f}, "
                f"by CPU {trivial.cpu_ms / status.cpu_ms:.2f}"
            )
            for load in (trivial, status):
                if load.non_2xx or load.errors:
                    raise RuntimeError(
                        f"{backend}: {load.non_2xx} non-2xx responses, "
                        f"{load.errors} socket errors; see {server.log.name}"
                    )
        result.outcomes = outcomes(url)
    finally:
        server.stop()
    return result


def main(argv: list[str] | None = None) -> list[BackendResult]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rows", type=int, default=ROSTER_ROWS)
    parser.add_argument(
        "--htmx",
        action="store_true",
        help="status checks as htmx sends them (HX-Request: the answer fragment, no layout)",
    )
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}")
    roster = roster_file(args.rows)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    for backend in backends:
        r = measure(
            backend,
            roster,
            seconds=args.seconds,
            connections=args.connections,
            rounds=args.rounds,
            workers=args.workers,
            htmx=args.htmx,
        )
        results.append(r)
        print(
            f"[{backend}] trivial {r.trivial_rps:.0f} req/s ({r.trivial_cpu_ms:.2f} CPU-ms/req), "
            f"status check {r.status_rps:.0f} req/s ({r.status_cpu_ms:.2f} CPU-ms/req), ratio "
            f"{r.ratio:.2f} (by CPU per request {r.cpu_ratio:.2f}); outcomes of the last "
            f"round {r.outcomes}"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    return results


if __name__ == "__main__":
    main()
