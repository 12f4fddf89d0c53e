"""Only POST changes state or looks a person up.

Every rule of the URL map gets HEAD, GET, PUT, PATCH and DELETE with a form body that would file,
search or act if it were posted (a valid CSRF token, a NIK, a name, a category, a reply), from a
resident whose complaint and help-request drafts wait at their last step and from a supervisor
and an admin with an assisted filing waiting at its last step. Not one row may change anywhere,
except the audit trail's record of pages viewed (never a search; with its chain's head) and the statistics snapshot that
a visit to /statistik may refresh.
"""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, Base
from tests.factories import account, assistance_request, complaint, make_nik, person, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import NO_RATE_LIMITS, sample_path

METHODS = ("HEAD", "GET", "PUT", "PATCH", "DELETE")
MAY_CHANGE_ON_A_VISIT = {"audit_event", "audit_chain_head", "stats_snapshot"}  # the head: the chain's newest link


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


def fingerprint() -> dict[str, str]:
    """Every table's whole content, hashed: an update shows as well as an insert or a delete."""
    db.session.expire_all()
    prints = {}
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            prints[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return prints


def audit_actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def resident_with_drafts(client, nik: str) -> None:
    """A complaint and a help request, each stopped at "check your answers" (the step that sends)."""
    step1 = client.post(
        "/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": "terlewat"}
    )
    assert step1.status_code == 303
    details = {
        "csrf_token": csrf_token(client, "/pengaduan/baru/rincian"),
        "nik": nik,
        "nama": "Siti Aminah",
        "kelurahan": "32.75.01.1001",
        "pelapor": "sendiri",
        "telepon": "0812-3456-7890",
        "saluran": "whatsapp",
        "email": "korban@contoh.test",
        "uraian": "Saya pedagang kaki lima, desil 2, tetapi tidak terdaftar.",
    }
    assert client.post("/pengaduan/baru/rincian", data=details).status_code == 303
    help_form = {
        "csrf_token": csrf_token(client, "/bantuan"),
        "pemohon": "sendiri",
        "nama": "Ibu Sari Wulandari",
        "bantuan": ["kunjungan_rumah"],
        "keperluan": "usulan_calon",
        "uraian": "Saya tuli.",
        "telepon": "0812-3456-7890",
        "saluran": "whatsapp_video",
        "waktu": ["pagi"],
        "kecamatan": "32.75.01",
        "kelurahan": "32.75.01.1001",
        "jalan": "Jl. Melati 3",
        "rt": "3",
        "rw": "5",
    }
    assert client.post("/bantuan", data=help_form).status_code == 303


def officer_with_assisted_draft(client, nik: str) -> None:
    page_token = csrf_token(client, "/petugas/pengaduan/baru")
    assert (
        client.post(
            "/petugas/pengaduan/baru", data={"csrf_token": page_token, "kategori": "terlewat", "bantuan": ""}
        ).status_code
        == 303
    )
    details = {
        "csrf_token": csrf_token(client, "/petugas/pengaduan/baru/rincian"),
        "nik": nik,
        "nama": "Pak Darto",
        "kelurahan": "32.75.01.1001",
        "pelapor": "sendiri",
        "persetujuan": "y",
        "telepon": "0812 3456 7890",
        "saluran": "telepon",
        "email": "",
        "uraian": "Datang ke loket, desil 1, tidak terdaftar.",
    }
    response = client.post("/petugas/pengaduan/baru/rincian", data=details)
    assert response.status_code == 303, [e.get_text(" ", strip=True) for e in parse(response).select(".error-message")]


def form_body(token: str, nik: str) -> dict:
    """What a form would need to file, search or act, if it were a POST."""
    return {
        "csrf_token": token,
        "nik": nik,
        "nama": "Siti Aminah",
        "q": nik,
        "nomor": "SGP-2026-000001",
        "kode": "AAAA-BBBB",
        "kategori": "terlewat",
        "pesan": "Balasan",
        "catatan": "Catatan",
        "email": "x@y.test",
        "password": "kata-sandi-uji-123",
        "code": "123456",
        "kelurahan": "32.75.01.1001",
        "alasan": "lainnya",
    }


def walk(app, client, nik: str, who: str) -> list[str]:
    token = csrf_token(client, "/cek-status")
    body = form_body(token, nik)
    changed = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        path = sample_path(rule)
        for method in METHODS:
            before, actions = fingerprint(), len(audit_actions())
            response = client.open(
                path,
                method=method,
                data=body,
                query_string={"q": nik} if method != "HEAD" else {"q": nik, "objek": nik},
            )
            assert response.status_code < 500, (who, method, path, response.status_code)
            after = fingerprint()
            tables = sorted(name for name in after if after[name] != before[name] and name not in MAY_CHANGE_ON_A_VISIT)
            searches = [a for a in audit_actions()[actions:] if "search" in a or "cari" in a]
            if tables or searches:
                changed.append(f"{who} {method} {path}: {tables or searches}")
    return changed


def test_no_method_but_post_writes_a_row_or_looks_anyone_up(app, client):
    nik = make_nik(female=True)
    person(nik=nik, nama="Siti Aminah")
    complaint(subject_nik=make_nik())
    assistance_request()
    resident_with_drafts(client, make_nik(female=True))

    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    officer_with_assisted_draft(supervisor, make_nik())
    admin = app.test_client()
    sign_in(admin, account("admin", totp=True))

    changed = walk(app, client, nik, "resident") + walk(app, supervisor, nik, "supervisor")
    changed += walk(app, admin, nik, "admin")
    assert changed == []
