""" "Am I covered?": NIK + name against the roster, with lockout and a hashed log.

Knowing a NIK is not proof of identity, so an unknown NIK and a name that does not match give
one and the same answer, and both count towards the lockout of that client (its address) for
that NIK: five failures lock that client out of that NIK, not the NIK's owner elsewhere. The
attempt is counted before the name is compared (portal.core.lockout), so parallel bursts
get five guesses too.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from portal.core import lockout
from portal.core.base import utcnow
from portal.core.errors import Locked
from portal.core.lockout import DEFAULT_POLICY, LockoutPolicy, keyed_hash
from portal.core.lockout_models import AccessLockout, LockoutScope
from portal.core.names import mask_name, names_match
from portal.core.nik import mask_kpj
from portal.core.regions import kelurahan
from portal.core.sql import AnyRow, table_of
from portal.roster.models.person import Person, PersonStatus, StatusReason
from portal.status_check.models import CheckOutcome, StatusCheckLog


class NextStep(enum.StrEnum):
    """What the resident can do next. A NIK and a name are no proof of identity (the NIK holds the
    birth date and is on every KTP photocopy), so the next step never names a welfare decile,
    whether someone is in DTSEN, or a death: it says what to do, and where the reason is told to
    the person after they have shown who they are (docs/security.md, "What a NIK and a name may reveal")."""

    USE_COVERAGE = "use_coverage"  # active: claims at BPJS Ketenagakerjaan 175, letter
    WAIT_ENROLMENT = "wait_enrolment"
    WAITING_LIST = "waiting_list"
    UPDATE_DTSEN = "update_dtsen"  # not in DTSEN or decile above 5: the same words for both
    UPDATE_DOMICILE = "update_domicile"  # not a Kota Bekasi resident / moved
    OTHER_SCHEME = "other_scheme"
    ENDED = "ended"  # no longer active for any other reason (a death included): heirs' claim, the office
    ASK_OFFICE = "ask_office"  # not eligible for a reason told only in person (a death recorded included)
    NOT_FOUND = "not_found"  # complaint (exclusion) or assisted registration


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    found: bool
    next_step: NextStep
    person_id: int | None = None
    status: PersonStatus | None = None
    masked_name: str | None = None
    masked_kpj: str | None = None
    kelurahan_name: str | None = None
    kecamatan_name: str | None = None
    mulai: date | None = None
    selesai: date | None = None
    tanggal_data: date | None = None


# One check is one request, and it should stay close to a static page's speed: counting the
# attempt (and reading the lockout state) and what the answer needs of the person come in one
# statement, without ORM objects. PostgreSQL: the lockout upsert as a CTE, joined to the person.
# SQLite (no DML in a CTE): the upsert's RETURNING carries the person's columns as subqueries.
# The row is always there; its person columns are NULL without a person.
_person_t = table_of(Person)
_lockout_t = table_of(AccessLockout)
_log_t = table_of(StatusCheckLog)
_PERSON_COLUMNS = ("id", "nama", "status", "alasan", "kpj", "kelurahan_code", "mulai", "selesai", "tanggal_data")
_LOCKOUT_COLUMNS = (_lockout_t.c.failures, _lockout_t.c.lockouts, _lockout_t.c.locked_until)


def _count_and_person_postgresql() -> sa.Select[*tuple[Any, ...]]:
    counted = lockout.count_statement("postgresql").returning(*_LOCKOUT_COLUMNS).cte("counted")
    return sa.select(
        counted.c.failures,
        counted.c.lockouts,
        counted.c.locked_until,
        *(_person_t.c[name] for name in _PERSON_COLUMNS),
    ).select_from(counted.outerjoin(_person_t, _person_t.c.nik == sa.bindparam("nik", type_=sa.String())))


def _count_and_person_sqlite() -> ReturningInsert[*tuple[Any, ...]]:
    nik = sa.bindparam("nik", type_=sa.String())
    return lockout.count_statement("sqlite").returning(
        *_LOCKOUT_COLUMNS,
        *(
            sa.select(_person_t.c[name]).where(_person_t.c.nik == nik).scalar_subquery().label(name)
            for name in _PERSON_COLUMNS
        ),
    )


_COUNT_AND_PERSON = {"postgresql": _count_and_person_postgresql(), "sqlite": _count_and_person_sqlite()}
_LOG_INSERT = _log_t.insert()
# A match: its attempt no longer counts (lockout.succeeded). PostgreSQL does it in the log row's
# statement, as a CTE. The log row has its own parameter names: in a statement that also writes
# access_lockout, a parameter named after one of its columns (client_hmac) would become a value
# to set there.
_LOG_VALUES = {
    "checked_at": sa.bindparam("log_at", type_=_log_t.c.checked_at.type),
    "nik_hmac": sa.bindparam("log_nik"),
    "client_hmac": sa.bindparam("log_client"),
    "outcome": sa.bindparam("log_outcome", type_=_log_t.c.outcome.type),
}
_LOG_AND_SUCCESS_POSTGRESQL = {
    lockouts: _log_t.insert().values(**_LOG_VALUES).add_cte(lockout.success_statement(lockouts).cte("done"))
    for lockouts in (0, 1)
}  # by whether the client was ever locked out: forget its row, or set it back to 0 failures
_NO_SYNCHRONOUS_COMMIT = sa.text("SET LOCAL synchronous_commit TO OFF")


def _next_step(person: AnyRow) -> NextStep:
    match person.status, person.alasan:
        case PersonStatus.AKTIF, _:
            return NextStep.USE_COVERAGE
        case PersonStatus.PROSES, _:
            return NextStep.WAIT_ENROLMENT
        case PersonStatus.DAFTAR_TUNGGU, _:
            return NextStep.WAITING_LIST
        case PersonStatus.NONAKTIF, StatusReason.MENINGGAL:
            return NextStep.ENDED
        case _, StatusReason.MENINGGAL:
            return NextStep.ASK_OFFICE
        case _, StatusReason.BUKAN_DTSEN | StatusReason.DESIL_DI_ATAS_5:
            return NextStep.UPDATE_DTSEN
        case _, StatusReason.BUKAN_WARGA_KOTA_BEKASI | StatusReason.PINDAH:
            return NextStep.UPDATE_DOMICILE
        case _, StatusReason.SUDAH_PESERTA_LAIN:
            return NextStep.OTHER_SCHEME
    return NextStep.ENDED if person.status == PersonStatus.NONAKTIF else NextStep.ASK_OFFICE


def _answer(person: AnyRow) -> StatusAnswer:
    place = kelurahan(person.kelurahan_code)
    return StatusAnswer(
        found=True,
        next_step=_next_step(person),
        person_id=person.id,
        status=person.status,
        masked_name=mask_name(person.nama),
        masked_kpj=mask_kpj(person.kpj),
        kelurahan_name=place.name if place else None,
        kecamatan_name=place.kecamatan.name if place else None,
        mulai=person.mulai,
        selesai=person.selesai,
        tanggal_data=person.tanggal_data,
    )


def _log(session: Session, now: datetime, nik_hmac: str, client_hmac: str, outcome: CheckOutcome) -> None:
    session.connection().execute(
        _LOG_INSERT, {"checked_at": now, "nik_hmac": nik_hmac, "client_hmac": client_hmac, "outcome": outcome}
    )


def check_status(
    *,
    session: Session,
    nik: str,
    name: str,
    client: str,
    hmac_key: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> StatusAnswer:
    """Answer a status check for a valid, normalised NIK from `client` (an opaque key: the
    address on the web). Raises Locked while that client is locked out of that NIK.

    Every check writes one log row with its outcome. A found person takes two statements on
    PostgreSQL (count the attempt and read the person; log the check and take the attempt back,
    lockout.succeeded), three on SQLite.
    """
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    connection = session.connection()
    if dialect == "postgresql":
        # This transaction writes only the check log and lockout counts: it need not wait for
        # the disk (about 2 ms a check). A server crash could lose the last fraction of a
        # second of them, never a complaint or a roster change (their transactions still wait).
        connection.execute(_NO_SYNCHRONOUS_COMMIT)
    nik_hmac = keyed_hash(hmac_key, nik)  # the lockout's secret_hmac is the check log's nik_hmac
    client_hmac = keyed_hash(hmac_key, client)

    keys = {"scope": LockoutScope.STATUS_CHECK, "secret_hmac": nik_hmac, "client_hmac": client_hmac}
    # Core statements on the session's connection: the ORM's execute path adds a third to each.
    stored = connection.execute(_COUNT_AND_PERSON[dialect], {**keys, "now": now, "nik": nik}).one()
    counted = lockout.attempt_from(
        stored, scope=LockoutScope.STATUS_CHECK, secret_hmac=nik_hmac, client_hmac=client_hmac, policy=policy, now=now
    )
    attempt = lockout.checked(session, counted, policy)
    if not attempt.allowed:
        _log(session, now, nik_hmac, client_hmac, CheckOutcome.LOCKED)
        # The same for a NIK that is not in the roster: this says nothing about the NIK.
        raise Locked("nik", minutes=attempt.wait_minutes, retry_after_seconds=attempt.wait_seconds)

    if stored.id is not None and names_match(name, stored.nama):
        if dialect == "postgresql":
            connection.execute(
                _LOG_AND_SUCCESS_POSTGRESQL[min(attempt.lockouts, 1)],
                {
                    "log_at": now,
                    "log_nik": nik_hmac,
                    "log_client": client_hmac,
                    "log_outcome": CheckOutcome.FOUND,
                    **lockout.success_parameters(attempt),
                },
            )
        else:
            _log(session, now, nik_hmac, client_hmac, CheckOutcome.FOUND)
            lockout.succeeded(session, attempt)
        return _answer(stored)

    _log(session, now, nik_hmac, client_hmac, CheckOutcome.NO_MATCH)
    lockout.failed(session, attempt, policy)
    lockout.count_total(session, scope=LockoutScope.STATUS_CHECK, secret_hmac=nik_hmac, policy=policy, now=now)
    return StatusAnswer(found=False, next_step=NextStep.NOT_FOUND)
