"""Multi-node drill (issue 14): two web nodes and two task-queue consumers on one machine, sharing
PostgreSQL and Redis and nothing else.

    .venv/bin/python bench/multinode_drill.py [--postgresql URL] [--redis URL] [--roster-mb 30]

1. A fresh database (default sigap_drill on 127.0.0.1; refuses `test`), Redis db 15 emptied;
   `flask db upgrade`, `flask demo seed` (11,666 active participants, the demo accounts).
2. Node A and node B: gunicorn on ports of their own, each with its own instance folder (its own
   disk); consumers C1 and C2: `flask tasks worker -w 1`. Files go to the database file store
   (FILE_STORE=database) when the portal has one, so no node's disk holds what another needs.
3. A supervisor starts the city-wide batch on node A and watches it on node B. Once a fifth of
   the letters are made, C1 is killed (SIGKILL, mid-part) and node A is restarted; C2 finishes.
   Checked: the merged PDF downloaded through node B has one page per active participant with a
   KPJ, each letter number once; the numbers are gap-free and the same as when numbering ended.
4. The admin uploads a roster of about --roster-mb MB through node B; the answer comes at once
   and node A shows the import's progress until it is done.
5. 300 e-mails are queued; both consumers run (C1 started again) and a real SMTP server on
   loopback counts what arrives: every message once, none twice.

Prints what it saw and the timings, and writes bench/out/multinode_drill.json.
"""

# ruff: noqa: S603, S607, S311 (fixed commands of this venv; random names, not secrets)
from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BIN, FLASK, OUT, ROOT, machine, roster_file, signing_key  # noqa: E402

GUNICORN = str(BIN / "gunicorn")
WORK = OUT / "multinode-drill"  # logs and each node's own instance folder
PASSWORD_LINE = re.compile(r"^\s+(\w+)\s+(\S+@\S+)\s+kata sandi: (\S+)(?:\s+kunci TOTP: (\S+))?", re.M)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Mailbox:
    def __init__(self) -> None:
        self.subjects: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.subjects.append(str(message_from_bytes(envelope.content)["Subject"]))
        await asyncio.sleep(0.01)
        return "250 OK"


