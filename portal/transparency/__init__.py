"""Transparency: public program figures (/statistik), their open data, and Open311 (read only)."""
from flask import Blueprint

bp = Blueprint("transparency", __name__)

from portal.transparency import open311, statistics  # noqa: E402,F401
