"""Letters of participation: self-service after a status check, one letter per person and data,
supersession, revocation and the public verification page."""

import re
import time
from datetime import UTC, date, datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.letters.services.letters import issue_letter, new_code, revoke_letters_for_inactive
from portal.models import IssuedVia, Letter, LetterStatus, Person, PersonStatus, StatusReason
from tests.factories import person
from tests.helpers import csrf_token, parse


def remember_check(client, someone, *, minutes_ago: float = 1) -> None:
    """What a successful status check leaves in the session."""
    with client.session_transaction() as cookie:
        cookie["checked_person"] = someone.id
        cookie["checked_at"] = int(time.time() - minutes_ago * 60)


def check_status(client, nik, nama):
    token = csrf_token(client)
    return client.post("/cek-status", data={"csrf_token": token, "nik": nik, "nama": nama})


def ask_for_letter(client, bentuk="pdf"):
    token = csrf_token(client, "/surat")
    return client.post("/surat", data={"csrf_token": token, "bentuk": bentuk})


def letters():
    return db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()


# ---------------------------------------------------------------- self-service


def test_an_active_participant_gets_a_letter_after_checking_status(client):
    someone = person(nama="Hj. Siti Ma'rifah", female=True)
    result = parse(check_status(client, someone.nik, "siti marifah"))
    link = result.select_one(".next-step a[href='/surat']")
    assert link is not None and "surat" in link.get_text().lower()

    page = client.get("/surat")
    assert page.status_code == 200
    summary = parse(page).select_one(".summary").get_text(" ", strip=True)
    assert "S*** M******" in summary and "Ma'rifah" not in summary and someone.nik not in summary
    buttons = parse(page).select("form[action='/surat'][method=post] button[name=bentuk]")
    assert [b["value"] for b in buttons] == ["pdf", "html"]

    answer = ask_for_letter(client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/surat/unduh"
    download = client.get("/surat/unduh")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="surat-')
    assert download.headers["Cache-Control"] == "no-store"
    assert download.data.startswith(b"%PDF")
    (letter,) = letters()
    assert letter.person_id == someone.id and letter.issued_via == IssuedVia.MANDIRI
    assert letter.number.startswith("500.15.1/1-Disnaker/") and letter.status == LetterStatus.BERLAKU
    assert letter.nik_masked == someone.nik[:4] + " **** **** " + someone.nik[12:]


def test_the_same_person_and_period_get_the_same_letter_back(client):
    someone = person()
    remember_check(client, someone)
    ask_for_letter(client)
    first = client.get("/surat/unduh").data
    ask_for_letter(client)
    assert ask_for_letter(client, "html").headers["Location"] == "/surat/lihat"
    assert len(letters()) == 1
    again = client.get("/surat/unduh").data
    # The same letter, byte for byte, up to its PAdES signature (made anew, with its signing time)
    assert again[: again.index(b"%%EOF")] == first[: first.index(b"%%EOF")]
    page = parse(client.get("/surat"))
    assert letters()[0].number in page.select_one(".summary").get_text()


def test_changed_data_gives_a_new_letter_that_supersedes_the_old(client):
    someone = person(nama="Budi Santoso")
    remember_check(client, someone)
    ask_for_letter(client)
    someone.nama = "Budi Santoso Wijaya"  # corrected by a roster import
    db.session.commit()
    assert client.get("/surat/unduh").status_code == 303  # the old letter is no longer served
    ask_for_letter(client)
    old, new = letters()
    assert old.status == LetterStatus.DIGANTI and old.superseded_by_id == new.id
    assert new.status == LetterStatus.BERLAKU and new.nama == "Budi Santoso Wijaya"
    assert (old.seq, new.seq) == (1, 2)
    verdict = parse(client.get(f"/verifikasi/{old.code}"))
    assert verdict.select_one("section.verification")["data-state"] == "diganti"
    assert new.number in verdict.get_text()


def test_no_recent_status_check_means_check_first(client):
    someone = person()
    for response in (client.get("/surat"), client.get("/surat/unduh"), client.get("/surat/lihat")):
        assert response.status_code == 403
        page = parse(response)
        assert page.select_one("[data-reason]")["data-reason"] == "no_check"
        assert page.select_one("main a[href='/cek-status']") is not None
    remember_check(client, someone, minutes_ago=16)  # 15 minutes is the limit
    assert client.get("/surat").status_code == 403
    remember_check(client, someone, minutes_ago=14)
    token = csrf_token(client, "/surat")
    remember_check(client, someone, minutes_ago=16)
    assert client.post("/surat", data={"csrf_token": token, "bentuk": "pdf"}).status_code == 403
    assert letters() == []


def test_people_who_are_not_active_are_told_what_to_do(client):
    for status, alasan in (("daftar_tunggu", None), ("proses", None), ("nonaktif", "pindah")):
        someone = person(status=status, alasan=alasan)
        remember_check(client, someone)
        response = client.get("/surat")
        assert response.status_code == 403
        page = parse(response)
        assert page.select_one("[data-reason]")["data-reason"] == "not_active"
        assert "peserta aktif" in page.select_one("h1 + p").get_text()
        assert page.select_one("main a[href='/cek-status']") is not None
    assert letters() == []


def test_an_active_participant_without_a_kpj_cannot_get_a_letter_yet(client):
    someone = person(kpj=None)
    remember_check(client, someone)
    response = client.get("/surat")
    assert response.status_code == 403
    assert parse(response).select_one("[data-reason]")["data-reason"] == "incomplete"
    assert client.get("/surat/unduh").status_code == 303


def test_a_failed_status_check_forgets_the_person_checked_before(client):
    someone = person()
    check_status(client, someone.nik, someone.nama)
    assert client.get("/surat").status_code == 200
    check_status(client, someone.nik, "Orang Lain Sama Sekali")
    assert client.get("/surat").status_code == 403


def test_the_letter_as_a_web_page(client):
    someone = person(nama="Hj. Siti Ma'rifah", female=True)
    remember_check(client, someone)
    ask_for_letter(client, "html")
    response = client.get("/surat/lihat")
    assert response.status_code == 200
    page = parse(response)
    (letter,) = letters()
    assert page.html["lang"] == "id" and letter.number in page.title.get_text()
    article = page.select_one("main article.letter")
    assert article.select_one("h1").get_text(strip=True) == "SURAT KETERANGAN KEPESERTAAN"
    assert "Hj. Siti Ma'rifah" in article.get_text()
    qr = article.select_one("img[src^='data:image/png']")
    assert "/verifikasi/" in qr["alt"]
    assert re.fullmatch(r"/static/css/letter\.[0-9a-f]{12}\.css", page.select_one("link[rel=stylesheet]")["href"])


# ---------------------------------------------------------------- numbers


def test_numbers_follow_each_other_and_start_again_each_year(app, session):
    people = [person() for _ in range(3)]
    moments = [
        datetime(2026, 12, 31, 10, tzinfo=UTC),
        datetime(2026, 12, 31, 16, 59, tzinfo=UTC),
        datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
    ]  # 17:00 UTC is midnight in Bekasi
    issued = [issue_letter(session=session, person_id=p.id, now=now) for p, now in zip(people, moments, strict=True)]
    session.commit()
    assert [(x.year, x.seq) for x in issued] == [(2026, 1), (2026, 2), (2027, 1)]
    assert [x.number for x in issued] == [
        "500.15.1/1-Disnaker/XII/2026",
        "500.15.1/2-Disnaker/XII/2026",
        "500.15.1/1-Disnaker/I/2027",
    ]
    assert issued[2].issued_on == date(2027, 1, 1)


def test_the_number_pattern_comes_from_the_settings(app, session):
    app.config["LETTER_NUMBER_PATTERN"] = "SIGAP/{seq:04d}/{year}"
    client = app.test_client()
    someone = person()
    remember_check(client, someone)
    ask_for_letter(client)
    assert letters()[0].number == f"SIGAP/0001/{letters()[0].year}"


# ---------------------------------------------------------------- revocation


def test_letters_of_people_made_inactive_are_revoked(app, session):
    stays, leaves, elsewhere = person(), person(), person()
    for someone in (stays, leaves, elsewhere):
        issue_letter(session=session, person_id=someone.id)
    session.commit()
    for someone in (leaves, elsewhere):  # what a roster import does
        someone.status, someone.alasan = PersonStatus.NONAKTIF, StatusReason.PINDAH
    session.commit()

    assert revoke_letters_for_inactive(session=session, person_ids=[stays.id, leaves.id]) == 1
    session.commit()
    by_person = {letter.person_id: letter for letter in letters()}
    assert by_person[stays.id].status == LetterStatus.BERLAKU
    assert by_person[leaves.id].status == LetterStatus.DICABUT
    assert by_person[leaves.id].ended_at is not None
    assert by_person[elsewhere.id].status == LetterStatus.BERLAKU  # not in this import
    assert revoke_letters_for_inactive(session=session, person_ids=[leaves.id]) == 0
    assert revoke_letters_for_inactive(session=session) == 1  # everyone: `elsewhere` too
    session.commit()
    assert session.get(Letter, by_person[elsewhere.id].id).status == LetterStatus.DICABUT


def test_revoke_inactive_command(app, session):
    someone = person()
    issue_letter(session=session, person_id=someone.id)
    someone.status = PersonStatus.DAFTAR_TUNGGU
    session.commit()
    result = app.test_cli_runner().invoke(args=["letters", "revoke-inactive"])
    assert result.exit_code == 0 and "1 surat dicabut" in result.output
    assert letters()[0].status == LetterStatus.DICABUT


# ---------------------------------------------------------------- verification


def verification(client, code):
    response = client.get(f"/verifikasi/{code}")
    return response, parse(response)


def test_a_valid_letter_verifies_with_a_masked_name_only(client, session):
    someone = person(nama="Hj. Siti Ma'rifah", female=True)
    letter = issue_letter(session=session, person_id=someone.id)
    session.commit()
    response, page = verification(client, letter.code)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert page.select_one("h1").get_text(strip=True) == "Hasil pemeriksaan surat"
    section = page.select_one("main section.verification")
    assert section["data-state"] == "berlaku"
    assert section.select_one("h2").get_text(strip=True) == "Surat asli dan berlaku"
    facts = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in section.select("dl.summary > div")}
    assert facts["Nama (disamarkan)"] == "S*** M******"
    assert facts["Nomor surat"] == letter.number
    assert facts["Masa perlindungan"] == "1 November 2025 – 31 Desember 2026"
    assert facts["Kode"] == "-".join(letter.code[i : i + 4] for i in (0, 4, 8, 12))
    assert "Tanggal terbit" in facts
    text = page.get_text()
    assert "Ma'rifah" not in text and someone.nik[4:12] not in text and someone.kpj not in text
    assert page.select_one("#langkah") is None  # nothing to do about a valid letter
    assert page.select_one("form[method=get][action='/verifikasi'] input[name=kode]") is not None


