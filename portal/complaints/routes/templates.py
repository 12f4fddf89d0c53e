"""/petugas/admin: officer accounts and reply templates (admins only). Every change is audited."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.complaints.forms.templates import TemplateForm
from portal.complaints.labels import error_message, officer_status_label, template_kind_label
from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.models.response_template import ResponseTemplate, TemplateKind
from portal.complaints.routes import officer_bp as bp
from portal.complaints.services import templates as response_templates
from portal.core.errors import DomainError
from portal.extensions import current_session, db
from portal.web.auth import ADMINS, current_actor, roles_required

# Reply templates -----------------------------------------------------------------------------


@bp.get("/admin/templat")
@roles_required(*ADMINS)
def list_templates():
    return render_template(
        "complaints/petugas_templat.html",
        templates=response_templates.list_templates(session=current_session()),
        status_label=officer_status_label,
        kind_label=template_kind_label,
        title=_("Templat balasan"),
    )


def _template_input(form: TemplateForm) -> response_templates.TemplateInput:
    return response_templates.TemplateInput(
        title=form.title.data,
        body=form.body.data,
        active=form.active.data,
        kind=TemplateKind(form.kind.data or TemplateKind.BALAS.value),
        category=ComplaintCategory(form.category.data) if form.category.data else None,
        status=ComplaintStatus(form.status.data) if form.status.data else None,
    )


def _template_form(form: TemplateForm, template: ResponseTemplate | None, *, error=None, status=200):
    title = _("Ubah templat") if template else _("Buat templat balasan")
    return render_template(
        "complaints/petugas_templat_form.html", form=form, template=template, error=error, title=title
    ), status


@bp.route("/admin/templat/baru", methods=["GET", "POST"])
@roles_required(*ADMINS)
def create_template():
    form = TemplateForm()
    if not form.validate_on_submit():
        return _template_form(form, None, status=400 if form.is_submitted() else 200)
    try:
        response_templates.create_template(session=current_session(), data=_template_input(form), who=current_actor())
    except DomainError as error:
        db.session.rollback()
        return _template_form(form, None, error=error_message(error), status=400)
    db.session.commit()
    flash(_('Templat "%(title)s" dibuat.', title=form.title.data))
    return redirect(url_for("officers.complaints.list_templates"), 303)


def _template(template_id: int) -> ResponseTemplate:
    template = db.session.get(ResponseTemplate, template_id)
    if template is None:
        abort(404)
    return template


@bp.route("/admin/templat/<int:template_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def update_template(template_id: int):
    template = _template(template_id)
    form = TemplateForm(
        data={
            "title": template.title,
            "body": template.body,
            "kind": template.kind.value,
            "active": template.active,
            "category": template.category.value if template.category else "",
            "status": template.status.value if template.status else "",
        }
    )
    if not form.validate_on_submit():
        return _template_form(form, template, status=400 if form.is_submitted() else 200)
    try:
        response_templates.update_template(
            session=current_session(), template=template, data=_template_input(form), who=current_actor()
        )
    except DomainError as error:
        db.session.rollback()
        return _template_form(form, _template(template_id), error=error_message(error), status=400)
    db.session.commit()
    flash(_('Templat "%(title)s" disimpan.', title=template.title))
    return redirect(url_for("officers.complaints.list_templates"), 303)


@bp.post("/admin/templat/<int:template_id>/nonaktifkan")
@roles_required(*ADMINS)
def deactivate_template(template_id: int):
    template = _template(template_id)  # the CSRF token is checked for every POST (CSRFProtect)
    response_templates.deactivate_template(session=current_session(), template=template, who=current_actor())
    db.session.commit()
    flash(_('Templat "%(title)s" tidak lagi ditawarkan kepada petugas.', title=template.title))
    return redirect(url_for("officers.complaints.list_templates"), 303)
