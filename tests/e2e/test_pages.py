"""Every public page on a phone: axe-core finds nothing, nothing scrolls sideways at 320 px,
the skip link works, and the English switch changes the page language."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import (
    ERROR_SUMMARY_HEADING,
    NARROW,
    NOT_FOUND_HEADING,
    RESULT_HEADINGS,
    UNKNOWN_NIK,
    assert_no_axe_violations,
    fill_status_check,
    horizontal_overflow,
    submit_status_check,
)

pytestmark = pytest.mark.browser


def _plain_page(path: str, heading: str | re.Pattern) -> Callable:
    def open_page(page: Page, residents) -> None:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    return open_page


def _result(status: str | None, *, full_page: bool) -> Callable:
    """A status-check result, as a whole page (htmx down) or swapped in by htmx."""

    def open_page(page: Page, residents) -> None:
        page.goto("/cek-status")
        if status is None:
            fill_status_check(page, UNKNOWN_NIK, "Nama Yang Tidak Ada")
            heading = NOT_FOUND_HEADING
        else:
            fill_status_check(page, residents[status].nik, residents[status].name)
            heading = RESULT_HEADINGS[status]
        submit_status_check(page)
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()

    open_page.full_page = full_page
    return open_page


def _validation_error(*, full_page: bool) -> Callable:
    def open_page(page: Page, residents) -> None:
        page.goto("/cek-status")
        fill_status_check(page, "12345", "")
        submit_status_check(page)
        expect(page.get_by_role("heading", name=ERROR_SUMMARY_HEADING)).to_be_visible()

    open_page.full_page = full_page
    return open_page


PAGES = {
    "home": _plain_page("/", re.compile("Perlindungan kerja gratis")),
    "cek-status": _plain_page("/cek-status", "Cek status kepesertaan SIGAP"),
    "tentang": _plain_page("/tentang", "Tentang SIGAP"),
    "404": _plain_page("/tidak-ada-halaman-ini", "Halaman tidak ditemukan"),
    "result-aktif": _result("aktif", full_page=True),
    "result-tidak-ditemukan": _result(None, full_page=True),
    "validation-error": _validation_error(full_page=True),
    # Complaint pages belong to another part of the portal; only their entry pages are here.
    "pengaduan-baru": _plain_page("/pengaduan/baru", re.compile(".+")),
    "pengaduan-lacak": _plain_page("/pengaduan/lacak", re.compile(".+")),
    "english-home": _plain_page("/?lang=en", re.compile(".+")),
    "english-cek-status": _plain_page("/cek-status?lang=en", re.compile(".+")),
}
# The same states after htmx swapped them into the status-check page.
SWAPPED = {
    "swapped-result-aktif": _result("aktif", full_page=False),
    "swapped-result-proses": _result("proses", full_page=False),
    "swapped-result-daftar-tunggu": _result("daftar_tunggu", full_page=False),
    "swapped-result-nonaktif": _result("nonaktif", full_page=False),
    "swapped-result-tidak-memenuhi-syarat": _result("tidak_memenuhi_syarat", full_page=False),
    "swapped-result-tidak-ditemukan": _result(None, full_page=False),
    "swapped-validation-error": _validation_error(full_page=False),
}


def _page_for(open_page: Callable, request) -> Page:
    """Whole pages come from plain form posts: the htmx CDN is made to fail for those."""
    if getattr(open_page, "full_page", False):
        return request.getfixturevalue("offline_htmx_page")
    page = request.getfixturevalue("page")
    return page


@pytest.mark.parametrize("name", list(PAGES) + list(SWAPPED))
def test_axe_finds_no_violations(name, request, residents):
    open_page = {**PAGES, **SWAPPED}[name]
    page = _page_for(open_page, request)
    open_page(page, residents)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("name", list(PAGES) + list(SWAPPED))
def test_no_horizontal_scrolling_at_320px(name, request, residents):
    open_page = {**PAGES, **SWAPPED}[name]
    page = _page_for(open_page, request)
    page.set_viewport_size(NARROW)
    open_page(page, residents)
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{name} scrolls sideways at 320 px: {sizes}"


def test_skip_link_moves_focus_to_main_content(page: Page):
    page.goto("/cek-status")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi utama")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#isi")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("NIK", exact=True)).to_be_focused()


def test_current_page_is_marked_in_the_menu(page: Page):
    page.goto("/tentang")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.locator("[aria-current=page]")).to_have_count(1)
    expect(menu.locator("[aria-current=page]")).to_have_attribute("href", "/tentang")


def test_english_switch_sets_the_page_language_and_is_remembered(page: Page):
    page.goto("/cek-status")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("link", name="English").click()

    expect(page).to_have_url(re.compile(r"/cek-status\?lang=en$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    back = page.locator('nav a[hreflang="id"]')
    expect(back).to_have_attribute("lang", "id")
    expect(back).to_have_attribute("href", re.compile(r"/cek-status\?lang=id$"))
    expect(page.locator("form input#nik")).to_be_visible()

    # The choice stays for the next page, without ?lang=.
    page.goto("/tentang")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    back.click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("link", name="English")).to_be_visible()


def test_english_status_check_swaps_with_htmx(page: Page, residents):
    page.goto("/cek-status?lang=en")
    page.wait_for_function("() => window.htmx !== undefined")
    person = residents["aktif"]
    page.locator("#nik").fill(person.nik)
    page.locator("#nama").fill(person.name)
    page.locator("#cek-status form button[type=submit]").click()
    expect(page.locator("#hasil-judul")).to_be_focused()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/cek-status\?lang=en$"))


def test_axe_helper_reports_violations(page: Page):
    """Guards the helper itself: a page with a known fault must not pass."""
    page.goto("/tentang")
    page.evaluate(
        """() => { const img = document.createElement('img');
                   img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
                   document.querySelector('main').append(img); }"""
    )
    with pytest.raises(AssertionError, match=r"\[critical\] image-alt"):
        assert_no_axe_violations(page)
