"""Public pages: home, about the program, where to turn, and the privacy notice."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html")


@bp.get("/tentang")
def show_about():
    return render_template("home/tentang.html", title=_("Tentang SIGAP"))


@bp.get("/kontak")
def show_contact():
    return render_template("home/kontak.html", title=_("Hubungi kami"))


@bp.get("/privasi")
def show_privacy():
    return render_template(
        "home/privasi.html",
        title=_("Pemberitahuan privasi"),
        open311_delay_days=current_app.config["OPEN311_DELAY_DAYS"],
        check_log_days=current_app.config["CHECK_LOG_RETENTION_DAYS"],
    )
