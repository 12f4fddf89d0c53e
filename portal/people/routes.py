"""/petugas/warga: look people up in the roster, one person's page (their cases and help
requests, their letters, and the letter actions on that page)."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.complaints.labels import officer_status_label as case_status_label
from portal.core.nik import could_be_part_of_a_nik
from portal.core.regions import regions
from portal.extensions import current_session, db
from portal.letters.documents.render import letter_pdf_response
from portal.letters.forms.officer import IssueLetterForm, ReplaceLetterForm
from portal.letters.labels import no_letter_message
from portal.letters.services import officer as letters_officer
from portal.letters.services.letters import LetterNotAvailable
from portal.letters.services.officer import ReplaceReason
from portal.people import services as people
from portal.people.forms import PeopleSearchForm
from portal.roster import labels
from portal.roster.models.person import PersonStatus
from portal.web.auth import ALL_STAFF, current_actor, refuse_out_of_scope, roles_required
from portal.web.numbers import as_page
from portal.web.settings import letter_number_pattern

bp = officer_bp = Blueprint("people", __name__)  # registered by portal.officers under /petugas


def _page_number(value: str | None) -> int:
    return as_page(value)


def _search_problem(problem: people.SearchProblem | None) -> str:
    match problem:
        case people.SearchProblem.NIK_LENGTH:
            return _("NIK harus 16 angka. Periksa lagi angka yang Anda ketik.")
        case people.SearchProblem.NAME_TOO_SHORT:
            return _("Ketik paling sedikit %(n)d huruf nama, atau NIK lengkap.", n=people.MIN_NAME_LENGTH)
    return ""


@bp.route("/warga", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def search_people():
    """The form is sent by POST, so a NIK never appears in an address (history, proxy and server
    logs); a name search can be paged by GET links."""
    form = PeopleSearchForm(request.form if request.method == "POST" else request.args)
    form.status.choices = [SelectChoice("", _("Semua status"))] + [
        SelectChoice(s.value, labels.status_label(s)) for s in PersonStatus
    ]
    status = form.status.data if form.status.data in set(PersonStatus) else None
    query = people.PeopleQuery(
        q=(form.q.data or "")[:100],
        status=PersonStatus(status) if status else None,
        page=_page_number(request.args.get("hal")),
    )
    if request.method != "POST" and could_be_part_of_a_nik(query.q):
        result = people.PeoplePage(rows=[], total=0, page=1, pages=1, searched=False, by_nik=True)
        error = _("NIK tidak boleh tercantum di alamat halaman. Ketik NIK di kolom pencarian, lalu tekan Cari.")
    else:
        result = people.search_people(session=current_session(), viewer=current_user, query=query, who=current_actor())
        db.session.commit()
        error = _search_problem(result.problem)
    if error:  # a search that cannot run is an error of the search field, linked from the summary
        form.q.errors = [error]
    paging = {"q": query.q, "status": status or ""} if not result.by_nik else {}
    return render_template(
        "people/warga.html",
        form=form,
        result=result,
        args=paging,
        kelurahan=regions().kelurahan,
        status_label=labels.status_label,
        title=_("Cari warga"),
    )


def _not_found(person_id: int) -> NoReturn:
    """Outside the officer's kecamatan looks the same as no such person (404); the attempt is audited."""
    if people.out_of_scope(session=current_session(), viewer=current_user, person_id=person_id):
        refuse_out_of_scope(object_type="person", object_id=person_id, person_id=person_id)
    abort(404)


@bp.get("/warga/<int:person_id>")
@roles_required(*ALL_STAFF)
def show_person(person_id: int):
    return person_page(person_id)


def person_page(person_id: int, *, replace_form: ReplaceLetterForm | None = None, status: int = 200):
    """The person page; `replace_form` with its errors when replacing the letter failed."""
    record = people.view_person(
        session=current_session(), viewer=current_user, person_id=person_id, who=current_actor()
    )
    if record is None:
        _not_found(person_id)
    letters = letters_officer.person_letters(session=current_session(), person=record.person)
    db.session.commit()
    return render_template(
        "people/warga_rincian.html",
        record=record,
        person=record.person,
        place=regions().kelurahan.get(record.person.kelurahan_code),
        status_label=labels.status_label,
        reason_label=labels.reason_label,
        case_status_label=case_status_label,
        title=_("Data warga"),
        letters=letters,
        issue_form=IssueLetterForm(formdata=None),
        replace_form=replace_form or ReplaceLetterForm(formdata=None),
    ), status


def _issue(person_id: int, replace_because: ReplaceReason | None):
    try:
        issued = letters_officer.issue_for_person(
            session=current_session(),
            viewer=current_user,
            person_id=person_id,
            who=current_actor(),
            pattern=letter_number_pattern(),
            replace_because=replace_because,
        )
    except LetterNotAvailable as error:
        db.session.rollback()
        flash(no_letter_message(error))
        return redirect(url_for("officers.people.show_person", person_id=person_id) + "#surat", 303)
    if issued is None:
        _not_found(person_id)
    db.session.commit()
    if issued.new:
        flash(_("Surat nomor %(number)s diterbitkan.", number=issued.letter.number))
    else:
        flash(
            _(
                "Surat nomor %(number)s masih berlaku dan datanya tidak berubah; tidak ada surat baru.",
                number=issued.letter.number,
            )
        )
    return redirect(url_for("officers.people.show_person", person_id=person_id) + "#surat", 303)


@bp.post("/warga/<int:person_id>/surat")
@roles_required(*ALL_STAFF)
def issue_person_letter(person_id: int):
    if not IssueLetterForm().validate_on_submit():
        return redirect(url_for("officers.people.show_person", person_id=person_id) + "#surat", 303)
    return _issue(person_id, None)


@bp.post("/warga/<int:person_id>/surat/ganti")
@roles_required(*ALL_STAFF)
def replace_person_letter(person_id: int):
    form = ReplaceLetterForm()
    if not form.validate_on_submit():
        return person_page(person_id, replace_form=form, status=400)
    return _issue(person_id, ReplaceReason(form.alasan.data))


@bp.get("/warga/<int:person_id>/surat.pdf")
@roles_required(*ALL_STAFF)
def download_person_letter(person_id: int):
    letter = letters_officer.letter_for_download(
        session=current_session(), viewer=current_user, person_id=person_id, who=current_actor()
    )
    if letter is None:
        _not_found(person_id)
    db.session.commit()
    return letter_pdf_response(letter)
