"""Reference numbers and access codes: SGP-YYYY-NNNNNN, sequential per series and year, and the
forms people type them in."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal.core.references import (
    format_access_code,
    new_access_code,
    next_reference,
    normalize_access_code,
    normalize_reference,
)
from portal.extensions import db
from portal.models import Complaint
from tests import factories


def test_references_follow_each_other_within_a_year(session):
    numbers = [next_reference(session=session, year=2026) for _ in range(3)]
    assert numbers == ["SGP-2026-000001", "SGP-2026-000002", "SGP-2026-000003"]


def test_a_new_year_starts_again_at_one_and_series_are_separate(session):
    next_reference(session=session, year=2026)
    next_reference(session=session, year=2026)
    assert next_reference(session=session, year=2027) == "SGP-2027-000001"
    assert next_reference(session=session, year=2026, series="BTN") == "BTN-2026-000001"
    assert next_reference(session=session, year=2026) == "SGP-2026-000003"


def test_an_unknown_series_is_refused(session):
    with pytest.raises(ValueError):
        next_reference(session=session, year=2026, series="XYZ")


def test_a_filing_that_is_rolled_back_leaves_no_gap(app):
    factories.complaint()
    next_reference(session=db.session, year=datetime.now(UTC).year)  # a filing that fails later
    db.session.rollback()
    factories.complaint()
    references = sorted(db.session.scalars(sa.select(Complaint.reference)))
    assert [r[-6:] for r in references] == ["000001", "000002"]


def test_filed_complaints_use_the_year_in_kota_bekasi(app):
    # 31 Dec 2026 18:00 UTC is already 1 Jan 2027 in Bekasi (WIB, UTC+7).
    made, _code = factories.complaint(now=datetime(2026, 12, 31, 18, tzinfo=UTC))
    assert made.reference == "SGP-2027-000001"


@pytest.mark.parametrize("typed", ["SGP-2026-000123", "sgp 2026 000123", " SGP2026000123 ", "sgp-2026-000123"])
def test_references_as_people_type_them(typed):
    assert normalize_reference(typed) == "SGP-2026-000123"


def test_access_codes_avoid_look_alike_characters_and_are_typed_freely():
    codes = {new_access_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 8 and not set(code) & set("01ILO") for code in codes)
    code = codes.pop()
    assert normalize_access_code(format_access_code(code).lower()) == code


@pytest.mark.parametrize("given", ["GSRR6W22", "gsrr6w22", "GSRR-6W22", " gsrr 6w22 "])
def test_one_way_to_show_an_access_code(app, given):
    """The receipts, the confirmation pages and an officer's reissued code all show "GSRR-6W22"
    (the templates' access_code filter is format_access_code; issue 16 found "GSRR6W22")."""
    assert format_access_code(given) == "GSRR-6W22"
    assert app.jinja_env.filters["access_code"] is format_access_code
