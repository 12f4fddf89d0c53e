"""The open work an officer holds when their account is turned off or their scope shrinks
(issue 16 point 5): cases and help requests assigned to them that they would no longer see.
The domains above (complaints, assistance) own that work: each registers a `WorkHolder` in
`app.extensions["sigap_work_holders"]` (the accounts domain may not import them), and the admin
pages and the CLI hand the holders to these functions."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

from sqlalchemy.orm import Session

from portal.accounts.models import Account, AccountKecamatan
from portal.core import trail as audit
from portal.core.errors import DomainError
from portal.core.roles import Role


class WorkHolder(Protocol):
    def held(self, *, session: Session, account: Account, future: Account | None) -> int:
        """How many open items assigned to `account` `future` would not see (None: turned off)."""
        ...

    def release(self, *, session: Session, account: Account, future: Account | None, who: audit.Actor) -> int:
        """Unassign those items (back to the supervisors' queue, a line on each timeline, audited)."""
        ...


class HandoverRefusal(enum.StrEnum):
    HOLDS_OPEN_WORK = "holds_open_work"  # held: {kind: count}, account_id


class HoldsOpenWork(DomainError):
    def __init__(self, *, held: dict[str, int], account_id: int) -> None:
        super().__init__(HandoverRefusal.HOLDS_OPEN_WORK, held=held, account_id=account_id)

    @property
    def held(self) -> dict[str, int]:
        counts = self.params["held"]
        assert isinstance(counts, dict)
        return counts


def future_account(account: Account, *, role: Role, kecamatan_codes: list[str], active: bool) -> Account | None:
    """The account as it would be after a change, to ask what it would still see (not added to
    the session); None when it would be turned off."""
    if not active:
        return None
    codes = kecamatan_codes if role is Role.OFFICER else []
    return Account(id=account.id, role=role, scopes=[AccountKecamatan(kecamatan_code=c) for c in sorted(set(codes))])


def hand_over(
    *,
    session: Session,
    account: Account,
    future: Account | None,
    holders: Mapping[str, WorkHolder],
    release: bool,
    who: audit.Actor,
) -> dict[str, int]:
    """Refuse the change (HoldsOpenWork) while `account` holds open work `future` would not see,
    unless `release`: then that work goes back to the supervisors' queue. Returns what was
    released per kind ({} when nothing was held)."""
    held = {
        kind: n
        for kind, holder in holders.items()
        if (n := holder.held(session=session, account=account, future=future))
    }
    if not held:
        return {}
    if not release:
        raise HoldsOpenWork(held=held, account_id=account.id)
    return {kind: holders[kind].release(session=session, account=account, future=future, who=who) for kind in held}
