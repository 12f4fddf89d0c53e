"""A supervisor assigns many cases of the queue at once: each case goes through the same rules as
one assignment on its page (the version seen in the queue, the assignee's scope, what the case
offers), in a savepoint of its own, so a refused case leaves the others assigned. Audited per case."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint
from portal.complaints.services import actions
from portal.core import trail as audit
from portal.core.errors import DomainError

MAX_CASES = 100  # one page of the queue is 25


@dataclass(slots=True)
class BulkResult:
    assigned: list[str] = field(default_factory=list)  # references
    refused: list[tuple[str, DomainError]] = field(default_factory=list)  # reference, why


def assign_many(
    *,
    session: Session,
    chosen: Sequence[tuple[str, int]],
    supervisor: Account,
    assignee: Account,
    who: audit.Actor,
) -> BulkResult:
    """`chosen`: (reference, version seen in the queue) of each case ticked."""
    result = BulkResult()
    seen = dict(chosen[:MAX_CASES])
    cases = {c.reference: c for c in session.scalars(sa.select(Complaint).where(Complaint.reference.in_(seen)))}
    for reference, version in seen.items():
        case = cases.get(reference)
        if case is None:
            continue  # not a case (a tampered form): nothing to say about it
        try:
            with session.begin_nested():
                actions.assign(
                    session=session,
                    complaint=case,
                    supervisor=supervisor,
                    assignee=assignee,
                    expected_version=version,
                    who=who,
                )
        except DomainError as error:
            session.refresh(case)
            result.refused.append((reference, error))
        else:
            result.assigned.append(reference)
    return result
