"""A choice's hint is read out with it (aria-describedby), and no checkbox of a "choose at least
one" list is required on its own (issue 18, point 11)."""

from __future__ import annotations

from tests.helpers import parse


def test_each_category_hint_is_linked_to_its_radio(client):
    page = parse(client.get("/pengaduan/baru"))
    radios = page.select("input[type=radio][name=kategori]")
    assert len(radios) >= 7
    for radio in radios:
        hint = page.find(id=f"{radio['id']}-hint")
        assert hint is not None, radio["value"]
        assert radio["aria-describedby"] == hint["id"]
    pungli = page.select_one("input[name=kategori][value=pungli]")
    assert "Selalu dirahasiakan" in page.find(id=pungli["aria-describedby"]).get_text()


def test_no_help_kind_checkbox_is_required_on_its_own(client):
    page = parse(client.get("/bantuan"))
    boxes = page.select("fieldset input[type=checkbox]")
    assert len(boxes) >= 3
    assert [box for box in boxes if box.has_attr("required")] == []
