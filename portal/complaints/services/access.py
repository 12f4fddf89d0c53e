"""Who may see which complaint, and whose identity (confidential cases, misconduct reports)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintCategory
from portal.core.filers import FilerRelation


def visible_clause(viewer: Account) -> sa.ColumnElement[bool]:
    """Officers see their kecamatan (all of Kota Bekasi when unscoped); misconduct reports only
    supervisors."""
    conditions = []
    if not viewer.is_supervisor:
        conditions.append(Complaint.category != ComplaintCategory.PUNGLI)
        if viewer.kecamatan_codes:
            conditions.append(
                sa.or_(*(Complaint.kelurahan_code.startswith(code + ".") for code in viewer.kecamatan_codes))
            )
    return sa.and_(sa.true(), *conditions)


def can_view(viewer: Account, complaint: Complaint) -> bool:
    if viewer.is_supervisor:
        return True
    if complaint.category is ComplaintCategory.PUNGLI:
        return False
    codes = viewer.kecamatan_codes
    return not codes or complaint.kelurahan_code[:8] in codes


def can_see_identity(viewer: Account, complaint: Complaint) -> bool:
    """Rahasia: the filer's identity only for the assigned officer and supervisors."""
    return not complaint.confidential or viewer.is_supervisor or complaint.assigned_to_id == viewer.id


def can_see_subject(viewer: Account, complaint: Complaint) -> bool:
    """A confidential complaint filed by the person it is about: the subject *is* the filer, so
    their name, NIK, roster record and files identify the filer too."""
    return can_see_identity(viewer, complaint) or complaint.filer_relation is not FilerRelation.SENDIRI


def subject_visible_clause(viewer: Account) -> sa.ColumnElement[bool]:
    """can_see_subject as SQL: what a name or NIK search may match, whose name a list may show."""
    if viewer.is_supervisor:
        return sa.true()
    return sa.or_(
        Complaint.confidential.is_(False),
        Complaint.filer_relation != FilerRelation.SENDIRI,
        Complaint.assigned_to_id == viewer.id,
    )


def identity_visible_clause(viewer: Account) -> sa.ColumnElement[bool]:
    """can_see_identity as SQL: where a search by the filer's name or phone may match."""
    if viewer.is_supervisor:
        return sa.true()
    return sa.or_(Complaint.confidential.is_(False), Complaint.assigned_to_id == viewer.id)


def can_act(viewer: Account, complaint: Complaint) -> bool:
    """Officers act on the cases assigned to them; supervisors on every case they can see."""
    return can_view(viewer, complaint) and (viewer.is_supervisor or complaint.assigned_to_id == viewer.id)


def can_claim(viewer: Account, complaint: Complaint) -> bool:
    """An unassigned case an officer may take: not a confidential one (misconduct reports are
    always confidential). Taking it would show its filer's identity to whoever clicks first, so
    a supervisor assigns those."""
    return (
        complaint.assigned_to_id is None
        and can_view(viewer, complaint)
        and (viewer.is_supervisor or not complaint.confidential)
    )
