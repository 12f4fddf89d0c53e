""""Am I covered?": NIK + name against the roster, with lockout and a hashed log.

Knowing a NIK is not proof of identity, so an unknown NIK and a name that does not match give
one and the same answer, and both count towards the NIK's lockout.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.person import Person, PersonStatus, StatusReason
from portal.models.status_check import CheckOutcome, NikLockout, StatusCheckLog
from portal.services.errors import Locked
from portal.services.lockout import DEFAULT_POLICY, LockoutPolicy, keyed_hash
from portal.services.names import mask_name, names_match
from portal.services.nik import mask_kpj
from portal.services.regions import kelurahan


class NextStep(enum.StrEnum):
    USE_COVERAGE = "use_coverage"  # active: claims at BPJS Ketenagakerjaan 175, letter
    WAIT_ENROLMENT = "wait_enrolment"
    WAITING_LIST = "waiting_list"
    UPDATE_DTSEN = "update_dtsen"  # not in DTSEN or decile above 5
    UPDATE_DOMICILE = "update_domicile"  # not a Kota Bekasi resident / moved
    OTHER_SCHEME = "other_scheme"
    HEIRS_CLAIM = "heirs_claim"  # died while covered: JKM Rp 42 million + JKK
    DECEASED_NOT_COVERED = "deceased_not_covered"
    ENDED = "ended"
    NOT_FOUND = "not_found"  # complaint (exclusion) or assisted registration


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    found: bool
    next_step: NextStep
    person_id: int | None = None
    status: PersonStatus | None = None
    alasan: StatusReason | None = None
    masked_name: str | None = None
    masked_kpj: str | None = None
    kelurahan_name: str | None = None
    kecamatan_name: str | None = None
    mulai: date | None = None
    selesai: date | None = None
    tanggal_data: date | None = None


# One check is one request, and it should stay close to a static page's speed: the lockout
# state and what the answer needs of the person come in one statement, without ORM objects.
# The row is always there; its lockout columns are NULL without a lockout row, its person
# columns NULL without a person.
_person_t = Person.__table__
_lockout_t = NikLockout.__table__
_log_t = StatusCheckLog.__table__
_asked = sa.select(
    sa.bindparam("nik", type_=sa.String()).label("nik"),
    sa.bindparam("nik_hmac", type_=sa.String()).label("nik_hmac"),
).subquery("asked")
_LOCKOUT_AND_PERSON = sa.select(
    _lockout_t.c.locked_until, _lockout_t.c.failures,
    *(_person_t.c[name] for name in ("id", "nama", "status", "alasan", "kpj", "kelurahan_code",
                                     "mulai", "selesai", "tanggal_data")),
).select_from(
    _asked.outerjoin(_lockout_t, _lockout_t.c.nik_hmac == _asked.c.nik_hmac)
    .outerjoin(_person_t, _person_t.c.nik == _asked.c.nik)
)  # fmt: skip
_LOG_INSERT = _log_t.insert()
_NO_SYNCHRONOUS_COMMIT = sa.text("SET LOCAL synchronous_commit TO OFF")


def _next_step(person: sa.Row) -> NextStep:
    match person.status, person.alasan:
        case PersonStatus.AKTIF, _:
            return NextStep.USE_COVERAGE
        case PersonStatus.PROSES, _:
            return NextStep.WAIT_ENROLMENT
        case PersonStatus.DAFTAR_TUNGGU, _:
            return NextStep.WAITING_LIST
        case _, StatusReason.MENINGGAL:
            return NextStep.HEIRS_CLAIM if person.kpj else NextStep.DECEASED_NOT_COVERED
        case _, StatusReason.BUKAN_DTSEN | StatusReason.DESIL_DI_ATAS_5:
            return NextStep.UPDATE_DTSEN
        case _, StatusReason.BUKAN_WARGA_KOTA_BEKASI | StatusReason.PINDAH:
            return NextStep.UPDATE_DOMICILE
        case _, StatusReason.SUDAH_PESERTA_LAIN:
            return NextStep.OTHER_SCHEME
    return NextStep.ENDED


def _answer(person: sa.Row) -> StatusAnswer:
    place = kelurahan(person.kelurahan_code)
    return StatusAnswer(
        found=True,
        next_step=_next_step(person),
        person_id=person.id,
        status=person.status,
        alasan=person.alasan,
        masked_name=mask_name(person.nama),
        masked_kpj=mask_kpj(person.kpj),
        kelurahan_name=place.name if place else None,
        kecamatan_name=place.kecamatan.name if place else None,
        mulai=person.mulai,
        selesai=person.selesai,
        tanggal_data=person.tanggal_data,
    )


def _count_failure(session: Session, nik_hmac: str, now: datetime) -> int:
    """Add one failure atomically (two requests at once must not both insert) and return the count."""
    table = NikLockout.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = (
        insert.values(nik_hmac=nik_hmac, failures=1, lockouts=0, updated_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.nik_hmac],
            set_={"failures": table.c.failures + 1, "updated_at": now},
        )
        .returning(table.c.failures)
    )
    return session.execute(statement).scalar_one()


def _lock(session: Session, nik_hmac: str, policy: LockoutPolicy, now: datetime) -> None:
    lock = session.get(NikLockout, nik_hmac, populate_existing=True)
    lock.lockouts += 1
    lock.failures = 0
    lock.locked_until = now + timedelta(minutes=policy.base_minutes * 2 ** (lock.lockouts - 1))


def _log(session: Session, now: datetime, nik_hmac: str, client_hmac: str,
         outcome: CheckOutcome) -> None:  # fmt: skip
    session.connection().execute(_LOG_INSERT, {"checked_at": now, "nik_hmac": nik_hmac,
                                  "client_hmac": client_hmac, "outcome": outcome})  # fmt: skip


def check_status(
    *,
    session: Session,
    nik: str,
    name: str,
    client_address: str,
    hmac_key: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> StatusAnswer:
    """Answer a status check for a valid, normalised NIK. Raises Locked while the NIK is locked.

    Every check writes one log row with its outcome: a found person takes two statements
    (lockout state and person together, then the log row).
    """
    now = now or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        # This transaction writes only the check log and lockout counts: it need not wait for
        # the disk (about 2 ms a check). A server crash could lose the last fraction of a
        # second of them, never a complaint or a roster change (their transactions still wait).
        session.connection().execute(_NO_SYNCHRONOUS_COMMIT)
    nik_hmac = keyed_hash(hmac_key, nik)
    client_hmac = keyed_hash(hmac_key, client_address)

    # Core statements on the session's connection: the ORM's execute path adds a third to each.
    stored = session.connection().execute(_LOCKOUT_AND_PERSON, {"nik": nik, "nik_hmac": nik_hmac}).one()
    if stored.locked_until is not None and stored.locked_until > now:
        _log(session, now, nik_hmac, client_hmac, CheckOutcome.LOCKED)
        wait = int((stored.locked_until - now).total_seconds()) + 1
        raise Locked(
            _("Terlalu banyak percobaan untuk NIK ini. Coba lagi setelah %(minutes)d menit.",
              minutes=(wait + 59) // 60),
            retry_after_seconds=wait,
        )  # fmt: skip

    if stored.id is not None and names_match(name, stored.nama):
        _log(session, now, nik_hmac, client_hmac, CheckOutcome.FOUND)
        if stored.failures:
            session.execute(
                _lockout_t.update().where(_lockout_t.c.nik_hmac == nik_hmac).values(failures=0)
            )
        return _answer(stored)

    _log(session, now, nik_hmac, client_hmac, CheckOutcome.NO_MATCH)
    if _count_failure(session, nik_hmac, now) >= policy.max_failures:
        _lock(session, nik_hmac, policy, now)
        session.flush()
    return StatusAnswer(found=False, next_step=NextStep.NOT_FOUND)
