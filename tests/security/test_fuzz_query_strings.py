"""Every GET page with hostile query strings (hypothesis, SQLite), signed in as an admin so the
officer pages answer too: filters, search boxes, page numbers, `next=`, `?lang=`, Open311 queries."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import assistance_request, complaint
from tests.helpers.hostile import FUZZ, NO_RATE_LIMITS, assert_handled, hostile_text, sample_path

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PARAMETERS = [
    "kategori",
    "kecamatan",
    "kelurahan",
    "lang",
    "kode",
    "next",
    "status",
    "jenis",
    "keperluan",
    "ditugaskan",
    "terlambat",
    "rahasia",
    "q",
    "hal",
    "sebelum",
    "petugas",
    "objek",
    "bulan",
    "per",
    "templat",
    "bantuan",
    "tahap",
    "service_code",
    "start_date",
    "end_date",
    "page",
    "page_size",
    "service_request_id",
    "x",
]
SLOW = ("/surat/unduh", "/surat/lihat")  # PDF rendering; their refusal without a check is tested elsewhere


def get_paths(app) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and rule.rule not in SLOW:
            paths.append(sample_path(rule))
    return sorted(paths)


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


@pytest.fixture
def cases():
    """Something on every list, so the pages render rows too."""
    complaint()
    assistance_request()


@settings(FUZZ, max_examples=80)  # about sixty pages to reach
@given(data=st.data())
def test_every_get_page_survives_any_query_string(app, cases, admin_client, data):
    path = data.draw(st.sampled_from(get_paths(app)))
    query = data.draw(st.dictionaries(st.sampled_from(PARAMETERS), hostile_text(), max_size=4))
    response = admin_client.get(path, query_string=query)
    assert_handled(response)


# What the outside test found, on every GET page: ids beyond any column, url_for's own names.
KNOWN_BAD = [
    {"sebelum": "9" * 20},
    {"templat": "9" * 20},
    {"hal": "9" * 20},
    {"petugas": "9" * 20},
    {"_method": "DELETE"},
    {"_external": "1"},
    {"_anchor": "x"},
    {"_scheme": "javascript"},
]


def test_every_get_page_survives_the_values_found_by_the_outside_test(app, cases, admin_client):
    failed = []
    for path in get_paths(app):
        for query in KNOWN_BAD:
            response = admin_client.get(path, query_string=query)
            response.get_data()  # a streamed export runs to its end (and its context closes) here
            response.close()
            if response.status_code >= 500:
                failed.append(f"{path}?{query}: {response.status_code}")
    assert failed == []


def test_a_database_error_never_logs_the_values_bound_to_it(app, caplog):
    """Production and tests hide bound parameters (a NIK, a name, a phone number) in SQL errors."""
    import sqlalchemy as sa

    from portal.extensions import db

    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    with pytest.raises(sa.exc.DBAPIError) as raised:
        db.session.execute(sa.text("SELECT * FROM tidak_ada WHERE nik = :nik"), {"nik": "3275010101900001"})
    db.session.rollback()
    assert "3275010101900001" not in str(raised.value)
