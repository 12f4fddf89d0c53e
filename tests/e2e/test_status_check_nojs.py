"""The status check with JavaScript off (and with the htmx CDN down): plain forms, full pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import (
    ERROR_SUMMARY_HEADING,
    NOT_FOUND_HEADING,
    RESULT_HEADINGS,
    UNKNOWN_NIK,
    fill_status_check,
    submit_status_check,
)

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(java_script_enabled=False)]


def _post(page: Page):
    """Submit the form and return the response of the full-page navigation it causes."""
    with page.expect_navigation() as navigation:
        submit_status_check(page)
    response = navigation.value
    assert response.request.method == "POST"
    assert "hx-request" not in response.request.headers
    return response


@pytest.mark.parametrize("status", list(RESULT_HEADINGS))
def test_every_status_renders_a_full_result_page(page: Page, residents, status):
    page.goto("/cek-status")
    person = residents[status]
    fill_status_check(page, person.spaced_nik, person.name.upper())
    response = _post(page)

    assert response.status == 200
    expect(page).to_have_url(re.compile(r"/cek-status$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cek status kepesertaan SIGAP")
    result = page.get_by_role("region", name=RESULT_HEADINGS[status])
    expect(result).to_be_visible()
    expect(result.get_by_role("heading", name="Langkah berikutnya")).to_be_visible()
    expect(result).not_to_contain_text(person.nik)
    expect(page.get_by_role("link", name="Cek NIK lain")).to_have_attribute("href", "/cek-status")
    expect(page.get_by_label("NIK", exact=True)).to_have_count(0)  # the answer stands alone


def test_found_aktif_shows_coverage_and_next_step(page: Page, residents):
    page.goto("/cek-status")
    person = residents["aktif"]
    fill_status_check(page, person.nik, person.name)
    _post(page)

    result = page.get_by_role("region", name=RESULT_HEADINGS["aktif"])
    expect(result.locator(".tag-aktif")).to_have_text(RESULT_HEADINGS["aktif"])
    expect(result).to_contain_text("B*** S******")
    expect(result).to_contain_text("*******0001")  # KPJ: the last four only
    expect(result).to_contain_text("175")


def test_not_found_renders_a_full_page(page: Page):
    page.goto("/cek-status")
    fill_status_check(page, UNKNOWN_NIK, "Nama Yang Tidak Ada")
    response = _post(page)

    assert response.status == 200
    expect(page.get_by_role("region", name=NOT_FOUND_HEADING)).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=NOT_FOUND_HEADING)).to_be_visible()


def test_invalid_nik_renders_error_summary_with_link_to_field(page: Page):
    page.goto("/cek-status")
    fill_status_check(page, "32-75-01 ab", "Budi Santoso")
    response = _post(page)

    assert response.status == 400
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name=ERROR_SUMMARY_HEADING)).to_be_visible()
    link = summary.get_by_role("link", name=re.compile("NIK hanya berisi angka"))
    expect(link).to_have_attribute("href", "#nik")
    nik = page.get_by_label("NIK", exact=True)
    expect(nik).to_have_attribute("aria-invalid", "true")
    expect(nik).to_have_value("32-75-01 ab")
    expect(page.get_by_label("Nama lengkap")).to_have_value("Budi Santoso")
    expect(page.locator("#nik-error")).to_contain_text("NIK hanya berisi angka")
    link.click()
    expect(nik).to_be_focused()
    expect(page.locator("section.result")).to_have_count(0)


@pytest.mark.browser_context_args(java_script_enabled=True)
def test_status_check_still_works_when_the_htmx_cdn_is_down(offline_htmx_page: Page, residents):
    page = offline_htmx_page
    page.goto("/cek-status")
    person = residents["aktif"]
    fill_status_check(page, person.nik, person.name)
    response = _post(page)
    assert response.status == 200
    expect(page.get_by_role("heading", level=2, name=RESULT_HEADINGS["aktif"])).to_be_visible()
    assert page.evaluate("() => typeof window.htmx") == "undefined"
