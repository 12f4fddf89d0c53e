"""Open311 GeoReport v2 (read only): only the spec's fields, no personal data, no confidential
complaint or misconduct report, the spec's parameters and errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from tests.helpers.statistics import dated_complaint, utc

# GeoReport v2 field lists (wiki.open311.org/GeoReport_v2)
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
REQUIRED = {"service_request_id", "status", "service_code", "service_name", "requested_datetime"}


def _data():
    now = datetime.now(UTC)
    recent = dict(created=now - timedelta(days=10), verify_due=date(2030, 1, 1), resolve_due=date(2030, 1, 20))
    old = dict(created=utc(2026, 2, 2, 2), verify_due=date(2026, 2, 5), resolve_due=date(2026, 2, 20))
    made = [
        dated_complaint("terlewat", "diterima", **recent),  # 1: public, open, recent
        dated_complaint("informasi", "selesai", resolved=utc(2026, 2, 10, 3), **old),  # 2: public, closed, old
        dated_complaint("pungli", "diterima", confidential=True, **recent),  # 3: never published
        dated_complaint("data_salah", "diverifikasi", confidential=True, **recent),  # 4: confidential: never
        dated_complaint("masalah_kartu_klaim", "dirujuk", kelurahan="32.75.02.1002", **old),  # 5: referred
    ]
    made[4].referral_agency = "dinsos"
    db.session.add_all(made)
    db.session.commit()
    return [c.reference for c in made]


def _check_fields(item, allowed, required):
    assert set(item) <= allowed, set(item) - allowed
    assert required <= set(item)


def test_services_list_public_categories_only(client):
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    services = response.get_json()
    codes = [s["service_code"] for s in services]
    assert "pungli" not in codes and "terlewat" in codes and "usulan_calon" not in codes
    for service in services:
        _check_fields(service, SERVICE_FIELDS, {"service_code", "service_name", "metadata", "type"})
        assert service["metadata"] is False and service["type"] in ("realtime", "batch", "blackbox")


def test_requests_of_the_last_90_days_by_default(client):
    refs = _data()
    items = client.get("/open311/v2/requests.json").get_json()
    assert [i["service_request_id"] for i in items] == [refs[0]]
    item = items[0]
    _check_fields(item, REQUEST_FIELDS, REQUIRED)
    assert item["status"] == "open" and item["service_code"] == "terlewat"
    assert item["address"] == "Kelurahan Bekasijaya, Kecamatan Bekasi Timur, Kota Bekasi"
    assert item["agency_responsible"] == "Disnaker Kota Bekasi"
    assert item["expected_datetime"] == "2030-01-20T23:59:59+07:00"
    assert item["requested_datetime"].endswith("+07:00")


def test_date_range_status_and_service_code(client):
    refs = _data()
    everything = "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z"
    assert {i["service_request_id"] for i in client.get(everything).get_json()} == {refs[0], refs[1], refs[4]}
    closed = client.get(everything + "&status=closed").get_json()
    assert [i["service_request_id"] for i in closed] == [refs[1]] and closed[0]["status"] == "closed"
    both = client.get(everything + "&status=open,closed").get_json()
    assert len(both) == 3
    feb = client.get("/open311/v2/requests.json?start_date=2026-02-01&end_date=2026-02-28T23:59:59%2B07:00").get_json()
    assert {i["service_request_id"] for i in feb} == {refs[1], refs[4]}
    referred = client.get(everything + "&service_code=masalah_kartu_klaim").get_json()
    assert referred[0]["agency_responsible"] == "Dinas Sosial Kota Bekasi"
    assert referred[0]["address"].startswith("Kelurahan Kranji, Kecamatan Bekasi Barat")
    assert client.get(everything + "&service_code=pungli").get_json() == []
    assert client.get(everything + "&service_code=tidak-ada").get_json() == []


def test_service_request_ids_override_the_other_parameters(client):
    refs = _data()
    asked = ",".join(refs)
    items = client.get(f"/open311/v2/requests.json?service_request_id={asked}&status=closed").get_json()
    assert {i["service_request_id"] for i in items} == {refs[0], refs[1], refs[4]}  # never 3 and 4
    assert client.get("/open311/v2/requests.json?service_request_id=%00!!").get_json() == []


def test_paging_and_the_1000_limit(client):
    refs = _data()
    everything = "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z"
    first = client.get(everything + "&page_size=2").get_json()
    second = client.get(everything + "&page_size=2&page=2").get_json()
    assert [i["service_request_id"] for i in first + second] == [refs[0], refs[4], refs[1]]
    assert client.get(everything + "&page_size=1001").status_code == 400


def test_one_request_and_what_is_never_found(client):
    refs = _data()
    response = client.get(f"/open311/v2/requests/{refs[0]}.json")
    assert response.status_code == 200
    items = response.get_json()
    assert len(items) == 1 and items[0]["service_request_id"] == refs[0]
    assert client.get(f"/open311/v2/requests/{refs[0].lower()}.json").status_code == 200
    for hidden in (refs[2], refs[3], "SGP-2026-999999"):
        missing = client.get(f"/open311/v2/requests/{hidden}.json")
        assert missing.status_code == 404
        assert missing.get_json() == [{"code": 404, "description": "service_request_id not found"}]


@pytest.mark.parametrize(
    "query", ["status=pending", "start_date=kemarin", "page=0", "page=abc", "page_size=0", "end_date=2026-02-30"]
)
def test_bad_parameters_are_400_in_the_spec_format(client, query):
    response = client.get(f"/open311/v2/requests.json?{query}")
    assert response.status_code == 400
    error = response.get_json()
    assert isinstance(error, list) and error[0]["code"] == 400 and error[0]["description"]


def test_no_personal_data_in_any_response(client):
    refs = _data()
    bodies = [
        client.get(p).get_data(as_text=True)
        for p in (
            "/open311/v2/requests.json?start_date=2000-01-01",
            f"/open311/v2/requests/{refs[0]}.json",
            "/open311/v2/services.json",
        )
    ]
    for body in bodies:
        for secret in ("Nama Pelapor", "3275010101800001", "+62812", "rahasia@", "Cerita pribadi", refs[2], refs[3]):
            assert secret not in body


def test_open_data_headers(client):
    response = client.get("/open311/v2/services.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_openapi_document(client):
    document = client.get("/open311/v2/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/open311/v2/services.json",
        "/open311/v2/requests.json",
        "/open311/v2/requests/{service_request_id}.json",
    }
    published = set(document["components"]["schemas"]["ServiceRequest"]["properties"])
    assert published <= REQUEST_FIELDS


def test_the_openapi_server_is_the_configured_address_whatever_the_host_header(client, app):
    """The document is publicly cached (max-age): a forged Host must not become its server."""
    document = client.get("/open311/v2/openapi.json", headers={"Host": "jahat.example"}).get_json()
    assert document["servers"] == [{"url": app.config["PUBLIC_BASE_URL"]}]
    assert "jahat.example" not in str(document)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_undeclared_methods_and_unknown_paths_answer_in_the_spec_format(client, method):
    response = client.open("/open311/v2/services.json", method=method, data="{}", content_type="application/json")
    assert response.status_code == 405 and response.mimetype == "application/json"
    assert response.get_json() == [{"code": 405, "description": "method not allowed"}]
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    missing = client.get("/open311/v2/tidak-ada.json")
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404


# ---------------------------------------------------------------- delay and days (issue 18, point 9)


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_complaint_is_published_a_week_after_its_day_and_only_with_its_day(client, app, monkeypatch):
    """Filed 11 November 09:41 WIB: not on 17 November (nothing in the list, 404 by reference);
    on the 18th listed with 11 November as its day. Searching by the minute gets no closer."""
    monkeypatch.setitem(app.config, "OPEN311_DELAY_DAYS", 7)
    due = dict(verify_due=date(2026, 11, 14), resolve_due=date(2026, 12, 1))
    week_old = dated_complaint("penerima_tidak_layak", "diterima", created=utc(2026, 11, 11, 2, 41), **due)
    yesterday = dated_complaint("penerima_tidak_layak", "diterima", created=utc(2026, 11, 17, 2, 41), **due)
    week_old.updated_at = utc(2026, 11, 12, 7, 13)
    db.session.add_all([week_old, yesterday])
    db.session.commit()

    items = client.get("/open311/v2/requests.json").get_json()
    assert [i["service_request_id"] for i in items] == [week_old.reference]
    assert items[0]["requested_datetime"] == "2026-11-11T00:00:00+07:00"
    assert items[0]["updated_datetime"] == "2026-11-12T00:00:00+07:00"
    assert client.get(f"/open311/v2/requests/{yesterday.reference}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{week_old.reference}.json").status_code == 200

    def found(start, end):
        query = {"start_date": start, "end_date": end}
        return [i["service_request_id"] for i in client.get("/open311/v2/requests.json", query_string=query).get_json()]

    # Any window inside the day finds it, however narrow: the minute cannot be found by halving.
    assert found("2026-11-11T23:00:00+07:00", "2026-11-11T23:30:00+07:00") == [week_old.reference]
    assert found("2026-11-11T00:00:00+07:00", "2026-11-11T00:01:00+07:00") == [week_old.reference]
    assert found("2026-11-10", "2026-11-10T23:59:59+07:00") == []


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_no_delay_publishes_everything_filed_until_now_still_by_day(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_DELAY_DAYS", 0)
    due = dict(verify_due=date(2026, 11, 21), resolve_due=date(2026, 12, 8))
    today = dated_complaint("terlewat", "diterima", created=utc(2026, 11, 18, 2, 30), **due)
    db.session.add(today)
    db.session.commit()
    (item,) = client.get("/open311/v2/requests.json").get_json()
    assert item["requested_datetime"] == "2026-11-18T00:00:00+07:00"
