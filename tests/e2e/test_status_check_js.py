"""The status check with JavaScript on: htmx swaps results in place and moves focus to them."""

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

pytestmark = pytest.mark.browser


def _open(page: Page) -> None:
    page.goto("/cek-status")
    page.wait_for_function("() => window.htmx !== undefined")
    # Marks this document: a full navigation would make a new window without it.
    page.evaluate("() => { window.__sameDocument = true; }")


def _still_same_document(page: Page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


def _submit_with_htmx(page: Page):
    with page.expect_response(lambda r: r.url.endswith("/cek-status") and r.request.method == "POST") as response:
        submit_status_check(page)
    assert response.value.request.headers.get("hx-request") == "true"
    return response.value


def test_htmx_loads_from_the_vendored_copy_despite_sri(page: Page, live_server):
    page.goto("/cek-status")
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("() => htmx.version") == "2.0.11"
    script = page.locator(f'script[src="{live_server.htmx_url}"]')
    expect(script).to_have_attribute("integrity", re.compile(r"^sha384-"))


def test_found_result_swaps_in_place_and_takes_focus(page: Page, residents):
    _open(page)
    person = residents["aktif"]
    fill_status_check(page, person.spaced_nik, "budi  santoso")  # spaces and case do not matter
    response = _submit_with_htmx(page)
    assert response.status == 200

    heading = page.get_by_role("heading", level=2, name=RESULT_HEADINGS["aktif"])
    expect(heading).to_be_focused()
    expect(page).to_have_url(re.compile(r"/cek-status$"))
    assert _still_same_document(page)
    result = page.locator("section.result")
    expect(result).to_contain_text("B*** S******")  # only initials of the name
    expect(result).not_to_contain_text(person.nik)
    expect(result).to_contain_text("Masa perlindungan")
    # The answer stands alone: no NIK field left on screen, a link to check another NIK.
    expect(page.get_by_label("NIK", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Cek NIK lain").click()
    expect(page.get_by_label("NIK", exact=True)).to_have_value("")


def test_not_found_swaps_in_place_and_takes_focus(page: Page):
    _open(page)
    fill_status_check(page, UNKNOWN_NIK, "Nama Yang Tidak Ada")
    _submit_with_htmx(page)

    expect(page.get_by_role("heading", level=2, name=NOT_FOUND_HEADING)).to_be_focused()
    expect(page).to_have_url(re.compile(r"/cek-status$"))
    assert _still_same_document(page)
    # The form comes back as typed, to correct a typo.
    expect(page.get_by_label("Nama lengkap")).to_have_value("Nama Yang Tidak Ada")


def test_a_second_check_after_a_result_is_swapped_too(page: Page, residents):
    _open(page)
    fill_status_check(page, UNKNOWN_NIK, "Siapa Saja")
    _submit_with_htmx(page)
    expect(page.get_by_role("heading", name=NOT_FOUND_HEADING)).to_be_focused()

    person = residents["proses"]
    fill_status_check(page, person.nik, person.name)
    _submit_with_htmx(page)  # the swapped-in form is wired to htmx again
    expect(page.get_by_role("heading", level=2, name=RESULT_HEADINGS["proses"])).to_be_focused()
    expect(page.locator("section.result")).to_have_count(1)
    assert _still_same_document(page)


def test_invalid_nik_shows_error_summary_linked_to_the_field(page: Page):
    _open(page)
    fill_status_check(page, "1234", "")
    response = _submit_with_htmx(page)
    assert response.status == 400

    summary = page.locator(".error-summary").filter(has_text=ERROR_SUMMARY_HEADING)
    expect(summary).to_be_focused()
    assert _still_same_document(page)
    nik = page.get_by_label("NIK", exact=True)
    expect(nik).to_have_attribute("aria-invalid", "true")
    expect(nik).to_have_value("1234")  # what was typed is kept
    expect(nik).to_have_accessible_description(re.compile(r"16 angka.*Anda mengetik 4"))

    link = summary.get_by_role("link", name=re.compile("NIK harus 16 angka"))
    expect(link).to_have_attribute("href", "#nik")
    expect(summary.get_by_role("link", name=re.compile("nama lengkap"))).to_have_attribute("href", "#nama")
    link.click()
    expect(nik).to_be_focused()


def test_nik_is_checked_on_leaving_the_field_not_between_the_groups_of_four(page: Page):
    page.clock.install()  # time runs, and can be fast-forwarded past the field's debounce
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if r.url.endswith("/cek-status/nik") else None)
    _open(page)
    feedback = page.locator("#nik-feedback")
    expect(feedback).to_have_attribute("aria-live", "polite")
    page.evaluate("() => { window.__feedbackRegion = document.getElementById('nik-feedback'); }")

    nik = page.get_by_label("NIK", exact=True)
    nik.press_sequentially("3275 0107")  # a pause while copying the next group off the KTP
    page.clock.run_for(5000)
    assert checks == []
    expect(feedback).to_be_empty()
    expect(nik).not_to_have_attribute("aria-invalid", "true")

    nik.press("Tab")  # leaving the field checks it
    expect(feedback).to_contain_text("NIK harus 16 angka; Anda mengetik 8.")
    # The field itself says it is invalid and points at the message, as after a submit.
    expect(nik).to_have_attribute("aria-invalid", "true")
    expect(nik).to_have_accessible_description(re.compile(r"Anda mengetik 8"))

    nik.fill("3275 0107 0385 0000")  # 16 digits: checked as typed, once the typing pauses
    page.clock.run_for(1000)
    expect(feedback).to_contain_text("Empat angka terakhir NIK tidak boleh 0000")

    nik.fill("3275 0107 0385 0001")
    page.clock.run_for(1000)
    expect(feedback).to_have_text("Format NIK benar.")
    expect(nik).not_to_have_attribute("aria-invalid", "true")
    expect(nik).to_have_attribute("aria-describedby", "nik-hint")
    # The live region is updated, not replaced, so screen readers announce the change.
    assert page.evaluate("() => window.__feedbackRegion === document.getElementById('nik-feedback')")
    expect(page).to_have_url(re.compile(r"/cek-status$"))
    assert _still_same_document(page)


@pytest.mark.parametrize("path", ["/cek-status", "/pengaduan/lacak"])
def test_a_dropped_connection_is_told_beside_the_button_and_a_retry_works(page: Page, residents, path, browser_errors):
    page.route(
        f"**{path}",
        lambda route: route.abort("internetdisconnected") if route.request.method == "POST" else route.continue_(),
    )
    page.goto(path)
    page.wait_for_function("() => window.htmx !== undefined")
    form = page.locator("main form").first
    inputs = form.locator("input:not([type=hidden])")
    inputs.nth(0).fill("3275010703850012" if path == "/cek-status" else "SGP-2026-000001")
    inputs.nth(1).fill("Budi Santoso" if path == "/cek-status" else "ABCD2345")
    form.get_by_role("button").click()

    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("Sambungan terputus")
    expect(alert).to_contain_text("Isian Anda masih ada")
    expect(inputs.nth(1)).not_to_have_value("")  # what was typed stays
    expect(page.locator(".htmx-request")).to_have_count(0)  # "Sedang memeriksa…" is gone

    page.unroute(f"**{path}")  # the connection is back: sending again works and the message goes
    with page.expect_response(lambda r: r.url.endswith(path) and r.request.method == "POST"):
        form.get_by_role("button").click()
    expect(page.locator(".send-error")).to_have_count(0)
    # The browser logs the dropped request itself; nothing else may have gone wrong.
    browser_errors[:] = [e for e in browser_errors if "sendError" not in e and "ERR_INTERNET_DISCONNECTED" not in e]
