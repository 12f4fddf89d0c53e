"""Whether a database holds data that `flask demo seed` did not make, i.e. it is someone's real portal.

The seed adds officer accounts with known e-mails (and new passwords printed on the terminal) and
thousands of synthetic people: on a real portal that is a way in and a roster no one can tell
from the real one. A database is taken as real when it has an account other than the demo's
three, or a roster import other than the seed's own (or one that a demo account uploaded while
trying the portal). Complaints, help requests and status checks do not count: visitors of a demo
make those, and running the seed again must still work there.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.demo.services.accounts import DEMO_ACCOUNTS
from portal.roster.models.person import RosterImportBatch

DEMO_IMPORTER = "demo seed"  # RosterImportBatch.imported_by of the seed's roster
SHOWN = 3  # how many of each kind are named


@dataclass(frozen=True, slots=True)
class RealData:
    accounts: int  # accounts that are not the demo's
    account_emails: tuple[str, ...]  # the first SHOWN of them
    imports: int  # roster imports that are not the demo's
    importers: tuple[str, ...]  # who ran the first SHOWN of them

    def __bool__(self) -> bool:
        return bool(self.accounts or self.imports)


def _demo_importers() -> list[str]:
    """imported_by of the seed, and the prefix of an upload by a demo account ("EMAIL (petugas:N)")."""
    return [DEMO_IMPORTER, *(f"{email} (%" for email, *_ in DEMO_ACCOUNTS)]


def real_data(*, session: Session) -> RealData:
    """The accounts and roster imports of the database that the demo did not make."""
    demo_emails = [email for email, *_ in DEMO_ACCOUNTS]
    other_accounts = sa.select(Account.email).where(Account.email.not_in(demo_emails))
    not_demo = sa.and_(*(RosterImportBatch.imported_by.not_like(pattern) for pattern in _demo_importers()))
    other_imports = sa.select(RosterImportBatch.imported_by).where(not_demo)
    return RealData(
        accounts=session.scalar(sa.select(sa.func.count()).select_from(other_accounts.subquery())) or 0,
        account_emails=tuple(session.scalars(other_accounts.order_by(Account.id).limit(SHOWN))),
        imports=session.scalar(sa.select(sa.func.count()).select_from(other_imports.subquery())) or 0,
        importers=tuple(session.scalars(other_imports.order_by(RosterImportBatch.id).limit(SHOWN))),
    )
