"""The officer workspace's layout at the widths staff use (issue 16, point 16): at 1366 px table
headings break between words only and the audit's IP addresses stay on one line; at 360 px a
case's actions (and "Pesan ke warga") come before its long timeline, in the page's order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.core import trail
from portal.core.trail import SYSTEM, Actor
from portal.extensions import db
from tests import factories
from tests.helpers.browser import PHONE, horizontal_overflow, make_officer, route_network, sign_in

pytestmark = [pytest.mark.browser]
LAPTOP = {"width": 1366, "height": 768}

# Words of `selector`'s cells that the browser laid out over more than one line.
BROKEN_WORDS = """(selector) => {
    const broken = [];
    for (const cell of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const re = /\\S+/g;
            for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(m[0]);
            }
        }
    }
    return broken;
}"""
LINES = """(selector) => [...document.querySelectorAll(selector)].map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
})"""


def _busy_trail(live_server, supervisor_id: int) -> None:
    """Rows with long details and IPv6 addresses: what squeezes the other columns."""

    def work() -> None:
        who = Actor(account_id=supervisor_id, ip="2001:db8:85a3:1234:5678:8a2e:370:7334")
        for n in range(6):
            detail = " ".join(["keterangan panjang tentang perubahan akun petugas"] * 8) + f" {n}"
            trail.record(
                session=db.session, actor=who, action="ubah", object_type="account", object_id=n, detail=detail
            )
        db.session.commit()

    live_server.run(work)


@pytest.mark.browser_context_args(viewport=LAPTOP)
def test_at_1366_px_headings_keep_their_words_and_addresses_one_line(page: Page, live_server, context):
    route_network(context, live_server)
    admin = make_officer(live_server, "admin")
    _busy_trail(live_server, admin.id)
    sign_in(page, admin)
    for path in ("/petugas/audit", "/petugas/admin/akun", "/petugas/pengaduan?status=terbuka"):
        page.goto(path)
        assert page.locator("table th").count() > 0, path
        assert page.evaluate(BROKEN_WORDS, "table th") == [], path
    page.goto("/petugas/audit")
    lines = page.evaluate(LINES, "#jejak tbody td.nowrap")
    assert lines and set(lines) == {1}, lines
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], sizes


def _long_case(live_server) -> str:
    """A case with a long timeline (many replies and notes)."""

    def work() -> str:
        from portal.complaints.models.complaint import ComplaintEvent, EventKind

        case, _code = factories.complaint()
        for n in range(25):
            kind = EventKind.CATATAN if n % 2 else EventKind.BALASAN
            db.session.add(
                ComplaintEvent(
                    complaint_id=case.id,
                    kind=kind,
                    public=kind is EventKind.BALASAN,
                    message="Kami sudah memeriksa data DTSEN dan menghubungi kelurahan. " * 4,
                    acted_by=SYSTEM,
                )
            )
        db.session.commit()
        return case.reference

    return live_server.run(work)


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


@pytest.mark.browser_context_args(viewport=PHONE)
def test_at_360_px_the_actions_come_before_the_timeline(page: Page, live_server, context):
    route_network(context, live_server)
    officer = make_officer(live_server)
    reference = _long_case(live_server)
    sign_in(page, officer)
    page.goto(f"/petugas/pengaduan/{reference}")
    expect(page.locator("ol.timeline > li")).to_have_count(26)
    actions, messages, history = _top(page, ".actions-panel"), _top(page, "#pesan-warga"), _top(page, "#riwayat")
    assert messages < history and actions < history
    assert actions - _top(page, "main h1") < 3000  # reached before scrolling past the whole history
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Tindakan") < headings.index("Riwayat")  # the reading order is the page's order
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], sizes

    page.set_viewport_size(LAPTOP)  # beside each other on a wide screen, the history right under the case
    main, panel = page.locator(".case-main").bounding_box(), page.locator(".actions-panel").bounding_box()
    assert main and panel and panel["x"] > main["x"] + main["width"]
    assert abs(_top(page, ".case-history") - (main["y"] + main["height"])) < 40


@pytest.mark.browser_context_args(viewport=LAPTOP)
def test_a_saved_filter_is_one_click_away(page: Page, live_server, context):
    """Saved from the filtered queue (after htmx filtered it live), listed above it, accessible."""
    from tests.helpers.browser import assert_no_axe_violations, wait_for_htmx

    route_network(context, live_server)
    officer = make_officer(live_server)
    sign_in(page, officer)
    page.goto("/petugas/pengaduan")
    wait_for_htmx(page)
    page.get_by_label("Hanya yang melewati batas waktu").check()
    expect(page).to_have_url(re.compile(r"[?&]terlambat=1(&|$)"))
    page.get_by_label("Nama filter").fill("Terlambat semua")
    page.get_by_role("button", name="Simpan filter ini").click()
    saved = page.locator("nav.saved-filters").get_by_role("link", name="Terlambat semua")
    expect(saved).to_be_visible()
    assert_no_axe_violations(page)
    page.goto("/petugas/pengaduan")
    page.locator("nav.saved-filters").get_by_role("link", name="Terlambat semua").click()
    expect(page.get_by_label("Hanya yang melewati batas waktu")).to_be_checked()
