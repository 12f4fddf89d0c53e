"""WCAG 2.2.1/2.2.5 for residents: a /bantuan form sent after its CSRF token ran out (open for
over a day) or after the session cookie was lost (the phone's browser was closed) saves nothing,
but gives back every answer typed, with a fresh token that then goes through."""

from __future__ import annotations

import sqlalchemy as sa

from portal.models import AssistanceRequest, ComplaintDraft
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import FORM, SAME_SITE, day_old_csrf_token, form_answers, send


def _assert_nothing_saved(session) -> None:
    assert session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0


def test_a_day_old_form_comes_back_filled_in_and_then_goes_through(client, app, session):
    typed = {
        **FORM,
        "nama": "Ibu Sari Wulandari",
        "persetujuan_disabilitas": "y",
        "disabilitas": ["sensorik_rungu"],
        "kebutuhan": "Perlu juru bahasa isyarat.\nRumah di lantai dua.",
    }
    response = client.post("/bantuan", data={"csrf_token": day_old_csrf_token(client, app), **typed}, headers=SAME_SITE)

    assert response.status_code == 400
    page = parse(response)
    alert = page.select_one(".error-summary[role=alert]")
    assert alert.select_one("h2").get_text(strip=True) == "Permintaan belum terkirim"
    answers = form_answers(page)
    assert answers["nama"] == "Ibu Sari Wulandari"
    assert answers["bantuan"] == ["kunjungan_rumah", "juru_bahasa_isyarat"]
    assert answers["waktu"] == ["pagi", "sore"]
    assert answers["kecamatan"] == "32.75.01" and answers["kelurahan"] == "32.75.01.1001"
    assert answers["jalan"] == "Jl. Melati No. 3, dekat masjid"
    assert answers["disabilitas"] == ["sensorik_rungu"] and answers["persetujuan_disabilitas"] == ["y"]
    assert answers["kebutuhan"].strip() == "Perlu juru bahasa isyarat.\nRumah di lantai dua."
    _assert_nothing_saved(session)

    # Sending the form as it came back (its fresh token) works.
    again = client.post("/bantuan", data={k: v for k, v in answers.items() if v != ""})
    assert again.status_code == 303 and again.headers["Location"].endswith("/bantuan/periksa")
    assert send(client).status_code == 303
    filed = session.scalars(sa.select(AssistanceRequest)).one()
    assert filed.subject_name == "Ibu Sari Wulandari" and filed.has_disability_data


def test_a_form_sent_after_the_session_cookie_was_lost_keeps_the_answers(client, app, session):
    token = csrf_token(client, "/bantuan")
    client.delete_cookie("session")  # the browser was closed; the page stayed in its tab
    response = client.post("/bantuan", data={"csrf_token": token, **FORM}, headers=SAME_SITE)
    assert response.status_code == 400
    answers = form_answers(parse(response))
    assert answers["nama"] == FORM["nama"] and answers["uraian"].strip() == FORM["uraian"]
    _assert_nothing_saved(session)
    assert client.post("/bantuan", data={k: v for k, v in answers.items() if v != ""}).status_code == 303


def test_the_check_page_sent_after_the_session_was_lost_returns_to_the_same_answers(client, session):
    data = {"csrf_token": csrf_token(client, "/bantuan"), **FORM}
    assert client.post("/bantuan", data=data).status_code == 303
    check = parse(client.get("/bantuan/periksa"))
    token, draft = (check.select_one(f"main form input[name={n}]")["value"] for n in ("csrf_token", "draft"))
    client.delete_cookie("session")

    response = client.post(
        "/bantuan/periksa",
        data={"csrf_token": token, "draft": draft},
        headers={"Referer": "http://localhost/bantuan/periksa"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/bantuan/periksa")
    page = parse(client.get("/bantuan/periksa"))
    assert "halaman terlalu lama terbuka" in page.select_one(".notice[role=status]").get_text()
    assert FORM["nama"] in page.select_one("dl.summary").get_text()
    assert session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)) == 0
    assert send(client).status_code == 303
    assert session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)) == 1


def test_another_site_cannot_put_its_draft_into_someones_session(client, session):
    data = {"csrf_token": csrf_token(client, "/bantuan"), **FORM}
    assert client.post("/bantuan", data=data).status_code == 303
    draft = parse(client.get("/bantuan/periksa")).select_one("main form input[name=draft]")["value"]

    victim = client.application.test_client()
    response = victim.post(
        "/bantuan/periksa", data={"draft": draft}, headers={"Referer": "https://elsewhere.example/page"}
    )
    assert response.status_code == 400
    assert victim.get("/bantuan/periksa").status_code == 303  # no draft in the victim's session


def test_another_sites_post_gets_no_answers_shown_back(client, session):
    """Otherwise another site could make /bantuan show text of its choosing, ready to be sent."""
    token = csrf_token(client, "/bantuan")
    client.delete_cookie("session")
    for headers in ({"Origin": "https://elsewhere.example"}, {"Referer": "https://elsewhere.example/x"}, {}):
        response = client.post("/bantuan", data={"csrf_token": token, **FORM}, headers=headers)
        assert response.status_code == 400
        assert parse(response).select_one("main form") is None and FORM["nama"] not in response.get_data(as_text=True)
    _assert_nothing_saved(session)
