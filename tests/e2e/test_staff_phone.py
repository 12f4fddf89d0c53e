"""Staff pages on a 360 px phone, without JavaScript (issue 16, point 2): the staff menu wraps,
so every item and "Keluar" are in sight on the first screen (the public menu's sideways row hid
"Keluar" 1,200 px to the right); the admins' accounts table keeps whole words and scrolls inside
its labelled region, never the page; so do the SLA page's tables and the people pages' (the search,
a person's status history, complaints and letters)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from tests import factories
from tests.e2e.test_officer_layout import BROKEN_WORDS
from tests.helpers.browser import PHONE, make_officer, page_heading, sign_in

pytestmark = [pytest.mark.browser]

PAGE_WIDTH = "() => document.documentElement.scrollWidth"
# Menu items whose box reaches past the right edge of the window (or the left).
OUT_OF_SIGHT = """() => [...document.querySelectorAll('nav.staff-nav li')]
    .filter(li => { const box = li.getBoundingClientRect(); return box.left < 0 || box.right > window.innerWidth; })
    .map(li => li.innerText.trim())"""


@pytest.mark.parametrize("role", ["admin", "officer"])
@pytest.mark.browser_context_args(viewport=PHONE, java_script_enabled=False)
def test_at_360_px_every_menu_item_and_keluar_are_in_sight(page: Page, live_server, role):
    who = make_officer(live_server, role)
    sign_in(page, who)
    paths = ["/petugas/pengaduan?status=terbuka", "/petugas/akun"]
    if role == "admin":
        paths += ["/petugas/admin/akun", "/petugas/audit"]
    for path in paths:
        page.goto(path)
        menu = page.get_by_role("navigation", name="Menu petugas")
        sign_out = menu.get_by_role("button", name="Keluar")
        expect(sign_out).to_be_in_viewport()  # on the first screen, no scrolling of any kind
        assert page.evaluate(OUT_OF_SIGHT) == [], path
        assert page.evaluate(PAGE_WIDTH) <= 360, path
    sign_out.click()
    expect(page_heading(page)).to_have_text("Masuk petugas")


@pytest.mark.browser_context_args(viewport=PHONE, java_script_enabled=False)
def test_at_360_px_the_accounts_table_keeps_whole_words_and_scrolls_in_its_region(page: Page, live_server):
    admin = make_officer(live_server, "admin")

    def more_accounts() -> None:
        factories.account("supervisor", email="kepala.bidang.perlindungan@bekasikota.go.id")
        factories.account("officer", kecamatan=("32.75.01", "32.75.02"))
        db.session.commit()

    live_server.run(more_accounts)
    sign_in(page, admin)
    page.goto("/petugas/admin/akun")
    assert page.evaluate(BROKEN_WORDS, "main table th, main table td") == []
    region = page.get_by_role("region", name="Semua akun, yang aktif di atas")
    expect(region.get_by_role("cell", name="kepala.bidang.perlindungan@bekasikota.go.id")).to_have_count(1)
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside its box
    expect(page.locator("#akun-geser")).to_be_visible()  # and says so
    assert page.evaluate(PAGE_WIDTH) <= 360


def _late_cases_and_a_person(live_server) -> int:
    """Late open cases in kecamatan with long names, one assigned to an officer with a long name;
    a person with a status history, a complaint and a replaced letter."""

    def work() -> int:
        from datetime import date, datetime

        from portal.letters.models import IssuedVia
        from portal.letters.services.letters import issue_letter
        from portal.roster.models.person import PersonStatus, PersonStatusHistory

        long_ago = datetime.fromisoformat("2026-08-03T09:00:00+07:00")
        officer = factories.account("officer")
        officer.name = "Raden Ajeng Kusumawardhani Prawiranegara"
        for serial, kelurahan in enumerate(("32.75.08.1001", "32.75.10.1001", "32.75.11.1003"), start=1):
            case, _ = factories.complaint(
                now=long_ago, kelurahan_code=kelurahan, subject_nik=factories.make_nik(birth=date(1980, 1, serial))
            )
            case.assigned_to_id = officer.id if serial == 1 else None
        someone = factories.person(
            nama="Hj. Nur'aini Ma'rifah Kusumaningtyas", female=True, kelurahan_code="32.75.08.1006"
        )
        db.session.add(
            PersonStatusHistory(
                person_id=someone.id,
                old_status=PersonStatus.DAFTAR_TUNGGU,
                new_status=PersonStatus.AKTIF,
                old_tanggal_data=someone.tanggal_data,
                new_tanggal_data=someone.tanggal_data,
            )
        )
        factories.complaint(subject_nik=someone.nik, kelurahan_code="32.75.08.1006")
        issue_letter(session=db.session, person_id=someone.id, via=IssuedVia.PETUGAS)
        issue_letter(session=db.session, person_id=someone.id, via=IssuedVia.MASSAL, replace=True)
        db.session.commit()
        return someone.id

    return live_server.run(work)


@pytest.mark.browser_context_args(viewport=PHONE, java_script_enabled=False)
def test_at_360_px_the_sla_and_people_tables_keep_whole_words_and_scroll_in_their_regions(page: Page, live_server):
    supervisor = make_officer(live_server, "supervisor")
    person_id = _late_cases_and_a_person(live_server)
    sign_in(page, supervisor)
    regions = {
        "/petugas/sla": ["Pengaduan terbuka per petugas", "Pengaduan terbuka per kecamatan"],
        "/petugas/warga?q=Kusumaningtyas": ["Warga yang cocok, menurut nama"],
        f"/petugas/warga/{person_id}": [
            "Surat yang pernah diterbitkan untuk warga ini",
            "Perubahan status karena impor roster",
            "Pengaduan tentang warga ini",
        ],
    }
    for path, names in regions.items():
        page.goto(path)
        assert page.locator("main table tbody tr").count() > 0, path
        assert page.evaluate(BROKEN_WORDS, "main table th, main table td") == [], path
        for name in names:  # every table is in a region named by its caption, which the keyboard reaches
            region = page.get_by_role("region", name=re.compile(name))
            expect(region).to_have_count(1)
            assert region.get_attribute("tabindex") == "0", (path, name)
            if region.evaluate("el => el.scrollWidth > el.clientWidth"):  # it scrolls inside, and says so
                expect(page.locator("#" + region.get_attribute("aria-describedby"))).to_be_visible()
        assert page.evaluate(PAGE_WIDTH) <= 360, path
    page.goto("/petugas/sla")
    expect(page.get_by_role("rowheader", name="Pondokgede")).to_have_count(1)
    expect(page.get_by_role("rowheader", name="Raden Ajeng Kusumawardhani Prawiranegara")).to_have_count(1)
