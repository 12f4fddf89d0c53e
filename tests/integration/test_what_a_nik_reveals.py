"""What a NIK and a name may reveal (issue 18, point 8; docs/security.md): the status, its period
and the next step, never a welfare decile, whether someone is in DTSEN, or a death; the letter
downloaded after a status check shows the KPJ masked, as the status page does. Officers' letters
keep the full number."""

from __future__ import annotations

import io
import re
import time
from datetime import date

import pytest
from pypdf import PdfReader

from tests.factories import person
from tests.helpers import csrf_token, parse


def _answer(client, someone, *, htmx=False) -> str:
    data = {"csrf_token": csrf_token(client), "nik": someone.nik, "nama": someone.nama}
    response = client.post("/cek-status", data=data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200
    section = parse(response).select_one("section.result")
    # The masked name and the person's own NIK differ between people; the rest must not.
    return " ".join(section.get_text(" ").split()).replace(section.select_one("dd").get_text(), "NAMA")


def _someone(status, alasan, *, covered=False):
    return person(
        status=status,
        alasan=alasan,
        desil=7 if alasan == "desil_di_atas_5" else None,
        kpj="25000000123" if covered else None,
        mulai=date(2025, 11, 1) if covered else None,
        selesai=date(2026, 6, 30) if covered else None,
    )


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_answer_names_no_reason_that_a_ktp_photocopy_should_not_open(client, htmx):
    answers = {
        key: _answer(client, _someone(*key), htmx=htmx)
        for key in [
            ("tidak_memenuhi_syarat", "bukan_dtsen"),
            ("tidak_memenuhi_syarat", "desil_di_atas_5"),
            ("tidak_memenuhi_syarat", "meninggal"),
            ("tidak_memenuhi_syarat", None),
        ]
    }
    for text in answers.values():
        for told in ("desil di atas", "desil 7", "Tidak tercatat di DTSEN", "telah meninggal", "Alasan:"):
            assert told not in text, (told, text)
    # Not in DTSEN and a decile above 5 read alike; a recorded death reads like no reason at all.
    assert answers[("tidak_memenuhi_syarat", "bukan_dtsen")] == answers[("tidak_memenuhi_syarat", "desil_di_atas_5")]
    assert answers[("tidak_memenuhi_syarat", "meninggal")] == answers[("tidak_memenuhi_syarat", None)]
    assert "Tanyakan ke Disnaker Kota Bekasi dengan membawa KTP" in answers[("tidak_memenuhi_syarat", None)]


def test_an_ended_coverage_reads_the_same_whatever_ended_it_and_still_tells_heirs_how_to_claim(client):
    died = _answer(client, _someone("nonaktif", "meninggal", covered=True))
    ended = _answer(client, _someone("nonaktif", None, covered=True))
    assert died == ended
    assert "Tidak aktif" in died and "Jika peserta meninggal dunia dalam masa perlindungan" in died
    assert "Rp 42 juta" in died and "175" in died


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize("form", ["pdf", "html"])
def test_the_self_service_letter_masks_the_kpj(client, form):
    someone = person(kpj="25000000123")
    with client.session_transaction() as cookie:  # what a successful status check leaves
        cookie["checked_person"] = someone.id
        cookie["checked_at"] = int(time.time())
    offer = parse(client.get("/surat"))
    assert "25000000123" not in offer.get_text()
    issued = client.post("/surat", data={"csrf_token": csrf_token(client, "/surat"), "bentuk": form})
    assert issued.status_code == 303
    response = client.get(issued.headers["Location"])
    assert response.status_code == 200
    text = _pdf_text(response.data) if form == "pdf" else " ".join(parse(response).get_text(" ").split())
    assert "25000000123" not in text
    assert re.search(r"\*{7}0123", text), text
    assert "disamarkan" in text


def test_an_officer_letter_keeps_the_full_kpj(app):
    from portal.extensions import db
    from portal.letters.documents.render import letter_view
    from portal.letters.services.letters import issue_letter

    someone = person(kpj="25000000123")
    letter = issue_letter(session=db.session, person_id=someone.id)
    db.session.commit()
    with app.test_request_context():
        assert letter_view(letter).kpj == "25000000123"
        assert letter_view(letter, full_kpj=False).kpj == "*******0123"
