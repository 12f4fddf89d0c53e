"""Synthetic complaints in every category and status, so a demo portal looks lived in."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import (
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ContactChannel,
    EventKind,
    Satisfaction,
)
from portal.complaints.services.filing import ComplaintInput, DuplicateOpenCase, file_complaint
from portal.complaints.services.lifecycle import Actor, add_event, transition
from portal.core.base import utcnow
from portal.core.filers import FilerRelation
from portal.core.sla import SlaTargets
from portal.core.trail import DEMO, RESIDENT
from portal.core.workdays import WorkCalendar
from portal.roster.models.person import Person, PersonStatus

S = ComplaintStatus
STORIES = {
    ComplaintCategory.TERLEWAT: "Saya ojol dan tercatat desil 2 di DTSEN, tetapi hasil cek status tidak terdaftar.",
    ComplaintCategory.DATA_SALAH: "Nama saya tertulis salah dan tanggal lahir tidak sesuai KTP.",
    ComplaintCategory.MASALAH_KARTU_KLAIM: "Sudah aktif, tetapi kartu BPJS Ketenagakerjaan belum saya terima.",
    ComplaintCategory.PENERIMA_TIDAK_LAYAK: "Tetangga saya pemilik toko besar tetapi terdaftar sebagai peserta.",
    ComplaintCategory.PUNGLI: "Ada orang yang meminta Rp 100.000 agar nama saya didaftarkan.",
    ComplaintCategory.INFORMASI: "Apakah guru PAUD honorer bisa ikut program ini?",
    ComplaintCategory.LAINNYA: "Kantor kelurahan tutup saat saya datang untuk bertanya.",
}
PATHS = [
    [],
    [S.DIVERIFIKASI],
    [S.DIVERIFIKASI, S.MENUNGGU_INFORMASI],
    [S.DIVERIFIKASI, S.DIRUJUK],
    [S.DIVERIFIKASI, S.SELESAI],
    [S.DIVERIFIKASI, S.SELESAI],
    [S.DIVERIFIKASI, S.DITOLAK],
    [S.DIVERIFIKASI, S.SELESAI, S.BANDING],
    [S.DITUTUP],
]


def seed_complaints(*, session: Session, count: int = 240, seed: int = 2025, now: datetime | None = None) -> int:
    """File `count` complaints over the last 90 days and move them along; idempotent by count."""
    existing = session.scalar(sa.select(sa.func.count()).select_from(Complaint))
    if existing:
        return 0
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    now = now or utcnow()
    calendar, targets = WorkCalendar(), SlaTargets()
    people = session.execute(
        sa.select(Person.nik, Person.nama, Person.kelurahan_code)
        .where(Person.status.in_([PersonStatus.DAFTAR_TUNGGU, PersonStatus.TIDAK_MEMENUHI_SYARAT, PersonStatus.AKTIF]))
        .order_by(Person.id)
        .limit(count * 2)
    ).all()
    made = 0
    for index in range(count):
        category = rng.choice([c for c in ComplaintCategory if c in STORIES])  # proposals: officers only
        nik, name, kelurahan_code = people[index % len(people)]
        filed_at = now - timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 10))
        data = ComplaintInput(
            category=category,
            subject_nik=nik,
            subject_name=name,
            kelurahan_code=kelurahan_code,
            filer_relation=rng.choice([FilerRelation.SENDIRI] * 4 + [FilerRelation.KELUARGA]),
            filer_name=None,
            filer_relationship=None,
            consent_recorded=False,
            phone=f"+62812{rng.randint(10_000_000, 99_999_999)}",
            contact_channel=ContactChannel.WHATSAPP,
            email=None,
            description=STORIES[category],
            confidential=rng.random() < 0.1,
        )
        if data.filer_relation is FilerRelation.KELUARGA:
            data = _for_family(data)
        try:
            complaint = file_complaint(
                session=session, data=data, draft_token=None, calendar=calendar, targets=targets, now=filed_at
            ).complaint
        except DuplicateOpenCase:
            continue
        _walk(session, complaint, rng.choice(PATHS), filed_at, calendar, rng)
        made += 1
    session.flush()
    return made


def _for_family(data: ComplaintInput) -> ComplaintInput:
    from dataclasses import replace

    return replace(
        data, filer_name="Keluarga " + data.subject_name.split()[-1], filer_relationship="anak", consent_recorded=True
    )


def _walk(session, complaint, path, filed_at, calendar, rng) -> None:
    moment = filed_at
    for target in path:
        moment = min(moment + timedelta(days=rng.randint(1, 12)), utcnow())
        actor = Actor.PETUGAS
        message = {
            S.DIVERIFIKASI: "Pengaduan sedang kami periksa.",
            S.MENUNGGU_INFORMASI: "Mohon kirim foto KK dan KTP.",
            S.DIRUJUK: "Dirujuk ke Dinsos untuk pemutakhiran DTSEN.",
            S.SELESAI: "Data sudah diperbaiki dan Anda diusulkan sebagai peserta.",
            S.DITOLAK: "Menurut DTSEN Anda berada di desil 7, di atas syarat program.",
            S.DITUTUP: "Ditutup: pengaduan ganda.",
            S.BANDING: "",
        }[target]
        if target is S.BANDING:
            actor = Actor.WARGA
            complaint.appealed = True
            complaint.satisfaction = Satisfaction.BELUM_PUAS
        transition(
            session=session,
            complaint=complaint,
            target=target,
            actor=actor,
            acted_by=DEMO,
            message=message,
            calendar=calendar,
            now=moment,
        )
        if target is S.SELESAI and rng.random() < 0.5:
            complaint.satisfaction = Satisfaction.PUAS
            add_event(
                session=session,
                complaint=complaint,
                kind=EventKind.PENILAIAN,
                acted_by=RESIDENT,
                message="",
                public=True,
                now=moment,
            )