def test_a_revoked_letter_says_so_and_what_to_do(client, session):
    someone = person()
    letter = issue_letter(session=session, person_id=someone.id)
    someone.status, someone.alasan = PersonStatus.NONAKTIF, StatusReason.MENINGGAL
    revoke_letters_for_inactive(session=session, person_ids=[someone.id])
    session.commit()
    response, page = verification(client, letter.code)
    assert response.status_code == 200
    section = page.select_one("section.verification")
    assert section["data-state"] == "dicabut"
    assert section.select_one("h2").get_text(strip=True) == "Surat sudah dicabut"
    assert "meninggal" not in section.get_text().lower()  # the reason stays private
    advice = page.select_one("section[aria-labelledby=langkah]")
    assert "Jangan terima surat ini" in advice.get_text()
    assert advice.select_one("a[href='/cek-status']") and advice.select_one("a[href='/pengaduan/baru?kategori=pungli']")


def test_a_letter_of_someone_no_longer_active_never_verifies_as_valid(client, session):
    someone = person()
    letter = issue_letter(session=session, person_id=someone.id)
    someone.status = PersonStatus.NONAKTIF  # the import ran, revocation not yet
    session.commit()
    assert verification(client, letter.code)[1].select_one("section.verification")["data-state"] == "dicabut"


