"""Who may see which assistance request, and who may see its sensitive parts.

Every officer of the kecamatan triages a request: status, urgency (the contact deadline), the
resident's channel, the area, the name. The sensitive parts (UU 27/2022: data that says a person
has a disability) are the help kinds (a BISINDO interpreter, a home visit), the resident's own
story and the disability data: only the assigned officer and supervisors see them."""

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


def sees_sensitive(viewer: Account, assigned_to_id: int | None) -> bool:
    """For a request the viewer may see: the assigned officer and supervisors see its sensitive parts."""
    return viewer.is_supervisor or (assigned_to_id is not None and assigned_to_id == viewer.id)


def can_see_disability(viewer: Account, request: AssistanceRequest) -> bool:
    """Sensitive data (help kinds, the story, disability data): only the assigned officer and supervisors."""
    return can_view(viewer, request) and sees_sensitive(viewer, request.assigned_to_id)
