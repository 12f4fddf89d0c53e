"""The letter as data for the template, as HTML and as a PDF response."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import segno
from flask import Response, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core.names import mask_name
from portal.core.nik import mask_kpj
from portal.core.regions import kelurahan
from portal.letters.documents.pades import sign_pdf
from portal.letters.documents.pdf import html_to_pdf
from portal.letters.documents.seal import PROGRAMS, LetterFacts, seal
from portal.letters.models import Letter
from portal.letters.services.letters import display_code, indonesian_date
from portal.web.settings import signing_key


@dataclass(frozen=True, slots=True)
class LetterView:
    number: str
    nama: str
    nik_masked: str
    kpj: str
    kpj_masked: bool
    kelurahan: str
    kecamatan: str
    mulai: str
    selesai: str
    code: str
    verify_page: str
    verify_url: str
    place_and_date: str
    qr_data_uri: str


def base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def verify_url(code: str, *, base: str | None = None) -> str:
    """What the QR code holds: the public verification page of this letter, nothing personal."""
    return f"{base or base_url()}/verifikasi/{code}"


def sealed_link(letter: Letter, url: str) -> str:
    """What the QR code holds: the verification link, and after '#' the letter's facts signed by
    the city (portal.letters.documents.seal; docs/letters-signing.md)."""
    facts = LetterFacts(
        number=letter.number,
        code=letter.code,
        masked_name=mask_name(letter.nama),
        masked_kpj=mask_kpj(letter.kpj),
        programs=PROGRAMS,
        mulai=letter.mulai,
        selesai=letter.selesai,
        issued_on=letter.issued_on,
    )
    return f"{url}#{seal(facts, signing_key())}"


QR_MASK = 1


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG (segno), 4 pixels a module with the 4-module quiet zone: about 300
    pixels over 30 mm (260 dpi), drawn without smoothing (letter.css). The sealed code (version
    13-14) as SVG took WeasyPrint 11 ms more a letter than this PNG (bench/letters_signing.py,
    docs/benchmarks.md), which took about as long as the short link's SVG did."""
    # One fixed mask pattern: scoring all eight (the encoder's default) took 9 of the 11 ms a
    # sealed code cost; any mask is a valid code, and the readers in the tests read this one.
    return segno.make(url, error="m", mask=QR_MASK).png_data_uri(scale=4, border=4)


def letter_view(letter: Letter, *, base: str | None = None, full_kpj: bool = True, sealed: bool = True) -> LetterView:
    """`full_kpj=False` for a letter downloaded after a status check: a NIK and a name are no proof of
    identity, and the KPJ opens the member's JMO account, so it is masked as on the status page.
    Officers hand out letters with the full number after seeing the person or their papers."""
    base = base or base_url()
    place = kelurahan(letter.kelurahan_code)
    url = verify_url(letter.code, base=base)
    return LetterView(
        number=letter.number,
        nama=letter.nama,
        nik_masked=letter.nik_masked,
        kpj=letter.kpj if full_kpj else (mask_kpj(letter.kpj) or ""),
        kpj_masked=not full_kpj,
        kelurahan=place.name if place else letter.kelurahan_code,
        kecamatan=place.kecamatan.name if place else "",
        mulai=indonesian_date(letter.mulai),
        selesai=indonesian_date(letter.selesai),
        code=display_code(letter.code),
        verify_page=f"{base}/verifikasi",
        verify_url=url,
        place_and_date=f"Bekasi, {indonesian_date(letter.issued_on)}",
        qr_data_uri=qr_data_uri(sealed_link(letter, url) if sealed else url),  # unsealed: bench/letters_signing.py
    )


def document_title(number: str | None = None) -> str:
    with force_locale("id"):
        if number is None:
            return _("Surat keterangan kepesertaan SIGAP")
        return _("Surat keterangan kepesertaan SIGAP nomor %(number)s", number=number)


def letters_html(views: Sequence[LetterView], *, title: str, screen: bool = False) -> str:
    """One HTML document; many letters are separated by page breaks. Always in Indonesian."""
    with force_locale("id"):
        return render_template("letters/pdf_surat.html", letters=views, document_title=title, screen=screen)


def filename_for(letter: Letter) -> str:
    number = re.sub(r"[^A-Za-z0-9]+", "-", letter.number).strip("-")
    return f"surat-kepesertaan-sigap-{number}.pdf"


def letter_pdf_response(letter: Letter, *, full_kpj: bool = True) -> Response:
    html = letters_html([letter_view(letter, full_kpj=full_kpj)], title=document_title(letter.number))
    response = Response(sign_pdf(html_to_pdf(html), signing_key()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename_for(letter)}"'
    response.headers["Cache-Control"] = "no-store"
    return response
