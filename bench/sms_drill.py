"""SMS drill (issue 15): two real task-queue consumers send queued SMS notices through a real
Kannel while its smsbox, then its bearerbox, is stopped and started again.

    .venv/bin/python bench/sms_drill.py [--messages 300] [--outage 20] [--postgresql URL]
        [--task-queue redis://127.0.0.1:6379/14] [--crash]

For each database (a SQLite file in bench/out/ always; with --postgresql that database too, its
public schema emptied):

1. `flask db upgrade`; a real Kannel (tests/helpers/kannel.py: bearerbox, smsbox and the fakesmsc
   "phone", on free loopback ports); the portal under gunicorn, taking Kannel's delivery reports
   at its dlr-url; N notices queued with `queue_notice` (event "dibuat", the resident's channel
   SMS, each to its own number and with its own reference DRILL-00001 … in the text).
2. Two consumers, `flask --app wsgi tasks worker --workers 1` each, on one task queue (a SQLite
   file in bench/out/ by default, or --task-queue): each one's scheduler queues `deliver_outbox`
   when it starts and every minute, so two deliveries claim from the same outbox at once.
3. Once the phone has a quarter of the messages, smsbox is stopped (SIGTERM) for --outage
   seconds: what the consumers try meanwhile is refused and queued again after the backoff
   (1 minute after a first failure, 2 after a second …). When the messages tried again start
   arriving, bearerbox is stopped (SIGTERM, smsbox goes with it; --crash: SIGKILL, smsbox starts
   itself again 10 s later and gives up without bearerbox) for --outage seconds, then started
   again with smsbox.
4. It ends when the phone has every message and no message is queued or being sent, plus 15 s
   for anything sent twice and the last delivery reports to come.

Counted at the phone: distinct references received, duplicates, lost; in the outbox: the states,
the messages tried more than once and the attempts in all. Nothing in the portal's code is changed
or shifted: the retries wait for the real backoff and the consumers' minute, so a run takes some
minutes. The report is also written to bench/out/sms_drill.json.
"""

# ruff: noqa: S603 (this venv's flask and gunicorn, fixed arguments)
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BIN, FLASK, OUT, ROOT, bench_env, flask, machine  # noqa: E402

GUNICORN = str(BIN / "gunicorn")
REFERENCE = re.compile(r"DRILL-\d{5}")
FIRST_NUMBER = 6281300000000  # +6281300000001 … : one number a notice
SETTLE = 15.0  # seconds after the last message for a duplicate or a late report to show


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def free_port() -> int:
    from tests.helpers import free_port as pick

    return pick()


