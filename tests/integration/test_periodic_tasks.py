"""The periodic tasks as the task queue runs them.

Two real consumers (`flask tasks worker`, tests/helpers/consumer.py) on Redis deliver every
queued e-mail exactly once to a real SMTP server on loopback: each consumer's scheduler queues
`deliver_outbox` when it starts (and every minute after), so two deliveries run at once in two
processes, claiming from the same outbox. The SMTP server answers no message before both are in
the middle of one, so they really overlap. Consumers take seconds to start: this runs on
PostgreSQL only (the production pair), like the pairs of tests/integration/test_task_queue.py.

The hourly purge of abandoned drafts runs in immediate mode (the task itself, in the test).
"""

from __future__ import annotations

import io
import os
from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.complaints import tasks as complaints_tasks
from portal.core.base import utcnow
from portal.extensions import db
from portal.models import Attachment, ComplaintDraft, FilingReceipt, OutboxMessage
from portal.notifications.models import OutboxState
from portal.tasks.queue import huey
from portal.web.settings import attachment_store
from tests.clock import running_at
from tests.helpers import free_port, wait_until
from tests.helpers.complaints import details, file_one, start
from tests.helpers.consumer import consumers
from tests.helpers.mail import SlowMailbox

MESSAGES = 120
DELIVERED_WITHIN = 60  # seconds, consumers' start included (never a speed check: a hang guard)


@pytest.fixture
def mailbox():
    """A real SMTP server on loopback that answers nothing before two connections are mid-message."""
    box = SlowMailbox(meet=2, hang=DELIVERED_WITHIN)
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def app_config(request, database_url):
    if "mailbox" not in request.fixturenames:
        return {}
    if not database_url.startswith("postgresql"):
        pytest.skip("consumers take a while to start: the server database's run covers it")
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis not configured: set TEST_REDIS_URL")
    box = request.getfixturevalue("mailbox")
    return {"TASK_QUEUE_URL": url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": box.port}


def queue_mail(count: int) -> list[str]:
    references = [f"SGP-2026-{n:06d}" for n in range(1, count + 1)]
    db.session.add_all(
        OutboxMessage(to_address=f"warga{n}@contoh.id", subject=f"Pengaduan {ref}: Diterima", body="Diperbarui.")
        for n, ref in enumerate(references)
    )
    db.session.commit()
    return references


def outbox() -> list[tuple[str, int, str]]:
    db.session.expire_all()
    return db.session.execute(sa.select(OutboxMessage.state, OutboxMessage.attempts, OutboxMessage.claimed_by)).all()


def test_two_consumers_deliver_every_queued_mail_exactly_once(app, tmp_path, mailbox):
    huey.flush()  # a queue of its own: nothing left from another run
    references = queue_mail(MESSAGES)

    with consumers(app, tmp_path, count=2, workers=2) as running:

        def delivered():
            return all(state == OutboxState.TERKIRIM for state, _a, _c in outbox())

        try:
            wait_until(delivered, timeout=DELIVERED_WITHIN, what="not every message was delivered")
        except AssertionError:
            raise AssertionError("\n".join(c.output()[-3000:] for c in running)) from None

    assert mailbox.references() == Counter(references)  # every one, none twice
    assert mailbox.met.is_set()  # two deliveries were in the middle of a message at once
    rows = outbox()
    assert {(state, attempts) for state, attempts, _c in rows} == {(OutboxState.TERKIRIM, 1)}
    processes = {claimant.split(":")[1] for _s, _a, claimant in rows}  # host:pid:run
    assert len(processes) >= 2, processes


def photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, "PNG")
    return out.getvalue()


def test_the_hourly_purge_removes_abandoned_drafts_with_their_files(app, client):
    store = attachment_store()
    assert file_one(app.test_client()).status_code == 303  # filed: its sealed confirmation lasts 30 minutes
    start(client)  # a draft with a photo, never sent
    assert details(client, files=[(io.BytesIO(photo()), "ktp.png")]).status_code == 303
    abandoned = db.session.execute(sa.select(Attachment.id, Attachment.storage_key)).one()
    assert store.exists(abandoned.storage_key)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FilingReceipt)) == 1

    later = utcnow() + timedelta(days=2, hours=2)  # a draft is not offered after 2 days (+ 1 hour's grace)
    with running_at(later):
        fresh = app.test_client()
        start(fresh)
        assert details(fresh, files=[(io.BytesIO(photo()), "kk.png")]).status_code == 303
        columns = (Attachment.id, Attachment.storage_key, Attachment.draft_token)
        live = db.session.execute(sa.select(*columns).where(Attachment.id != abandoned.id)).one()
        complaints_tasks.purge_abandoned()  # what the consumer runs at minute 17 of every hour

    db.session.expire_all()
    assert db.session.scalars(sa.select(Attachment.id)).all() == [live.id]
    assert not store.exists(abandoned.storage_key) and store.exists(live.storage_key)
    assert db.session.scalars(sa.select(ComplaintDraft.token)).all() == [live.draft_token]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FilingReceipt)) == 0


def test_the_purges_are_scheduled(app):
    """Registered with the queue when the app is built, at the times docs/operations.md gives (UTC)."""

    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2027, 3, 10, hour, minute))}  # noqa: DTZ001 (naive UTC)

    assert {"purge_abandoned", "deliver_outbox", "refresh_figures"} <= due(4, 17)
    assert "purge_abandoned" not in due(4, 18) and "deliver_outbox" in due(4, 18)
    assert "purge_check_log" in due(20, 23) and "purge_check_log" not in due(4, 23)  # 03.23 WIB, daily
