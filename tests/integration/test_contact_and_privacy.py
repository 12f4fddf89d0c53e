"""Where to turn and what is done with one's data (issue 18, points 7 and 9): /kontak from the
CONTACT_* settings, shown where a next step names the office and on the lockout pages, with a
visible mark while the values are still the demo defaults; /privasi (UU 27/2022), linked from
every public page that has a form."""

from __future__ import annotations

import pytest

from tests.factories import person
from tests.helpers import csrf_token, parse

REAL = {
    "CONTACT_OFFICE": "Dinas Tenaga Kerja Kota Bekasi",
    "CONTACT_ADDRESS": "Jl. Ir. H. Juanda No. 100, Bekasi Timur, Kota Bekasi",
    "CONTACT_PHONE": "(021) 8841 2345",
    "CONTACT_WHATSAPP": "0812 1234 5678",
    "CONTACT_EMAIL": "disnaker@bekasikota.go.id",
    "CONTACT_DAYS": "Senin-Jumat",
    "CONTACT_HOURS": "08:00-15:30",
}


@pytest.fixture
def configured(app, monkeypatch):
    for name, value in REAL.items():
        monkeypatch.setitem(app.config, name, value)


def _card(response):
    return parse(response).select_one("section.contact-card")


def test_the_contact_page_gives_address_phone_whatsapp_and_hours(client, configured):
    response = client.get("/kontak")
    assert response.status_code == 200
    card = _card(response)
    facts = {dt.get_text(strip=True): dd for dt, dd in zip(card.select("dt"), card.select("dd"), strict=True)}
    assert facts["Alamat"].get_text(strip=True) == REAL["CONTACT_ADDRESS"]
    assert facts["Telepon"].a["href"] == "tel:+622188412345" and facts["Telepon"].a.get_text() == "(021) 8841 2345"
    assert facts["WhatsApp"].a["href"] == "https://wa.me/6281212345678"
    assert facts["E-mail"].a["href"] == "mailto:disnaker@bekasikota.go.id"
    assert facts["Jam layanan"].get_text(strip=True) == "Senin–Jumat, pukul 08.00–15.30 WIB, kecuali hari libur"
    assert card.select_one("[data-contact-demo]") is None
    english = _card(client.get("/kontak?lang=en"))
    assert "Monday–Friday" in english.get_text() and "08:00–15:30" in english.get_text()


def test_demo_values_are_marked_on_every_page_that_shows_them(client):
    """Until the office's own values are set, no resident is sent to a made-up number unawares."""
    card = _card(client.get("/kontak"))
    assert "Data kontak contoh" in card.select_one("[data-contact-demo]").get_text()
    someone = person()
    page = parse(client.post("/cek-status", data={"csrf_token": csrf_token(client), "nik": someone.nik, "nama": "X Y"}))
    assert page.select_one(".contact-line [data-contact-demo]") is not None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_next_step_that_names_the_office_says_how_to_reach_it(client, configured, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"csrf_token": csrf_token(client), "nik": "3275014703850001", "nama": "Tidak Ada"}
    page = parse(client.post("/cek-status", data=data, headers=headers))
    assert (page.html is None) == htmx  # htmx: the fragment; plain: the whole page
    line = page.select_one(".next-step .contact-line")
    assert line.select_one("a[href^='tel:']")["href"] == "tel:+622188412345"
    assert line.select_one("a[href^='https://wa.me/']").get_text() == REAL["CONTACT_WHATSAPP"]
    assert line.select_one("a[href='/kontak']") is not None
    active = person()
    found = parse(client.post("/cek-status", data={**data, "nik": active.nik, "nama": active.nama}, headers=headers))
    assert found.select_one(".contact-line") is None  # "aktif": BPJS Ketenagakerjaan 175 is the next step


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_lockout_page_offers_the_office_as_another_way(client, app, configured, monkeypatch, htmx):
    monkeypatch.setitem(app.config, "NIK_LOCKOUT_FAILURES", 2)
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"csrf_token": csrf_token(client), "nik": "3275014703850001", "nama": "Tidak Ada"}
    for _ in range(2):
        client.post("/cek-status", data=data, headers=headers)
    locked = client.post("/cek-status", data=data, headers=headers)
    assert locked.status_code == 429
    alert = parse(locked).select_one("#pesan-kesalahan")
    assert "Terlalu banyak percobaan" in alert.get_text()
    assert alert.select_one(".contact-line a[href='tel:+622188412345']") is not None

    token = csrf_token(client, "/pengaduan/lacak")
    for _ in range(3):
        tracked = client.post("/pengaduan/lacak", data={"csrf_token": token, "nomor": "SGP-2026-000001", "kode": "X"})
    assert tracked.status_code == 429
    assert parse(tracked).select_one("#pesan-kesalahan .contact-line a[href='/kontak']") is not None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CONTACT_PHONE", "nomor kantor", "CONTACT_PHONE: 'nomor kantor' is not a phone number"),
        ("CONTACT_WHATSAPP", "(021) 8841 2345", "CONTACT_WHATSAPP: '(021) 8841 2345' is not an Indonesian mobile"),
        ("CONTACT_DAYS", "weekdays", "CONTACT_DAYS: 'weekdays' needs days like senin-jumat"),
        ("CONTACT_HOURS", "16.00-08.00", "CONTACT_HOURS: '16.00-08.00' the office must open before it closes"),
        ("CONTACT_HOURS", "8 sampai 4", "CONTACT_HOURS: '8 sampai 4' needs hours like 08.00-16.00"),
        ("CONTACT_EMAIL", "disnaker", "CONTACT_EMAIL: 'disnaker' String should match pattern"),
        ("OPEN311_DELAY_DAYS", "-1", "OPEN311_DELAY_DAYS: '-1' Input should be greater than or equal to 0"),
        ("HTMX_URL", "cdn.example/htmx.js", "HTMX_URL: 'cdn.example/htmx.js' needs 'self'"),
    ],
)
def test_a_wrong_contact_value_stops_the_start_naming_the_variable(tmp_path, name, value, message):
    from portal.config import ConfigError, read_settings

    with pytest.raises(ConfigError) as stopped:
        read_settings(tmp_path, {"SIGAP_ENV": "development"}, environ={name: value})
    assert message in str(stopped.value)


