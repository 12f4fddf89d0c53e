"""Letters from the officer workspace: one person's letters, issuing and replacing a letter for
them, and downloading it, each in the audit trail of that person.

Who may: every officer role for the people they may see (officers with kecamatan codes only
there; supervisors and admins everyone), the same rule as the person page itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.core import trail as audit
from portal.letters.models import IssuedVia, Letter, LetterStatus
from portal.letters.services.letters import (
    DEFAULT_NUMBER_PATTERN,
    can_have_letter,
    current_letter,
    issue_letter,
    letters_of,
)
from portal.roster.models.person import Person
from portal.roster.services.access import can_view_person


class ReplaceReason(enum.StrEnum):
    """Why an officer gives a new number to a letter whose data did not change."""

    HILANG = "hilang"  # lost: the old one must no longer verify as valid
    DISALAHGUNAKAN = "disalahgunakan"  # someone else uses or copies it
    RUSAK = "rusak"  # damaged or unreadable, and the participant wants a fresh number


@dataclass(frozen=True, slots=True)
class PersonLetters:
    """What the letters section of the person page shows."""

    eligible: bool  # active, with KPJ and coverage period
    current: Letter | None  # the valid letter, when it still prints what the roster says
    outdated: Letter | None  # the valid letter, when the roster has changed since
    history: list[Letter]  # every letter, newest first


def person_letters(*, session: Session, person: Person) -> PersonLetters:
    history = letters_of(session=session, person_id=person.id)
    valid = next((letter for letter in history if letter.status is LetterStatus.BERLAKU), None)
    current = current_letter(session=session, person_id=person.id)
    return PersonLetters(
        eligible=can_have_letter(person),
        current=current,
        outdated=valid if valid is not None and current is None else None,
        history=history,
    )


def _person_in_scope(session: Session, viewer: Account, person_id: int) -> Person | None:
    person = session.get(Person, person_id)
    return person if person is not None and can_view_person(viewer, person) else None


@dataclass(frozen=True, slots=True)
class Issued:
    letter: Letter
    new: bool  # False: the valid letter was still right and is handed out again


def issue_for_person(
    *,
    session: Session,
    viewer: Account,
    person_id: int,
    who: audit.Actor,
    pattern: str = DEFAULT_NUMBER_PATTERN,
    replace_because: ReplaceReason | None = None,
    now: datetime | None = None,
) -> Issued | None:
    """Issue (or hand out again) the person's letter; with `replace_because`, a new number even
    if nothing changed. None when the person is outside the viewer's scope. Raises
    LetterNotAvailable for someone who cannot have a letter. Audited on the person. Flushes."""
    person = _person_in_scope(session, viewer, person_id)
    if person is None:
        return None
    before = current_letter(session=session, person_id=person_id)
    letter = issue_letter(
        session=session,
        person_id=person_id,
        pattern=pattern,
        via=IssuedVia.PETUGAS,
        now=now,
        replace=replace_because is not None,
    )
    new = before is None or before.id != letter.id
    detail = f"surat={letter.number}"
    if replace_because is not None:
        detail += f" ganti={before.number if before else '-'} alasan={replace_because.value}"
    audit.record(
        session=session,
        actor=who,
        action="terbitkan_surat" if new else "surat_sama",
        object_type="person",
        object_id=person_id,
        detail=detail,
    )
    return Issued(letter=letter, new=new)


def letter_for_download(*, session: Session, viewer: Account, person_id: int, who: audit.Actor) -> Letter | None:
    """The person's current letter, for an officer to print; None when the person is outside the
    viewer's scope or has no letter that still prints what the roster says (a revoked, superseded
    or outdated letter is never printed again). Audited on the person."""
    person = _person_in_scope(session, viewer, person_id)
    letter = current_letter(session=session, person_id=person_id) if person is not None else None
    if letter is None:
        return None
    audit.record(
        session=session,
        actor=who,
        action="unduh_surat",
        object_type="person",
        object_id=person_id,
        detail=f"surat={letter.number}",
    )
    return letter


def may_batch(viewer: Account, *, scope: str, code: str | None) -> bool:
    """Batches: supervisors and admins for any region and the whole city; officers for a
    kelurahan or kecamatan in their kecamatan (any, when their account has none)."""
    if viewer.is_supervisor:
        return True
    if scope not in ("kelurahan", "kecamatan") or not code:
        return False
    own = viewer.kecamatan_codes
    return not own or code[:8] in own
