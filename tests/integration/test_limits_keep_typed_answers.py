"""A sending limit that is hit keeps what was typed and says how long to wait in words; checking
the help form (typos included) does not spend the sending limit (issue 18, point 2)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.models import AssistanceRequest, Complaint
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import SAME_SITE
from tests.helpers.complaints import DETAILS, start

LIMITS = {"RATELIMIT_COMPLAINTS": "2 per hour", "RATELIMIT_COMPLAINT_STEPS": "2 per hour"}


@pytest.fixture
def app_config():
    return LIMITS


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_details_past_the_limit_come_back_as_typed_with_the_wait_in_words(client, session):
    start(client)
    token = csrf_token(client, "/pengaduan/baru/rincian")
    typed = {**DETAILS, "nama": "Siti Aminah", "uraian": "Sudah tiga kali ditolak."}
    for _ in range(2):  # typos: the step's allowance spent
        assert (
            client.post("/pengaduan/baru/rincian", data={"csrf_token": token, **typed, "nama": ""}).status_code == 400
        )

    response = client.post("/pengaduan/baru/rincian", data={"csrf_token": token, **typed}, headers=SAME_SITE)

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = parse(response)
    notice = page.select_one(".error-summary[role=alert]")
    assert notice.h2.get_text(strip=True) == "Belum terkirim: tunggu sekitar 1 jam"
    assert "Jawaban Anda masih ada di bawah" in notice.get_text()
    form = page.select_one("main form")
    assert form.select_one("input[name=nama]")["value"] == "Siti Aminah"
    assert form.select_one("textarea[name=uraian]").get_text().strip() == "Sudah tiga kali ditolak."
    assert _count(session, Complaint) == 0


def test_a_post_from_elsewhere_past_the_limit_gets_the_plain_page(client):
    start(client)
    token = csrf_token(client, "/pengaduan/baru/rincian")
    for _ in range(2):
        client.post("/pengaduan/baru/rincian", data={"csrf_token": token, "nama": "Siti Aminah"})
    response = client.post(
        "/pengaduan/baru/rincian",
        data={"csrf_token": token, "nama": "Siti Aminah"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 429
    assert "Siti Aminah" not in response.get_data(as_text=True)
    assert parse(response).select_one("h1").get_text(strip=True) == "Terlalu banyak permintaan"


class TestHelpForm:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_COMPLAINTS": "2 per hour", "RATELIMIT_COMPLAINT_STEPS": "4 per hour"}

    def test_typos_on_the_help_form_do_not_spend_the_sending_limit(self, client, session):
        token = csrf_token(client, "/bantuan")
        answers = [client.post("/bantuan", data={"csrf_token": token, "nama": "Budi"}).status_code for _ in range(4)]
        assert answers == [400, 400, 400, 400]  # with "2 per hour" shared with sending, the third was a 429

    def test_the_help_form_past_its_limit_keeps_every_answer(self, client, session):
        token = csrf_token(client, "/bantuan")
        typed = {"csrf_token": token, "nama": "Mbah Sarinah", "jalan": "Jl. Melati 3"}
        for _ in range(4):
            client.post("/bantuan", data=typed)
        response = client.post("/bantuan", data=typed, headers=SAME_SITE)
        assert response.status_code == 429
        page = parse(response)
        assert (
            page.select_one(".error-summary[role=alert] h2").get_text(strip=True).startswith("Belum terkirim: tunggu")
        )
        form = page.select_one("main form")
        assert form.select_one("input[name=nama]")["value"] == "Mbah Sarinah"
        assert _count(session, AssistanceRequest) == 0
