"""What the officer's case page says beside the case itself: its deadlines marked as the queue
marks them, the actions withheld and why, and why the resident cannot be messaged (if so)."""

from __future__ import annotations

from flask_login import current_user

from portal.complaints.labels import action_label, error_message
from portal.complaints.models.complaint import Complaint
from portal.complaints.routes.queue import due_soon_by
from portal.complaints.services.available import CaseAction, withheld_actions
from portal.complaints.services.deadlines import case_marks
from portal.complaints.services.lifecycle import recipient
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.workdays import local_date
from portal.extensions import current_session
from portal.notifications import labels as notice_labels
from portal.notifications.services.notices import unreachable


def unreachable_words(complaint: Complaint) -> str | None:
    """Why no message reaches this resident, in words; None when one can (or the report is
    anonymous: the page already says the reporter reads everything on the tracking page)."""
    if complaint.anonymous:
        return None
    reason = unreachable(session=current_session(), recipient=recipient(complaint))
    if reason is None:
        return None
    return notice_labels.unreachable_label(reason, record_in=action_label(CaseAction.KONTAK))


def case_facts(complaint: Complaint) -> dict[str, object]:
    today = local_date(utcnow())
    withheld = withheld_actions(case=complaint, actor=current_user)
    return {
        "marks": case_marks(
            session=current_session(), complaint_id=complaint.id, today=today, due_soon_by=due_soon_by(today)
        ),
        "withheld": {action.value: error_message(DomainError(code)) for action, code in withheld.items()},
        "unreachable": unreachable_words(complaint),
    }
