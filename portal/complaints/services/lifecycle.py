"""The complaint lifecycle: one transition() over one transitions table, writing the timeline.

    diterima → diverifikasi → (menunggu_informasi ⇄ diverifikasi) → dirujuk / selesai / ditolak
    → banding → selesai; and ditutup (duplicate, withdrawn) from any open status.

The resolution clock pauses while the case waits for the resident.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintEvent, ComplaintStatus, EventKind
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.trail import ActedBy, ActorKind
from portal.core.workdays import WorkCalendar, local_date
from portal.notifications.services.notify import notify_resident

S = ComplaintStatus


class Actor(enum.StrEnum):
    WARGA = "warga"  # the resident, through the tracking page
    PETUGAS = "petugas"
    SUPERVISOR = "supervisor"
    SISTEM = "sistem"


_STAFF = frozenset({Actor.PETUGAS, Actor.SUPERVISOR})
_RESIDENT = frozenset({Actor.WARGA})
_SUPERVISOR = frozenset({Actor.SUPERVISOR})

TRANSITIONS: dict[tuple[ComplaintStatus, ComplaintStatus], frozenset[Actor]] = {
    (S.DITERIMA, S.DIVERIFIKASI): _STAFF,
    (S.DITERIMA, S.MENUNGGU_INFORMASI): _STAFF,
    (S.DITERIMA, S.DITUTUP): _STAFF,
    (S.DIVERIFIKASI, S.MENUNGGU_INFORMASI): _STAFF,
    (S.DIVERIFIKASI, S.DIRUJUK): _STAFF,
    (S.DIVERIFIKASI, S.SELESAI): _STAFF,
    (S.DIVERIFIKASI, S.DITOLAK): _STAFF,
    (S.DIVERIFIKASI, S.DITUTUP): _STAFF,
    (S.MENUNGGU_INFORMASI, S.DIVERIFIKASI): _STAFF | _RESIDENT,
    (S.MENUNGGU_INFORMASI, S.DITUTUP): _STAFF,
    (S.DIRUJUK, S.DIVERIFIKASI): _STAFF,
    (S.DIRUJUK, S.SELESAI): _STAFF,
    (S.DIRUJUK, S.DITOLAK): _STAFF,
    (S.SELESAI, S.BANDING): _RESIDENT,
    (S.DITOLAK, S.BANDING): _RESIDENT,
    (S.BANDING, S.SELESAI): _SUPERVISOR,
    (S.BANDING, S.DIVERIFIKASI): _SUPERVISOR,
}

OPEN_STATUSES = frozenset({S.DITERIMA, S.DIVERIFIKASI, S.MENUNGGU_INFORMASI, S.DIRUJUK, S.BANDING})
RESOLVED_STATUSES = frozenset({S.SELESAI, S.DITOLAK})


class InvalidTransition(DomainError):
    pass


def status_label(status: ComplaintStatus) -> str:
    return {
        S.DITERIMA: _("Diterima"),
        S.DIVERIFIKASI: _("Sedang diperiksa"),
        S.MENUNGGU_INFORMASI: _("Menunggu informasi dari Anda"),
        S.DIRUJUK: _("Dirujuk ke instansi lain"),
        S.SELESAI: _("Selesai"),
        S.DITOLAK: _("Ditolak"),
        S.BANDING: _("Banding sedang ditinjau"),
        S.DITUTUP: _("Ditutup"),
    }[status]


def category_label(value: str) -> str:
    """A complaint category in a few words, in the reader's language (queue, case, statistics, Open311)."""
    labels = {
        "terlewat": _("Layak, belum terdaftar"),
        "data_salah": _("Data salah"),
        "masalah_kartu_klaim": _("Kartu atau klaim"),
        "penerima_tidak_layak": _("Penerima tidak layak"),
        "pungli": _("Pungli atau calo"),
        "informasi": _("Permintaan informasi"),
        "lainnya": _("Lainnya"),
        "usulan_calon": _("Usulan calon peserta"),
    }
    return labels.get(value) or value.replace("_", " ").capitalize()


def resolution_label(value: str) -> str:
    """Why a complaint ended as it did, in the reader's language (officer form, case and tracking pages)."""
    labels = {
        "didaftarkan": _("Didaftarkan / diusulkan sebagai peserta"),
        "data_diperbaiki": _("Data diperbaiki"),
        "masuk_daftar_tunggu": _("Masuk daftar tunggu"),
        "informasi_diberikan": _("Informasi diberikan"),
        "ditindaklanjuti": _("Laporan ditindaklanjuti"),
        "tidak_memenuhi_syarat": _("Tidak memenuhi syarat"),
        "bukan_kewenangan": _("Bukan kewenangan program"),
        "tidak_cukup_bukti": _("Tidak cukup bukti"),
        "tidak_dapat_dihubungi": _("Warga tidak dapat dihubungi"),
    }
    return labels.get(value) or value.replace("_", " ").capitalize()


