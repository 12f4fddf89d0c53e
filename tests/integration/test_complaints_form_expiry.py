"""WCAG 2.2.1/2.2.5 for the complaint steps: a step sent after its CSRF token ran out (open for
over a day) or after the session cookie was lost (the phone's browser was closed) files nothing,
but gives back what was typed with a fresh token that then goes through. Only for forms sent
from a page of this portal."""

from __future__ import annotations

import sqlalchemy as sa

from portal.models import Complaint
from tests.factories import make_nik
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import SAME_SITE, day_old_csrf_token, form_answers
from tests.helpers.complaints import DETAILS, start, submit

TYPED = {**DETAILS, "nik": make_nik(female=True), "uraian": "Saya ojol.\nDesil 2, belum terdaftar."}


def complaints(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Complaint))


def test_a_day_old_category_step_comes_back_with_the_choice(client, app, session):
    response = client.post(
        "/pengaduan/baru",
        data={"csrf_token": day_old_csrf_token(client, app), "kategori": "data_salah"},
        headers=SAME_SITE,
    )
    assert response.status_code == 400
    page = parse(response)
    assert page.select_one(".error-summary[role=alert] h2").get_text(strip=True) == "Pengaduan belum terkirim"
    assert page.select_one("input[name=kategori][checked]")["value"] == "data_salah"
    again = client.post(
        "/pengaduan/baru",
        data={k: v for k, v in form_answers(page).items() if k != "kategori"} | {"kategori": "data_salah"},
    )
    assert again.headers["Location"] == "/pengaduan/baru/rincian"


def test_details_sent_after_the_session_was_lost_come_back_and_go_through(client, session):
    start(client)
    token = csrf_token(client, "/pengaduan/baru/rincian")
    client.delete_cookie("session")  # the browser was closed; the page stayed in its tab

    response = client.post(
        "/pengaduan/baru/rincian", data={"csrf_token": token, "kategori": "terlewat", **TYPED}, headers=SAME_SITE
    )
    assert response.status_code == 400
    page = parse(response)
    assert "lampiran yang belum terkirim perlu dipilih lagi" in page.select_one(".error-summary[role=alert]").get_text()
    answers = form_answers(page)
    assert answers["nama"] == TYPED["nama"] and answers["nik"] == TYPED["nik"]
    assert answers["uraian"].strip() == TYPED["uraian"] and answers["telepon"] == TYPED["telepon"]
    assert complaints(session) == 0

    again = client.post(
        "/pengaduan/baru/rincian",
        data={k: v for k, v in answers.items() if v != ""},
        content_type="multipart/form-data",
    )
    assert again.headers["Location"] == "/pengaduan/baru/periksa"
    assert submit(client).status_code == 303
    filed = session.scalars(sa.select(Complaint)).one()
    assert filed.subject_name == TYPED["nama"] and filed.category.value == "terlewat"


def test_the_check_step_sent_after_the_session_was_lost_returns_to_the_same_answers(client, session):
    start(client)
    client.post(
        "/pengaduan/baru/rincian",
        data={"csrf_token": csrf_token(client, "/pengaduan/baru/rincian"), **TYPED},
        content_type="multipart/form-data",
    )
    check = parse(client.get("/pengaduan/baru/periksa"))
    token, draft = (check.select_one(f"main form input[name={n}]")["value"] for n in ("csrf_token", "draft"))
    client.delete_cookie("session")

    response = client.post("/pengaduan/baru/periksa", data={"csrf_token": token, "draft": draft}, headers=SAME_SITE)
    assert response.headers["Location"] == "/pengaduan/baru/periksa"
    page = parse(client.get("/pengaduan/baru/periksa"))
    assert "halaman terlalu lama terbuka" in page.select_one(".notice[role=status]").get_text()
    assert TYPED["nama"] in page.select_one("dl.summary").get_text()
    assert complaints(session) == 0
    assert submit(client).status_code == 303 and complaints(session) == 1


def test_another_sites_post_gets_nothing_back_and_takes_over_no_draft(client, session):
    start(client)
    client.post(
        "/pengaduan/baru/rincian",
        data={"csrf_token": csrf_token(client, "/pengaduan/baru/rincian"), **TYPED},
        content_type="multipart/form-data",
    )
    draft = parse(client.get("/pengaduan/baru/periksa")).select_one("main form input[name=draft]")["value"]

    victim = client.application.test_client()
    for headers in ({"Origin": "https://elsewhere.example"}, {"Referer": "https://elsewhere.example/x"}, {}):
        details = victim.post("/pengaduan/baru/rincian", data={"kategori": "terlewat", **TYPED}, headers=headers)
        assert details.status_code == 400 and parse(details).select_one("main form") is None
        assert TYPED["nama"] not in details.get_data(as_text=True)
        assert victim.post("/pengaduan/baru/periksa", data={"draft": draft}, headers=headers).status_code == 400
    assert victim.get("/pengaduan/baru/periksa").headers["Location"] == "/pengaduan/baru"  # no draft taken over
    assert complaints(session) == 0


def test_a_form_shown_back_stores_nothing_until_it_is_sent_again(client, session):
    """The expired-form page runs before any token check or rate limit: it must not write."""
    from portal.models import ComplaintDraft

    drafts = lambda: session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft))  # noqa: E731
    for _ in range(5):
        response = client.post(
            "/pengaduan/baru/rincian",
            data={"csrf_token": "kedaluwarsa", "kategori": "terlewat", **TYPED},
            headers=SAME_SITE,
        )
        assert response.status_code == 400
        client.delete_cookie("session")
    assert drafts() == 0
