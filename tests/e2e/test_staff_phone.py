"""Staff pages on a 360 px phone, without JavaScript (issue 16, point 2): the staff menu wraps,
so every item and "Keluar" are in sight on the first screen (the public menu's sideways row hid
"Keluar" 1,200 px to the right); the admins' accounts table keeps whole words and scrolls inside
its labelled region, never the page."""

from __future__ import annotations

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
