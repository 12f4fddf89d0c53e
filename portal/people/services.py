"""The roster as officers see it: search by NIK or name within their kecamatan, one person's
record with its history and complaints, and the list of import batches."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint
from portal.complaints.services.access import subject_visible_clause, visible_clause
from portal.core import trail as audit
from portal.core.nik import normalize_nik
from portal.core.sql import AnyRow
from portal.roster.models.person import Person, PersonStatus, PersonStatusHistory, RosterImportBatch
from portal.roster.services.access import can_view_person, scope_clause

PAGE_SIZE = 25
COUNT_CAP = 1000  # counting every match of a short name in a million rows costs more than it tells
MIN_NAME_LENGTH = 3


@dataclass(frozen=True, slots=True)
class PeopleQuery:
    q: str = ""
    status: PersonStatus | None = None
    page: int = 1


@dataclass(slots=True)
class PeoplePage:
    rows: Sequence[AnyRow]
    total: int  # capped at COUNT_CAP + 1
    page: int
    pages: int
    searched: bool  # False when the query was empty or too short to run
    by_nik: bool = False
    capped: bool = False
    problem: SearchProblem | None = None  # why the search could not run


class SearchProblem(enum.StrEnum):
    NIK_LENGTH = "nik_length"
    NAME_TOO_SHORT = "name_too_short"  # fewer than MIN_NAME_LENGTH letters


def _search_clause(q: str) -> tuple[sa.ColumnElement[bool] | None, bool, SearchProblem | None]:
    q = q.strip()
    if not q:
        return None, False, None
    digits = normalize_nik(q)
    if digits.isdigit():
        if len(digits) != 16:
            return None, True, SearchProblem.NIK_LENGTH
        return Person.nik == digits, True, None
    if len(q) < MIN_NAME_LENGTH:
        return None, False, SearchProblem.NAME_TOO_SHORT
    escaped = q[:80].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Person.nama.ilike(f"%{escaped}%", escape="\\"), False, None


def search_people(
    *, session: Session, viewer: Account, query: PeopleQuery, who: audit.Actor, page_size: int = PAGE_SIZE
) -> PeoplePage:
    """People matching a NIK (exact, separators stripped) or a part of the name, in the viewer's
    scope, by name. A search that ran is audited (it shows personal data)."""
    clause, by_nik, problem = _search_clause(query.q)
    if clause is None:
        return PeoplePage(rows=[], total=0, page=1, pages=1, searched=False, by_nik=by_nik, problem=problem)
    clauses = [clause, scope_clause(viewer)]
    if query.status is not None:
        clauses.append(Person.status == query.status)
    limited = sa.select(Person.id).where(*clauses).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0
    pages = max(1, -(-min(total, COUNT_CAP) // page_size))
    page = min(max(1, query.page), pages)
    rows = session.execute(
        sa.select(
            Person.id, Person.nik, Person.nama, Person.kelurahan_code, Person.status, Person.alasan, Person.tanggal_data
        )
        .where(*clauses)
        .order_by(Person.nama, Person.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    # a NIK is never written into the trail: the person found stands for it
    what = "nik" if by_nik else f"nama={query.q.strip()[:80]}"
    audit.record(
        session=session,
        actor=who,
        action="cari",
        object_type="person",
        object_id="",
        person_id=rows[0].id if by_nik and len(rows) == 1 else None,
        detail=f"{what} hasil={total if total <= COUNT_CAP else f'>{COUNT_CAP}'}",
    )
    return PeoplePage(
        rows=rows, total=total, page=page, pages=pages, searched=True, by_nik=by_nik, capped=total > COUNT_CAP
    )


def out_of_scope(*, session: Session, viewer: Account, person_id: int) -> bool:
    """Whether the roster has this person but outside the viewer's scope (that 404 is audited)."""
    person = session.get(Person, person_id)
    return person is not None and not can_view_person(viewer, person)


@dataclass(slots=True)
class PersonRecord:
    person: Person
    batch: RosterImportBatch | None
    history: list[tuple[PersonStatusHistory, RosterImportBatch | None]]
    complaints: list[Complaint]


def view_person(*, session: Session, viewer: Account, person_id: int, who: audit.Actor) -> PersonRecord | None:
    """One person's roster record, status history and the complaints the viewer may see.
    None when there is no such person in the viewer's scope. The view is audited."""
    person = session.get(Person, person_id)
    if person is None or not can_view_person(viewer, person):
        return None
    batch = session.get(RosterImportBatch, person.import_batch_id) if person.import_batch_id else None
    history: list[tuple[PersonStatusHistory, RosterImportBatch | None]] = [
        (change, batch)
        for change, batch in session.execute(
            sa.select(PersonStatusHistory, RosterImportBatch)
            .outerjoin(RosterImportBatch, RosterImportBatch.id == PersonStatusHistory.import_batch_id)
            .where(PersonStatusHistory.person_id == person.id)
            .order_by(PersonStatusHistory.id.desc())
        )
    ]
    complaints = list(
        session.scalars(
            sa.select(Complaint)
            .where(
                sa.or_(Complaint.person_id == person.id, Complaint.subject_nik == person.nik),
                visible_clause(viewer),
                subject_visible_clause(viewer),
            )
            .order_by(Complaint.id.desc())
            .limit(100)
        )
    )
    audit.record(session=session, actor=who, action="lihat", object_type="person", object_id=person.id)
    return PersonRecord(person=person, batch=batch, history=history, complaints=complaints)
