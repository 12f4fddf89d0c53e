"""/petugas/email-bermasalah: an email that gave up (or may or may not have gone out) is shown to
supervisors and admins without the address in clear, and put back in the queue with one audited
POST; the CLI says "gagal permanen" when a message gives up. A real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.core.base import utcnow
from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, OutboxState
from portal.notifications.services import outbox_staff as outbox
from tests.factories import account, complaint, sign_in
from tests.helpers import csrf_token, free_port, parse
from tests.helpers.mail import Inbox

PAGE = "/petugas/email-bermasalah"


@pytest.fixture
def mail_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def send(app, port: int) -> str:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def message(reference: str) -> OutboxMessage:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.reference == reference)).one()


def rows(response) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in parse(response).select("main table tbody tr")
    ]


def test_a_message_that_gives_up_is_said_by_the_cli_shown_to_staff_and_queued_again(app, client, mail_server):
    port, inbox = mail_server
    case, _ = complaint(email="budi.santoso@contoh.id")
    db.session.execute(sa.update(OutboxMessage).values(attempts=outbox.MAX_ATTEMPTS - 1))
    db.session.commit()
    output = send(app, free_port())  # the mail server is not there, for the last time
    assert "Gagal permanen 1" in output and "gagal 0 (dicoba lagi nanti)" in output, output
    assert message(case.reference).state is OutboxState.GAGAL

    supervisor = account("supervisor")
    sign_in(client, supervisor)
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "budi.santoso@contoh.id" not in html and "kode akses" not in html  # no address, no body
    [row] = rows(page)
    assert row[:5] == [case.reference, "Email", "b***@c***.id", "Gagal permanen", str(outbox.MAX_ATTEMPTS)]
    assert row[6].startswith("ConnectionRefusedError")
    assert parse(page).select_one(f"main a[href='/petugas/pengaduan/{case.reference}']")
    assert parse(page).select_one(f"nav a[href='{PAGE}']")  # in the officer menu

    action = f"{PAGE}/{message(case.reference).id}/antrekan"
    response = client.post(action, data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 303 and response.headers["Location"] == PAGE
    queued = message(case.reference)
    assert (queued.state, queued.attempts) == (OutboxState.ANTRE, 0) and queued.next_attempt_at <= utcnow()
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "antrekan_lagi")).one()
    assert (event.account_id, event.object_type, event.object_id) == (supervisor.id, "outbox_message", str(queued.id))
    assert case.reference in event.detail and "budi.santoso" not in event.detail
    assert "diantrekan lagi" in parse(client.get(PAGE)).get_text()

    assert send(app, port).startswith("Terkirim 1, gagal 0")
    assert len(inbox.messages) == 1 and rows(client.get(PAGE))[0][0] == "Tidak ada email bermasalah."
    again = client.post(action, data={"csrf_token": csrf_token(client, PAGE)})  # sent now: nothing to do
    assert again.status_code == 303 and message(case.reference).state is OutboxState.TERKIRIM
    assert "tidak lagi bermasalah" in parse(client.get(PAGE)).get_text()
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "antrekan_lagi")) == 1


def _stuck_messages() -> dict[str, str]:
    """One message in each state, the claim of a dead sender included. reference -> state."""
    now = utcnow()
    made = {
        "SGP-2026-000001": dict(
            state=OutboxState.GAGAL,
            attempts=12,
            last_error=(
                "SMTPRecipientsRefused: {'siti.aminah@contoh.id': (550, b'5.1.1 <siti.aminah@contoh.id> unknown')}"
            ),
        ),
        "SGP-2026-000002": dict(state=OutboxState.TIDAK_PASTI, attempts=1, last_error="TimeoutError: timed out"),
        "SGP-2026-000003": dict(
            state=OutboxState.MENGIRIM, attempts=1, claimed_by="host:1:ab", lease_until=now - timedelta(minutes=1)
        ),  # its sender died: not marked yet
        "SGP-2026-000004": dict(
            state=OutboxState.MENGIRIM, attempts=1, claimed_by="host:2:cd", lease_until=now + timedelta(minutes=4)
        ),  # being sent right now
        "SGP-2026-000005": dict(state=OutboxState.ANTRE),
        "SGP-2026-000006": dict(state=OutboxState.TERKIRIM, attempts=1, sent_at=now),
    }
    for n, (reference, fields) in enumerate(made.items()):
        db.session.add(
            OutboxMessage(
                reference=reference,
                to_address=f"siti.aminah{n}@contoh.id",
                subject=f"Pengaduan {reference}: Diterima",
                body="Isi rahasia.",
                last_attempt_at=now - timedelta(minutes=n),
                **fields,
            )
        )
    db.session.commit()
    return {reference: fields["state"] for reference, fields in made.items()}


def test_the_page_lists_what_needs_a_person_and_nothing_more(app, client):
    _stuck_messages()
    sign_in(client, account("admin", totp=True))
    page = client.get(PAGE)
    assert page.status_code == 200
    listed = rows(page)
    assert [(r[0], r[3]) for r in listed] == [
        ("SGP-2026-000001", "Gagal permanen"),
        ("SGP-2026-000002", "Tidak pasti"),
        ("SGP-2026-000003", "Tidak pasti"),
    ]
    html = page.get_data(as_text=True)
    assert "siti.aminah" not in html and "Isi rahasia" not in html
    assert "s***@c***.id" in listed[0][6]  # the address inside the server's error is masked too
    assert listed[2][6] == "LeaseExpired: host:1:ab"
    counts = parse(page).select_one("main .status-counts").get_text(" ", strip=True)
    assert "Gagal permanen: 1 Tidak pasti: 2 Dalam antrean: 1" in counts and "Sedang dikirim: 1" in counts
    viewed = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "outbox_message")).one()
    assert (viewed.action, viewed.detail) == ("lihat", "bermasalah=3")


@pytest.mark.parametrize("role", ["officer"])
def test_officers_neither_see_nor_act(app, client, role):
    made = _stuck_messages()
    sign_in(client, account(role))
    assert client.get(PAGE).status_code == 403
    assert not parse(client.get("/petugas/akun")).select_one(f"a[href='{PAGE}']")
    token = csrf_token(client, "/petugas/akun")
    first = db.session.scalar(sa.select(sa.func.min(OutboxMessage.id)))
    assert client.post(f"{PAGE}/{first}/antrekan", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{PAGE}/antrekan-gagal", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{PAGE}/{first}/sudah-sampai", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert {m.reference: m.state for m in db.session.scalars(sa.select(OutboxMessage))} == made


def test_an_unknown_message_is_queued_again_only_by_its_own_action(app, client):
    made = _stuck_messages()
    sign_in(client, account("supervisor"))
    token = csrf_token(client, PAGE)
    response = client.post(f"{PAGE}/antrekan-gagal", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    now = {m.reference: m.state for m in db.session.scalars(sa.select(OutboxMessage))}
    assert now == {**made, "SGP-2026-000001": OutboxState.ANTRE}  # tidak pasti ones need checking one by one

    live = message("SGP-2026-000004")  # a live claim is not stuck: refused, nothing changes
    assert client.post(f"{PAGE}/{live.id}/antrekan", data={"csrf_token": token}).status_code == 303
    assert message("SGP-2026-000004").state is OutboxState.MENGIRIM
    dead = message("SGP-2026-000003")
    assert client.post(f"{PAGE}/{dead.id}/antrekan", data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert message("SGP-2026-000003").state is OutboxState.ANTRE
    events = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "antrekan_lagi").order_by(AuditEvent.id)
    ).all()
    assert [e.split()[:2] for e in events] == [["SGP-2026-000001", "gagal"], ["SGP-2026-000003", "tidak_pasti"]]
    assert not any("siti.aminah" in e for e in events)


def test_an_unknown_message_that_did_arrive_is_marked_so_and_leaves_the_list(app, client):
    _stuck_messages()
    sign_in(client, account("supervisor"))
    token = csrf_token(client, PAGE)
    arrived, failed = message("SGP-2026-000002"), message("SGP-2026-000001")
    assert client.post(f"{PAGE}/{arrived.id}/sudah-sampai", data={"csrf_token": token}).status_code == 303
    assert client.post(f"{PAGE}/{failed.id}/sudah-sampai", data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    done = message("SGP-2026-000002")
    assert done.state is OutboxState.TERKIRIM and done.sent_at == done.last_attempt_at
    assert message("SGP-2026-000001").state is OutboxState.GAGAL  # only an uncertain one can have arrived
    assert [r[0] for r in rows(client.get(PAGE))] == ["SGP-2026-000001", "SGP-2026-000003"]
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "tandai_terkirim")).one()
    assert (event.object_id, event.detail) == (str(done.id), "SGP-2026-000002 tidak_pasti")


def test_the_page_in_english(app, client):
    _stuck_messages()
    sign_in(client, account("supervisor"))
    page = parse(client.get(PAGE + "?lang=en"))
    assert page.select_one("h1").get_text(strip=True) == "Undelivered emails"
    assert "Failed for good" in page.select_one("main table").get_text()


def test_mail_that_failed_and_waits_to_be_tried_again_is_said_with_its_error(app, client):
    """The mail server was down: nothing has given up yet, but supervisors see that residents'
    e-mails are not going out, and why (a new-user trial found the page silent for hours)."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
    complaint(email="siti.aminah@contoh.id")  # queues "Diterima"
    complaint(email="budi@contoh.id")
    sign_in(client, account("supervisor"))
    quiet = parse(client.get(PAGE))
    assert quiet.select_one("main .notice[role=status]") is None  # nothing has failed yet
    send(app, app.config["SMTP_PORT"])
    notice = parse(client.get(PAGE)).select_one("main .notice[role=status]").get_text(" ", strip=True)
    assert notice.startswith("2 email belum terkirim dan menunggu dicoba lagi")
    assert "Galat terakhir:" in notice and "Connection refused" in notice
    assert "siti.aminah" not in notice and "budi@" not in notice
