"""The templates a case page offers, one list per form they start, and the one chosen (?templat=),
whose text, its placeholders filled, is put in its form, which then opens (issue 16 point 7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request
from flask_wtf import FlaskForm

from portal.complaints.labels import template_values
from portal.complaints.models.complaint import Complaint
from portal.complaints.models.response_template import ResponseTemplate, TemplateKind
from portal.complaints.services import templates as response_templates
from portal.extensions import current_session
from portal.web.numbers import as_id

# Which form of the case page each kind of template starts.
TEMPLATE_ACTIONS = {
    TemplateKind.BALAS: "balas",
    TemplateKind.MINTA_INFORMASI: "minta-informasi",
    TemplateKind.RUJUK: "rujuk",
    TemplateKind.KEPUTUSAN: "selesaikan",
}


@dataclass(slots=True)
class Offered:
    by_action: dict[str, list[ResponseTemplate]] = field(default_factory=dict)
    picked: ResponseTemplate | None = None
    picked_action: str | None = None  # the form that opens with the chosen template's text


def offer_templates(complaint: Complaint, forms: dict[str, FlaskForm], *, typed: bool) -> Offered:
    """`typed`: a form came back with what the officer wrote, which a template never replaces."""
    by_kind = response_templates.for_case(
        session=current_session(), category=complaint.category, status=complaint.status
    )
    offered = Offered(by_action={TEMPLATE_ACTIONS[kind]: found for kind, found in by_kind.items()})
    chosen = as_id(request.args.get("templat"))
    offered.picked = next((t for found in by_kind.values() for t in found if t.id == chosen), None)
    if offered.picked is not None:
        offered.picked_action = TEMPLATE_ACTIONS[offered.picked.kind]
        if not typed:
            message = forms[offered.picked_action].message
            message.data = response_templates.fill(offered.picked.body, values=template_values(complaint))
    return offered
