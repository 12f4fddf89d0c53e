"""Who may see which complaint, and whose identity (confidential cases, misconduct reports)."""
from __future__ import annotations

import sqlalchemy as sa

from portal.models.account import Account
from portal.models.complaint import Complaint, ComplaintCategory


def visible_clause(viewer: Account) -> sa.ColumnElement[bool]:
    """Officers see their kecamatan (all of Kota Bekasi when unscoped); misconduct reports only
    supervisors."""
    conditions = []
    if not viewer.is_supervisor:
        conditions.append(Complaint.category != ComplaintCategory.PUNGLI)
        if viewer.kecamatan_codes:
            conditions.append(sa.or_(*(Complaint.kelurahan_code.startswith(code + ".")
                                       for code in viewer.kecamatan_codes)))  # fmt: skip
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


def can_act(viewer: Account, complaint: Complaint) -> bool:
    """Officers act on the cases assigned to them; supervisors on every case they can see."""
    return can_view(viewer, complaint) and (viewer.is_supervisor or complaint.assigned_to_id == viewer.id)
