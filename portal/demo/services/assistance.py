"""Synthetic assistance requests for a demo: every kind of help, waiting, scheduled and done."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.assistance.models import (
    AppointmentKind,
    AssistanceKind,
    AssistanceOutcome,
    AssistanceRequest,
    AssistanceStatus,
    AssistanceTopic,
    ContactPreference,
    DisabilityCategory,
    TimeOfDay,
)
from portal.assistance.services.requests import Actor, AssistanceInput, file_request, transition
from portal.complaints.models.complaint import Complaint, ComplaintCategory, ContactChannel
from portal.complaints.services.filing import ComplaintInput, DuplicateOpenCase, file_complaint
from portal.core.base import utcnow
from portal.core.filers import FilerRelation
from portal.core.regions import regions
from portal.core.roles import Role
from portal.core.sla import SlaTargets
from portal.core.trail import DEMO, ActedBy
from portal.core.workdays import WorkCalendar, local_date
from portal.roster.models.person import Person, PersonStatus

NAMES = [
    "Sri Mulyani",
    "Ahmad Fauzi",
    "Wati Suryani",
    "Dedi Kurniawan",
    "Nur Aini",
    "Slamet Riyadi",
    "Yuyun Yuningsih",
    "Bambang Hartono",
    "Euis Komariah",
    "Asep Saepudin",
]
STORIES = [
    "Saya tuli, lebih mudah lewat video WhatsApp.",
    "Ibu saya memakai kursi roda dan tidak bisa ke kantor.",
    "Tidak bisa membaca formulir di HP.",
    "",
    "Ingin tahu apakah bapak saya sudah terdaftar.",
]


def seed_assistance(*, session: Session, count: int = 40, seed: int = 2025, now: datetime | None = None) -> int:
    """File `count` requests over the last 30 days and move some along; idempotent by count."""
    if session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest)):
        return 0
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    now = now or utcnow()
    calendar = WorkCalendar()
    places = sorted(regions().kelurahan)
    for index in range(count):
        filed_at = now - timedelta(days=rng.randint(0, 30), hours=rng.randint(0, 8))
        relation = rng.choice([FilerRelation.SENDIRI] * 3 + [FilerRelation.PENDAMPING, FilerRelation.KELUARGA])
        consent = rng.random() < 0.4
        data = AssistanceInput(
            subject_name=NAMES[index % len(NAMES)],
            requester_relation=relation,
            requester_name=None if relation is FilerRelation.SENDIRI else "Pendamping " + NAMES[(index + 3) % 10],
            requester_relationship=None if relation is FilerRelation.SENDIRI else relation.value,
            consent_recorded=relation is not FilerRelation.SENDIRI,
            kinds=tuple(rng.sample(list(AssistanceKind), rng.randint(1, 3))),
            topic=rng.choice(list(AssistanceTopic)),
            description=rng.choice(STORIES),
            phone=f"+62813{rng.randint(10_000_000, 99_999_999)}",
            contact_preference=rng.choice(list(ContactPreference)),
            preferred_times=tuple(rng.sample(list(TimeOfDay), rng.randint(0, 2))),
            time_note=None,
            kelurahan_code=rng.choice(places),
            street=f"Jl. Contoh No. {rng.randint(1, 99)}",
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 9):03d}",
            disabilities=tuple(rng.sample(list(DisabilityCategory), rng.randint(1, 2))) if consent else (),
            disability_consent=consent,
        )
        request = file_request(session=session, data=data, calendar=calendar, contact_days=3, now=filed_at).request
        _walk(session, request, rng, filed_at, now)
    session.flush()
    return count


def _walk(session: Session, request: AssistanceRequest, rng: random.Random, filed_at: datetime, now: datetime) -> None:
    step = rng.random()
    if step < 0.35:
        return  # still waiting to be contacted
    moment = min(filed_at + timedelta(days=rng.randint(1, 4)), now)
    if step < 0.7 or local_date(moment) < local_date(now) - timedelta(days=2):
        request.appointment_kind = rng.choice(list(AppointmentKind))
        request.appointment_on = local_date(now) + timedelta(days=rng.randint(1, 10))
        request.appointment_at = time(rng.choice([9, 10, 13, 14]), rng.choice([0, 30]))
        transition(
            session=session,
            request=request,
            target=AssistanceStatus.DIJADWALKAN,
            actor=Actor.PETUGAS,
            acted_by=DEMO,
            now=moment,
        )
    if step >= 0.7:
        request.outcome = rng.choice(
            [AssistanceOutcome.CEK_STATUS, AssistanceOutcome.INFORMASI, AssistanceOutcome.TIDAK_DAPAT_DIHUBUNGI]
        )
        transition(
            session=session,
            request=request,
            target=AssistanceStatus.SELESAI,
            actor=Actor.PETUGAS,
            acted_by=DEMO,
            now=min(moment + timedelta(days=1), now),
        )


def seed_proposals(*, session: Session, count: int = 6, seed: int = 2025, now: datetime | None = None) -> int:
    """Candidate proposals (usulan calon) filed by a demo officer for people on the waiting list."""
    if session.scalar(sa.select(sa.func.count()).where(Complaint.category == ComplaintCategory.USULAN_CALON)):
        return 0
    officer = session.scalars(sa.select(Account).where(Account.role == Role.OFFICER).order_by(Account.id)).first()
    if officer is None:
        return 0
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    now = now or utcnow()
    people = session.execute(
        sa.select(Person.nik, Person.nama, Person.kelurahan_code, Person.pekerjaan)
        .where(Person.status == PersonStatus.DAFTAR_TUNGGU)
        .order_by(Person.id.desc())
        .limit(count * 3)
    ).all()
    made = 0
    for nik, name, kelurahan_code, work in people:
        if made == count:
            break
        data = ComplaintInput(
            category=ComplaintCategory.USULAN_CALON,
            subject_nik=nik,
            subject_name=name,
            kelurahan_code=kelurahan_code,
            filer_relation=FilerRelation.SENDIRI,
            filer_name=None,
            filer_relationship=None,
            consent_recorded=True,
            phone=f"+62857{rng.randint(10_000_000, 99_999_999)}",
            contact_channel=ContactChannel.TELEPON,
            email=None,
            confidential=False,
            description="Ditemui saat kunjungan rumah: tidak ada penghasilan tetap, menurut RT termasuk desil 1.",
            kk_number=nik[:6] + f"{rng.randint(0, 9_999_999_999):010d}",
            street=f"Gg. Contoh {rng.randint(1, 40)}",
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 9):03d}",
            occupation=work,
        )
        try:
            file_complaint(
                session=session,
                data=data,
                draft_token=None,
                calendar=WorkCalendar(),
                targets=SlaTargets(),
                now=now - timedelta(days=rng.randint(0, 20)),
                filed_by_id=officer.id,
                acted_by=ActedBy.officer(officer.id),
            )
        except DuplicateOpenCase:
            continue
        made += 1
    session.flush()
    return made
