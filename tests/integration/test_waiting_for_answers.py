"""A case waiting for the resident's answer: a reminder after INFO_REMINDER_DAYS working days
(once), closed with a notice after INFO_CLOSE_DAYS; the periodic task does both."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.complaints.services.lifecycle import Actor, transition
from portal.complaints.services.waiting import remind_or_close
from portal.core.trail import SYSTEM
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import ComplaintStatus, OutboxMessage
from portal.notifications.models import NoticeEvent
from tests.factories import complaint

ASKED = datetime.fromisoformat("2026-11-02T09:00:00+07:00")  # a Monday


def _waiting():
    case, _ = complaint(email="warga@contoh.id", now=ASKED)
    transition(
        session=db.session,
        complaint=case,
        target=ComplaintStatus.MENUNGGU_INFORMASI,
        actor=Actor.PETUGAS,
        acted_by=SYSTEM,
        message="Nomor KK?",
        calendar=WorkCalendar(),
        now=ASKED,
    )
    db.session.commit()
    return case


def _round(days: int):
    result = remind_or_close(
        session=db.session,
        now=ASKED + timedelta(days=days),
        calendar=WorkCalendar(),
        remind_after=5,
        close_after=10,
    )
    db.session.commit()
    return result


def _notices(case):
    return db.session.scalars(
        sa.select(OutboxMessage.event).where(OutboxMessage.reference == case.reference).order_by(OutboxMessage.id)
    ).all()


def test_a_reminder_once_after_five_working_days_then_closed_after_ten(app):
    case = _waiting()
    assert (_round(4).reminded, _round(4).closed) == (0, 0)  # Friday: four working days
    assert _round(7).reminded == 1  # the next Monday: five
    assert _round(8).reminded == 0  # not twice
    assert _notices(case)[-1] is NoticeEvent.PENGINGAT
    reminder = sa.select(OutboxMessage.body).where(OutboxMessage.event == NoticeEvent.PENGINGAT)
    assert db.session.scalar(reminder) is not None
    assert _round(14).closed == 1  # two weeks: ten working days
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DITUTUP
    assert _notices(case)[-1] is NoticeEvent.DITUTUP_TANPA_JAWABAN
    assert _round(15).closed == 0


def test_the_periodic_task_runs_it(app):
    case = _waiting()
    app.config.update(INFO_REMINDER_DAYS=1, INFO_CLOSE_DAYS=2)
    from portal.complaints.tasks import remind_waiting_residents

    remind_waiting_residents.call_local()
    db.session.expire_all()
    assert db.session.get(type(case), case.id).status is ComplaintStatus.DITUTUP
