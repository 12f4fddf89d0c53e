"""Templates officers start from (managed by admins): replies, requests for information, referrals
and decisions. A body may hold placeholders ({nama}, {nomor}, {batas_waktu}), filled on the case
page with what the web layer says of the case. Each change is audited."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.models.response_template import ResponseTemplate, TemplateKind
from portal.core import trail as audit
from portal.core.errors import DomainError

MAX_TITLE = 120
MAX_BODY = 2000  # what the reply form on the case page accepts
PLACEHOLDERS = ("nama", "nomor", "batas_waktu")  # the resident's name, the reference, the answer's deadline
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")


class TemplateRefusal(enum.StrEnum):
    EMPTY = "empty"
    TITLE_TOO_LONG = "title_too_long"  # n
    BODY_TOO_LONG = "body_too_long"  # n
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"  # names: the unknown ones, as typed


class TemplateError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class TemplateInput:
    title: str
    body: str
    category: ComplaintCategory | None
    status: ComplaintStatus | None
    active: bool = True
    kind: TemplateKind = TemplateKind.BALAS


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
    unknown = [name for name in _PLACEHOLDER.findall(data.body) if name not in PLACEHOLDERS]
    if unknown:
        raise TemplateError(TemplateRefusal.UNKNOWN_PLACEHOLDER, names=", ".join(f"{{{n}}}" for n in unknown))


def fill(body: str, *, values: Mapping[str, str]) -> str:
    """The body with each known placeholder replaced ({nama} → values["nama"]); others stay."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def for_case(
    *, session: Session, category: ComplaintCategory, status: ComplaintStatus
) -> dict[TemplateKind, list[ResponseTemplate]]:
    """The active templates that fit a case, by kind, in title order."""
    found: dict[TemplateKind, list[ResponseTemplate]] = {}
    for template in session.scalars(
        sa.select(ResponseTemplate)
        .where(
            ResponseTemplate.active.is_(True),
            sa.or_(ResponseTemplate.category.is_(None), ResponseTemplate.category == category),
            sa.or_(ResponseTemplate.status.is_(None), ResponseTemplate.status == status),
        )
        .order_by(ResponseTemplate.title, ResponseTemplate.id)
    ):
        found.setdefault(template.kind, []).append(template)
    return found


def _describe(template: ResponseTemplate) -> str:
    return (
        f"{template.title[:80]} | jenis={template.kind} kategori={template.category or 'semua'} "
        f"status={template.status or 'semua'} "
        f"aktif={'ya' if template.active else 'tidak'}"
    )


def create_template(*, session: Session, data: TemplateInput, who: audit.Actor) -> ResponseTemplate:
    _check(data)
    template = ResponseTemplate(
        title=data.title.strip(),
        body=data.body.strip(),
        kind=data.kind,
        category=data.category,
        status=data.status,
        active=data.active,
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
    template.kind = data.kind
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