def test_unknown_and_malformed_codes_are_not_found(client, session):
    """A code that fits its check character but that no letter has: "no such letter", with what to
    do about a forgery. Anything else (a wrong length, a check character that does not fit) is
    told as a typo, with the code back in the field to correct."""
    unknown = new_code()
    response, page = verification(client, unknown)
    assert response.status_code == 404
    assert page.select_one("section.verification")["data-state"] == "tidak_ditemukan"
    assert page.select_one("section[aria-labelledby=langkah]") is not None
    for code in ("ABCD-EFGH-JKMN-PQRS", "abc", "x" * 300):
        response, page = verification(client, code)
        assert response.status_code == 404
        assert page.select_one("section.verification")["data-state"] == "salah_ketik"
        assert page.select_one("section[aria-labelledby=langkah]") is None  # no talk of forgeries yet


def test_the_code_can_be_typed_into_a_form(client, session):
    letter = issue_letter(session=session, person_id=person().id)
    session.commit()
    page = parse(client.get("/verifikasi"))
    form = page.select_one("main form[method=get][action='/verifikasi']")
    assert form.select_one("label[for=kode]").get_text(strip=True) == "Kode verifikasi"
    assert form.select_one("input#kode")["aria-describedby"] == "kode-hint"
    typed = " ".join(letter.code[i : i + 4] for i in (0, 4, 8, 12)).lower()
    response = client.get("/verifikasi", query_string={"kode": typed})
    assert response.status_code == 303 and response.headers["Location"] == f"/verifikasi/{letter.code}"
    wrong = client.get("/verifikasi", query_string={"kode": "12345"})
    assert wrong.status_code == 400
    summary = parse(wrong).select_one(".error-summary a[href='#kode']")
    assert "16 huruf dan angka" in summary.get_text()
    assert client.get("/verifikasi", query_string={"kode": ""}).status_code == 400


