"""Transparency: public program figures (/statistik), their open data, and Open311 (read only)."""
from flask import Blueprint

bp = Blueprint("transparency", __name__, cli_group="stats")  # flask stats refresh

from portal.transparency import figures, open311, statistics  # noqa: E402,F401