class Drill:
    def __init__(self, url: str, label: str, args: argparse.Namespace) -> None:
        self.url, self.label, self.args = url, label, args
        self.work = OUT / f"sms-drill-{label.lower()}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.phone: list = []  # PhoneMessage, in the order they came
        self.events: list[dict] = []
        self.started = 0.0

    # -- setup ---------------------------------------------------------------------------------

    def env(self, kannel, portal_url: str) -> dict[str, str]:
        return bench_env(
            self.url,
            PUBLIC_BASE_URL=portal_url,
            TASK_QUEUE_URL=self.args.task_queue or f"sqlite:///{self.work / 'tasks.sqlite3'}",
            SMS_SENDSMS_URL=kannel.settings.sendsms_url,
            SMS_USERNAME=kannel.settings.username,
            SMS_PASSWORD=kannel.settings.password,
            SMS_SENDER=kannel.settings.sender,
            SMS_GATEWAY_TOKEN=kannel.settings.dlr_token,
            ATTACHMENT_DIR=str(self.work / "attachments"),
            LETTER_BATCH_DIR=str(self.work / "letter-batches"),
            ROSTER_REJECTS_DIR=str(self.work / "rejects"),
        )

    def start(self, name: str, command: list[str], env: dict[str, str]) -> None:
        out = (self.work / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()

    def stop(self, name: str, how: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, how)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def start_portal(self, port: int, env: dict[str, str]) -> None:
        """The portal, for Kannel's delivery reports (2 workers of 4 threads)."""
        import requests

        self.start(
            "portal",
            [GUNICORN, "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{port}"]
            + ["--access-logfile", str(self.work / "access.log"), "wsgi:app"],
            env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/cek-status", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the portal did not start: {self.work / 'portal.log'}")

    def queue(self, env: dict[str, str]) -> list[str]:
        """N notices, the way a service queues one (in one transaction, as a batch would)."""
        from portal import create_app
        from portal.extensions import db
        from portal.notifications.models import NoticeEvent, OutboxChannel
        from portal.notifications.services.notices import Recipient, queue_notice

        names = ("SECRET_KEY", "NIK_HMAC_KEY", "PUBLIC_BASE_URL", "SMS_SENDSMS_URL", "SMS_USERNAME", "SMS_PASSWORD")
        names += ("SMS_SENDER", "SMS_GATEWAY_TOKEN", "SIGAP_ENV", "DATABASE_URL")
        app = create_app({**{name: env[name] for name in names}, "TASK_QUEUE_URL": "immediate"})
        references = [f"DRILL-{n:05d}" for n in range(1, self.args.messages + 1)]
        with app.app_context():
            for n, reference in enumerate(references, start=1):
                queued = queue_notice(
                    session=db.session,
                    event=NoticeEvent.DIBUAT,
                    reference=reference,
                    recipient=Recipient(phone=f"+{FIRST_NUMBER + n}", prefers=OutboxChannel.SMS),
                    context={"reference": reference},
                )
                assert queued.channels == (OutboxChannel.SMS,), queued
            db.session.commit()
            db.engine.dispose()
        return references

    def flush_task_queue(self) -> None:
        if self.args.task_queue:
            import redis

            redis.Redis.from_url(self.args.task_queue).flushdb()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.work / 'tasks.sqlite3'}{suffix}").unlink(missing_ok=True)

    # -- watching --------------------------------------------------------------------------------

    def outbox(self) -> dict:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            states = dict(conn.execute(sa.text("SELECT state, count(*) FROM outbox_message GROUP BY state")).all())
            attempts = dict(conn.execute(sa.text("SELECT attempts, count(*) FROM outbox_message GROUP BY 1")).all())
        return {"states": states, "attempts": {int(k): v for k, v in attempts.items()}}

    def collect(self, kannel, seconds: float = 0.2) -> int:
        self.phone.extend(kannel.received(timeout=seconds, count=10**9))
        return len(self.phone)

    def note(self, what: str, kannel) -> None:
        at = time.perf_counter() - self.started
        event = {"at": round(at, 1), "what": what, "phone": self.collect(kannel, 0), **self.outbox()}
        self.events.append(event)
        log(f"{self.label} +{at:.1f} s: {what}; phone has {event['phone']}; outbox {event['states']}")

    def outage(self, kannel, box: str) -> None:
        self.note(f"{box} stopped", kannel)
        if box == "smsbox":
            kannel.stop_smsbox()
        else:
            kannel.stop_bearerbox(crash=self.args.crash)
        self.note(f"{box} is down", kannel)
        until = time.monotonic() + self.args.outage
        while time.monotonic() < until:
            self.collect(kannel)
        self.note(f"{box} starting again", kannel)
        if box == "bearerbox":
            # after a crash smsbox starts itself again 10 s later, and gives up when bearerbox is not
            # back by then: started again here, as a service manager would
            kannel.smsbox_gone()
            kannel.start_bearerbox(wait_for_smsbox=False)
        kannel.start_smsbox()
        self.note(f"{box} back", kannel)

    # -- the run ---------------------------------------------------------------------------------

    def run(self) -> dict:
        import sqlalchemy as sa

        from tests.helpers.kannel import KannelStack

        self.work.mkdir(parents=True, exist_ok=True)
        for old in self.work.glob("*.log"):
            old.unlink()
        self.engine = sa.create_engine(self.url.replace("postgresql://", "postgresql+psycopg://", 1))
        port = free_port()
        portal_url = f"http://127.0.0.1:{port}"
        (self.work / "kannel").mkdir(exist_ok=True)
        for stale in (self.work / "kannel").iterdir():
            stale.unlink()
        with KannelStack.started(self.work / "kannel", portal_url=portal_url) as kannel:
            if kannel.fakesmsc is None:
                kannel.connect_phone()
            env = self.env(kannel, portal_url)
            try:
                self.start_portal(port, env)
                references = self.queue(env)
                self.flush_task_queue()
                load = os.getloadavg()[0]
                self.started = time.perf_counter()
                for name in ("c1", "c2"):
                    self.start(name, [FLASK, "--app", "wsgi", "tasks", "worker", "--workers", "1"], env)
                self.note("two consumers started", kannel)
                report = self.watch(kannel, references)
                report["load_average"] = [round(load, 1), round(os.getloadavg()[0], 1)]
            finally:
                for name in ("c1", "c2"):
                    self.stop(name, signal.SIGINT)
                self.stop("portal")
                self.engine.dispose()
        report["per_consumer"] = {name: self.sent_by(name) for name in ("c1", "c2")}
        report["delivered_reports"] = self.delivered_reports()
        report["retry_log_lines"] = sum(self.retried_in_log(name) for name in ("c1", "c2"))
        return report

    def sent(self) -> int:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM outbox_message WHERE sent_at IS NOT NULL"))

    def watch(self, kannel, references: list[str]) -> dict:
        """The outages are started by what the consumers recorded (the phone's output comes in
        bursts); the run ends once nothing is queued or being sent and the phone has had nothing
        new for SETTLE seconds."""
        count = len(references)
        deadline = time.monotonic() + self.args.timeout
        phase, sent_at_smsbox_back = "smsbox", 0
        last_arrival, quiet_since, next_line = self.started, None, time.monotonic() + 30
        while time.monotonic() < deadline:
            before = len(self.phone)
            if self.collect(kannel) > before:
                last_arrival, quiet_since = time.perf_counter(), None
            sent = self.sent()
            if phase == "smsbox" and sent >= count // 4:
                self.outage(kannel, "smsbox")
                phase, sent_at_smsbox_back = "bearerbox", self.sent()
            elif phase == "bearerbox" and sent_at_smsbox_back < sent < count:
                self.outage(kannel, "bearerbox")  # the first messages tried again are going out
                phase = "done"
            elif phase == "bearerbox" and sent >= count:
                phase = "done"
                self.note("every message went out before bearerbox could be stopped", kannel)
            elif phase == "done":
                states = self.outbox()["states"]
                if states.get("antre") or states.get("mengirim"):
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= SETTLE:
                    break
            if time.monotonic() >= next_line:
                self.note("waiting", kannel)
                next_line = time.monotonic() + 30
        finished = time.monotonic() < deadline
        self.note("nothing queued, nothing new at the phone" if finished else "timed out", kannel)
        outbox = self.outbox()
        seen = Counter(self.reference(m) for m in self.phone)
        missing = sorted(set(references) - set(seen))
        return {
            "database": self.label,
            "finished": finished,
            "queued": count,
            "received": len(self.phone),
            "distinct": len(set(seen) & set(references)),
            "duplicates": sum(n - 1 for n in seen.values()),
            "missing": self.rows(missing),  # not at the phone: tidak_pasti ones wait for staff, others are lost
            "lost": sum(1 for row in self.rows(missing) if row["state"] != "tidak_pasti"),
            "uncertain": self.rows_in("tidak_pasti"),
            "unknown_texts": sum(1 for m in self.phone if self.reference(m) not in set(references)),
            "wrong_number": sum(1 for m in self.phone if m.to != self.number_of(self.reference(m))),
            "states": outbox["states"],
            "attempts": outbox["attempts"],
            "tried_again": sum(n for attempts, n in outbox["attempts"].items() if attempts > 1),
            "failed_attempts": sum((attempts - 1) * n for attempts, n in outbox["attempts"].items()),
            "seconds": round(last_arrival - self.started, 1),  # consumers started -> last message at the phone
            "events": self.events,
        }

    def rows(self, references: list[str]) -> list[dict]:
        import sqlalchemy as sa

        if not references:
            return []
        query = sa.text(
            "SELECT reference, state, attempts, last_error FROM outbox_message WHERE reference IN :refs ORDER BY 1"
        ).bindparams(sa.bindparam("refs", expanding=True))
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query, {"refs": references}).mappings()]

    def rows_in(self, state: str) -> list[dict]:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            refs = conn.scalars(sa.text("SELECT reference FROM outbox_message WHERE state = :s"), {"s": state}).all()
        rows = self.rows(list(refs))
        seen = Counter(self.reference(m) for m in self.phone)
        return [{**row, "at_the_phone": seen[row["reference"]]} for row in rows]

    @staticmethod
    def reference(message) -> str:
        found = REFERENCE.search(message.text)
        return found.group(0) if found else "?"

    @staticmethod
    def number_of(reference: str) -> str:
        return f"+{FIRST_NUMBER + int(reference[6:])}" if REFERENCE.fullmatch(reference) else "?"

    def log_of(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def delivered_reports(self) -> dict:
        """Kannel's "delivered" reports as the portal's access log has them, against the messages
        the portal marked sampai (a report that comes while its message is still `mengirim`, before
        the sender's commit, is answered 200 and changes nothing)."""
        import sqlalchemy as sa

        ids = set(re.findall(r"GET /kanal/sms/laporan\?id=(\d+)&\S*status=1&", self.log_of("access")))
        with self.engine.connect() as conn:
            sampai = set(map(str, conn.scalars(sa.text("SELECT id FROM outbox_message WHERE state = 'sampai'"))))
        return {"messages_reported": len(ids), "sampai": len(sampai), "reported_not_sampai": len(ids - sampai)}

    def sent_by(self, name: str) -> int:
        return sum(int(n) for n in re.findall(r"messages: (\d+) sent", self.log_of(name)))

    def retried_in_log(self, name: str) -> int:
        return sum(int(n) for n in re.findall(r"(\d+) not sent \(tried again later\)", self.log_of(name)))


def prepare(url: str | None) -> tuple[str, str]:
    if url is None:
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "sms-drill.sqlite3"
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
    return url, label


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=300, help="SMS notices queued")
    parser.add_argument("--outage", type=float, default=20, help="seconds each box stays down")
    parser.add_argument("--crash", action="store_true", help="bearerbox killed (SIGKILL) instead of stopped")
    parser.add_argument("--postgresql", metavar="URL", default=None, help="run on this database too")
    parser.add_argument("--task-queue", metavar="URL", default=None, help="redis://…; default: a SQLite file")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run gives up")
    args = parser.parse_args(argv)
    from tests.helpers.kannel import kannel_available

    if (why := kannel_available()) is not None:
        raise SystemExit(why)
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}")
    reports, failures = [], 0
    for given in [None] + ([args.postgresql] if args.postgresql else []):
        url, label = prepare(given)
        report = Drill(url, label, args).run()
        reports.append(report)
        print(
            f"{label}: queued {report['queued']}, at the phone {report['distinct']} distinct of "
            f"{report['received']} received, duplicates {report['duplicates']}, not at the phone "
            f"{len(report['missing'])} (lost {report['lost']}, the others tidak_pasti for staff), "
            f"wrong number {report['wrong_number']}; tidak_pasti {report['uncertain']}; not at the phone "
            f"{report['missing']}; outbox {report['states']}; tried again "
            f"{report['tried_again']} messages ({report['failed_attempts']} failed attempts, the consumers' logs "
            f"say {report['retry_log_lines']}); attempts {report['attempts']}; sent by c1/c2 "
            f"{report['per_consumer']['c1']}/{report['per_consumer']['c2']}; {report['seconds']} s; "
            f"load average {report['load_average'][0]} -> {report['load_average'][1]}; "
            f"delivery reports {report['delivered_reports']}"
        )
        failures += bool(
            report["duplicates"]
            or report["lost"]
            or report["wrong_number"]
            or not report["tried_again"]
            or not report["finished"]
        )
    (OUT / "sms_drill.json").write_text(json.dumps(reports, indent=2, default=str))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