def test_the_contact_defaults_are_the_marked_demo_values(tmp_path):
    from portal.config import read_settings

    demo = read_settings(tmp_path, {"SIGAP_ENV": "development"}, environ={})
    assert demo.demo_contact
    real = read_settings(tmp_path, {"SIGAP_ENV": "development"}, environ=REAL)
    assert not real.demo_contact and real.CONTACT_DAYS == "senin-jumat" and real.CONTACT_HOURS == "08.00-15.30"


def test_the_privacy_notice_answers_what_uu_27_2022_asks(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_DELAY_DAYS", 7)
    response = client.get("/privasi")
    assert response.status_code == 200
    page = parse(response)
    main = page.select_one("main")
    headings = [h.get_text(strip=True) for h in main.select("h2")]
    assert headings == [
        "Siapa yang bertanggung jawab",
        "Yang dicatat, dan untuk apa",
        "Berapa lama disimpan",
        "Siapa yang melihat",
        "Hak Anda",
        "Cara meminta",
    ]
    text = " ".join(main.get_text(" ").split())
    assert "Undang-Undang Nomor 27 Tahun 2022" in text
    assert "foto KTP dan KK" in text and "3 × 24 jam" in text
    assert "paling cepat 7 hari setelah pengaduan masuk" in text  # Open311's delay, from the setting
    assert f"dihapus setelah {app.config['CHECK_LOG_RETENTION_DAYS']} hari" in text  # the check log's retention
    assert main.select_one("section.contact-card a[href^='tel:']") is not None
    assert page.select_one("footer a[href='/privasi']")["aria-current"] == "page"


@pytest.mark.parametrize("path", ["/cek-status", "/pengaduan/baru", "/pengaduan/lacak", "/bantuan", "/verifikasi"])
def test_every_public_form_links_the_privacy_notice(client, path):
    page = parse(client.get(path))
    assert page.select_one("main form") is not None
    note = page.select_one("main [data-privacy-note]")
    assert note is not None and note.select_one("a[href='/privasi']") is not None
    assert page.select_one("footer a[href='/privasi']") is not None and page.select_one("footer a[href='/kontak']")


def test_pages_without_a_form_carry_the_notice_in_the_footer_only(client):
    page = parse(client.get("/tentang"))
    assert page.select_one("main [data-privacy-note]") is None
    assert page.select_one("footer a[href='/privasi']") is not None
