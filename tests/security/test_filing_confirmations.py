"""After filing, the reference and access code are shown to the browser that filed, for 30
minutes, and never sit readable in the session cookie (signed, not encrypted): the next person
on a shared phone cannot track the case, nor read the code from the cookie."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import account, make_nik, sign_in
from tests.helpers import csrf_token, parse

COMPLAINT = {
    "nama": "Siti Aminah",
    "kelurahan": "32.75.01.1001",
    "pelapor": "sendiri",
    "telepon": "0812-3456-7890",
    "saluran": "whatsapp",
    "email": "",
    "uraian": "Pedagang kaki lima, desil 2, belum terdaftar.",
}
HELP = {
    "pemohon": "sendiri",
    "nama": "Ibu Sari Wulandari",
    "bantuan": ["juru_bahasa_isyarat"],
    "keperluan": "usulan_calon",
    "uraian": "Saya tuli; penyakit saya tidak perlu diketahui orang lain.",
    "telepon": "0812-3456-7890",
    "saluran": "whatsapp_video",
    "waktu": ["pagi"],
    "kecamatan": "32.75.01",
    "kelurahan": "32.75.01.1001",
    "jalan": "Jl. Melati 3",
    "rt": "3",
    "rw": "5",
}


def file_complaint(client) -> str:
    client.post("/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": "terlewat"})
    client.post(
        "/pengaduan/baru/rincian",
        data={"csrf_token": csrf_token(client, "/pengaduan/baru/rincian"), "nik": make_nik(female=True), **COMPLAINT},
    )
    sent = client.post("/pengaduan/baru/periksa", data={"csrf_token": csrf_token(client, "/pengaduan/baru/periksa")})
    return sent.headers["Location"]


def file_help_request(client) -> str:
    client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan"), **HELP})
    sent = client.post("/bantuan/periksa", data={"csrf_token": csrf_token(client, "/bantuan/periksa")})
    return sent.headers["Location"]


def file_for_a_walk_in(client) -> str:
    client.post(
        "/petugas/pengaduan/baru",
        data={"csrf_token": csrf_token(client, "/petugas/pengaduan/baru"), "kategori": "terlewat", "bantuan": ""},
    )
    client.post(
        "/petugas/pengaduan/baru/rincian",
        data={
            "csrf_token": csrf_token(client, "/petugas/pengaduan/baru/rincian"),
            "nik": make_nik(),
            **COMPLAINT,
            "persetujuan": "y",
        },
    )
    sent = client.post(
        "/petugas/pengaduan/baru/periksa", data={"csrf_token": csrf_token(client, "/petugas/pengaduan/baru/periksa")}
    )
    return sent.headers["Location"]


@pytest.mark.parametrize("flow", [file_complaint, file_help_request, file_for_a_walk_in])
def test_the_confirmation_shows_the_code_for_30_minutes_and_the_cookie_never_holds_it(app, client, flow):
    if flow is file_for_a_walk_in:
        sign_in(client, account())
    page_path = flow(client)
    page = parse(client.get(page_path))
    reference, code = (c.get_text(strip=True) for c in page.select(".panel-code"))
    receipt = page.select_one("a.button[href$='.pdf']")["href"]
    assert client.get(receipt).mimetype == "application/pdf"

    cookie = client.get_cookie("session").value
    data = app.session_interface.get_signing_serializer(app).loads(cookie)
    bare = code.replace("-", "")
    assert bare not in repr(data) and code not in repr(data) and reference not in repr(data)

    filed_at = datetime.now(UTC)
    with time_machine.travel(filed_at + timedelta(minutes=20), tick=True):
        assert client.get(page_path).status_code == 200  # an officer's session stays open meanwhile
    with time_machine.travel(filed_at + timedelta(minutes=31), tick=True):
        gone = client.get(page_path)
        assert gone.status_code == 404
        assert "hanya ditampilkan 30 menit" in parse(gone).get_text()
        assert client.get(receipt).status_code == 404
        assert code not in client.get(page_path).get_data(as_text=True)


def test_a_confirmation_the_database_cannot_show_yet_says_the_filing_was_kept(app, client, monkeypatch):
    """The filing committed and answered its 303; the database then went away before the
    confirmation page was read. The resident is told it is stored (not "nothing was lost, try
    again", which invites a second filing), and the page shows once the database is back."""
    from portal import create_app

    page_path = file_complaint(client)
    cookie = client.get_cookie("session").value
    monkeypatch.setenv("SIGAP_ENV", "testing")
    down = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/none"})
    resident = down.test_client()
    resident.set_cookie("session", cookie)
    waiting = resident.get(page_path)
    assert waiting.status_code == 503
    assert "sudah tersimpan" in parse(waiting).get_text() and "Jangan kirim ulang" in parse(waiting).get_text()
    assert client.get(page_path).status_code == 200