def test_verification_is_linked_from_every_page(client):
    assert parse(client.get("/")).select_one("footer a[href='/verifikasi']") is not None


def test_verification_speaks_english_too(client, session):
    letter = issue_letter(session=session, person_id=person().id)
    session.commit()
    page = parse(client.get(f"/verifikasi/{letter.code}?lang=en"))
    assert page.html["lang"] == "en"
    assert "genuine" in page.select_one("section.verification h2").get_text(strip=True).lower()


def test_people_without_letters_are_untouched_by_revocation(app, session):
    person(status="nonaktif", alasan="pindah")
    assert revoke_letters_for_inactive(session=session) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Person)) == 1


def test_a_roster_import_that_makes_someone_inactive_revokes_their_letter(app, session):
    """Wired into the import itself, so the CLI and the admin upload both revoke."""
    from portal.models import Person
    from portal.roster.services.importing import import_roster
    from tests.factories import roster_csv, roster_row

    row = roster_row(tanggal_data="2026-09-01")
    import_roster(session=session, stream=roster_csv([row]), filename="a.csv", imported_by="t")
    session.commit()
    someone = session.scalars(sa.select(Person)).one()
    issue_letter(session=session, person_id=someone.id)
    session.commit()
    gone = {
        **row,
        "status": "nonaktif",
        "alasan": "pindah",
        "kpj": "",
        "mulai": "",
        "selesai": "",
        "tanggal_data": "2026-10-01",
    }
    result = import_roster(session=session, stream=roster_csv([gone]), filename="b.csv", imported_by="t")
    session.commit()
    assert result.letters_revoked == 1
    assert [letter.status for letter in letters()] == [LetterStatus.DICABUT]


# ---------------------------------------------------------------- check character (issue 18, point 14)


def test_a_mistyped_code_of_a_real_letter_is_told_as_a_typo_not_a_forgery(client, session):
    letter = issue_letter(session=session, person_id=person().id)
    session.commit()
    wrong = letter.code[:5] + ("A" if letter.code[5] != "A" else "B") + letter.code[6:]
    response, page = verification(client, wrong)
    assert response.status_code == 404
    section = page.select_one("section.verification")
    assert section["data-state"] == "salah_ketik"
    assert section.select_one("h2").get_text(strip=True) == "Kode ini kemungkinan salah ketik"
    assert "tidak asli" not in section.get_text()
    # The code stands in the field, grouped as printed, to be corrected rather than typed again.
    typed = page.select_one("main form[action='/verifikasi'] input#kode")["value"]
    assert typed == "-".join(wrong[i : i + 4] for i in (0, 4, 8, 12))
    swapped = letter.code[:14] + letter.code[15] + letter.code[14]
    if swapped != letter.code:
        assert verification(client, swapped)[1].select_one("section.verification")["data-state"] == "salah_ketik"
    assert verification(client, letter.code)[1].select_one("section.verification")["data-state"] == "berlaku"


def test_a_code_issued_before_the_check_character_still_verifies(client, session):
    letter = issue_letter(session=session, person_id=person().id)
    letter.code = "7K3MQ9PX2D4FHT6W"  # 16 random characters, as codes were issued before
    session.commit()
    response, page = verification(client, "7k3m-q9px-2d4f-ht6w")
    assert response.status_code == 200 and page.select_one("section.verification")["data-state"] == "berlaku"


def test_the_advice_names_the_complaint_choice_as_the_form_does(client):
    """/verifikasi once sent people to a category "pungli atau penyalahgunaan" that the complaint
    form never had: the page now names the form's own choice and links to it, chosen."""
    response, page = verification(client, new_code())
    advice = page.select_one("section[aria-labelledby=langkah]")
    link = advice.select_one("a[data-misconduct-link]")
    assert link["href"] == "/pengaduan/baru?kategori=pungli"
    form = parse(client.get(link["href"]))
    chosen = form.select_one("input[name=kategori][value=pungli]")
    assert chosen.has_attr("checked")
    label = form.select_one(f"label[for={chosen['id']}]").get_text(" ", strip=True)
    assert f"“{label}”" in advice.get_text(" ")
    assert "penyalahgunaan" not in advice.get_text()