def actor_names(*, session: Session, actors: Iterable[ActedBy]) -> dict[ActedBy, str]:
    """Who did it, for officers' timelines: an officer's account is stored (a renamed account
    shows its new name), the officer's name is shown."""
    unique = set(actors)
    ids = {actor.officer_id for actor in unique if actor.officer_id is not None}
    names: dict[int, str] = {}
    if ids:
        names = {
            row.id: row.name for row in session.execute(sa.select(Account.id, Account.name).where(Account.id.in_(ids)))
        }
    kinds = {ActorKind.RESIDENT: _("warga"), ActorKind.DEMO: _("data contoh"), ActorKind.SYSTEM: _("sistem")}
    return {
        actor: names.get(actor.officer_id, "") if actor.officer_id is not None else kinds[actor.kind]
        for actor in unique
    }


def officer_status_label(status: ComplaintStatus) -> str:
    """The status as officers read it: "from you" on the resident's pages is the resident."""
    if status is S.MENUNGGU_INFORMASI:
        return _("Menunggu informasi dari warga")
    return status_label(status)


def event_label(kind: EventKind, to_status: ComplaintStatus | None) -> str:
    """What a timeline line means, in the reader's language (stored messages are free text only)."""
    if kind is EventKind.STATUS and to_status is not None:
        return status_label(to_status)
    return {
        EventKind.DIBUAT: _("Pengaduan diterima"),
        EventKind.BALASAN: _("Balasan petugas"),
        EventKind.CATATAN: _("Catatan internal"),
        EventKind.JAWABAN_WARGA: _("Jawaban warga"),
        EventKind.TAMBAHAN_INFO: _("Keterangan tambahan dari pelapor lain"),
        EventKind.PENILAIAN: _("Penilaian warga"),
    }[kind]


def can_transition(complaint: Complaint, target: ComplaintStatus, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((complaint.status, target), frozenset())


def _move_clock(
    complaint: Complaint, target: ComplaintStatus, calendar: WorkCalendar, today: date, now: datetime
) -> None:
    if target is S.MENUNGGU_INFORMASI:
        complaint.paused_since = today
    elif complaint.status is S.MENUNGGU_INFORMASI and complaint.paused_since is not None:
        paused = calendar.working_days_between(complaint.paused_since, today)
        complaint.resolve_due = calendar.add_working_days(complaint.resolve_due, paused)
        if complaint.verified_at is None:
            complaint.verify_due = calendar.add_working_days(complaint.verify_due, paused)
        complaint.paused_since = None
    if target is S.DIVERIFIKASI and complaint.verified_at is None:
        complaint.verified_at = now
    if target in RESOLVED_STATUSES:
        complaint.resolved_at = now


def transition(
    *,
    session: Session,
    complaint: Complaint,
    target: ComplaintStatus,
    actor: Actor,
    acted_by: ActedBy,
    message: str = "",
    public: bool = True,
    calendar: WorkCalendar,
    now: datetime | None = None,
) -> ComplaintEvent:
    """Move a complaint to `target` if the table allows it for this actor; write the timeline."""
    if not can_transition(complaint, target, actor):
        raise InvalidTransition(
            _(
                "Pengaduan berstatus “%(current)s” tidak bisa diubah menjadi “%(target)s”.",
                current=status_label(complaint.status),
                target=status_label(target),
            )
        )
    now = now or utcnow()
    _move_clock(complaint, target, calendar, local_date(now), now)
    event = ComplaintEvent(
        kind=EventKind.STATUS,
        public=public,
        from_status=complaint.status,
        to_status=target,
        acted_by=acted_by,
        message=message,
        created_at=now,
    )
    complaint.events.append(event)
    complaint.status = target
    session.flush()
    if public:
        notify_resident(
            session=session, email=complaint.email, reference=complaint.reference, status=status_label(complaint.status)
        )
    return event


def add_event(
    *,
    session: Session,
    complaint: Complaint,
    kind: EventKind,
    acted_by: ActedBy,
    message: str,
    public: bool,
    now: datetime | None = None,
) -> ComplaintEvent:
    """A timeline line that does not change the status (a reply, a note, added information)."""
    event = ComplaintEvent(kind=kind, public=public, acted_by=acted_by, message=message, created_at=now or utcnow())
    complaint.events.append(event)
    session.flush()
    if public and kind is EventKind.BALASAN:
        notify_resident(
            session=session, email=complaint.email, reference=complaint.reference, status=status_label(complaint.status)
        )
    return event
