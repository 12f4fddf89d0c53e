"""Words residents read on the complaint, /bantuan, /cek-status and tracking pages (issue 18,
point 16): desil, DTSEN and KPJ said in plain words where they appear; the confidentiality box
does not suggest identities are otherwise public; /bantuan says which step it is; a companion's
confirmation speaks to the companion; the NIK on the check page is grouped 4-4-4-4."""

from __future__ import annotations

from datetime import date

import pytest

from portal.web.templating import nik_groups
from tests.factories import make_nik, person
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import FORM
from tests.helpers.assistance import send as send_help
from tests.helpers.complaints import details, start

HEADERS = [{}, {"HX-Request": "true"}]
IDS = ["page", "htmx"]
DTSEN_SAID = "data pemerintah tentang keadaan ekonomi"
DESIL_SAID = "separuh keluarga dengan keadaan ekonomi paling lemah"


def _check(client, nik, nama, headers):
    token = csrf_token(client)
    response = client.post("/cek-status", data={"csrf_token": token, "nik": nik, "nama": nama}, headers=headers)
    assert response.status_code == 200
    return parse(response).select_one("section.result")


@pytest.mark.parametrize("headers", HEADERS, ids=IDS)
@pytest.mark.parametrize("alasan", ["bukan_dtsen", "desil_di_atas_5"])
def test_the_status_answer_says_what_dtsen_and_desil_are(client, headers, alasan):
    someone = person(status="tidak_memenuhi_syarat", alasan=alasan, kpj=None, mulai=None, selesai=None)
    text = _check(client, someone.nik, someone.nama, headers).get_text(" ", strip=True)
    assert DTSEN_SAID in text
    if alasan == "desil_di_atas_5":
        assert DESIL_SAID in text


@pytest.mark.parametrize("headers", HEADERS, ids=IDS)
def test_the_status_answer_says_what_a_kpj_is(client, headers):
    someone = person(mulai=date(2025, 11, 1), selesai=date(2026, 12, 31))
    section = _check(client, someone.nik, someone.nama, headers)
    terms = [dt.get_text(strip=True) for dt in section.select("dl.summary dt")]
    assert "Nomor KPJ (nomor peserta BPJS Ketenagakerjaan)" in terms


def test_the_missed_category_says_what_dtsen_and_desil_are(client):
    page = parse(client.get("/pengaduan/baru"))
    missed = page.select_one("input[name=kategori][value=terlewat]")
    hint = page.find(id=missed["aria-describedby"]).get_text(" ", strip=True)
    assert DTSEN_SAID in hint and DESIL_SAID in hint


def test_the_confidentiality_box_does_not_suggest_identities_are_public(client):
    start(client, "terlewat")
    page = parse(client.get("/pengaduan/baru/rincian"))
    label = page.select_one("label[for=rahasia]").get_text(strip=True)
    assert "Rahasiakan" not in label
    assert label == "Hanya petugas yang menangani dan supervisor yang boleh melihat identitas saya"
    hint = page.find(id=page.select_one("#rahasia")["aria-describedby"]).get_text()
    assert "tidak pernah ditampilkan kepada publik" in hint


@pytest.mark.parametrize("headers", HEADERS, ids=IDS)
def test_the_check_page_groups_the_nik_and_says_who_sees_the_identity(client, headers):
    nik = make_nik(female=True)
    start(client, "terlewat")
    assert details(client, nik=nik).status_code == 303
    rows = {
        div.dt.get_text(strip=True): div.dd
        for div in parse(client.get("/pengaduan/baru/periksa", headers=headers)).select("dl.summary > div")
    }
    assert rows["NIK"].get_text(strip=True) == f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    seen_by = rows["Yang melihat identitas Anda"].get_text(strip=True)
    assert seen_by == "Petugas pengaduan di kecamatan (tidak pernah publik)"


