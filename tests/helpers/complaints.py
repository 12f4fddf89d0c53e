"""Steps of the complaint pages (filing, tracking, the officer's search), shared by test modules."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.complaints.services.lifecycle import Actor, transition
from portal.core.base import utcnow
from portal.core.trail import ActedBy
from portal.core.workdays import WorkCalendar, local_date
from portal.extensions import db
from portal.models import Account
from tests.factories import account, make_nik
from tests.helpers import csrf_token

DETAILS = {
    "nama": "Siti Ma'rifah",
    "kelurahan": "32.75.01.1001",
    "pelapor": "sendiri",
    "telepon": "0812-3456-7890",
    "saluran": "whatsapp",
    "email": "",
    "uraian": "Saya pedagang kaki lima, desil 2, tetapi tidak terdaftar.",
}


def incident(days_ago: int = 15, **overrides) -> dict:
    """What a pungli report's details step asks (where, when, what was asked), for a day before
    the test clock's today."""
    when = local_date(utcnow()) - timedelta(days=days_ago)
    return {
        "tempat": "Kantor kelurahan, loket pendaftaran",
        "tanggal": when.strftime("%d-%m-%Y"),
        "diminta": "Uang Rp 300.000 untuk biaya pendaftaran",
        "identitas": "kontak",
        **overrides,
    }


def start(client, kategori="terlewat", **extra):
    token = csrf_token(client, "/pengaduan/baru")
    return client.post("/pengaduan/baru", data={"csrf_token": token, "kategori": kategori, **extra})


def details(client, files=None, **overrides):
    token = csrf_token(client, "/pengaduan/baru/rincian")
    data = {"csrf_token": token, "nik": make_nik(female=True), **DETAILS, **overrides}
    if files:
        data["lampiran"] = files
    return client.post("/pengaduan/baru/rincian", data=data, content_type="multipart/form-data")


def submit(client):
    token = csrf_token(client, "/pengaduan/baru/periksa")
    return client.post("/pengaduan/baru/periksa", data={"csrf_token": token})


def track(client, reference, code, headers=None):
    token = csrf_token(client, "/pengaduan/lacak")
    return client.post(
        "/pengaduan/lacak", data={"csrf_token": token, "nomor": reference, "kode": code}, headers=headers or {}
    )


def an_officer() -> ActedBy:
    """The first officer's account, made if there is none (a timeline line names a real one)."""
    return ActedBy.officer(db.session.scalars(sa.select(Account.id)).first() or account().id)


def officer_moves(case, target, message="", actor=Actor.PETUGAS):
    transition(
        session=db.session,
        complaint=case,
        target=target,
        actor=actor,
        acted_by=an_officer(),
        message=message,
        calendar=WorkCalendar(),
    )
    db.session.commit()


def nik_search(client, nik: str):
    """The queue's NIK search as a browser sends it: by POST, never in an address."""
    return client.post("/petugas/pengaduan", data={"csrf_token": csrf_token(client, "/petugas/pengaduan"), "nik": nik})


def file_one(client, kategori="terlewat", **overrides):
    start(client, kategori)
    assert details(client, **overrides).status_code == 303
    return submit(client)
