"""The checks every case action makes, shared by the modules of actions: the version the officer
saw (optimistic locking), who may act, what the case page offers, and a flush that turns a lost
race into CaseChanged."""

from __future__ import annotations

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint
from portal.complaints.services.access import can_act, can_view
from portal.complaints.services.available import CaseAction, available_actions
from portal.complaints.services.lifecycle import CaseRefusal
from portal.core.errors import DomainError


class CaseChanged(DomainError):
    def __init__(self) -> None:
        super().__init__(CaseRefusal.CASE_CHANGED)


class NotAllowed(DomainError):
    pass


def ensure_current(complaint: Complaint, officer: Account, expected_version: int, *, must_act: bool = True) -> None:
    """The case is as the officer saw it, theirs to see, and (unless must_act=False) theirs to act on."""
    if complaint.version != expected_version:
        raise CaseChanged()
    if not can_view(officer, complaint):
        raise NotAllowed(CaseRefusal.NOT_YOURS)
    if must_act and not can_act(officer, complaint):
        raise NotAllowed(CaseRefusal.CLAIM_FIRST)


def ensure_offered(complaint: Complaint, officer: Account, action: CaseAction) -> None:
    """The last check of every action: what the case page offers is what may be done."""
    if action not in available_actions(case=complaint, actor=officer):
        raise NotAllowed(CaseRefusal.NOT_AVAILABLE, current=complaint.status, action=action)


def flush_case(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise CaseChanged() from None
