"""/petugas/admin/pengaturan: the program's rules that change during the year, for admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.core.program_settings import EDITABLE
from portal.extensions import current_session, db
from portal.program import labels
from portal.program import services as program
from portal.program.forms import ProgramSettingsForm
from portal.web.auth import ADMINS, current_actor, roles_required
from portal.web.settings import current_settings, forget_stored_settings

bp = officer_bp = Blueprint("program", __name__)  # registered by portal.officers under /petugas


def _render(form: ProgramSettingsForm, status: int = 200):
    base = current_settings()
    for name in EDITABLE:
        default = labels.default_hint(program.environment_value(base, name))
        form[name.lower()].description = f"{labels.hint(name)} {default}"
    return render_template("program/pengaturan.html", form=form, title=_("Pengaturan program")), status


@bp.get("/admin/pengaturan")
@roles_required(*ADMINS)
def show_settings():
    stored = program.stored(session=current_session())
    form = ProgramSettingsForm(formdata=None, data={name.lower(): stored.get(name, "") for name in EDITABLE})
    return _render(form)


@bp.post("/admin/pengaturan")
@roles_required(*ADMINS)
def save_settings():
    form = ProgramSettingsForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    values = {name: form[name.lower()].data or "" for name in EDITABLE}
    try:
        changed = program.save(session=current_session(), base=current_settings(), values=values, who=current_actor())
    except program.SettingsRefused as refused:
        db.session.rollback()
        problems: dict[str, program.Problem] = refused.params["problems"]  # type: ignore[assignment]
        for name, problem in problems.items():
            form[name.lower()].errors = [labels.problem_message(name, problem)]
        return _render(form, 400)
    db.session.commit()
    forget_stored_settings()
    if changed:
        flash(_("Pengaturan disimpan: %(names)s.", names=", ".join(str(labels.LABELS[n]) for n in changed)))
    else:
        flash(_("Tidak ada yang berubah."))
    return redirect(url_for("officers.program.show_settings"), 303)
