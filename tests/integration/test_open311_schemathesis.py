"""The Open311 endpoints against their OpenAPI document, with schemathesis: generated valid
requests (positive) and invalid ones (negative) for every operation, each response checked for
server errors, status code, content type, schema conformance, and that valid data is accepted
and invalid data rejected.

Uses the Python API (operation.as_strategy() under Hypothesis) rather than the pytest loader,
whose lazy fixture support does not run under pytest 9.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from portal.extensions import db
from tests.helpers.statistics import dated_complaint

EXAMPLES = 30  # per operation and mode: the whole test stays well under a minute per database


@pytest.fixture
def open311_schema(app):
    now = datetime.now(UTC)
    for days, category, status in [
        (3, "terlewat", "diterima"),
        (40, "informasi", "selesai"),
        (80, "data_salah", "dirujuk"),
        (5, "pungli", "diterima"),
    ]:
        db.session.add(
            dated_complaint(
                category,
                status,
                created=now - timedelta(days=days),
                verify_due=date(2030, 1, 1),
                resolve_due=date(2030, 1, 20),
                confidential=category == "pungli",
            )
        )
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", app)


CASES = [
    ("listServices", GenerationMode.POSITIVE),  # no parameter: nothing to get wrong
    ("listRequests", GenerationMode.POSITIVE),
    ("listRequests", GenerationMode.NEGATIVE),
    ("getRequest", GenerationMode.POSITIVE),
    ("getRequest", GenerationMode.NEGATIVE),
]


@pytest.mark.parametrize(("operation_id", "mode"), CASES, ids=[f"{o}-{m}" for o, m in CASES])
def test_open311_matches_its_openapi_document(open311_schema, operation_id, mode):
    operation = open311_schema.find_operation_by_id(operation_id)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate()

    check()
