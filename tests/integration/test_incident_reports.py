"""A pungli, broker or officer-conduct report asks for the incident (where, when, what was asked
for, who if known), not the reported person's KTP data; names are optional, and a report can be
sent with no identity at all, followed by reference and access code alone (issue 18, point 3)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.models import Complaint
from tests.factories import account, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import details, incident, start, submit, track

HTMX = {"HX-Request": "true"}


def _label(page, name: str) -> str:
    return page.select_one(f"label[for={name}]").get_text(strip=True)


def test_the_report_asks_for_the_incident_not_the_persons_ktp(client):
    start(client, "pungli")
    page = parse(client.get("/pengaduan/baru/rincian"))
    form = page.select_one("main form")
    headings = [h.get_text(strip=True) for h in form.select("h2")]
    assert "Kejadiannya" in headings and "Orang yang bersangkutan" not in headings
    assert form.select_one("input[name=nik]") is None
    assert form.select_one("input[name=persetujuan]") is None
    assert _label(form, "tempat") == "Di mana kejadiannya?"
    assert _label(form, "tanggal") == "Kapan kejadiannya?"
    assert _label(form, "diminta") == "Apa yang diminta? (tidak wajib)"
    assert _label(form, "nama") == "Siapa yang melakukannya? (tidak wajib)"
    assert _label(form, "kelurahan") == "Kelurahan tempat kejadian"
    assert not form.select_one("input#nama").has_attr("required")
    anonymous = form.select_one("input[name=identitas][value=anonim]")
    hint = page.find(id=anonymous["aria-describedby"]).get_text()
    assert "nomor pengaduan dan kode akses" in hint


def test_other_complaints_still_ask_for_the_person_concerned(client):
    start(client, "terlewat")
    form = parse(client.get("/pengaduan/baru/rincian")).select_one("main form")
    assert "Orang yang bersangkutan" in [h.get_text(strip=True) for h in form.select("h2")]
    assert form.select_one("input[name=tempat]") is None


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_an_anonymous_report_keeps_no_name_phone_or_email(client, session, headers):
    start(client, "pungli")
    sent = details(
        client,
        nik="",
        nama="",
        nama_pelapor="Rahmat",  # typed, then "anonymous" chosen: not kept
        telepon="",
        email="rahmat@contoh.id",
        **incident(identitas="anonim"),
    )
    assert sent.status_code == 303, parse(sent).select_one(".error-summary")
    check = parse(client.get("/pengaduan/baru/periksa", headers=headers)).select_one("dl.summary")
    rows = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in check.select("div")}
    assert rows["Pelapor"].startswith("Tanpa identitas")
    assert "Nomor HP" not in rows and "Email" not in rows
    assert rows["Yang melakukan"] == "Tidak disebutkan"
    assert rows["Yang diminta"] == "Uang Rp 300.000 untuk biaya pendaftaran"
    assert submit(client).status_code == 303
    filed = session.scalars(sa.select(Complaint)).one()
    assert filed.anonymous and filed.confidential
    assert (filed.phone, filed.contact_channel, filed.email, filed.filer_name) == (None, None, None, None)
    assert filed.incident_place == "Kantor kelurahan, loket pendaftaran" and filed.incident_date is not None
    assert filed.subject_nik is None and filed.subject_name == ""
    # Followed by reference and code alone.
    panel = parse(client.get("/pengaduan/terkirim")).select(".panel .panel-code")
    reference, code = (p.get_text(strip=True) for p in panel)
    assert track(client, reference, code).headers["Location"].endswith("/pengaduan/lacak/kasus")


def test_a_report_one_may_answer_needs_a_phone(client):
    start(client, "pungli")
    sent = details(client, nik="", nama="", telepon="", **incident())
    assert sent.status_code == 400
    summary = parse(sent).select_one(".error-summary")
    assert [a["href"] for a in summary.select("a")] == ["#telepon"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [("kemarin sore", "Tulis tanggal seperti 03-11-2026"), (None, "tidak bisa di masa depan")],
)
def test_the_date_is_a_date_and_not_in_the_future(client, typed, message):
    start(client, "pungli")
    when = incident(days_ago=-3)["tanggal"] if typed is None else typed
    sent = details(client, nik="", nama="", **incident(tanggal=when))
    assert sent.status_code == 400
    assert message in parse(sent).select_one("#tanggal-error").get_text()
    assert parse(sent).select_one("input#tanggal")["value"] == when  # kept as typed


def test_dates_are_read_as_people_write_them(client, session):
    start(client, "pungli")
    iso = incident()["tanggal"]
    day, month, year = iso.split("-")
    assert details(client, nik="", nama="", **incident(tanggal=f"{day}/{month}/{year}")).status_code == 303
    assert submit(client).status_code == 303
    assert session.scalar(sa.select(Complaint.incident_date)).strftime("%d-%m-%Y") == iso


def test_officers_see_the_incident_on_the_case_page(client, app, session):
    start(client, "pungli")
    assert details(client, nik="", nama="Pak Darto, calo", **incident(identitas="anonim")).status_code == 303
    assert submit(client).status_code == 303
    case = session.scalars(sa.select(Complaint)).one()
    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    page = parse(boss.get(f"/petugas/pengaduan/{case.reference}"))
    rows = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in page.select("dl.summary > div")}
    assert rows["Tempat kejadian"] == "Kantor kelurahan, loket pendaftaran"
    assert rows["Tanggal kejadian"]
    assert rows["Yang diminta"] == "Uang Rp 300.000 untuk biaya pendaftaran"
    assert rows["Yang dilaporkan"] == "Pak Darto, calo"
    assert "Kelurahan tempat kejadian" in rows and "Orang yang bersangkutan" not in rows
    assert rows["Pelapor"].startswith("Tanpa identitas")
    assert "Kontak" not in rows


def test_an_unknown_identity_choice_is_refused(client, session):
    """The identity choice is a choice like the others: an unknown value is refused, not guessed."""
    start(client, "pungli")
    sent = details(client, nik="", nama="", **incident(identitas="semua"))
    assert sent.status_code == 400
    assert csrf_token(client, "/pengaduan/baru/rincian")
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_an_unfair_recipient_report_does_not_ask_the_nik_as_for_membership(client):
    start(client, "penerima_tidak_layak")
    page = parse(client.get("/pengaduan/baru/rincian"))
    assert page.select_one("#nik-hint").get_text(strip=True).startswith("Tidak wajib")
    assert "kepesertaan" not in page.select_one("#nik-hint").get_text()
    assert "tidak harus persis" in page.select_one("#nama-hint").get_text()


# The reporter's contact fields when "Tanpa identitas" is chosen (issue 18, trial finding).


def test_without_javascript_the_contact_fields_say_they_are_not_used_for_an_anonymous_report(client):
    start(client, "pungli")
    form = parse(client.get("/pengaduan/baru/rincian")).select_one("main form")
    group = form.select_one("#kontak-pelapor")
    assert group["data-shown-when"] == "identitas=kontak"  # portal.js hides it for "anonim"
    first_line = group.select_one("p").get_text(" ", strip=True)
    assert first_line.startswith("Hanya jika petugas boleh menghubungi Anda.")
    assert "“Tanpa identitas”, isian di bawah ini tidak dipakai dan tidak disimpan" in first_line
    assert {i["name"] for i in group.select("input")} >= {"nama_pelapor", "telepon", "email", "saluran"}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_phone_typed_before_choosing_anonymous_is_said_not_kept_on_the_check_step(client, session, headers):
    start(client, "pungli")
    sent = details(client, nik="", nama="", telepon="0812-3456-7890", **incident(identitas="anonim"))
    assert sent.status_code == 303
    check = parse(client.get("/pengaduan/baru/periksa", headers=headers)).select_one("dl.summary")
    rows = {div.dt.get_text(strip=True): div.dd for div in check.select("div")}
    said = rows["Kontak yang Anda ketik"].get_text(" ", strip=True)
    assert said.startswith("Tidak disimpan: laporan tanpa identitas tidak menyimpan nama, nomor HP, atau email")
    assert rows["Kontak yang Anda ketik"].select_one("a")["href"].endswith("/pengaduan/baru/rincian")
    assert "Nomor HP" not in rows and "0812" not in check.get_text()
    assert submit(client).status_code == 303
    assert session.scalars(sa.select(Complaint)).one().phone is None


def test_an_anonymous_report_with_nothing_typed_has_no_such_line(client):
    start(client, "pungli")
    assert details(client, nik="", nama="", telepon="", **incident(identitas="anonim")).status_code == 303
    check = parse(client.get("/pengaduan/baru/periksa")).select_one("dl.summary")
    assert "Kontak yang Anda ketik" not in check.get_text()


def test_a_report_one_may_answer_keeps_its_phone_and_has_no_such_line(client):
    start(client, "pungli")
    assert details(client, nik="", nama="", **incident()).status_code == 303
    check = parse(client.get("/pengaduan/baru/periksa")).select_one("dl.summary")
    assert "Kontak yang Anda ketik" not in check.get_text() and "+6281234567890" in check.get_text()


def _roster_box(page) -> str:
    heading = next(h for h in page.select("main h2") if h.get_text(strip=True) == "Data roster")
    return heading.find_next_sibling().get_text(" ", strip=True)


def test_the_case_page_of_an_incident_report_says_nothing_about_a_nik(client, app, session):
    """No NIK was asked: the roster box says the report is about an incident (supervisors see
    every pungli report; the box is the same whoever may see the reporter's identity)."""
    start(client, "pungli")
    assert details(client, nik="", nama="Pak Darto, calo", **incident()).status_code == 303
    assert submit(client).status_code == 303
    case = session.scalars(sa.select(Complaint)).one()
    officer = app.test_client()
    sign_in(officer, account("supervisor"))
    page = parse(officer.get(f"/petugas/pengaduan/{case.reference}"))
    box = _roster_box(page)
    assert "NIK" not in box and "tentang sebuah kejadian" in box
    assert "NIK ini tidak ada di roster" not in page.get_text()


def test_a_complaint_with_a_nik_not_in_the_roster_still_says_so(client, app, session):
    start(client, "terlewat")
    assert details(client).status_code == 303
    assert submit(client).status_code == 303
    case = session.scalars(sa.select(Complaint)).one()
    officer = app.test_client()
    sign_in(officer, account("supervisor"))
    assert _roster_box(parse(officer.get(f"/petugas/pengaduan/{case.reference}"))) == "NIK ini tidak ada di roster."


def test_changing_the_category_drops_answers_that_mean_something_else_there(client):
    """A pungli report's "who did it" must not become the person concerned of another complaint
    (nor "someone else" its filer), and a resident's own name must not become who did it."""
    start(client, "pungli")
    details(client, nik="", nama="Pak Darto, calo", **incident(identitas="anonim"))
    start(client, "lainnya")
    form = parse(client.get("/pengaduan/baru/rincian")).select_one("main form")
    assert not form.select_one("input#nama").get("value")
    assert form.select_one("input[name=pelapor][value=sendiri]").has_attr("checked")
    assert details(client, nama="Siti Aminah").status_code == 303  # no relation or consent asked
    start(client, "pungli")
    form = parse(client.get("/pengaduan/baru/rincian")).select_one("main form")
    assert not form.select_one("input#nama").get("value")  # "Siapa yang melakukannya?"
    assert form.select_one("input#tempat")["value"] == "Kantor kelurahan, loket pendaftaran"  # kept


def test_a_status_checks_nik_and_name_still_come_with_the_category(client):
    start(client, "pungli")
    details(client, nik="", nama="Pak Darto, calo", **incident())
    nik = "3275014701850001"
    start(client, "terlewat", nik=nik, nama="Siti Aminah")
    form = parse(client.get("/pengaduan/baru/rincian")).select_one("main form")
    assert form.select_one("input#nama")["value"] == "Siti Aminah"
