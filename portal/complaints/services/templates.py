"""Reply templates officers start from (managed by admins). Each change is audited."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.models.response_template import ResponseTemplate
from portal.core import trail as audit
from portal.core.errors import DomainError

MAX_TITLE = 120
MAX_BODY = 2000  # what the reply form on the case page accepts


class TemplateRefusal(enum.StrEnum):
    EMPTY = "empty"
    TITLE_TOO_LONG = "title_too_long"  # n
    BODY_TOO_LONG = "body_too_long"  # n


class TemplateError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class TemplateInput:
    title: str
    body: str
    category: ComplaintCategory | None
    status: ComplaintStatus | None
    active: bool = True


def list_templates(*, session: Session) -> list[ResponseTemplate]:
    return list(
        session.scalars(
            sa.select(ResponseTemplate).order_by(
                ResponseTemplate.active.desc(), ResponseTemplate.title, ResponseTemplate.id
            )
        )
    )


def _check(data: TemplateInput) -> None:
    if not data.title.strip() or not data.body.strip():
        raise TemplateError(TemplateRefusal.EMPTY)
    if len(data.title) > MAX_TITLE:
        raise TemplateError(TemplateRefusal.TITLE_TOO_LONG, n=MAX_TITLE)
    if len(data.body) > MAX_BODY:
        raise TemplateError(TemplateRefusal.BODY_TOO_LONG, n=MAX_BODY)


def _describe(template: ResponseTemplate) -> str:
    return (
        f"{template.title[:80]} | kategori={template.category or 'semua'} status={template.status or 'semua'} "
        f"aktif={'ya' if template.active else 'tidak'}"
    )


def create_template(*, session: Session, data: TemplateInput, who: audit.Actor) -> ResponseTemplate:
    _check(data)
    template = ResponseTemplate(
        title=data.title.strip(), body=data.body.strip(), category=data.category, status=data.status, active=data.active
    )
    session.add(template)
    session.flush()
    audit.record(
        session=session,
        actor=who,
        action="buat",
        object_type="response_template",
        object_id=template.id,
        detail=_describe(template),
    )
    return template


def update_template(*, session: Session, template: ResponseTemplate, data: TemplateInput, who: audit.Actor) -> None:
    _check(data)
    template.title = data.title.strip()
    template.body = data.body.strip()
    template.category = data.category
    template.status = data.status
    template.active = data.active
    session.flush()
    audit.record(
        session=session,
        actor=who,
        action="ubah",
        object_type="response_template",
        object_id=template.id,
        detail=_describe(template),
    )


def deactivate_template(*, session: Session, template: ResponseTemplate, who: audit.Actor) -> None:
    """Kept for the record (replies already sent quote it), no longer offered on case pages."""
    if not template.active:
        return
    template.active = False
    session.flush()
    audit.record(
        session=session, actor=who, action="nonaktifkan", object_type="response_template", object_id=template.id
    )
