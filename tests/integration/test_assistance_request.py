"""/bantuan: a request for help (for oneself or someone else), its BTN reference and access code,
tracking at /pengaduan/lacak, and the rules for disability data."""

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from portal.core.trail import ActedBy
from portal.extensions import db
from portal.models import (
    AssistanceDisability,
    AssistanceRequest,
    AssistanceStatus,
    AuditEvent,
    ComplaintDraft,
)
from tests.factories import account
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import FORM, send


def ask(client, **overrides):
    data = {"csrf_token": csrf_token(client, "/bantuan"), **FORM, **overrides}
    return client.post("/bantuan", data={k: v for k, v in data.items() if v is not None})


def file_request(client, **overrides) -> tuple[str, str]:
    assert ask(client, **overrides).status_code == 303
    assert send(client).status_code == 303
    page = parse(client.get("/bantuan/terkirim"))
    reference, code = (c.get_text(strip=True) for c in page.select(".panel-code"))
    return reference, code


def track(client, reference, code):
    token = csrf_token(client, "/pengaduan/lacak")
    return client.post("/pengaduan/lacak", data={"csrf_token": token, "nomor": reference, "kode": code})


def errors(response) -> list[str]:
    return [a.get_text(strip=True) for a in parse(response).select(".error-summary li a")]


def test_the_form_renders_every_field_through_the_macros(client):
    page = parse(client.get("/bantuan"))
    assert page.select_one("h1").get_text(strip=True) == "Minta bantuan"
    kinds = page.select("fieldset input[type=checkbox][name=bantuan]")
    assert [k["value"] for k in kinds] == [
        "kunjungan_rumah",
        "telepon",
        "whatsapp",
        "juru_bahasa_isyarat",
        "pendampingan_kantor",
        "bantuan_formulir",
    ]
    for control in page.select("form input:not([type=hidden]), form select, form textarea"):
        assert page.select_one(f"label[for={control['id']}]") is not None, control["id"]
    kelurahan = page.select("select#kelurahan optgroup")
    assert len(kelurahan) == 12 and len(page.select("select#kelurahan option")) == 57  # 56 + "choose"
    assert page.select_one("#kelurahan-status[aria-live=polite]") is not None


def test_request_for_oneself_gives_a_btn_reference_code_and_contact_date(client):
    assert ask(client).headers["Location"] == "/bantuan/periksa"
    summary = parse(client.get("/bantuan/periksa")).select_one("dl.summary").get_text(" ", strip=True)
    assert "Ibu Sari Wulandari" in summary and "Juru bahasa isyarat (BISINDO)" in summary
    assert "RT 003 RW 005" in summary and "+6281234567890" in summary and "Tidak diisi" in summary
    assert send(client).headers["Location"] == "/bantuan/terkirim"
    page = parse(client.get("/bantuan/terkirim"))
    reference, code = (c.get_text(strip=True) for c in page.select(".panel-code"))
    assert re.fullmatch(r"BTN-\d{4}-000001", reference)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    found = db.session.scalars(sa.select(AssistanceRequest)).one()
    assert found.status is AssistanceStatus.DITERIMA and found.phone == "+6281234567890"
    assert [k.value for k in found.kinds] == ["juru_bahasa_isyarat", "kunjungan_rumah"]
    assert found.preferred_times == ["pagi", "sore"] and found.rt == "003"
    assert found.contact_due.strftime("%-d") in page.select_one("main ol").get_text()
    assert code.replace("-", "") not in found.access_code_hash
    assert not found.has_disability_data and found.disabilities == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0  # draft gone


def test_references_are_gap_free_per_series_and_complaints_keep_theirs(client):
    from tests.factories import complaint

    first, _ = file_request(client)
    case, _ = complaint()
    second, _ = file_request(client)
    assert first.endswith("-000001") and second.endswith("-000002") and first[:8] == second[:8]
    assert re.fullmatch(r"SGP-\d{4}-000001", case.reference)


def test_for_someone_else_needs_name_relationship_and_consent(client):
    response = ask(client, pemohon="pendamping")
    assert response.status_code == 400
    assert errors(response) == [
        "Tulis nama Anda sebagai pemohon.",
        "Tulis hubungan Anda dengan orang yang memerlukan bantuan.",
        "Bantuan untuk orang lain perlu persetujuannya. Centang jika ia sudah setuju.",
    ]
    reference, _ = file_request(
        client, pemohon="pendamping", nama_pemohon="Rina", hubungan="pendamping JBI", persetujuan="y"
    )
    found = db.session.scalars(sa.select(AssistanceRequest)).one()
    assert found.requester_name == "Rina" and found.consent_recorded and found.reference == reference


