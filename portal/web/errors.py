"""Error pages in plain Indonesian: a whole page, or a fragment when htmx asked for one."""
from __future__ import annotations

import logging

from flask import Flask, Response
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.web.htmx import render_page_or_fragment

log = logging.getLogger("portal.errors")


def _messages(code: int) -> tuple[str, str]:
    return {
        400: (_("Permintaan tidak bisa diproses"),
              _("Isian yang dikirim tidak lengkap atau tidak sesuai. Kembali dan coba lagi.")),
        403: (_("Tidak diizinkan"), _("Anda tidak punya akses ke halaman ini.")),
        404: (_("Halaman tidak ditemukan"),
              _("Periksa kembali alamatnya, atau mulai dari halaman utama.")),
        405: (_("Cara membuka halaman ini tidak didukung"),
              _("Buka halaman ini dari tautan atau formulir di portal.")),
        409: (_("Tidak bisa diproses"),
              _("Data sudah berubah sejak halaman dibuka. Muat ulang halaman, lalu coba lagi.")),
        413: (_("Berkas atau isian terlalu besar"),
              _("Kecilkan berkas atau persingkat isian, lalu kirim lagi.")),
        415: (_("Jenis isian tidak didukung"), _("Kirim isian melalui formulir di portal.")),
        429: (_("Terlalu banyak permintaan"),
              _("Anda mengirim terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar, "
                "lalu coba lagi.")),
        503: (_("Layanan sedang gangguan"),
              _("Portal sedang tidak bisa menyimpan atau membaca data. Tidak ada data Anda yang "
                "hilang. Coba lagi beberapa menit lagi.")),
    }.get(code, (_("Terjadi kesalahan"),
                 _("Maaf, ada kesalahan di sisi kami. Coba lagi beberapa saat lagi.")))  # fmt: skip


def render_error(code: int, message: str | None = None, *, retry_after: int | None = None) -> Response:
    title, default_message = _messages(code)
    response = render_page_or_fragment(
        "errors/error.html", "errors/_error.html", status=code,
        title=title, message=message or default_message, code=code,
    )  # fmt: skip
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        db.session.rollback()
        return render_error(
            400,
            _("Formulir ini sudah kedaluwarsa atau dikirim dari luar portal. Muat ulang halaman, "
              "lalu kirim lagi."),
        )  # fmt: skip

    @app.errorhandler(429)
    def _too_many(error: HTTPException):
        db.session.rollback()
        retry = None
        limit = getattr(error, "retry_after", None)
        if isinstance(limit, int):
            retry = limit
        response = render_error(429)
        if retry is not None:
            response.headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        db.session.rollback()
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(OperationalError)
    def _database_down(error: OperationalError):
        db.session.rollback()
        log.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503, retry_after=30)

    @app.errorhandler(InternalServerError)
    def _internal(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
