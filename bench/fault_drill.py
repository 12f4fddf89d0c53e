"""Fault drill: residents file complaints under load while Redis (the rate-limit store) is killed
and started again, and while PostgreSQL restarts. Afterwards every attempt is looked up in the
database by the marker in its description.

    .venv/bin/python bench/fault_drill.py [--seconds 60] [--clients 8] [--workers 3]

Everything is the drill's own: a throwaway PostgreSQL cluster (pg_createcluster, root), a
redis-server on a free port, gunicorn (sync workers, as the README runs it) in production mode
with the rate limits in that Redis (raised: one client address stands for everyone here).
Timeline: Redis is killed (SIGKILL) at 1/6 of the run and started at 2/6; PostgreSQL stops (fast
shutdown: open transactions are rolled back, clients disconnected) at 3.5/6 and starts 3 s later.

An attempt is a filing that reached its final "Kirim pengaduan" POST. It is *acknowledged* when the
resident saw a reference on the confirmation page, reloading it (as its 503 page asks) for up to
a minute when the database was away just then. Must be 0: *unacknowledged but stored* (the
portal kept a complaint but the resident was told something failed) and *lost* (acknowledged but
not in the database).
"""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import BIN, ROOT, bench_env  # noqa: E402
from load_flows import PANEL_CODE, TOKEN  # noqa: E402

from tests.helpers import free_port  # noqa: E402
from tests.helpers.drill_cluster import new_cluster  # noqa: E402
from tests.helpers.redis_server import RedisServer  # noqa: E402

LIMITS = {
    name: "100000 per minute"
    for name in ("RATELIMIT_COMPLAINTS", "RATELIMIT_COMPLAINT_STEPS", "RATELIMIT_STATUS_CHECK", "RATELIMIT_TRACKING")
}


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    attempted: dict[str, str] = field(default_factory=dict)  # marker -> phase
    acknowledged: dict[str, str] = field(default_factory=dict)  # marker -> reference
    refused: Counter = field(default_factory=Counter)  # (phase, step, answer)
    delayed: set[str] = field(default_factory=set)  # confirmation shown only after reloading
    phase: str = "normal"


def _token(text: str) -> str:
    found = TOKEN.search(text)
    if not found:
        raise LookupError("no CSRF token")
    return found.group(1)


def file_one(base: str, browser: requests.Session, marker: str, tally: Tally) -> None:
    browser.cookies.clear()
    phase = tally.phase

    def step(name: str, method: str, path: str, expect: int, **kwargs) -> requests.Response:
        try:
            response = browser.request(method, base + path, allow_redirects=False, timeout=30, **kwargs)
        except requests.RequestException as error:
            with tally.lock:
                tally.refused[(phase, name, type(error).__name__)] += 1
            raise LookupError(name) from None
        if response.status_code != expect:
            with tally.lock:
                tally.refused[(phase, name, response.status_code)] += 1
            raise LookupError(name)
        return response

    page = step("kategori", "GET", "/pengaduan/baru", 200)
    step("kategori", "POST", "/pengaduan/baru", 303, data={"csrf_token": _token(page.text), "kategori": "terlewat"})
    page = step("rincian", "GET", "/pengaduan/baru/rincian", 200)
    serial = int(marker[1:]) % 9999 + 1
    details = {
        "csrf_token": _token(page.text),
        "nik": f"327501070385{serial:04d}",
        "nama": "Warga Latihan",
        "kelurahan": "32.75.01.1001",
        "pelapor": "sendiri",
        "telepon": "0812-3456-7890",
        "saluran": "whatsapp",
        "email": "",
        "uraian": f"Latihan gangguan {marker}: pekerja informal, desil 2, belum terdaftar.",
    }
    step("rincian", "POST", "/pengaduan/baru/rincian", 303, data=details)
    page = step("periksa", "GET", "/pengaduan/baru/periksa", 200)
    with tally.lock:
        tally.attempted[marker] = phase
    sent = step("kirim", "POST", "/pengaduan/baru/periksa", 303, data={"csrf_token": _token(page.text)})
    for _reload in range(60):  # as the 503 page asks: reload a little later (up to a minute here)
        try:
            shown = step("terkirim", "GET", sent.headers["Location"], 200)
            break
        except LookupError:
            with tally.lock:
                tally.delayed.add(marker)
            time.sleep(1)
    else:
        return
    codes = PANEL_CODE.findall(shown.text)
    if codes and codes[0].startswith("SGP-"):
        with tally.lock:
            tally.acknowledged[marker] = codes[0]