class Cluster:
    def __init__(self, database_url: str, redis_url: str, smtp_port: int) -> None:
        self.env = {
            **os.environ,
            "SIGAP_ENV": "production",
            "SECRET_KEY": "drill-secret-key-not-for-production",
            "NIK_HMAC_KEY": "drill-nik-key-not-for-production",
            "DATABASE_URL": database_url,
            "TASK_QUEUE_URL": redis_url,
            "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_ENABLED": "0",
            "PUBLIC_BASE_URL": "https://sigap.drill.test",
            "LETTER_SIGNING_P12": signing_key(),
            "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "LETTER_PART_LEASE_SECONDS": "30",
            "FILE_STORE": "database",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("SIGAP_PROGRESS", None)
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    def node_env(self, name: str) -> dict[str, str]:
        instance = WORK / name
        instance.mkdir(parents=True, exist_ok=True)
        return {
            **self.env,
            "ATTACHMENT_DIR": str(instance / "attachments"),
            "LETTER_BATCH_DIR": str(instance / "letter-batches"),
            "ROSTER_REJECTS_DIR": str(instance / "rejects"),
        }

    def flask(self, *args: str, stdin: str | None = None, node: str = "setup") -> str:
        done = subprocess.run(
            [FLASK, "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.node_env(node),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return done.stdout

    def _start(self, name: str, args: list[str]) -> None:
        out = (WORK / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.node_env(name), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_web(self, name: str) -> str:
        port = self.ports.setdefault(name, free_port())
        self._start(name, [GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"])
        base = f"http://127.0.0.1:{port}"
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/cek-status", timeout=2).status_code == 200:
                    return base
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{name} did not start; see {WORK / (name + '.log')}")

    def start_consumer(self, name: str) -> None:
        self._start(name, [FLASK, "--app", "wsgi", "tasks", "worker", "--workers", "1"])

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name, signal.SIGINT if name.startswith("c") else signal.SIGTERM)


def token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(base: str, email: str, password: str, totp: str | None):
    import pyotp
    import requests

    browser = requests.Session()
    form = browser.get(base + "/petugas/masuk").text
    answer = browser.post(
        base + "/petugas/masuk", data={"csrf_token": token(form), "email": email, "password": password}, timeout=30
    )
    if "/masuk/kode" in answer.url:
        code = pyotp.TOTP(totp).now()
        answer = browser.post(base + "/petugas/masuk/kode", data={"csrf_token": token(answer.text), "code": code})
    if "/petugas/masuk" in answer.url:
        raise RuntimeError(f"sign-in of {email} failed at {base}")
    return browser


def progress_of(page: str) -> tuple[int, int, str]:
    bar = re.search(r'<progress id="batch-bar" max="(\d+)" value="(\d+)"', page)
    state = re.search(r'id="batch-state"[^>]*>\s*([^<]+)', page)
    total, done = (int(bar.group(1)), int(bar.group(2))) if bar else (0, 0)
    return total, done, (state.group(1).strip() if state else "")


def numbers(engine) -> list[tuple[int, str]]:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text("SELECT seq, number FROM letter ORDER BY seq"))]


def fresh_database(url: str) -> str:
    import sqlalchemy as sa

    base, _, name = url.rpartition("/")
    if name == "test":
        raise SystemExit("refusing the test suite's database `test`")
    admin = sa.create_engine(
        f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def batch_drill(cluster: Cluster, node_a: str, node_b: str, supervisor, engine, report: dict) -> None:
    browser = supervisor
    started = time.perf_counter()
    form = browser.get(node_a + "/petugas/surat-massal").text
    answer = browser.post(node_a + "/petugas/surat-massal", data={"csrf_token": token(form), "wilayah": "semua"})
    status_path = answer.url.replace(node_a, "")
    log(f"batch started on node A: {status_path}")
    killed = restarted = False
    numbered: list[tuple[int, str]] = []
    seen_on_b = []
    while True:
        page = browser.get(node_b + status_path).text  # watched through node B
        total, done, state = progress_of(page)
        seen_on_b.append((round(time.perf_counter() - started, 1), done, total))
        if total and not numbered:
            numbered = numbers(engine)
            log(f"numbered: {len(numbered)} letters; rendering")
        if total and done >= total // 5 and not killed:
            cluster.stop("c1", signal.SIGKILL)
            killed = True
            log(f"consumer C1 killed (SIGKILL) at {done}/{total}")
        if killed and not restarted and done >= total // 3:
            cluster.stop("a")
            node_a = cluster.start_web("a")
            restarted = True
            log(f"node A restarted at {done}/{total}")
        if "Selesai" in state or "Gagal" in state:
            break
        if time.perf_counter() - started > 3600:
            raise RuntimeError("the batch did not finish within an hour")
        time.sleep(2)
    seconds = time.perf_counter() - started
    log(f"batch {state!r} after {seconds:.0f} s, seen on node B")
    link = re.search(r'href="([^"]+/unduh)"', page).group(1)
    pdf = browser.get(node_b + link).content
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    final = numbers(engine)
    printed = Counter(number for _seq, number in final if number in text)
    import sqlalchemy as sa

    with engine.connect() as conn:
        active = conn.scalar(
            sa.text("SELECT count(*) FROM person WHERE status = 'aktif' AND kpj IS NOT NULL AND kpj <> ''")
        )
        parts = conn.execute(sa.text("SELECT attempts, count(*) FROM background_job_part GROUP BY attempts")).all()
    report["batch"] = {
        "seconds": round(seconds, 1),
        "state": state,
        "pages": pages,
        "active_with_kpj": active,
        "letters": len(final),
        "gap_free": [seq for seq, _n in final] == list(range(1, len(final) + 1)),
        "numbers_unchanged_since_numbering": final == numbered,
        "numbers_printed_once": sum(1 for n in printed.values() if n == 1),
        "part_attempts": {int(a): int(c) for a, c in parts},
        "consumer_killed": killed,
        "node_a_restarted": restarted,
        "progress_seen_on_b": seen_on_b[:: max(1, len(seen_on_b) // 12)],
    }
    log(json.dumps(report["batch"]))


def roster_drill(node_a: str, node_b: str, admin, megabytes: int, report: dict) -> None:
    rows = max(1000, megabytes * 1_000_000 // 116)  # about 116 bytes a row
    roster = roster_file(rows, quiet=True)
    size = roster.csv.stat().st_size
    form = admin.get(node_b + "/petugas/impor").text
    started = time.perf_counter()
    with roster.csv.open("rb") as handle:
        answer = admin.post(
            node_b + "/petugas/impor",
            data={"csrf_token": token(form)},
            files={"file": ("roster-drill.csv", handle, "text/csv")},
            timeout=120,
        )
    answered = time.perf_counter() - started
    path = answer.url.replace(node_b, "")
    log(f"roster upload of {size / 1e6:.1f} MB answered in {answered:.1f} s: {path}")
    seen = []
    while True:
        page = admin.get(node_a + path).text  # followed on the other node
        bar = re.search(r'<progress id="import-bar" max="(\d+)" value="(\d+)"', page)
        if bar:
            seen.append((round(time.perf_counter() - started, 1), int(bar.group(2)), int(bar.group(1))))
        state = re.search(r'id="import-state"[^>]*>\s*([^<]+)', page).group(1).strip()
        if state.startswith(("Selesai", "Gagal")):
            break
        if time.perf_counter() - started > 1800:
            raise RuntimeError("the import did not finish")
        time.sleep(1)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    report["roster"] = {
        "megabytes": round(size / 1e6, 1),
        "rows": roster.rows,
        "upload_answered_seconds": round(answered, 1),
        "done_seconds": round(time.perf_counter() - started, 1),
        "state": state,
        "figures": figures,
        "progress_seen_on_a": seen,
    }
    log(json.dumps(report["roster"]))


def mail_drill(cluster: Cluster, engine, mailbox: Mailbox, report: dict, count: int = 300) -> None:
    import sqlalchemy as sa

    subjects = [f"Pengaduan DRILL-{n:05d}: Diterima" for n in range(count)]
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM outbox_message"))
        conn.execute(
            sa.text(
                "INSERT INTO outbox_message (reference, channel, to_address, subject, body, created_at, state, "
                "next_attempt_at, attempts) VALUES (:ref, 'email', :to, :subject, 'Isi.', now(), 'antre', now(), 0)"
            ),
            [{"ref": f"DRILL-{n:05d}", "to": f"warga{n}@contoh.id", "subject": s} for n, s in enumerate(subjects)],
        )
    if "c1" not in cluster.processes:
        cluster.start_consumer("c1")
    started = time.perf_counter()
    while len(set(mailbox.subjects) & set(subjects)) < count and time.perf_counter() - started < 600:
        time.sleep(1)
    time.sleep(5)  # anything sent twice would arrive meanwhile
    got = Counter(s for s in mailbox.subjects if s in set(subjects))
    with engine.connect() as conn:
        states = dict(conn.execute(sa.text("SELECT state, count(*) FROM outbox_message GROUP BY state")).all())
    report["mail"] = {
        "queued": count,
        "delivered": len(got),
        "duplicates": sum(n - 1 for n in got.values()),
        "seconds": round(time.perf_counter() - started - 5, 1),
        "states": states,
    }
    log(json.dumps(report["mail"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", default="postgresql://postgres@127.0.0.1:5432/sigap_drill")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--roster-mb", type=int, default=30)
    args = parser.parse_args(argv)

    import redis
    import sqlalchemy as sa
    from aiosmtpd.controller import Controller

    WORK.mkdir(parents=True, exist_ok=True)
    for old in WORK.glob("*.log"):
        old.unlink()
    redis.Redis.from_url(args.redis).flushdb()
    url = fresh_database(args.postgresql)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    cluster = Cluster(url, args.redis, smtp_port)
    report: dict = {"machine": machine()}
    try:
        cluster.flask("db", "upgrade")
        force = ["--force"] if "--force" in cluster.flask("demo", "seed", "--help") else []
        seeded = cluster.flask("demo", "seed", *force)
        accounts = {m.group(1): (m.group(2), m.group(3), m.group(4)) for m in PASSWORD_LINE.finditer(seeded)}
        log(f"seeded; accounts: {sorted(accounts)}")
        node_a, node_b = cluster.start_web("a"), cluster.start_web("b")
        cluster.start_consumer("c1")
        cluster.start_consumer("c2")
        supervisor = sign_in(node_a, *accounts["supervisor"])
        batch_drill(cluster, node_a, node_b, supervisor, engine, report)
        node_a = f"http://127.0.0.1:{cluster.ports['a']}"
        admin = sign_in(node_b, *accounts["admin"])
        roster_drill(node_a, node_b, admin, args.roster_mb, report)
        mail_drill(cluster, engine, mailbox, report)
    finally:
        cluster.stop_all()
        smtp.stop()
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "multinode_drill.json").write_text(json.dumps(report, indent=2, default=str))
    ok = (
        report["batch"]["pages"] == report["batch"]["active_with_kpj"] == report["batch"]["letters"]
        and report["batch"]["gap_free"]
        and report["batch"]["numbers_unchanged_since_numbering"]
        and report["roster"]["state"].startswith("Selesai")
        and report["mail"]["delivered"] == report["mail"]["queued"]
        and report["mail"]["duplicates"] == 0
    )
    log("drill " + ("passed" if ok else "FAILED") + f"; report in {OUT / 'multinode_drill.json'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
