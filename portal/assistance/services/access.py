"""Who may see which assistance request, and who may see its disability data."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Account
from portal.assistance.models import AssistanceRequest


def visible_clause(viewer: Account) -> sa.ColumnElement[bool]:
    """Officers see requests of their kecamatan (all of Kota Bekasi when unscoped)."""
    if viewer.is_supervisor or not viewer.kecamatan_codes:
        return sa.true()
    return sa.or_(*(AssistanceRequest.kelurahan_code.startswith(code + ".") for code in viewer.kecamatan_codes))


def can_view(viewer: Account, request: AssistanceRequest) -> bool:
    codes = viewer.kecamatan_codes
    return viewer.is_supervisor or not codes or request.kelurahan_code[:8] in codes


def can_act(viewer: Account, request: AssistanceRequest) -> bool:
    """Officers act on the requests assigned to them; supervisors on every request they see."""
    return can_view(viewer, request) and (viewer.is_supervisor or request.assigned_to_id == viewer.id)


def can_see_disability(viewer: Account, request: AssistanceRequest) -> bool:
    """Sensitive data (UU 27/2022): only the assigned officer and supervisors."""
    return can_view(viewer, request) and (viewer.is_supervisor or request.assigned_to_id == viewer.id)
