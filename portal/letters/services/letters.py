"""Letters of participation: numbers without gaps, one letter per person and data, verification,
revocation.

A person gets the same letter back (one number) for as long as what it prints is unchanged; when
the roster changes what the letter would print, the next request issues a new letter and the old
one becomes "superseded". Letters of people who are no longer active are revoked.
"""

from __future__ import annotations

import enum
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.names import mask_name
from portal.core.nik import mask_nik
from portal.core.signals import roster_statuses_changed
from portal.core.sql import rowcount, table_of
from portal.core.upsert import upsert
from portal.letters.models import IssuedVia, Letter, LetterCounter, LetterStatus
from portal.letters.services.codes import CODE_ALPHABET as CODE_ALPHABET
from portal.letters.services.codes import CODE_LENGTH as CODE_LENGTH
from portal.letters.services.codes import check_character as check_character
from portal.letters.services.codes import code_is_well_formed as code_is_well_formed
from portal.letters.services.codes import display_code as display_code
from portal.letters.services.codes import new_code as new_code
from portal.letters.services.codes import normalize_code as normalize_code
from portal.roster.models.person import Person, PersonStatus

DEFAULT_NUMBER_PATTERN = "500.15.1/{seq}-Disnaker/{roman_month}/{year}"
LETTER_TIMEZONE = ZoneInfo("Asia/Jakarta")
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# PostgreSQL advisory lock: issuing one letter takes it shared, a batch takes it exclusive.
_ALL_LETTERS_LOCK = 0x5349474150  # "SIGAP"
_PERSON_LOCK_CLASS = 0x4C54  # "LT", with the person id as the second key


class NoLetterBecause(enum.StrEnum):
    NOT_FOUND = "not_found"
    NOT_ACTIVE = "not_active"
    INCOMPLETE = "incomplete"  # no KPJ or coverage period


class LetterNotAvailable(DomainError):
    """No letter can be issued for this person; `reason` (also the code) says why."""

    def __init__(self, reason: NoLetterBecause) -> None:
        super().__init__(reason)
        self.reason = reason


class LetterState(enum.StrEnum):
    VALID = "berlaku"
    REVOKED = "dicabut"
    SUPERSEDED = "diganti"


@dataclass(frozen=True, slots=True)
class Verification:
    """What the public verification page may show: nothing that identifies the person."""

    state: LetterState
    number: str
    masked_name: str
    mulai: date
    selesai: date
    issued_on: date
    ended_on: date | None
    replaced_by_number: str | None
    coverage_over: bool


# ---------------------------------------------------------------- numbers, codes and dates


def roman_month(month: int) -> str:
    return ROMAN_MONTHS[month - 1]


