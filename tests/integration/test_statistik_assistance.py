"""/statistik: assistance requests and the share contacted on time, with known answers."""

from __future__ import annotations

import pytest

from tests.helpers import parse
from tests.helpers.statistics import file_assistance_requests


@pytest.fixture
def app_config():
    return {"STATS_CACHE_SECONDS": 0}


def test_assistance_requests_and_contact_on_time(client):
    file_assistance_requests(15, days_ago=40, contacted_after_days=1)  # on time
    file_assistance_requests(5, days_ago=40, contacted_after_days=20)  # late
    file_assistance_requests(5, days_ago=40)  # never contacted, due date long past: late
    file_assistance_requests(3, days_ago=0)  # not due yet: not in the rate
    data = client.get("/statistik/data.json").get_json()["ringkasan"]
    assert data["permintaan_bantuan"] == 28
    assert data["persen_bantuan_dihubungi_tepat_waktu"] == 60  # 15 of 25, a whole percent
    text = " ".join(parse(client.get("/statistik")).select_one("#bantuan").find_next("p").get_text(" ").split())
    assert ": 28." in text and "Dihubungi dalam batas waktu: 60%." in text


def test_too_few_due_requests_give_no_percentage(client):
    file_assistance_requests(19, days_ago=40, contacted_after_days=1)
    data = client.get("/statistik/data.json").get_json()["ringkasan"]
    assert data["permintaan_bantuan"] == 19 and data["persen_bantuan_dihubungi_tepat_waktu"] is None
