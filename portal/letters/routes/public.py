"""/surat: an active participant downloads their letter right after a status check.
/verifikasi: anyone checks whether a letter is genuine and still valid."""

from __future__ import annotations

import time

from flask import Response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.regions import kelurahan
from portal.extensions import current_session, db
from portal.letters.documents.render import document_title, letter_pdf_response, letter_view, letters_html
from portal.letters.forms.public import IssueLetterForm, VerifyCodeForm
from portal.letters.labels import no_letter_message
from portal.letters.routes import bp
from portal.letters.services import letters as service
from portal.letters.services.letters import LetterNotAvailable, NoLetterBecause
from portal.web.settings import letter_number_pattern

# The complaint form's own words for the misconduct choice (/pengaduan/baru, step 1); a test
# compares the two pages, so the verification page never names a choice that is not there.
MISCONDUCT_CHOICE = _l("Pungli, calo, atau perilaku petugas")

# How long a status check opens the letter download, in seconds.
CHECK_VALID_FOR = 15 * 60


def _checked_person_id() -> int | None:
    """The person whose NIK and name this browser checked in the last 15 minutes, if any."""
    person_id, checked_at = session.get("checked_person"), session.get("checked_at")
    if not isinstance(person_id, int) or not isinstance(checked_at, int | float):
        return None
    if not 0 <= time.time() - checked_at <= CHECK_VALID_FOR:
        return None
    return person_id


def _check_first() -> Response:
    response = render_template(
        "letters/perlu_cek.html",
        title=_("Cek status dulu"),
        reason="no_check",
        message=_(
            "Untuk mengunduh surat kepesertaan, cek status Anda dulu dengan NIK dan nama "
            "seperti di KTP. Setelah itu Anda punya waktu %(minutes)d menit untuk mengunduh.",
            minutes=CHECK_VALID_FOR // 60,
        ),
    )
    return Response(response, status=403)


def _not_available(error: LetterNotAvailable) -> Response:
    reason = error.reason
    response = render_template(
        "letters/perlu_cek.html", title=_("Surat belum bisa dibuat"), reason=reason, message=no_letter_message(error)
    )
    return Response(response, status=404 if reason is NoLetterBecause.NOT_FOUND else 403)


@bp.get("/surat")
def show_letter():
    person_id = _checked_person_id()
    if person_id is None:
        return _check_first()
    try:
        offer = service.letter_offer(session=current_session(), person_id=person_id)
    except LetterNotAvailable as error:
        return _not_available(error)
    return render_template(
        "letters/surat.html",
        title=_("Surat keterangan kepesertaan"),
        offer=offer,
        place=kelurahan(offer.kelurahan_code),
        form=IssueLetterForm(formdata=None),
    )


@bp.post("/surat")
def issue_letter():
    form = IssueLetterForm()
    if not form.validate_on_submit():
        return redirect(url_for("letters.show_letter"), 303)
    person_id = _checked_person_id()
    if person_id is None:
        return _check_first()
    try:
        service.issue_letter(session=current_session(), person_id=person_id, pattern=letter_number_pattern())
    except LetterNotAvailable as error:
        db.session.rollback()
        return _not_available(error)
    db.session.commit()
    target = "letters.view_letter" if form.bentuk.data == "html" else "letters.download_letter"
    return redirect(url_for(target), 303)


def _current_letter():
    person_id = _checked_person_id()
    if person_id is None:
        return None
    return service.current_letter(session=current_session(), person_id=person_id)


@bp.get("/surat/unduh")
def download_letter():
    if _checked_person_id() is None:
        return _check_first()
    letter = _current_letter()
    if letter is None:  # not issued yet, or the roster changed since: ask again on /surat
        return redirect(url_for("letters.show_letter"), 303)
    return letter_pdf_response(letter, full_kpj=False)  # after a status check only: the KPJ masked


@bp.get("/surat/lihat")
def view_letter():
    if _checked_person_id() is None:
        return _check_first()
    letter = _current_letter()
    if letter is None:
        return redirect(url_for("letters.show_letter"), 303)
    return letters_html([letter_view(letter, full_kpj=False)], title=document_title(letter.number), screen=True)


@bp.get("/verifikasi")
def find_letter():
    asked = "kode" in request.args
    form = VerifyCodeForm(formdata=request.args if asked else None)
    if asked and form.validate():
        return redirect(url_for("letters.verify_letter", code=form.kode.code), 303)
    page = render_template("letters/verifikasi.html", title=_("Periksa keaslian surat"), form=form)
    return Response(page, status=400 if asked else 200)


@bp.get("/verifikasi/<code>")
def verify_letter(code: str):
    normalized = service.normalize_code(code)
    result = service.verify_letter(session=current_session(), code=code) if normalized else None
    # Not found: a code that fails its check character (or has the wrong length) was mistyped;
    # one that passes was never printed on a SIGAP letter.
    mistyped = result is None and (normalized is None or not service.code_is_well_formed(normalized))
    shown = service.display_code(normalized) if normalized else code[:40]
    form = VerifyCodeForm(formdata=None)
    if mistyped:
        form.kode.data = shown  # to correct, not to type again
    page = render_template(
        "letters/hasil_verifikasi.html",
        title=_("Hasil pemeriksaan surat"),
        result=result,
        mistyped=mistyped,
        code=shown,
        form=form,
        misconduct_choice=MISCONDUCT_CHOICE,
    )
    response = Response(page, status=200 if result else 404)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
