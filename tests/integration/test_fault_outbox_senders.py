"""`flask outbox send` as real processes against a real SMTP server on loopback (aiosmtpd), on
SQLite and PostgreSQL: two senders started at once deliver each message exactly once, and a
sender killed with SIGKILL in the middle of a batch leaves every message it finished recorded,
re-sends nothing, and the one message that was in flight is "tidak pasti" (it may have arrived),
never sent again by itself. The messages are written with the columns the outbox had before
states existed, so the same test runs against the old code (where it fails)."""

# ruff: noqa: S603 (fixed commands: this venv's flask)
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.core.base import utcnow
from portal.extensions import db
from portal.models import OutboxMessage
from tests.clock import running_at
from tests.helpers import free_port
from tests.helpers.mail import SlowMailbox

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
HANG = 300  # seconds before a test gives up waiting for a process or the server (never a speed check)


@pytest.fixture
def mail_server():
    servers = []

    def start(mailbox: SlowMailbox) -> int:
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        return controller.port

    yield start
    for controller in servers:
        controller.stop()


def queue(count: int) -> list[str]:
    """`count` queued emails, written with the outbox's original columns only."""
    references = [f"SGP-2026-{n:06d}" for n in range(1, count + 1)]
    db.session.add_all(
        OutboxMessage(
            to_address=f"warga{n}@contoh.id", subject=f"Pengaduan {ref}: Diterima", body="Pengaduan diperbarui."
        )
        for n, ref in enumerate(references)
    )
    db.session.commit()
    return references


def sender(database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SIGAP_ENV": "development",
        "SECRET_KEY": "drill",
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
    }
    return subprocess.Popen(
        [FLASK, "--app", "wsgi", "outbox", "send"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=HANG)
    assert process.returncode == 0, err[-3000:]
    return out


def sent_count(output: str) -> int:
    found = re.search(r"Terkirim (\d+), gagal (\d+)", output)
    assert found, output
    return int(found.group(1))


def column(name: str) -> list:
    with db.engine.connect() as conn:
        return list(conn.scalars(sa.text(f"SELECT {name} FROM outbox_message ORDER BY id")))  # noqa: S608


def test_two_senders_at_once_deliver_each_of_100_messages_exactly_once(app, database_url, mail_server):
    references = queue(100)
    mailbox = SlowMailbox(meet=2)  # no answer until both senders are in the middle of a message
    port = mail_server(mailbox)
    first, second = sender(database_url, port), sender(database_url, port)
    outputs = [finish(first), finish(second)]

    assert mailbox.references() == Counter(references)  # all 100, none twice
    assert mailbox.met.is_set()  # both were sending at the same moment
    counts = [sent_count(output) for output in outputs]
    assert sum(counts) == 100 and min(counts) > 0, outputs
    assert all(sent is not None for sent in column("sent_at"))
    assert set(column("state")) == {"terkirim"} and set(column("attempts")) == {1}


def test_a_sender_killed_mid_batch_resends_nothing_and_the_message_in_flight_is_unknown(app, database_url, mail_server):
    references = queue(50)
    mailbox = SlowMailbox(delay=0.02, hold=15)  # slowed; the 15th message's answer never comes
    port = mail_server(mailbox)
    killed = sender(database_url, port)
    assert mailbox.holding.wait(HANG), killed.communicate(timeout=HANG)
    os.kill(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=HANG)
    mailbox.release.set()
    assert killed.returncode == -signal.SIGKILL
    in_flight = str(mailbox.messages[14]["Subject"]).split(":")[0].removeprefix("Pengaduan ")

    sent = column("sent_at")
    assert sum(s is not None for s in sent) == 14  # each message was recorded as it went, not per batch

    again = finish(sender(database_url, port))  # at once: the in-flight claim still holds
    assert sent_count(again) == 35 and "Tidak pasti" not in again
    assert mailbox.references() == Counter(references)  # the 14 and the one in flight: not again

    states = dict(zip(column("subject"), column("state"), strict=True))
    assert Counter(states.values()) == {"terkirim": 49, "mengirim": 1}
    assert states[f"Pengaduan {in_flight}: Diterima"] == "mengirim"

    with running_at(utcnow() + timedelta(minutes=6)):  # the 5-minute lease has run out
        later = finish(sender(database_url, port))
    assert sent_count(later) == 0 and "Tidak pasti 1" in later, later
    assert mailbox.references() == Counter(references)  # still never twice
    states = dict(zip(column("subject"), column("state"), strict=True))
    assert Counter(states.values()) == {"terkirim": 49, "tidak_pasti": 1}
    assert states[f"Pengaduan {in_flight}: Diterima"] == "tidak_pasti"
    errors = [e for e in column("last_error") if e]
    assert len(errors) == 1 and errors[0].startswith("LeaseExpired: ")
