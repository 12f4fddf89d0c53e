"""Outbox drill: real `flask outbox send` processes against a real SMTP server on loopback.

    .venv/bin/python bench/outbox_drill.py [--messages 100] [--kill-messages 50 --kill-at 15]
        [--throughput 1000] [--postgresql URL] [--code DIR]

1. Two senders at once: N queued emails, two `flask outbox send` started together; the server
   answers no message before both are in the middle of one (they really overlap), then takes
   each in --delay-ms. Reports queued, delivered, duplicates (must be 0) and each sender's count.
2. Kill mid-batch: N emails, the server slowed (--delay-ms a message); it holds its answer to
   message --kill-at and the sender is killed with SIGKILL while it waits. A sender is run again
   at once, and once more after the killed sender's lease (--lease 2 s) has run out. Reports
   what the killed sender had recorded, what was sent again (must be 0) and the state of the
   message in flight (must be tidak_pasti).
3. Throughput: --throughput emails with one sender, then with two (the old sender of --code: 100,
   its batch), the server answering at once; emails a second over the whole run and over the
   sending loop alone (server's first to last message), and the ratio two/one.

SQLite in bench/out/ always; with --postgresql the same drills on that database too (its public
schema is emptied; refuses the test suite's database `test`). --code runs the drills with the
senders of another source tree (e.g. the code before this change, `git archive`), against this
tree's schema: the old senders ignore the new columns.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import FLASK, OUT, ROOT, bench_env, flask, machine  # noqa: E402

HANG = 600


class Mailbox:
    """Takes each message after `delay` s; holds its answer to message `hold` until `release`;
    answers nothing before `meet` connections are in the middle of a message together."""

    def __init__(self, *, delay: float = 0.0, hold: int | None = None, meet: int = 1) -> None:
        self.delay, self.hold, self.meet = delay, hold, meet
        self.subjects: list[str] = []
        self.times: list[float] = []  # when each message arrived (perf_counter)
        self.holding, self.release, self.met = threading.Event(), threading.Event(), threading.Event()
        self.connections: set[int] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.subjects.append(str(message_from_bytes(envelope.content)["Subject"]))
        self.times.append(time.perf_counter())
        self.connections.add(id(session))
        if len(self.connections) >= self.meet:
            self.met.set()
        deadline = time.monotonic() + HANG
        while not self.met.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        if self.hold is not None and len(self.subjects) == self.hold:
            self.holding.set()
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def duplicates(self) -> int:
        return sum(n - 1 for n in Counter(self.subjects).values())


class Server:
    def __init__(self, mailbox: Mailbox) -> None:
        from aiosmtpd.controller import Controller

        with socket.socket() as probe:  # a free port on loopback
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.mailbox = mailbox
        self.controller = Controller(mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.mailbox.release.set()
        self.mailbox.met.set()
        self.controller.stop()


class Database:
    def __init__(self, url: str, label: str) -> None:
        import sqlalchemy as sa

        self.url, self.label = url, label
        self.engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))

    def reset(self) -> None:
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM outbox_message"))

    def queue(self, count: int, tag: str) -> list[str]:
        import sqlalchemy as sa

        from portal.core.base import utcnow

        self.reset()
        now = utcnow()
        subjects = [f"Pengaduan DRILL-{tag}-{n:06d}: Diterima" for n in range(count)]
        rows = [
            {"to": f"warga{n}@contoh.id", "subject": s, "ref": f"DRILL-{n:06d}", "at": now}
            for n, s in enumerate(subjects)
        ]
        with self.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO outbox_message (reference, channel, to_address, subject, body, created_at, state, "
                    "next_attempt_at, attempts) VALUES (:ref, 'email', :to, :subject, 'Isi.', :at, 'antre', :at, 0)"
                ),
                rows,
            )
        return subjects

    def states(self) -> Counter:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT CASE WHEN sent_at IS NOT NULL AND state = 'antre' THEN 'sent_at set' ELSE state END, "
                    "count(*) FROM outbox_message GROUP BY 1"
                )
            ).all()
        return Counter(dict(rows))

    def recorded_sent(self) -> int:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM outbox_message WHERE sent_at IS NOT NULL"))


def sender(db: Database, port: int, code: Path, extra: list[str]) -> subprocess.Popen:
    env = bench_env(db.url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port))
    return subprocess.Popen(  # noqa: S603
        [FLASK, "--app", "wsgi", "outbox", "send", *extra],
        cwd=code,
        env=env,  # noqa: S603
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=HANG)
    if process.returncode != 0:
        raise RuntimeError(f"flask outbox send failed ({process.returncode}):\n{err[-3000:]}")
    return out.strip()


def sent_of(output: str) -> int:
    return sum(int(n) for n in re.findall(r"Terkirim (\d+)", output))


def two_at_once(db: Database, count: int, delay: float, code: Path, extra: list[str]) -> dict:
    subjects = db.queue(count, "A")
    with Server(Mailbox(delay=delay, meet=2)) as server:
        started = time.perf_counter()
        processes = [sender(db, server.port, code, extra) for _ in range(2)]
        outputs = [finish(p) for p in processes]
        seconds = time.perf_counter() - started
        mailbox = server.mailbox
    delivered = len(set(mailbox.subjects) & set(subjects))
    return {
        "queued": count,
        "delivered": delivered,
        "received": len(mailbox.subjects),
        "duplicates": mailbox.duplicates(),
        "per_sender": [sent_of(o) for o in outputs],
        "overlapped": mailbox.met.is_set(),
        "seconds": seconds,
        "states": db.states(),
    }


def kill_mid_batch(db: Database, count: int, kill_at: int, delay: float, code: Path, new_code: bool) -> dict:
    subjects = db.queue(count, "K")
    lease = ["--lease", "2"] if new_code else []
    limit = ["--limit", str(count)] if new_code else []
    with Server(Mailbox(delay=delay, hold=kill_at)) as server:
        mailbox = server.mailbox
        killed = sender(db, server.port, code, limit + lease)
        if not mailbox.holding.wait(HANG):
            raise RuntimeError(f"the sender never reached message {kill_at}: {killed.communicate()}")
        os.kill(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=HANG)
        mailbox.release.set()
        received_before, recorded_before = len(mailbox.subjects), db.recorded_sent()
        in_flight = mailbox.subjects[kill_at - 1]
        rerun = finish(sender(db, server.port, code, limit + lease))
        time.sleep(2.5)  # the killed sender's 2-second lease has run out
        last = finish(sender(db, server.port, code, limit + lease))
        received = Counter(mailbox.subjects)
    state = _state_of(db, in_flight) if new_code else "-"
    return {
        "queued": count,
        "received_before_kill": received_before,
        "recorded_sent_at_kill": recorded_before,
        "resent": sum(n - 1 for n in received.values()),
        "delivered": len(set(received) & set(subjects)),
        "in_flight_state": state,
        "in_flight_received": received[in_flight],
        "rerun": rerun,
        "last": last,
        "states": db.states(),
    }


def _state_of(db: Database, subject: str) -> str:
    import sqlalchemy as sa

    with db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT state FROM outbox_message WHERE subject = :s"), {"s": subject})


def throughput(db: Database, count: int, senders: int, code: Path, new_code: bool) -> tuple[float, float]:
    """Emails a second: over the whole run (process start included, as cron sees it), and between
    the server's first and last message (the sending loop alone)."""
    db.queue(count, f"T{senders}")
    extra = ["--limit", str(count)] if new_code else []
    with Server(Mailbox()) as server:
        started = time.perf_counter()
        processes = [sender(db, server.port, code, extra) for _ in range(senders)]
        outputs = [finish(p) for p in processes]
        seconds = time.perf_counter() - started
        times = server.mailbox.times
        if sum(sent_of(o) for o in outputs) != count or server.mailbox.duplicates():
            raise RuntimeError(f"throughput run lost or doubled messages: {outputs}")
    return count / seconds, (count - 1) / (times[-1] - times[0])


