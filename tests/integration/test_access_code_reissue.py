"""Issue 16, point 10: an officer makes a new access code for a resident who lost the receipt,
after checking who asks. The old code (and every tracking session opened with it) dies at once;
the new one is shown once, on the answer to the POST, and written nowhere else."""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, EventKind
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.helpers.complaints import track


def act(client, case, action, **data):
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, **data})


def opens(app, reference: str, code: str) -> bool:
    resident = app.test_client()
    response = track(resident, reference, code)
    return response.status_code == 303 and response.headers["Location"] == "/pengaduan/lacak/kasus"


def test_a_new_code_opens_the_case_and_the_old_one_no_longer_does(app, client, caplog):
    case, old_code = complaint()
    officer = account()
    sign_in(client, officer)
    resident = app.test_client()
    assert track(resident, case.reference, old_code).status_code == 303  # a session opened with the old code
    assert resident.get("/pengaduan/lacak/kasus").status_code == 200
    assert act(client, case, "ambil").status_code == 303

    caplog.set_level(logging.DEBUG)
    response = act(client, case, "kode-akses", checked_how="KTP asli dilihat di kantor kecamatan")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    page = parse(response)
    new_code = page.select_one("#kode-akses").get_text(strip=True)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", new_code)  # grouped as on the receipt (issue 16)
    assert new_code != old_code
    assert page.select_one("#nomor").get_text(strip=True) == case.reference
    assert "sekali" in page.select_one(".notice[role=status]").get_text()

    assert not opens(app, case.reference, old_code)
    assert opens(app, case.reference, new_code)
    # the session opened with the old code is over too
    assert resident.get("/pengaduan/lacak/kasus").headers["Location"] == "/pengaduan/lacak"

    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "kode_akses_baru")).all()
    assert (event.object_type, event.object_id, event.account_id) == ("complaint", str(case.id), officer.id)
    assert "KTP asli dilihat" in event.detail and new_code not in event.detail and old_code not in event.detail
    assert new_code.replace("-", "") not in event.detail
    db.session.refresh(case)
    [note] = [e for e in case.events if e.kind is EventKind.CATATAN]
    assert not note.public and "Kode akses baru" in note.message and new_code not in note.message
    assert new_code not in caplog.text
    every_detail = " ".join(d or "" for d in db.session.scalars(sa.select(AuditEvent.detail)))
    assert new_code not in every_detail
    # the case page afterwards does not show it
    assert new_code not in client.get(f"/petugas/pengaduan/{case.reference}").get_data(as_text=True)
    # nor does the case page's timeline show it to the resident
    follower = app.test_client()
    track(follower, case.reference, new_code)
    assert "Kode akses baru" not in follower.get("/pengaduan/lacak/kasus").get_data(as_text=True)


def test_resending_the_form_makes_no_second_code(app, client):
    case, _ = complaint()
    sign_in(client, account("supervisor"))
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    form = page.select_one("#aksi-kode-akses form")
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    data = {**values, "checked_how": "Telepon ke nomor pada pengaduan, nama dan tanggal lahir cocok"}
    first = client.post(form["action"], data=data)
    code = parse(first).select_one("#kode-akses").get_text(strip=True)
    again = client.post(form["action"], data=data)  # the browser's reload of the answer
    assert again.status_code == 409
    assert opens(app, case.reference, code)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "kode_akses_baru")) == 1


def test_the_check_must_be_described_and_only_the_handling_officer_or_a_supervisor_may(app, client):
    case, old_code = complaint()
    sign_in(client, account())  # not assigned: the action is not offered, and refused
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-kode-akses") is None
    token = page.select_one("#aksi-catatan input[name=csrf_token]")["value"]
    refused = client.post(
        f"/petugas/pengaduan/{case.reference}/aksi/kode-akses",
        data={"csrf_token": token, "version": str(case.version), "checked_how": "KTP"},
    )
    assert refused.status_code == 400
    assert opens(app, case.reference, old_code)
    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    empty = act(boss, case, "kode-akses", checked_how="  ")
    assert empty.status_code == 400
    assert "Tulis bagaimana identitas pelapor diperiksa" in parse(empty).select_one(".error-summary").get_text()
    assert opens(app, case.reference, old_code)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "kode_akses_baru")) == 0
