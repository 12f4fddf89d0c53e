"""Error pages in plain Indonesian: a whole page, or a fragment when htmx asked for one.

A database that is down or restarting (connection refused, a connection cut by a restart, a
pool that cannot hand out a connection in time) is a 503 with Retry-After, never a 500: the
request's transaction is rolled back (so nothing half-written remains), and the next request
gets a fresh connection (pool_pre_ping; SQLAlchemy also drops the pool's other connections
when it sees a disconnect).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NoReturn
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.web.auth import safe_next
from portal.web.htmx import render_page_or_fragment
from portal.web.waiting import wait_for_the_limit

log = logging.getLogger("portal.errors")


def _messages(code: int) -> tuple[str, str]:
    return {
        400: (
            _("Permintaan tidak bisa diproses"),
            _("Isian yang dikirim tidak lengkap atau tidak sesuai. Kembali dan coba lagi."),
        ),
        403: (_("Tidak diizinkan"), _("Anda tidak punya akses ke halaman ini.")),
        404: (_("Halaman tidak ditemukan"), _("Periksa kembali alamatnya, atau mulai dari halaman utama.")),
        405: (_("Cara membuka halaman ini tidak didukung"), _("Buka halaman ini dari tautan atau formulir di portal.")),
        409: (
            _("Tidak bisa diproses"),
            _("Data sudah berubah sejak halaman dibuka. Muat ulang halaman, lalu coba lagi."),
        ),
        413: (_("Berkas atau isian terlalu besar"), _("Kecilkan berkas atau persingkat isian, lalu kirim lagi.")),
        415: (_("Jenis isian tidak didukung"), _("Kirim isian melalui formulir di portal.")),
        429: (
            _("Terlalu banyak permintaan"),
            _("Anda mengirim terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar, lalu coba lagi."),
        ),
        503: (
            _("Layanan sedang gangguan"),
            _(
                "Portal sedang tidak bisa menyimpan atau membaca data. Tidak ada data Anda yang "
                "hilang. Coba lagi beberapa menit lagi."
            ),
        ),
    }.get(code, (_("Terjadi kesalahan"), _("Maaf, ada kesalahan di sisi kami. Coba lagi beberapa saat lagi.")))


class Refused(HTTPException):
    """An error page with a message of the portal's own (Werkzeug's descriptions are English)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__()
        self.code, self.message = code, message


def refuse(code: int, message: str | LazyString) -> NoReturn:
    raise Refused(code, str(message))


_FORMATS = "sigap_error_formats"


def register_error_format(app: Flask, prefix: str, render: Callable[[HTTPException], Response]) -> None:
    """An API under `prefix` answers its HTTP errors (405 included, which no blueprint handler
    sees: routing fails before a blueprint is known) in its own format."""
    app.extensions.setdefault(_FORMATS, {})[prefix] = render


OFFICER_PREFIX = "/petugas"


def _officer_messages(code: int) -> tuple[str, str] | None:
    """Where the public page's words send a resident to the home page, an officer's go to the workspace."""
    return {
        404: (
            _("Halaman tidak ditemukan"),
            _(
                "Periksa kembali alamatnya. Pengaduan atau permintaan di luar wilayah kerja Anda juga tidak "
                "ditampilkan. Mulai lagi dari antrean di ruang kerja petugas."
            ),
        ),
        405: (
            _("Cara membuka halaman ini tidak didukung"),
            _("Buka halaman ini dari tautan atau tombol di ruang kerja petugas."),
        ),
    }.get(code)


def _way_back() -> str | None:
    """The officer page a refused form was sent from (its Referer, inside the workspace), if any."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def render_error(
    code: int, message: str | None = None, *, retry_after: int | None = None, contact: bool = False
) -> Response:
    """`contact`: the page names the office as another way (a lockout): its phone, WhatsApp and hours.
    Under /petugas the page keeps the officer's layout and leads back into the workspace."""
    officer = request.path == OFFICER_PREFIX or request.path.startswith(OFFICER_PREFIX + "/")
    title, default_message = (_officer_messages(code) if officer else None) or _messages(code)
    response = render_page_or_fragment(
        "errors/petugas_error.html" if officer else "errors/error.html",
        "errors/_petugas_error.html" if officer else "errors/_error.html",
        status=code,
        title=title,
        message=message or default_message,
        code=code,
        show_contact=contact,
        way_back=_way_back() if officer and request.method == "POST" else None,  # a refused form
    )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def too_many_requests(error: HTTPException) -> Response:
    """The portal's 429 page, saying how long to wait in words; a domain whose form can be shown
    again with what was typed (its own 429 handler) falls back on this for everything else."""
    wait = wait_for_the_limit()
    message = None
    if wait:
        message = _(
            "Anda mengirim terlalu banyak permintaan dalam waktu singkat. Tunggu %(wait)s, lalu coba lagi.", wait=wait
        )
    response = render_error(429, message)
    limit = getattr(error, "retry_after", None)
    if isinstance(limit, int):
        response.headers["Retry-After"] = str(limit)
    return response


