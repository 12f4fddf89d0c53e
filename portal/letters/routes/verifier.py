"""The city's certificates and the offline verifier (docs/letters-signing.md).

/verifikasi/kunci.json and /verifikasi/sertifikat.pem: every certificate the city has signed
letters with, for anyone's own checker. /verifikasi/luring: one self-contained page (its style,
script, certificates and words inside it) that checks the signed facts of a letter's QR code with
WebCrypto, also from a copy saved to a phone with the network off."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from babel.dates import get_month_names
from flask import Response, current_app, render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from portal.core.signing import CityCertificate
from portal.core.workdays import local_date
from portal.letters.documents.render import base_url
from portal.letters.routes import bp
from portal.web.settings import city_certificates

PEM_FILENAME = "sertifikat-sigap-kota-bekasi.pem"
SCRIPT = "verifier/luring.js"
STYLE = "verifier/luring.css"


def key_entry(certificate: CityCertificate) -> dict:
    return {
        "kid": certificate.kid.hex(),
        "subject": certificate.subject,
        "not_before": certificate.not_before.date().isoformat(),
        "not_after": certificate.not_after.date().isoformat(),
        "demo": certificate.demo,
        "jwk": certificate.public_jwk(),
    }


def _keys(certificates: list[CityCertificate]) -> dict:
    return {"keys": [key_entry(c) for c in certificates]}


@bp.get("/verifikasi/kunci.json")
def certificate_keys():
    response = current_app.json.response(_keys(city_certificates()))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"  # public keys, for anyone's checker
    return response


@bp.get("/verifikasi/sertifikat.pem")
def certificate_pem():
    bundle = "".join(c.pem for c in city_certificates())
    response = Response(bundle, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = f'attachment; filename="{PEM_FILENAME}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@cache
def _inline_file(path: Path, _changed: tuple[int, int]) -> tuple[str, str]:
    """A static file's text and its CSP hash ('sha256-…'), to put inside the page."""
    text = path.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return text, f"'sha256-{digest}'"


def _inline(name: str) -> tuple[str, str]:
    path = Path(current_app.static_folder or "") / name
    stat = path.stat()
    return _inline_file(path, (stat.st_size, stat.st_mtime_ns))


def _words() -> dict:
    """What the script shows, in the page's language."""
    months = get_month_names("wide", locale=get_locale())
    return {
        "months": [months[m] for m in range(1, 13)],
        "programs": {"JKK": _("Jaminan Kecelakaan Kerja (JKK)"), "JKM": _("Jaminan Kematian (JKM)")},
        "valid": _("Tanda tangan sah — surat ini dibuat oleh Pemerintah Kota Bekasi"),
        "valid_demo": _("Tanda tangan sah, tetapi dengan sertifikat DEMO"),
        "demo_warning": _(
            "DEMO: surat ini ditandatangani dengan sertifikat uji coba, bukan oleh Pemerintah Kota Bekasi. "
            "Jangan terima sebagai bukti kepesertaan."
        ),
        "number": _("Nomor surat"),
        "code": _("Kode"),
        "name": _("Nama (disamarkan)"),
        "kpj": _("Nomor KPJ (disamarkan)"),
        "no_kpj": _("Belum ada"),
        "programs_label": _("Program"),
        "coverage": _("Masa perlindungan"),
        "issued": _("Tanggal terbit"),
        "certificate": _("Sertifikat"),
        "compare": _(
            "Cocokkan nomor surat, nama yang disamarkan dan masa perlindungan dengan yang tercetak pada surat. "
            "Jika berbeda, surat itu tidak asli."
        ),
        "current_state": _(
            "Tanda tangan membuktikan surat ini asli saat diterbitkan. Apakah surat masih berlaku (tidak dicabut "
            "atau diganti) hanya terlihat secara daring:"
        ),
        "online_link": _("lihat status surat ini di portal SIGAP"),
        "online_base": f"{base_url()}/verifikasi",
        "checking": _("Sedang memeriksa…"),
        "refusals": {
            "empty": _("Tempelkan dulu isi kode QR atau tautannya."),
            "no_seal": _(
                "Isi ini tidak memuat tanda tangan SIGAP (bagian yang diawali SG1:). Surat lama tanpa tanda "
                "tangan hanya bisa diperiksa secara daring."
            ),
            "unreadable": _("Isi kode QR tidak terbaca: mungkin terpotong saat disalin, atau bukan kode SIGAP."),
            "unknown_key": _(
                "Ditandatangani dengan kunci yang tidak dikenal: bukan kunci Pemerintah Kota Bekasi, atau "
                "salinan halaman ini sudah lama. Simpan ulang halaman ini saat ada sinyal, lalu periksa lagi."
            ),
            "bad_signature": _("Tanda tangan tidak cocok: isi QR diubah atau palsu"),
            "outside_validity": _("Tanggal terbit surat berada di luar masa berlaku sertifikatnya: surat tidak sah."),
            "code_mismatch": _("Kode pada tautan tidak sama dengan kode yang ditandatangani: tautan ini sudah diubah."),
            "no_crypto": _(
                "Peramban ini tidak dapat memeriksa tanda tangan. Buka halaman ini dengan Chrome atau Firefox "
                "versi baru, atau buka tautan pada kode QR saat ada sinyal."
            ),
        },
        "refusal_advice": _(
            "Jangan terima surat ini sebagai bukti kepesertaan sebelum diperiksa secara daring di portal SIGAP."
        ),
        "detail": _("Rincian teknis:"),
        "camera_start": _("Pindai dengan kamera"),
        "camera_stop": _("Hentikan kamera"),
        "camera_denied": _("Kamera tidak dapat dibuka. Tempelkan isi kode QR di kotak di atas."),
    }


def _policy(script_hash: str, style_hash: str) -> str:
    """Only the page's own script and style (no other script runs); it fetches and sends nothing."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {script_hash}",
            f"style-src {style_hash}",
            "img-src data:",
            "media-src 'self' blob: mediastream:",
            "connect-src 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


@bp.get("/verifikasi/luring")
def offline_verifier():
    script, script_hash = _inline(SCRIPT)
    style, style_hash = _inline(STYLE)
    certificates = city_certificates()
    keys = _keys(certificates)
    page = render_template(
        "letters/verifikasi_luring.html",
        title=_("Pemeriksa surat tanpa sinyal"),
        certificates=certificates,
        keys=keys,
        words=_words(),
        # The package's own files, whose hashes the policy below names: never anyone's input.
        script=Markup(script),  # noqa: S704
        style=Markup(style),  # noqa: S704
        portal=base_url(),
        loaded_on=local_date(datetime.now(UTC)),
    )
    response = Response(page)
    response.headers["Content-Security-Policy"] = _policy(script_hash, style_hash)
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return response
