"""Every GET page with hostile query strings (hypothesis, SQLite), signed in as an admin so the
officer pages answer too: filters, search boxes, page numbers, `next=`, `?lang=`, Open311 queries."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import assistance_request, complaint
from tests.security.support import FUZZ, NO_RATE_LIMITS, assert_handled, hostile_text, sample_path

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

PARAMETERS = ["kategori", "kecamatan", "kelurahan", "lang", "kode", "next", "status", "jenis", "keperluan",
              "ditugaskan", "terlambat", "rahasia", "q", "hal", "sebelum", "petugas", "objek", "bulan", "per",
              "templat", "bantuan", "tahap", "service_code", "start_date", "end_date", "page", "page_size",
              "service_request_id", "x"]  # fmt: skip
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
