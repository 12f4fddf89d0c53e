"""Choosing a template on the case page opens its form with the text, placeholders filled (issue
16, point 7): with JavaScript and without it, the link alone does it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.models import ResponseTemplate
from tests import factories
from tests.helpers.browser import DESKTOP, make_officer, route_network, sign_in

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_a_chosen_template_opens_balas_warga_with_its_text(browser, browser_context_args, live_server, js):
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP, "java_script_enabled": js})
    route_network(context, live_server)
    page: Page = context.new_page()
    title = f"Sedang diperiksa ({'js' if js else 'tanpa js'})"  # one live server for both runs
    try:
        supervisor = make_officer(live_server, "supervisor")

        def work() -> str:
            case, _code = factories.complaint(subject_name="Siti Aminah")
            db.session.add(ResponseTemplate(title=title, body="Bu {nama}, pengaduan {nomor} kami periksa."))
            db.session.commit()
            return case.reference

        reference = live_server.run(work)
        sign_in(page, supervisor)
        page.goto(f"/petugas/pengaduan/{reference}")
        reply = page.locator("#aksi-balas")
        expect(reply).not_to_have_attribute("open", "")
        page.locator("#aksi-balas summary").click()
        reply.get_by_role("link", name=title, exact=True).click()
        expect(reply).to_have_attribute("open", "")
        text = reply.get_by_label("Balasan untuk warga (terlihat di halaman lacak)")
        expect(text).to_be_visible()
        expect(text).to_have_value(f"Bu Siti Aminah, pengaduan {reference} kami periksa.")
        expect(text).to_be_in_viewport()
    finally:
        context.close()
