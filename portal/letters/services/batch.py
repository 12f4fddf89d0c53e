"""Letters for a whole kelurahan, kecamatan or the city, numbered in one transaction.

Numbers are assigned in the database first: every active participant in scope gets their valid
letter (reused when it still prints what the roster says, else a new one superseding it), all in
one transaction that holds the issuing lock. Rendering comes afterwards and may be interrupted and
run again: it finds the same letters, so no number is ever taken twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.regions import regions
from portal.letters.models import IssuedVia, Letter, LetterStatus
from portal.letters.services.letters import (
    DEFAULT_NUMBER_PATTERN,
    letter_date,
    letter_fields,
    new_letter,
    printed_fields,
    reserve_numbers,
    serialize_issuing,
)
from portal.roster.models.person import Person, PersonStatus


class UnknownRegion(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class BatchLetters:
    letter_ids: list[int]  # in print order: by kelurahan, then name
    issued: int
    reused: int
    superseded: int


def kelurahan_in_scope(*, kelurahan: str | None = None, kecamatan: str | None = None) -> list[str]:
    """Kelurahan codes for one kelurahan, one kecamatan, or (neither) the whole city."""
    known = regions()
    if kelurahan is not None:
        if kelurahan not in known.kelurahan:
            raise UnknownRegion(f"kode kelurahan tidak dikenal: {kelurahan}")
        return [kelurahan]
    if kecamatan is not None:
        if kecamatan not in known.kecamatan:
            raise UnknownRegion(f"kode kecamatan tidak dikenal: {kecamatan}")
        return sorted(c for c, k in known.kelurahan.items() if k.kecamatan.code == kecamatan)
    return sorted(known.kelurahan)


def _participants(session: Session, kelurahan_codes: Collection[str]) -> list[Person]:
    return list(
        session.scalars(
            sa.select(Person)
            .where(
                Person.status == PersonStatus.AKTIF,
                Person.kelurahan_code.in_(kelurahan_codes),
                Person.kpj.is_not(None),
                Person.kpj != "",
                Person.mulai.is_not(None),
                Person.selesai.is_not(None),
            )
            .order_by(Person.kelurahan_code, Person.nama, Person.id)
        )
    )


def _valid_letters(session: Session, kelurahan_codes: Collection[str]) -> dict[int, Letter]:
    people = sa.select(Person.id).where(Person.status == PersonStatus.AKTIF, Person.kelurahan_code.in_(kelurahan_codes))
    letters = session.scalars(
        sa.select(Letter).where(Letter.status == LetterStatus.BERLAKU, Letter.person_id.in_(people))
    )
    return {letter.person_id: letter for letter in letters}


def assign_batch_letters(
    *,
    session: Session,
    kelurahan_codes: Collection[str],
    pattern: str = DEFAULT_NUMBER_PATTERN,
    now: datetime | None = None,
) -> BatchLetters:
    """Give every active participant in these kelurahan a valid letter. Flushes; the caller
    commits once, so the numbers of a batch are taken all together or not at all."""
    now = now or utcnow()
    year = letter_date(now).year
    serialize_issuing(session, year=year)  # exclusive: no one-off letter is issued meanwhile
    people = _participants(session, kelurahan_codes)
    existing = _valid_letters(session, kelurahan_codes)

    def up_to_date(person: Person) -> bool:
        letter = existing.get(person.id)
        return letter is not None and letter_fields(letter) == printed_fields(person)

    needing = [person for person in people if not up_to_date(person)]
    outdated = [existing[p.id] for p in needing if p.id in existing]
    for letter in outdated:
        letter.status, letter.ended_at = LetterStatus.DIGANTI, now
    session.flush()

    new_ids: dict[int, int] = {}
    if needing:
        first = reserve_numbers(session, year=year, count=len(needing))
        fresh = [
            new_letter(person, seq=first + offset, pattern=pattern, now=now, via=IssuedVia.MASSAL)
            for offset, person in enumerate(needing)
        ]
        rows = [
            {
                column.key: getattr(letter, column.key)
                for column in Letter.__table__.columns
                if column.key != "id" and getattr(letter, column.key) is not None
            }
            for letter in fresh
        ]
        inserted = session.execute(
            sa.insert(Letter).returning(Letter.id, Letter.person_id, sort_by_parameter_order=True),
            rows,
        ).all()
        new_ids = {person_id: letter_id for letter_id, person_id in inserted}
        for letter in outdated:
            letter.superseded_by_id = new_ids[letter.person_id]
        session.flush()

    ids = [new_ids.get(p.id) or existing[p.id].id for p in people]
    return BatchLetters(
        letter_ids=ids, issued=len(needing), reused=len(people) - len(needing), superseded=len(outdated)
    )


def letters_by_ids(*, session: Session, ids: Sequence[int]) -> list[Letter]:
    """The letters with these ids, in the order given."""
    letters = session.scalars(sa.select(Letter).where(Letter.id.in_(ids)))
    found = {letter.id: letter for letter in letters}
    return [found[letter_id] for letter_id in ids if letter_id in found]
