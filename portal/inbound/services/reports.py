"""Delivery reports from the gateways, onto the outbox's messages
(portal.notifications.services.outbox.record_report: delivered, failed and the next channel)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.notifications.kannel import DeliveryReport, DeliveryState
from portal.notifications.services.outbox import Report, record_report
from portal.notifications.whatsapp import DeliveryStatus, StatusUpdate

_KANNEL = {DeliveryState.DELIVERED: Report.DELIVERED, DeliveryState.FAILED: Report.FAILED}
_WHATSAPP = {
    DeliveryStatus.DELIVERED: Report.DELIVERED,
    DeliveryStatus.READ: Report.DELIVERED,
    DeliveryStatus.FAILED: Report.FAILED,
}


def sms_report(*, session: Session, report: DeliveryReport) -> bool:
    return record_report(
        session=session,
        message_id=report.message_id,
        report=_KANNEL.get(report.state, Report.PENDING),
        reason=f"SMS: {report.reason}" if report.reason else "SMS: laporan gagal",
        now=utcnow(),
    )


def whatsapp_status(*, session: Session, update: StatusUpdate) -> bool:
    return record_report(
        session=session,
        provider_id=update.provider_id,
        report=_WHATSAPP.get(update.status, Report.PENDING),
        reason=f"WhatsApp {update.error_code}: {update.error}" if update.error_code else "WhatsApp: gagal",
        now=utcnow(),
    )
