"""The status check and the tracking form, sent after their token ran out (a page left open, a
phone's browser closed): nothing is looked up, logged or stored, and what was typed comes back
with a fresh token that then goes through. Only for forms sent from a page of this portal."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.models import StatusCheckLog
from tests.factories import make_nik
from tests.helpers import parse
from tests.helpers.assistance import SAME_SITE, day_old_csrf_token

NIK = make_nik()
FORMS = {
    "/cek-status": ({"nik": NIK, "nama": "Budi Santoso"}, "Belum diperiksa", "#cek-status"),
    "/pengaduan/lacak": ({"nomor": "SGP-2026-000123", "kode": "ABCD2345"}, "Belum dilacak", "#lacak"),
}


def _answers(page) -> dict[str, str]:
    form = page.select_one("form[method=post]")
    return {field["name"]: field.get("value", "") for field in form.select("input[name]")}


def checks_logged(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(StatusCheckLog))


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_a_day_old_form_comes_back_as_typed_and_then_goes_through(client, app, session, path, htmx):
    typed, heading, fragment = FORMS[path]
    headers = {**SAME_SITE, **({"HX-Request": "true"} if htmx else {})}
    response = client.post(path, data={"csrf_token": day_old_csrf_token(client, app), **typed}, headers=headers)

    assert response.status_code == 400
    assert response.headers["Vary"].count("HX-Request") == 1
    page = parse(response)
    assert (page.select_one("html") is None) == htmx  # a fragment for htmx, else the whole page
    assert page.select_one(fragment) is not None
    assert page.select_one(".error-summary[role=alert] h2").get_text(strip=True) == heading
    answers = _answers(page)
    assert {name: answers[name] for name in typed} == typed
    assert checks_logged(session) == 0

    again = client.post(path, data=answers)
    assert again.status_code in (200, 404)  # looked up now: found or not, no longer "expired"
    assert "kedaluwarsa" not in again.get_data(as_text=True).lower()


@pytest.mark.parametrize("path", FORMS)
def test_a_day_old_form_from_another_site_gets_nothing_back(client, app, path):
    typed, _, _ = FORMS[path]
    response = client.post(
        path,
        data={"csrf_token": day_old_csrf_token(client, app), **typed},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert all(value not in text for value in typed.values())