def indonesian_date(value: date) -> str:
    """21 November 2026, whatever the interface language (the letter is an Indonesian document)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_number(pattern: str, *, seq: int, issued_on: date) -> str:
    """The letter number from the configured pattern: {seq}, {year}, {month}, {roman_month}."""
    try:
        return pattern.format(
            seq=seq, year=issued_on.year, month=f"{issued_on.month:02d}", roman_month=roman_month(issued_on.month)
        )
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        raise ValueError(f"LETTER_NUMBER_PATTERN {pattern!r} is not valid: {error}") from None


def check_number_pattern(pattern: str) -> None:
    """Numbers restart every year, so a pattern without {seq} and {year} would repeat numbers."""
    format_number(pattern, seq=1, issued_on=date(2026, 1, 1))
    fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
    if not {"seq", "year"} <= fields:
        raise ValueError(f"LETTER_NUMBER_PATTERN {pattern!r} must contain {{seq}} and {{year}}")


def letter_date(moment: datetime) -> date:
    """The date of issue as people in Bekasi see it (WIB)."""
    return moment.astimezone(LETTER_TIMEZONE).date()


# ---------------------------------------------------------------- issuing


def printed_fields(person: Person) -> tuple[object, ...]:
    """What a letter prints about a person: a change here means a new letter."""
    return (person.nama, mask_nik(person.nik), person.kpj, person.kelurahan_code, person.mulai, person.selesai)


def letter_fields(letter: Letter) -> tuple[object, ...]:
    return (letter.nama, letter.nik_masked, letter.kpj, letter.kelurahan_code, letter.mulai, letter.selesai)


def can_have_letter(person: Person) -> bool:
    complete = bool(person.kpj and person.mulai and person.selesai)
    return person.status == PersonStatus.AKTIF and complete


def _check_person(person: Person | None) -> Person:
    if person is None:
        raise LetterNotAvailable(NoLetterBecause.NOT_FOUND)
    if person.status != PersonStatus.AKTIF:
        raise LetterNotAvailable(NoLetterBecause.NOT_ACTIVE)
    if not can_have_letter(person):
        raise LetterNotAvailable(NoLetterBecause.INCOMPLETE)
    return person


def serialize_issuing(session: Session, *, year: int, person_id: int | None = None) -> None:
    """Serialise issuing so one person never gets two valid letters and numbers have no gaps.

    PostgreSQL: an advisory lock per person, shared with every other issuer but exclusive
    against a batch (person_id None). SQLite: a write to the counter takes the database's write
    lock at once, before anything is read.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        if person_id is None:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(_ALL_LETTERS_LOCK)))
        else:
            session.execute(sa.select(sa.func.pg_advisory_xact_lock_shared(_ALL_LETTERS_LOCK)))
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(_PERSON_LOCK_CLASS, person_id)))
    upsert(session, LetterCounter, {"year": year, "last_number": 0}, index_elements=["year"])


def reserve_numbers(session: Session, *, year: int, count: int) -> int:
    """Take `count` consecutive numbers of `year` (in this transaction); return the first."""
    table = table_of(LetterCounter)
    last: int = session.execute(
        table.update()
        .where(table.c.year == year)
        .values(last_number=table.c.last_number + count)
        .returning(table.c.last_number)
    ).scalar_one()
    return last - count + 1


def new_letter(person: Person, *, seq: int, pattern: str, now: datetime, via: IssuedVia) -> Letter:
    issued_on = letter_date(now)
    return Letter(
        person_id=person.id,
        number=format_number(pattern, seq=seq, issued_on=issued_on),
        year=issued_on.year,
        seq=seq,
        code=new_code(),
        status=LetterStatus.BERLAKU,
        issued_via=via,
        issued_at=now,
        issued_on=issued_on,
        nama=person.nama,
        nik_masked=mask_nik(person.nik),
        kpj=person.kpj,
        kelurahan_code=person.kelurahan_code,
        mulai=person.mulai,
        selesai=person.selesai,
    )


def _valid_letter(session: Session, person_id: int) -> Letter | None:
    return session.scalars(
        sa.select(Letter)
        .where(Letter.person_id == person_id, Letter.status == LetterStatus.BERLAKU)
        .execution_options(populate_existing=True)
    ).first()


def issue_letter(
    *,
    session: Session,
    person_id: int,
    pattern: str = DEFAULT_NUMBER_PATTERN,
    via: IssuedVia = IssuedVia.MANDIRI,
    now: datetime | None = None,
    replace: bool = False,
) -> Letter:
    """The person's valid letter, or a new one (superseding an outdated one). Flushes.

    `replace` (officers only): a new letter with a new number even though the valid one still
    prints the same, e.g. when it was lost; the old one then verifies as superseded.
    """
    now = now or utcnow()
    _check_person(session.get(Person, person_id))
    serialize_issuing(session, year=letter_date(now).year, person_id=person_id)
    # Read again under the lock: another request may have changed things meanwhile.
    person = _check_person(session.get(Person, person_id, populate_existing=True))
    existing = _valid_letter(session, person_id)
    if existing is not None and letter_fields(existing) == printed_fields(person) and not replace:
        return existing
    if existing is not None:
        existing.status, existing.ended_at = LetterStatus.DIGANTI, now
        session.flush()  # at most one valid letter per person, checked by a partial unique index
    seq = reserve_numbers(session, year=letter_date(now).year, count=1)
    letter = new_letter(person, seq=seq, pattern=pattern, now=now, via=via)
    session.add(letter)
    session.flush()
    if existing is not None:
        existing.superseded_by_id = letter.id
        session.flush()
    return letter