def _http_error(error: HTTPException) -> HTTPException | Response:
    _rollback()
    if error.code is None or error.code < 400:
        return error
    for prefix, render in current_app.extensions.get(_FORMATS, {}).items():
        if request.path.startswith(prefix):
            return render(error)
    return render_error(error.code, error.message if isinstance(error, Refused) else None)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):
        _rollback()
        return form_expired()

    @app.errorhandler(429)
    def _too_many(error: HTTPException):
        _rollback()
        return too_many_requests(error)

    app.register_error_handler(HTTPException, _http_error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def _database_down(error: Exception):
        return _unavailable(error)

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        if error.connection_invalidated:  # a disconnect the driver reported under another class
            return _unavailable(error)
        raise error  # any other database error stays a logged 500 (and propagates in tests)

    @app.errorhandler(InternalServerError)
    def _internal(_error: InternalServerError):
        _rollback()
        return render_error(500)

    @app.teardown_appcontext
    def _close_session(_error: BaseException | None) -> None:
        """Runs before Flask-SQLAlchemy's own teardown (registered earlier, so called later).
        When the database went away after the view had answered, closing the session fails on
        the dead connection; that must not turn the answer (often a committed case's 303) into
        a bare 500. The connection is already invalidated; the session is discarded."""
        try:
            db.session.remove()
        except DBAPIError as error:
            log.warning("database connection lost after the answer: %s", type(error.orig).__name__)
            db.session.remove()


def form_expired() -> Response:
    """A POST without a valid CSRF token (blueprints that can give typed text back do so first)."""
    return render_error(
        400, _("Formulir ini sudah kedaluwarsa atau dikirim dari luar portal. Muat ulang halaman, lalu kirim lagi.")
    )


DATABASE_RETRY_AFTER = 30  # seconds: a restart of PostgreSQL takes a few
_UNAVAILABLE_MESSAGES = "sigap_unavailable_messages"


def register_unavailable_message(app: Flask, message_for_request: Callable[[], str | None]) -> None:
    """A domain that knows better than "nothing was lost, try again" for some of its pages (a
    filing that was committed before the database went away) says so on the 503 page."""
    app.extensions.setdefault(_UNAVAILABLE_MESSAGES, []).append(message_for_request)


def storage_unavailable(message: str) -> Response:
    """Files could not be written (disk full, read-only) where a form did not catch it: the
    transaction is rolled back and the files written in it are removed with it."""
    _rollback()
    log.error("file storage: %s", message)
    return render_error(503, message, retry_after=DATABASE_RETRY_AFTER)


def _rollback() -> None:
    """Roll the request's transaction back; on a dead connection this only discards it."""
    try:
        db.session.rollback()
    except DBAPIError:
        try:
            db.session.close()
        except DBAPIError:
            db.session.remove()


def _unavailable(error: Exception) -> Response:
    _rollback()
    cause = getattr(error, "orig", None) or error
    log.error("database unavailable: %s: %s", type(cause).__name__, str(cause).split("\n")[0])
    found = (ask() for ask in current_app.extensions.get(_UNAVAILABLE_MESSAGES, []))
    message = next((m for m in found if m), None)
    # The page's layout asks Flask-Login for the officer, which would ask the database again.
    request.environ[_DATABASE_DOWN] = True
    return render_error(503, message, retry_after=DATABASE_RETRY_AFTER)


def database_down() -> bool:
    """Whether this request is answering "database unavailable": the loader of the signed-in
    account then loads nobody (an officer not loaded yet sees the page as anyone would)."""
    return bool(request.environ.get(_DATABASE_DOWN))


_DATABASE_DOWN = "sigap.database_down"  # a WSGI environ key: it lives exactly as long as the request
