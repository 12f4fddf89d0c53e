"""Issue 18, round 2, as a resident sees it on a 360 px phone: where to turn after a result (with
JavaScript and htmx, and without), the figures page's wide tables and chart labels, a mistyped
letter code, and static files that a repeat visit does not ask for again."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import UNKNOWN_NIK, fill_status_check, horizontal_overflow, submit_status_check

pytestmark = pytest.mark.browser


def _not_found_answer(page: Page, *, go: bool = True):
    if go:
        page.goto("/cek-status")
    fill_status_check(page, UNKNOWN_NIK, "Nama Tidak Terdaftar")
    submit_status_check(page)
    result = page.get_by_role("region", name="Data tidak ditemukan")
    expect(result).to_be_visible()
    return result


def test_the_office_is_named_with_its_phone_after_an_htmx_answer(page: Page):
    page.goto("/cek-status")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__sameDocument = true; }")
    result = _not_found_answer(page, go=False)
    assert page.evaluate("() => window.__sameDocument === true")  # swapped in, not a new page
    line = result.locator(".contact-line")
    expect(line.get_by_role("link", name="(021) 0000-0000")).to_have_attribute("href", "tel:+622100000000")
    expect(line).to_contain_text("data kontak contoh")
    line.get_by_role("link", name="Alamat dan cara menghubungi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hubungi kami")
    assert horizontal_overflow(page)["scrollWidth"] <= 360


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_the_office_is_named_with_its_phone_without_javascript(page: Page):
    result = _not_found_answer(page)
    expect(result.locator(".contact-line a[href^='tel:']")).to_be_visible()
    page.get_by_role("link", name="Baca pemberitahuan privasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemberitahuan privasi")
    assert horizontal_overflow(page)["scrollWidth"] <= 360


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_wide_tables_say_they_scroll_and_chart_labels_are_readable(new_context, live_server, javascript):
    from tests.helpers.browser import route_network

    context = new_context(java_script_enabled=javascript)
    route_network(context, live_server)
    page = context.new_page()
    page.goto("/statistik")
    assert horizontal_overflow(page)["scrollWidth"] <= 360  # the page never scrolls sideways, its tables may
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')].map(box => ({
            id: box.querySelector('table').id,
            scrolls: box.scrollWidth > box.clientWidth + 1,
            hint: !!document.getElementById(box.getAttribute('aria-describedby') || '-')
                  && getComputedStyle(document.getElementById(box.getAttribute('aria-describedby'))).display !== 'none',
        }))"""
    )
    assert any(box["scrolls"] for box in boxes), boxes
    for box in boxes:
        assert box["hint"] == box["scrolls"], f"a table that scrolls has a visible hint, one that fits none: {boxes}"
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(text => {
            const svg = text.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return Number(text.getAttribute('font-size')) * scale;
        }))"""
    )
    assert smallest >= 13, f"the smallest chart label is {smallest:.1f} px at 360 px"
    context.close()


def test_a_mistyped_letter_code_is_told_as_a_typo(page: Page):
    page.goto("/verifikasi")
    page.get_by_label("Kode verifikasi").fill("7K3M-Q9PX-2D4F-HT6W")
    page.get_by_role("button", name="Periksa surat").click()
    expect(page.get_by_role("heading", name="Kode ini kemungkinan salah ketik")).to_be_visible()
    expect(page.get_by_label("Kode verifikasi")).to_have_value("7K3M-Q9PX-2D4F-HT6W")
    assert horizontal_overflow(page)["scrollWidth"] <= 360


def test_a_repeat_visit_asks_only_for_the_page(new_context, live_server, monkeypatch):
    """Static files under content-hashed names are kept by the browser: the next page asks the
    server for no stylesheet or script again (before: `no-cache`, a revalidation each page).
    Counted by the server. Playwright turns the browser's cache off in a context with routes, so
    this context has none (and JavaScript off, so the unreachable CDN copy of htmx is not asked for)."""
    seen: list[str] = []
    app = live_server.app
    inner = app.wsgi_app

    def counting(environ, start_response):
        seen.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", counting)
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/cek-status")
    first = list(seen)
    assert any(path.startswith("/static/css/portal.") for path in first), first
    page.goto(live_server.url + "/tentang")
    page.wait_for_load_state("load")
    assert seen[len(first) :] == ["/tentang"], seen
    context.close()
