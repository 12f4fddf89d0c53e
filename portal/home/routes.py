"""Public pages: home and the status check."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html")


@bp.get("/tentang")
def show_about():
    return render_template("home/tentang.html", title=_("Tentang SIGAP"))
