"""Two consumers send queued SMS notices through a real Kannel (bearerbox, smsbox, the fakesmsc
"phone") while smsbox is stopped in the middle: every notice reaches its phone exactly once, and
the ones tried while smsbox was away are queued again and sent once it is back.

A reduced `bench/sms_drill.py` (which runs real `flask tasks worker` processes, stops bearerbox
too and waits for the real backoff): here the two consumers are threads, each running
`deliver_due` with the app's `channel_senders()` in a loop, and once smsbox is back they deliver
with the clock `RETRY_AFTER` ahead (`deliver_due(now=...)`) instead of waiting for the backoff.
smsbox is stopped between two sends (after SENT_BEFORE_STOP of them, none in flight): a request
cut in the middle by the stop is another case, "tidak pasti" by design (at most once), which the
drill counts apart (docs/benchmarks.md).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.core.base import utcnow
from portal.extensions import db
from portal.notifications.delivery import Transmission
from portal.notifications.models import NoticeEvent, OutboxChannel, OutboxMessage, OutboxState
from portal.notifications.sender import Send, deliver_due
from portal.notifications.services.notices import Recipient, queue_notice
from portal.notifications.services.outbox import Claimed
from portal.notifications.tasks import channel_senders
from portal.web.settings import smtp_settings
from tests.helpers import wait_until
from tests.helpers.kannel import SENDSMS_PASSWORD, SENDSMS_USER, SHORTCODE, TOKEN, KannelStack, kannel_available

NOTICES = 30
SENT_BEFORE_STOP = 10
RETRY_AFTER = timedelta(minutes=2)  # past the backoff after a first failed attempt (1 minute)
WITHIN = 60.0  # seconds for each step: a hang guard, never a speed check
FIRST_NUMBER = 6281300000000


@pytest.fixture
def kannel(tmp_path) -> Iterator[KannelStack]:
    if (reason := kannel_available()) is not None:
        pytest.skip(reason)
    with KannelStack.started(tmp_path) as stack:
        if stack.fakesmsc is None:
            stack.connect_phone()
        yield stack


@pytest.fixture
def app_config(kannel) -> dict:
    assert kannel.portal is not None  # the harness's recorder takes the delivery reports
    return {
        "PUBLIC_BASE_URL": kannel.portal.url,
        "SMS_SENDSMS_URL": kannel.settings.sendsms_url,
        "SMS_USERNAME": SENDSMS_USER,
        "SMS_PASSWORD": SENDSMS_PASSWORD,
        "SMS_SENDER": SHORTCODE,
        "SMS_GATEWAY_TOKEN": TOKEN,
    }


class Gate:
    """Around each send of both consumers: after `open_for` sends have started, the next ones
    wait until `stopped()` (called with none in flight)."""

    def __init__(self, open_for: int) -> None:
        self.open_for, self.started, self.in_flight, self.stopped_box = open_for, 0, 0, False
        self.changed = threading.Condition()

    def wrap(self, send: Send) -> Send:
        def gated(claimed: Claimed) -> Transmission:
            with self.changed:
                self.changed.wait_for(lambda: self.started < self.open_for or self.stopped_box, timeout=WITHIN)
                self.started += 1
                self.in_flight += 1
            try:
                return send(claimed)
            finally:
                with self.changed:
                    self.in_flight -= 1
                    self.changed.notify_all()

        return gated

    def wait_quiet(self) -> None:
        with self.changed:
            quiet = self.changed.wait_for(lambda: self.started >= self.open_for and not self.in_flight, timeout=WITHIN)
        assert quiet, f"{self.started} sends started, {self.in_flight} in flight"

    def stopped(self) -> None:
        with self.changed:
            self.stopped_box = True
            self.changed.notify_all()


class Consumers:
    """Two threads, each delivering in a loop in an app context of its own, as the task queue's
    `deliver_outbox` does, with the clock `shift` ahead."""

    def __init__(self, app: Flask, gate: Gate) -> None:
        self.app, self.gate = app, gate
        self.shift = timedelta(0)
        self.sent, self.retrying, self.unknown = [0, 0], [0, 0], [0, 0]
        self.errors: list[BaseException] = []
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(2)]

    def run(self, number: int) -> None:
        try:
            with self.app.app_context():
                channels = {channel: self.gate.wrap(send) for channel, send in channel_senders().items()}
                while not self.done.is_set():
                    report = deliver_due(
                        session=db.session, smtp=smtp_settings(), channels=channels, now=utcnow() + self.shift
                    )
                    db.session.remove()
                    self.sent[number] += report.sent
                    self.retrying[number] += report.retrying
                    self.unknown[number] += report.unknown
                    if not (report.sent or report.retrying or report.gave_up):
                        self.done.wait(0.05)
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            self.errors.append(error)

    def __enter__(self) -> Consumers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=WITHIN)


def queue_notices() -> list[str]:
    references = [f"DRILL-{n:05d}" for n in range(1, NOTICES + 1)]
    for n, reference in enumerate(references, start=1):
        queued = queue_notice(
            session=db.session,
            event=NoticeEvent.DIBUAT,
            reference=reference,
            recipient=Recipient(phone=f"+{FIRST_NUMBER + n}", prefers=OutboxChannel.SMS),
            context={"reference": reference},
        )
        assert queued.channels == (OutboxChannel.SMS,)
    db.session.commit()
    return references


def outbox() -> list[tuple[str, OutboxState, int]]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(OutboxMessage.reference, OutboxMessage.state, OutboxMessage.attempts)).all()
    db.session.commit()
    return [(reference, OutboxState(state), attempts) for reference, state, attempts in rows]


def test_two_consumers_send_every_notice_exactly_once_across_a_smsbox_stop(app, kannel):
    references = queue_notices()
    gate = Gate(open_for=SENT_BEFORE_STOP)
    phone = []
    with Consumers(app, gate) as consumers:
        gate.wait_quiet()
        kannel.stop_smsbox()
        gate.stopped()

        def all_tried() -> bool:  # each one sent, or refused and waiting for its backoff
            return all(attempts >= 1 and state is not OutboxState.MENGIRIM for _r, state, attempts in outbox())

        wait_until(all_tried, timeout=WITHIN, what=lambda: f"not every notice was tried: {outbox()}")
        waiting = [reference for reference, state, _a in outbox() if state is OutboxState.ANTRE]
        phone += kannel.received(timeout=5, count=SENT_BEFORE_STOP)

        kannel.start_smsbox()
        consumers.shift = RETRY_AFTER

        def all_sent() -> bool:
            return all(state is OutboxState.TERKIRIM for _r, state, _a in outbox())

        wait_until(all_sent, timeout=WITHIN, what=lambda: f"not every notice was sent: {outbox()}")
    assert not consumers.errors, consumers.errors
    phone += kannel.received(timeout=WITHIN, count=NOTICES - len(phone))
    phone += kannel.received(timeout=2, count=1)  # anything sent twice would come meanwhile

    got = Counter(message.text.split("pengaduan ")[1].split(" ")[0] for message in phone)
    assert got == Counter(references)  # every one, none twice
    assert all(message.to == f"+{FIRST_NUMBER + int(message.text.split('DRILL-')[1][:5])}" for message in phone)
    assert len(waiting) == NOTICES - SENT_BEFORE_STOP  # tried while smsbox was away, queued again
    attempts = {reference: tries for reference, _s, tries in outbox()}
    assert {attempts[r] for r in waiting} == {2} and sum(attempts.values()) == NOTICES + len(waiting)
    assert sum(consumers.retrying) == len(waiting) and sum(consumers.unknown) == 0
    assert sum(consumers.sent) == NOTICES and all(consumers.sent), consumers.sent  # both consumers sent
