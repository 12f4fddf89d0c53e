"""On a 360 px phone the header leaves the first screen to the page, at 100% and 200% text
(issue 18, point 17): the menu is one row that scrolls sideways, every item still reachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("zoom", "most"), [(1, 120), (2, 180)], ids=["100%", "200%"])
def test_the_header_takes_a_small_part_of_a_phone_screen(page: Page, zoom, most):
    page.set_viewport_size({"width": 360 // zoom, "height": 740 // zoom})  # 200% text: half the CSS pixels
    page.goto("/cek-status")
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= most, header
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    menu = page.get_by_role("navigation", name="Menu utama")
    last = menu.get_by_role("link").last
    last.focus()  # the row scrolls to what the keyboard reaches
    expect(last).to_be_in_viewport()