def current_letter(*, session: Session, person_id: int) -> Letter | None:
    """The person's valid letter if it still prints what the roster says, else None."""
    person = session.get(Person, person_id)
    if person is None or not can_have_letter(person):
        return None
    letter = _valid_letter(session, person_id)
    if letter is None or letter_fields(letter) != printed_fields(person):
        return None
    return letter


def letters_of(*, session: Session, person_id: int) -> list[Letter]:
    """Every letter issued to the person, newest first."""
    return list(session.scalars(sa.select(Letter).where(Letter.person_id == person_id).order_by(Letter.id.desc())))


@dataclass(frozen=True, slots=True)
class LetterOffer:
    """What the self-service page shows before a download: no full name, no NIK."""

    masked_name: str
    kelurahan_code: str
    mulai: date
    selesai: date
    number: str | None  # the valid letter already issued, if any
    issued_on: date | None


def letter_offer(*, session: Session, person_id: int) -> LetterOffer:
    """Raises LetterNotAvailable unless the person is an active participant with complete data."""
    person = _check_person(session.get(Person, person_id))
    letter = current_letter(session=session, person_id=person_id)
    mulai, selesai = person.mulai, person.selesai
    assert mulai is not None and selesai is not None  # _check_person refuses incomplete data
    return LetterOffer(
        masked_name=mask_name(person.nama),
        kelurahan_code=person.kelurahan_code,
        mulai=mulai,
        selesai=selesai,
        number=letter.number if letter else None,
        issued_on=letter.issued_on if letter else None,
    )


# ---------------------------------------------------------------- verification and revocation


def find_letter(*, session: Session, code: str) -> Letter | None:
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return session.scalars(sa.select(Letter).where(Letter.code == normalized)).first()


def verify_letter(*, session: Session, code: str, today: date | None = None) -> Verification | None:
    """The public answer for a code, or None when no letter has it."""
    letter = find_letter(session=session, code=code)
    if letter is None:
        return None
    today = today or letter_date(utcnow())
    state = LetterState(letter.status.value)
    if state is LetterState.VALID:
        # Until revocation runs after an import, a letter of someone no longer active is not valid.
        status = session.scalar(sa.select(Person.status).where(Person.id == letter.person_id))
        if status != PersonStatus.AKTIF:
            state = LetterState.REVOKED
    replaced_by = session.get(Letter, letter.superseded_by_id) if letter.superseded_by_id else None
    return Verification(
        state=state,
        number=letter.number,
        masked_name=mask_name(letter.nama),
        mulai=letter.mulai,
        selesai=letter.selesai,
        issued_on=letter.issued_on,
        ended_on=letter_date(letter.ended_at) if letter.ended_at else None,
        replaced_by_number=replaced_by.number if replaced_by else None,
        coverage_over=letter.selesai < today,
    )


def revoke_letters_for_inactive(
    *, session: Session, person_ids: Iterable[int] | None = None, now: datetime | None = None
) -> int:
    """Revoke the valid letters of these people (None: everyone) who are no longer active.

    Call it after a roster import with the people whose status changed; people still active
    keep their letters. Returns how many letters were revoked. Flushes.
    """
    now = now or utcnow()
    inactive = sa.select(Person.id).where(Person.status != PersonStatus.AKTIF)
    chunks = [None] if person_ids is None else _chunks(list(dict.fromkeys(person_ids)), 500)
    revoked = 0
    for chunk in chunks:
        people = inactive if chunk is None else inactive.where(Person.id.in_(chunk))
        result = session.execute(
            sa.update(Letter)
            .where(Letter.status == LetterStatus.BERLAKU, Letter.person_id.in_(people))
            .values(status=LetterStatus.DICABUT, ended_at=now)
            .execution_options(synchronize_session="fetch")
        )
        revoked += rowcount(result)
    return revoked


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@roster_statuses_changed.connect
def _revoke_after_a_roster_import(_sender: object, *, session: Session) -> int:
    return revoke_letters_for_inactive(session=session)
