"""Issue 16 point 1: an action refused because the case changed meanwhile shows the case again,
in its new state, says what changed and who changed it, and keeps what the officer typed."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ComplaintStatus, EventKind
from tests.factories import account, assistance_request, complaint, sign_in
from tests.helpers import parse


def _form(client, case, action):
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    return form, {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def _named(made, name):
    made.name = name
    db.session.commit()
    return made


def _open_case(app, client, officer_name="Andi Petugas"):
    officer = _named(account(), officer_name)
    supervisor = _named(account("supervisor"), "Rina Supervisor")
    case, _ = complaint()
    sign_in(client, officer)
    boss = app.test_client()
    sign_in(boss, supervisor)
    form, hidden = _form(client, case, "ambil")
    assert client.post(form["action"], data=hidden).status_code == 303
    return officer, boss, case


def _act(client, case, action, **data):
    form, hidden = _form(client, case, action)
    return client.post(form["action"], data={**hidden, **data})


def test_a_resolved_case_is_shown_again_with_who_resolved_it_and_the_typed_request_kept(client, app):
    _, boss, case = _open_case(app, client)
    stale, hidden = _form(client, case, "minta-informasi")  # officer A opens the form ...
    long_text = "Mohon kirim foto KK terbaru dan surat keterangan usaha dari kelurahan."
    response = _act(  # ... while the supervisor resolves the case
        boss,
        case,
        "selesaikan",
        outcome="selesai",
        code="didaftarkan",
        next_step="Cek status bulan depan.",
        message="Anda sudah diusulkan.",
    )
    assert response.status_code == 303
    response = client.post(stale["action"], data={**hidden, "message": long_text})

    assert response.status_code == 409
    page = parse(response)
    assert page.select_one("nav") is not None and page.select_one("h1").get_text(strip=True) == (
        f"Pengaduan {case.reference}"
    )  # the officers' case page, not an error page in the public layout
    box = page.select_one("#berubah")
    text = box.get_text(" ", strip=True)
    assert "sudah diubah sejak Anda membukanya" in text
    assert "Minta informasi dari warga" in text and "Status sekarang: Selesai" in text
    changes = [li.get_text(" ", strip=True) for li in box.select("ul.changes li")]
    # concluding a new case verifies it on the way: two lines, the newest first
    assert [c.split(",")[0] for c in changes] == ["Selesai — Rina Supervisor", "Sedang diperiksa — Rina Supervisor"]
    assert "Anda sudah diusulkan." in changes[0]
    # the action is no longer offered: the text waits in an internal note, and is shown to copy
    assert page.select_one("#aksi-minta-informasi") is None
    note = page.select_one("#aksi-catatan")
    assert note.has_attr("open") and note.select_one("textarea").get_text().strip() == long_text
    assert box.select_one("#teks-anda").get_text() == long_text
    # no link on the page leads to a POST-only address
    assert not [a["href"] for a in page.select("a[href]") if "/aksi/" in a["href"]]
    # the note form carries the new version: saving it works
    form = note.select_one("form")
    hidden = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    assert client.post(form["action"], data={**hidden, "message": long_text}).status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI
    assert [e.message for e in case.events if e.kind is EventKind.CATATAN] == [long_text]


def test_an_action_still_open_keeps_its_form_with_the_typed_data_and_the_new_version(client, app):
    _, boss, case = _open_case(app, client)
    stale, hidden = _form(client, case, "balas")
    assert _act(boss, case, "catatan", message="Sudah saya telepon, warga mengirim KK besok.").status_code == 303
    assert _act(boss, case, "verifikasi").status_code == 303
    response = client.post(stale["action"], data={**hidden, "message": "Kami sedang memeriksa data DTSEN Anda."})

    assert response.status_code == 409
    page = parse(response)
    changes = [li.get_text(" ", strip=True) for li in page.select("#berubah ul.changes li")]
    assert [c.split(" — ")[0] for c in changes] == ["Sedang diperiksa", "Catatan internal"]  # the newest first
    assert all("Rina Supervisor" in c for c in changes)
    reply = page.select_one("#aksi-balas")
    assert reply.has_attr("open")
    assert reply.select_one("textarea").get_text().strip() == "Kami sedang memeriksa data DTSEN Anda."
    assert "masih ada di formulir" in page.select_one("#berubah").get_text()
    form = reply.select_one("form")
    hidden = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    assert client.post(form["action"], data={**hidden, "message": "Kami sedang memeriksa."}).status_code == 303
    db.session.refresh(case)
    assert [e.message for e in case.events if e.kind is EventKind.BALASAN] == ["Kami sedang memeriksa."]


def test_a_case_taken_by_another_officer_says_who_has_it_now(client, app):
    first = account()
    case, _ = complaint()
    sign_in(client, first)
    other = app.test_client()
    sign_in(other, _named(account(), "Budi Kedua"))
    stale, hidden = _form(client, case, "ambil")
    assert _act(other, case, "ambil").status_code == 303
    response = client.post(stale["action"], data=hidden)
    assert response.status_code == 409
    text = parse(response).select_one("#berubah").get_text(" ", strip=True)
    assert "sekarang Budi Kedua" in text
    db.session.refresh(case)
    assert case.assigned_to_id != first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(type(case))) == 1


def _help_form(client, found, action):
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    return form, {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def test_a_help_request_closed_meanwhile_keeps_the_typed_schedule_note(client, app):
    officer = _named(account(), "Andi Petugas")
    supervisor = _named(account("supervisor"), "Rina Supervisor")
    found, _ = assistance_request()
    sign_in(client, officer)
    form, hidden = _help_form(client, found, "ambil")
    assert client.post(form["action"], data=hidden).status_code == 303
    stale, hidden = _help_form(client, found, "jadwalkan")
    boss = app.test_client()
    sign_in(boss, supervisor)
    form, boss_hidden = _help_form(boss, found, "hasil")
    closed = boss.post(
        form["action"], data={**boss_hidden, "hasil-outcome": "tidak_dapat_dihubungi", "hasil-message": "Tiga kali."}
    )
    assert closed.status_code == 303
    typed = "Bawa formulir pendaftaran dan juru bahasa isyarat."
    response = client.post(
        stale["action"],
        data={
            **hidden,
            "jadwalkan-kind": "telepon",
            "jadwalkan-on": "2030-01-07",
            "jadwalkan-at": "10:00",
            "jadwalkan-officer": str(officer.id),
            "jadwalkan-message": typed,
        },
    )
    assert response.status_code == 409
    page = parse(response)
    box = page.select_one("#berubah")
    assert "Permintaan ini sudah diubah sejak Anda membukanya" in box.get_text()
    assert "Rina Supervisor" in box.select_one("ul.changes li").get_text()
    assert page.select_one("#aksi-jadwalkan") is None
    note = page.select_one("#aksi-catatan")
    assert note.has_attr("open") and note.select_one("textarea").get_text().strip() == typed
    assert not [a["href"] for a in page.select("a[href]") if "/aksi/" in a["href"]]
