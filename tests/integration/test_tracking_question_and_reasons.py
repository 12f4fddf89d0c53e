"""The tracking page puts the officer's question above the answer box (and names it as the box's
description), shows the officer's reasons with the decision, and confirms an answer once sent;
the reference never breaks across lines in the heading (issue 18, points 6 and 16)."""

from __future__ import annotations

import pytest

from portal.complaints.services.lifecycle import Actor
from portal.models import ComplaintStatus, ResolutionCode
from tests.factories import complaint
from tests.helpers import parse
from tests.helpers.complaints import officer_moves, track

HEADERS = [{}, {"HX-Request": "true"}]
IDS = ["page", "htmx"]


def _case_page(client, headers):
    response = client.get("/pengaduan/lacak/kasus", headers=headers)
    assert response.status_code == 200
    return parse(response)


@pytest.mark.parametrize("headers", HEADERS, ids=IDS)
def test_the_question_is_above_the_answer_box_and_describes_it(client, headers):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim foto KK\nyang terbaru.")
    track(client, case.reference, code)
    page = _case_page(client, headers)
    section = page.select_one("section[aria-labelledby=jawab-judul]")
    question = section.select_one("#pertanyaan-petugas")
    assert question.get_text() == "Mohon kirim foto KK\nyang terbaru."
    box = section.select_one("textarea[name=jawaban]")
    assert "pertanyaan-petugas" in box["aria-describedby"].split()
    assert question.find_next("textarea") is box  # read before the box


def test_a_later_question_replaces_the_earlier_one(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Pertanyaan pertama.")
    officer_moves(case, ComplaintStatus.DIVERIFIKASI, actor=Actor.WARGA)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Pertanyaan kedua.")
    track(client, case.reference, code)
    assert _case_page(client, {}).select_one("#pertanyaan-petugas").get_text() == "Pertanyaan kedua."


@pytest.mark.parametrize("headers", HEADERS, ids=IDS)
def test_the_answer_is_confirmed_after_sending(client, headers):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim foto KK.")
    track(client, case.reference, code)
    page = _case_page(client, {})
    token = page.select_one("form[action='/pengaduan/lacak/kasus/jawab'] input[name=csrf_token]")["value"]
    sent = client.post(
        "/pengaduan/lacak/kasus/jawab", data={"csrf_token": token, "jawaban": "KK terbaru terlampir."}, headers=headers
    )
    assert sent.status_code == 303 and sent.headers["Location"] == "/pengaduan/lacak/kasus"
    after = _case_page(client, headers)
    notice = after.select_one("main [role=status]")
    assert notice is not None and notice.get_text(strip=True).startswith("Jawaban Anda terkirim.")
    assert after.select_one("section[aria-labelledby=jawab-judul]") is None
    assert _case_page(client, headers).select_one("main [role=status]") is None  # said once


@pytest.mark.parametrize(
    ("status", "code_", "heading"),
    [
        (ComplaintStatus.DITOLAK, ResolutionCode.TIDAK_MEMENUHI_SYARAT, "Tidak memenuhi syarat"),
        (ComplaintStatus.SELESAI, ResolutionCode.MASUK_DAFTAR_TUNGGU, "Masuk daftar tunggu"),
    ],
)
def test_the_reasons_are_shown_with_the_decision(client, status, code_, heading):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI, "Sedang dicek.")
    case.resolution_code, case.next_step = code_, "Minta pemutakhiran data di kelurahan."
    officer_moves(case, status, "Menurut DTSEN per Oktober, desil Anda 7.")
    track(client, case.reference, code)
    rows = _case_page(client, {}).select("dl.summary > div")
    terms = [(row.dt.get_text(strip=True), row.dd.get_text(strip=True)) for row in rows]
    names = [name for name, _value in terms]
    assert ("Hasil", heading) in terms
    assert ("Penjelasan petugas", "Menurut DTSEN per Oktober, desil Anda 7.") in terms
    assert names.index("Hasil") + 1 == names.index("Penjelasan petugas")


def test_a_case_closed_as_a_duplicate_says_why(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DITUTUP, "Ditutup karena sama dengan pengaduan lain yang sedang ditangani.")
    track(client, case.reference, code)
    terms = {
        row.dt.get_text(strip=True): row.dd.get_text(strip=True)
        for row in _case_page(client, {}).select("dl.summary > div")
    }
    assert terms["Penjelasan petugas"].startswith("Ditutup karena sama")


def test_the_reference_does_not_break_in_the_heading(client):
    case, code = complaint()
    track(client, case.reference, code)
    heading = _case_page(client, {}).select_one("h1")
    assert heading.get_text(" ", strip=True) == f"Pengaduan {case.reference}"
    assert heading.select_one("span.keep-together").get_text() == case.reference