def test_the_help_form_says_it_is_step_one_of_two(client):
    """On the page and when it comes back with errors. (The form is posted without htmx; htmx asks
    /bantuan only for the kelurahan list, a fragment without a heading.)"""
    shown = parse(client.get("/bantuan"))
    refused = client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan")})
    assert refused.status_code == 400
    for page in (shown, parse(refused)):
        step = page.select_one("main p.small")
        assert step.get_text(strip=True) == "Langkah 1 dari 2"
        assert step.find_next("h1").get_text(strip=True) == "Minta bantuan"


def test_a_companions_confirmation_speaks_to_the_companion(client):
    form = {
        **FORM,
        "pemohon": "pendamping",
        "nama": "Mbah Sarinah",
        "nama_pemohon": "Rina",
        "hubungan": "cucu",
        "persetujuan": "y",
    }
    assert client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan"), **form}).status_code == 303
    assert send_help(client).status_code == 303
    steps = parse(client.get("/bantuan/terkirim")).select("main ol li")
    first = steps[0].get_text(" ", strip=True)
    assert first.startswith("Petugas menghubungi Anda, Rina,")
    assert "untuk mengatur bantuan bagi Mbah Sarinah" in first


def test_a_residents_own_confirmation_names_the_resident(client):
    assert client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan"), **FORM}).status_code == 303
    assert send_help(client).status_code == 303
    first = parse(client.get("/bantuan/terkirim")).select_one("main ol li").get_text(" ", strip=True)
    assert first.startswith("Petugas menghubungi Ibu Sari Wulandari")


def test_nik_groups_only_groups_a_nik():
    assert nik_groups("3275014701850001") == "3275 0147 0185 0001"
    assert nik_groups("32750147") == "32750147"
    assert nik_groups(None) == ""
    assert nik_groups("٣٢٧٥٠١٤٧٠١٨٥٠٠٠١") == "٣٢٧٥٠١٤٧٠١٨٥٠٠٠١"  # not ASCII digits: left as is


# The home page, /tentang and /bantuan (issue 18, point 16: the words left after the complaint side).


@pytest.mark.parametrize("path", ["/", "/tentang"])
def test_home_and_about_say_what_dtsen_and_desil_are_where_they_appear(client, path):
    main = parse(client.get(path)).select_one("main")
    for item in main.find_all(["p", "li"]):
        text = item.get_text(" ", strip=True)
        if "DTSEN" in text:
            assert DTSEN_SAID in text, text
        if "desil" in text:
            assert DESIL_SAID in text, text
    assert "DTSEN" in main.get_text() and "desil" in main.get_text()


def test_the_privacy_notice_says_what_a_kpj_is(client):
    main = parse(client.get("/privasi")).select_one("main")
    for item in main.find_all(["p", "li", "dd"]):
        text = item.get_text(" ", strip=True)
        if "KPJ" in text:
            assert "KPJ (nomor peserta BPJS Ketenagakerjaan)" in text


def test_the_help_form_says_in_plain_words_what_each_disability_is(client):
    page = parse(client.get("/bantuan"))
    labels = {
        box["value"]: page.select_one(f"label[for={box['id']}]").get_text(" ", strip=True)
        for box in page.select("input[name=disabilitas]")
    }
    assert "(tuli atau sulit mendengar)" in labels["sensorik_rungu"]
    assert "(tidak dapat atau sulit berbicara)" in labels["sensorik_wicara"]
    assert "(buta atau sulit melihat)" in labels["sensorik_netra"]
    assert "psikososial (gangguan jiwa atau kesehatan mental" in labels["mental"]
    home_visit = page.select_one("input[name=bantuan][value=kunjungan_rumah]")
    assert "Petugas datang ke rumah" in page.select_one(f"label[for={home_visit['id']}]").get_text()


def test_the_help_check_page_names_the_disability_in_plain_words(client):
    form = {**FORM, "disabilitas": ["sensorik_rungu", "mental"], "persetujuan_disabilitas": "y"}
    assert client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan"), **form}).status_code == 303
    summary = parse(client.get("/bantuan/periksa")).select_one("dl.summary").get_text(" ", strip=True)
    assert "Disabilitas sensorik rungu (tuli atau sulit mendengar)" in summary
    assert "Disabilitas mental atau psikososial (gangguan jiwa atau kesehatan mental)" in summary
