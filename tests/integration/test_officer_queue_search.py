"""Searching the queue by name (the word index), NIK and reference; many matches are capped."""

import pytest

from portal.complaints.services import queue
from portal.complaints.services import search as complaint_search
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.helpers.complaints import nik_search

HTMX = {"HX-Request": "true"}


def references(response) -> list[str]:
    return [a.get_text(strip=True) for a in parse(response).select("#antrean tbody td:first-child a")]


SEARCHES = [
    ("marifah", ["Hj. Siti Ma'rifah, S.Pd."]),  # punctuation and titles do not matter
    ("MA'RIFAH", ["Hj. Siti Ma'rifah, S.Pd."]),
    ("hj siti marifah", ["Hj. Siti Ma'rifah, S.Pd."]),
    ("marifah siti", ["Hj. Siti Ma'rifah, S.Pd."]),  # any order
    ("sit amin", ["Siti Aminah"]),  # the start of each word
    ("aminah", ["Siti Aminah", "Aminah Lubis"]),  # any word of the name
    ("Amīnah", ["Siti Aminah", "Aminah Lubis"]),  # accents
    ("m", ["M. Yusuf"]),  # one letter: that word only, not every name with an m
    ("rifah", []),  # inside a word: no
    ("siti budi", []),  # every word must match
    ("hj", []),
]


def test_name_search_matches_the_start_of_any_word(client):
    names = {
        name: complaint(subject_name=name)[0].reference
        for name in ("Hj. Siti Ma'rifah, S.Pd.", "Siti Aminah", "Aminah Lubis", "M. Yusuf", "Budi Santoso")
    }
    sign_in(client, account("supervisor"))
    for query, expected in SEARCHES:
        found = references(client.get("/petugas/pengaduan", query_string={"q": query}))
        assert sorted(found) == sorted(names[name] for name in expected), query


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_nik_and_reference(client, headers):
    case, _ = complaint(subject_name="Dewi Lestari")
    sign_in(client, account("supervisor"))
    spaced = f"{case.subject_nik[:6]} {case.subject_nik[6:12]} {case.subject_nik[12:]}"
    assert references(nik_search(client, spaced)) == [case.reference]
    assert references(
        client.get("/petugas/pengaduan", query_string={"q": case.reference.lower()}, headers=headers)
    ) == [case.reference]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_reference_read_out_in_part_finds_the_case(client, headers):
    first, _ = complaint(subject_name="Dewi Lestari")
    second, _ = complaint(subject_name="Rudi Hartono")
    year, number = second.reference.split("-")[1:]
    sign_in(client, account("supervisor"))
    for typed in (number, number.lstrip("0"), f"{year}-{number.lstrip('0')}", f"SGP {year} {number}"):
        found = references(client.get("/petugas/pengaduan", query_string={"q": typed}, headers=headers))
        assert found == [second.reference], typed
    assert references(client.get("/petugas/pengaduan", query_string={"q": f"{int(year) - 1}-{number}"})) == []


def test_reference_candidates():
    assert queue.reference_candidates("97", this_year=2026) == ["SGP-2026-000097", "SGP-2025-000097"]
    assert queue.reference_candidates(" 2026 / 000097 ", this_year=2026) == ["SGP-2026-000097"]
    for not_a_number in ("0", "1234567", "abc", "", "2026-0", "²", "٣"):
        assert queue.reference_candidates(not_a_number, this_year=2026) == [], not_a_number


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_many_matches_are_not_all_counted(client, monkeypatch, headers):
    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr("portal.complaints.routes.queue.SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr(complaint_search, "ID_LIST_LIMIT", 2)  # and the subquery, not a list of ids
    made = [complaint(subject_name=f"Siti Nomor{n}")[0] for n in range(5)]
    complaint(subject_name="Budi Santoso")
    sign_in(client, account("supervisor"))
    response = client.get("/petugas/pengaduan?q=siti", headers=headers)
    page = parse(response)
    assert "Lebih dari 3 pengaduan cocok" in page.select_one("#antrean > p").get_text()
    assert page.select(".status-counts li") == []  # counts of a capped sample would mislead
    assert sorted(references(response)) == sorted(c.reference for c in made)  # one page shows them all
    assert references(client.get("/petugas/pengaduan?q=siti&status=diterima", headers=headers)) != []
    few = parse(client.get("/petugas/pengaduan?q=siti+nomor1", headers=headers))
    assert "1 pengaduan" in few.select_one("#antrean > p").get_text()
    assert "Diterima: 1" in few.select_one(".status-counts").get_text(" ", strip=True)


def test_officers_search_only_what_they_may_see(client):
    mine, _ = complaint(subject_name="Siti Aminah", kelurahan_code="32.75.02.1001")
    complaint(subject_name="Siti Aminah", kelurahan_code="32.75.01.1001")
    complaint(subject_name="Siti Aminah", kelurahan_code="32.75.02.1001", category="pungli")
    sign_in(client, account(kecamatan=["32.75.02"]))
    assert references(client.get("/petugas/pengaduan?q=aminah")) == [mine.reference]


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_a_nik_is_never_searched_from_an_address(client, headers):
    case, _ = complaint(subject_name="Dewi Lestari")
    sign_in(client, account("supervisor"))
    page = parse(client.get("/petugas/pengaduan"))
    assert page.select_one("form[method=get]") is None  # no form of the queue puts what is typed in an address
    assert page.select_one("form[method=post][role=search] input#nik") is not None
    response = client.get("/petugas/pengaduan", query_string={"q": case.subject_nik})
    assert response.status_code == 400
    refused = parse(response)
    message = refused.select_one(".error-summary a[href='#nik']").get_text()
    assert "NIK tidak boleh tercantum di alamat halaman" in message
    wrong = nik_search(client, "3275")
    assert wrong.status_code == 400 and "NIK harus 16 angka" in parse(wrong).select_one("#nik-error").get_text()


def test_the_filter_form_sent_without_javascript_keeps_a_nik_out_of_the_address(client):
    case, _ = complaint(subject_name="Dewi Lestari")
    other, _ = complaint(subject_name="Budi Santoso")
    sign_in(client, account("supervisor"))
    page = parse(client.get("/petugas/pengaduan"))
    token = page.select_one("form[aria-label='Saring antrean'] input[name=csrf_token]")
    filters = {"csrf_token": token["value"], "status": "diterima", "q": "dewi"}
    sent = client.post("/petugas/pengaduan", data=filters)
    assert sent.status_code == 303 and sent.headers["Location"] == "/petugas/pengaduan?q=dewi&status=diterima"
    spaced = f"{case.subject_nik[:4]} {case.subject_nik[4:8]} {case.subject_nik[8:12]} {case.subject_nik[12:]}"
    searched = client.post("/petugas/pengaduan", data={**filters, "q": spaced})
    assert searched.status_code == 200  # answered here: no address holds it
    assert references(searched) == [case.reference] and other.reference not in searched.get_data(as_text=True)