def test_what_is_required_and_the_messages_say_what_to_do(client):
    response = ask(client, nama="", bantuan=None, keperluan=None, telepon="12", kecamatan="", kelurahan="", jalan="")
    assert response.status_code == 400
    assert errors(response) == [
        "Tulis nama orang yang memerlukan bantuan.",
        "Pilih paling sedikit satu jenis bantuan.",
        "Pilih keperluannya.",
        "Nomor telepon harus nomor Indonesia, diawali 08 atau +62.",
        "Pilih kecamatan tempat tinggal.",
        "Pilih kelurahan tempat tinggal.",
    ]
    page = parse(response)
    assert page.select_one("title").get_text().startswith("Kesalahan:")
    link = page.select_one(".error-summary a[href='#bantuan-0']")
    assert link is not None and page.select_one("#bantuan-0") is not None
    assert page.select_one("#nama")["aria-invalid"] == "true"
    assert "nama-error" in page.select_one("#nama")["aria-describedby"]


def test_a_home_visit_needs_the_street_and_rt_rw_are_numbers(client):
    response = ask(client, jalan="", rt="tiga")
    assert errors(response) == [
        "Tulis alamat rumah agar petugas dapat datang.",
        "RT ditulis dengan angka, misalnya 003.",
    ]
    assert ask(client, jalan="", bantuan=["telepon"], rt="").status_code == 303


def test_the_kelurahan_must_be_in_the_chosen_kecamatan(client):
    response = ask(client, kecamatan="32.75.02")
    assert errors(response) == [
        "Kelurahan ini tidak berada di Kecamatan Bekasi Barat. Pilih kelurahan di kecamatan "
        "itu, atau ubah kecamatannya."
    ]


def test_choosing_a_kecamatan_narrows_the_kelurahan_list(client):
    page = parse(client.get("/bantuan?kecamatan=32.75.01"))
    assert page.select_one("#kecamatan option[selected]")["value"] == "32.75.01"
    assert [o.get_text() for o in page.select("#kelurahan option")][1:] == [
        "Arenjaya",
        "Bekasijaya",
        "Durenjaya",
        "Margahayu",
    ]
    fragment = parse(client.get("/bantuan?kecamatan=32.75.01&kelurahan=32.75.02.1001", headers={"HX-Request": "true"}))
    assert fragment.select_one("h1") is None and fragment.select_one("#kelurahan-group select#kelurahan")
    assert fragment.select_one("#kelurahan option[selected]")["value"] == ""  # not in that kecamatan
    status = fragment.select_one("#kelurahan-status[hx-swap-oob=innerHTML]")
    assert status.get_text(strip=True) == "Pilihan kelurahan diperbarui: 4 kelurahan di Kecamatan Bekasi Timur."


def test_disability_without_consent_is_refused_and_not_stored(client):
    response = ask(client, disabilitas=["sensorik_rungu"], kebutuhan="perlu juru bahasa isyarat")
    assert response.status_code == 400
    assert errors(response) == [
        "Anda mengisi data disabilitas tetapi belum memberi persetujuan. Centang persetujuan, "
        "atau kosongkan data disabilitas: bantuan tetap diberikan tanpa data ini."
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)) == 0
    page = parse(response)  # what was typed comes back to be corrected, nothing else
    assert page.select_one("#disabilitas-4").has_attr("checked")


def test_nothing_about_disability_is_needed_and_consent_alone_stores_nothing(client):
    file_request(client, persetujuan_disabilitas="y")
    found = db.session.scalars(sa.select(AssistanceRequest)).one()
    assert found.disability_consent_at is None and found.disabilities == []


def test_disability_with_consent_is_stored_and_the_resident_can_delete_it(client):
    reference, code = file_request(
        client,
        disabilitas=["sensorik_rungu", "sensorik_wicara"],
        kebutuhan="Rumah di lantai dua",
        persetujuan_disabilitas="y",
    )
    found = db.session.scalars(sa.select(AssistanceRequest)).one()
    assert [d.category.value for d in found.disabilities] == ["sensorik_rungu", "sensorik_wicara"]
    assert found.disability_note == "Rumah di lantai dua" and found.disability_consent_at is not None
    assert track(client, reference.lower().replace("-", ""), code.lower()).headers["Location"] == "/bantuan/lacak"
    page = parse(client.get("/bantuan/lacak"))
    section = page.select_one("#data-disabilitas-judul").parent.get_text(" ", strip=True)
    assert "Disabilitas sensorik rungu (tuli atau sulit mendengar)" in section and "Rumah di lantai dua" in section
    token = page.select_one("form[action='/bantuan/lacak/hapus-data-disabilitas'] input[name=csrf_token]")["value"]
    response = client.post("/bantuan/lacak/hapus-data-disabilitas", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(found)
    assert found.disabilities == [] and found.disability_note is None and found.disability_consent_at is None
    assert found.disability_deleted_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceDisability)) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "hapus_data_disabilitas")).one()
    assert event.account_id is None and "rungu" not in event.detail
    page = parse(client.get("/bantuan/lacak"))
    assert "Data disabilitas sudah dihapus" in page.select_one(".notice[role=status]").get_text()
    assert "Data disabilitas dihapus" in page.select_one("ol.timeline").get_text()
    assert "rungu" not in page.get_text()