def run(seconds: int, clients: int, workers: int, code: Path) -> dict:
    tally = Tally()
    markers = (f"D{n:06d}" for n in itertools.count(1))
    markers_lock = threading.Lock()
    with new_cluster("sigapfault") as cluster:
        cluster.psql("CREATE DATABASE drill")
        redis = RedisServer()
        redis.start()
        port = free_port()
        env = bench_env(
            cluster.url("drill").replace("postgresql://", "postgresql+psycopg://"),
            SIGAP_ENV="production",
            RATELIMIT_ENABLED="1",
            RATELIMIT_STORAGE_URI=redis.url,
            PUBLIC_BASE_URL="https://sigap.drill.test",
            TASK_QUEUE_URL=f"sqlite:///{ROOT / 'bench' / 'out' / 'fault_drill_tasks.sqlite3'}",
            FILE_STORE="local",
            SESSION_COOKIE_SECURE="0",
            PYTHONPATH=str(code),
            **LIMITS,
        )
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=code, env=env, check=True, capture_output=True
        )
        log = open(ROOT / "bench" / "out" / "fault_drill_gunicorn.log", "w")  # noqa: SIM115 (the server's lifetime)
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=code,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        started = time.monotonic()
        stop = threading.Event()

        def client() -> None:
            browser = requests.Session()
            while not stop.is_set():
                with markers_lock:
                    marker = next(markers)
                try:
                    file_one(base, browser, marker, tally)
                except LookupError:
                    time.sleep(0.05)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        sixth = seconds / 6
        script = [
            (sixth, "redis killed", redis.kill),
            (2 * sixth, "redis back", redis.start),
            (3.5 * sixth, "postgresql stopped", cluster.stop),
            (3.5 * sixth + 3, "postgresql back", cluster.start),
        ]
        timeline = []
        for at, phase, action in script:
            time.sleep(max(0.0, started + at - time.monotonic()))
            tally.phase = phase
            action()
            timeline.append((round(time.monotonic() - started, 1), phase))
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join()
        server.terminate()
        server.wait(timeout=30)
        redis.kill()
        rows = cluster.psql(
            "SELECT reference || ' ' || substring(description from 'Latihan gangguan (D[0-9]+)') FROM complaint",
            "drill",
        ).split()
    stored = dict(zip(rows[1::2], rows[0::2], strict=True))  # marker -> reference
    attempted, acknowledged = tally.attempted, tally.acknowledged
    unacknowledged_stored = sorted(m for m in stored if m in attempted and m not in acknowledged)
    lost = sorted(m for m in acknowledged if m not in stored)
    mismatched = sorted(m for m, ref in acknowledged.items() if stored.get(m, ref) != ref)
    by_phase = Counter(attempted.values())
    acknowledged_by_phase = Counter(attempted[m] for m in acknowledged)
    return {
        "timeline": timeline,
        "attempted": len(attempted),
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "unacknowledged_but_stored": unacknowledged_stored,
        "lost": lost,
        "mismatched": mismatched,
        "delayed": len(tally.delayed),
        "by_phase": {p: (by_phase[p], acknowledged_by_phase[p]) for p in by_phase},
        "refused": sorted(tally.refused.items(), key=str),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="serve another checkout (e.g. `git worktree add /tmp/before <commit>`), same venv",
    )
    args = parser.parse_args()
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    result = run(args.seconds, args.clients, args.workers, args.code.resolve())
    print("timeline (s):", ", ".join(f"{at} {phase}" for at, phase in result["timeline"]))
    print(
        f"attempted {result['attempted']}, acknowledged {result['acknowledged']}, stored {result['stored']}, "
        f"unacknowledged but stored {len(result['unacknowledged_but_stored'])}, lost {len(result['lost'])}, "
        f"acknowledged with another reference {len(result['mismatched'])}; "
        f"confirmation shown only after reloading {result['delayed']}"
    )
    print("per phase (attempted, acknowledged):", result["by_phase"])
    for (phase, step, answer), count in result["refused"]:
        print(f"  refused: {phase:20} {step:10} {answer}: {count}")
    if result["unacknowledged_but_stored"] or result["lost"] or result["mismatched"]:
        print("FAILED:", result["unacknowledged_but_stored"][:10], result["lost"][:10], result["mismatched"][:10])
        sys.exit(1)


if __name__ == "__main__":
    main()