def prepare(url: str | None) -> Database:
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "outbox-drill.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url, label = f"sqlite:///{path}", "SQLite"
    else:
        if url.rpartition("/")[2] == "test":
            raise SystemExit("--postgresql names `test`, the test suite's database: use another")
        import sqlalchemy as sa

        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        label = "PostgreSQL"
    flask(["db", "upgrade"], bench_env(url))
    return Database(url, label)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100, help="queued for the two senders at once")
    parser.add_argument("--kill-messages", type=int, default=50)
    parser.add_argument("--kill-at", type=int, default=15, help="the message in flight when the sender is killed")
    parser.add_argument("--delay-ms", type=float, default=10, help="the server's time per message in drills 1, 2")
    parser.add_argument("--throughput", type=int, default=1000, help="emails for drill 3 (0: skip)")
    parser.add_argument("--postgresql", metavar="URL", default=None)
    parser.add_argument("--code", type=Path, default=None, help="run the drills with the senders of this tree")
    args = parser.parse_args(argv)
    code, new_code = (args.code.resolve(), False) if args.code else (ROOT, True)
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}; senders from {code}")
    failures = 0
    for url in [None] + ([args.postgresql] if args.postgresql else []):
        db = prepare(url)
        extra = ["--limit", str(args.messages)] if new_code else []
        a = two_at_once(db, args.messages, args.delay_ms / 1000, code, extra)
        print(
            f"{db.label}, two senders at once: queued {a['queued']}, delivered {a['delivered']}, "
            f"received {a['received']}, duplicates {a['duplicates']}, per sender {a['per_sender']}, "
            f"overlapped {a['overlapped']}, {a['seconds']:.1f} s; states {dict(a['states'])}"
        )
        k = kill_mid_batch(db, args.kill_messages, args.kill_at, args.delay_ms / 1000, code, new_code)
        print(
            f"{db.label}, killed mid-batch at message {args.kill_at}: queued {k['queued']}; at the kill the "
            f"server had {k['received_before_kill']}, the database recorded {k['recorded_sent_at_kill']} sent; "
            f"re-sent afterwards {k['resent']}, delivered {k['delivered']}, the message in flight received "
            f"{k['in_flight_received']}x and is {k['in_flight_state']}; states {dict(k['states'])}"
        )
        print(f"    rerun: {k['rerun']!r}; after the lease: {k['last']!r}")
        failures += a["duplicates"] > 0 or a["delivered"] != a["queued"] or k["resent"] > 0
        if args.throughput:
            count = args.throughput if new_code else min(args.throughput, 100)  # the old sender: 100 a run
            rates = [throughput(db, count, n, code, new_code) for n in (1, 2)]
            print(
                f"{db.label}, throughput over {count} emails, server answering at once (whole run / sending "
                f"loop): one sender {rates[0][0]:.0f}/s / {rates[0][1]:.0f}/s, two senders {rates[1][0]:.0f}/s / "
                f"{rates[1][1]:.0f}/s; ratio two/one {rates[1][0] / rates[0][0]:.2f} / "
                f"{rates[1][1] / rates[0][1]:.2f}"
            )
        db.engine.dispose()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
