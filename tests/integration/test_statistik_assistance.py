"""/statistik: assistance requests and the share contacted on time, with known answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.base import utcnow
from portal.extensions import db
from tests.conftest import parse
from tests.factories import assistance_request


@pytest.fixture
def app_config():
    return {"STATS_CACHE_SECONDS": 0}


def _file(count: int, *, days_ago: int, contacted_after_days: int | None = None) -> None:
    for _ in range(count):
        request, _code = assistance_request(now=utcnow() - timedelta(days=days_ago))
        if contacted_after_days is not None:
            request.contacted_at = request.created_at + timedelta(days=contacted_after_days)
    db.session.commit()


def test_assistance_requests_and_contact_on_time(client):
    _file(15, days_ago=40, contacted_after_days=1)  # on time
    _file(5, days_ago=40, contacted_after_days=20)  # late
    _file(5, days_ago=40)  # never contacted, due date long past: late
    _file(3, days_ago=0)  # not due yet: not in the rate
    data = client.get("/statistik/data.json").get_json()["ringkasan"]
    assert data["permintaan_bantuan"] == 28
    assert data["persen_bantuan_dihubungi_tepat_waktu"] == 60  # 15 of 25, a whole percent
    text = " ".join(parse(client.get("/statistik")).select_one("#bantuan").find_next("p").get_text(" ").split())
    assert ": 28." in text and "Dihubungi dalam batas waktu: 60%." in text


def test_too_few_due_requests_give_no_percentage(client):
    _file(19, days_ago=40, contacted_after_days=1)
    data = client.get("/statistik/data.json").get_json()["ringkasan"]
    assert data["permintaan_bantuan"] == 19 and data["persen_bantuan_dihubungi_tepat_waktu"] is None