def test_tracking_shows_status_appointment_and_public_timeline_only(client):
    from datetime import date, time

    from portal.assistance.services.requests import Actor, add_event, transition
    from portal.models import AppointmentKind

    reference, code = file_request(client)
    officer = ActedBy.officer(account().id)
    found = db.session.scalars(sa.select(AssistanceRequest)).one()
    found.appointment_kind, found.appointment_on, found.appointment_at = (
        AppointmentKind.KUNJUNGAN_RUMAH,
        date(2030, 3, 4),
        time(10, 30),
    )
    transition(
        session=db.session,
        request=found,
        target=AssistanceStatus.DIJADWALKAN,
        actor=Actor.PETUGAS,
        acted_by=officer,
        message="Petugas datang bersama juru bahasa isyarat.",
    )
    from portal.models import AssistanceEventKind

    add_event(
        session=db.session,
        request=found,
        kind=AssistanceEventKind.CATATAN,
        acted_by=officer,
        public=False,
        message="RAHASIA internal",
    )
    db.session.commit()
    track(client, reference, code)
    page = parse(client.get("/bantuan/lacak"))
    assert page.select_one("h1").get_text(" ", strip=True) == f"Permintaan bantuan {reference}"
    summary = page.select_one("dl.summary").get_text(" ", strip=True)
    assert "Dijadwalkan" in summary and "Kunjungan ke rumah, 4 Maret 2030, pukul 10.30 WIB" in summary
    timeline = page.select_one("ol.timeline").get_text(" ", strip=True)
    assert "Petugas datang bersama juru bahasa isyarat." in timeline and "Permintaan bantuan diterima" in timeline
    assert "RAHASIA" not in page.get_text()
    nav = page.select_one("nav[aria-label='Menu utama'] [aria-current=page]")
    assert nav.get_text(strip=True) == "Lacak pengaduan"


def test_wrong_code_and_unknown_btn_reference_are_the_same_answer_and_lock(client):
    reference, code = file_request(client)
    wrong, unknown = track(client, reference, "AAAA-AAAA"), track(client, "BTN-2026-999999", "AAAA-AAAA")
    assert wrong.status_code == unknown.status_code == 404
    assert str(parse(wrong).select_one(".error-summary")) == str(parse(unknown).select_one(".error-summary"))
    for _ in range(4):
        track(client, reference, "AAAA-AAAA")
    locked = track(client, reference, code)
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_someone_elses_wrong_codes_do_not_lock_the_resident_out_of_their_request(client, app):
    reference, code = file_request(client)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    for _ in range(5):
        assert track(guesser, reference, "AAAA-AAAA").status_code == 404
    assert track(guesser, reference, code).status_code == 429
    found = track(client, reference, code)
    assert found.status_code == 303 and found.headers["Location"] == "/bantuan/lacak"


def test_the_request_page_needs_a_successful_lookup(client):
    assert client.get("/bantuan/lacak").headers["Location"] == "/pengaduan/lacak"
    assert client.get("/bantuan/terkirim").status_code == 404


def test_the_slip_is_a_pdf_with_reference_and_code(client):
    reference, code = file_request(client)
    response = client.get("/bantuan/terkirim/tanda-terima.pdf")
    assert response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert reference in text and code in text


def test_the_draft_comes_back_to_change_answers(client):
    ask(client)
    page = parse(client.get("/bantuan"))
    assert page.select_one("#nama")["value"] == "Ibu Sari Wulandari"
    assert page.select_one("#bantuan-3").has_attr("checked") and page.select_one("#waktu-2").has_attr("checked")
    assert page.select_one("#kecamatan option[selected]")["value"] == "32.75.01"


def test_the_accessibility_statement_is_linked_from_every_page(client):
    for path in ("/", "/bantuan", "/pengaduan/lacak", "/petugas/masuk"):
        link = parse(client.get(path)).select_one("footer a[href='/aksesibilitas']")
        assert link is not None and link.get_text(strip=True) == "Pernyataan aksesibilitas", path
    page = parse(client.get("/aksesibilitas"))
    assert page.select_one("h1").get_text(strip=True) == "Pernyataan aksesibilitas"
    assert page.select_one("#laporkan") is not None and page.select_one("a[href='/pengaduan/baru?kategori=lainnya']")


def test_english_pages(client):
    page = parse(client.get("/bantuan?lang=en"))
    assert page.select_one("html")["lang"] == "en" and page.select_one("h1").get_text(strip=True) == "Ask for help"
