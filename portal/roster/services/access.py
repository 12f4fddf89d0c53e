"""Which people of the roster an officer may see: their kecamatan (supervisors: everyone)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Account
from portal.roster.models.person import Person


def scope_clause(viewer: Account) -> sa.ColumnElement[bool]:
    """Supervisors and admins see everyone; an officer with kecamatan codes sees the people who
    live there (by kelurahan code, never by the NIK prefix)."""
    codes = [] if viewer.is_supervisor else viewer.kecamatan_codes
    if not codes:
        return sa.true()
    return sa.or_(*(Person.kelurahan_code.startswith(code + ".") for code in codes))


def can_view_person(viewer: Account, person: Person) -> bool:
    codes = [] if viewer.is_supervisor else viewer.kecamatan_codes
    return not codes or person.kecamatan_code in codes
