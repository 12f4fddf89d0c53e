"""/statistik, its open data, and Open311."""

from flask import Blueprint

bp = Blueprint("statistics", __name__, cli_group="stats")  # flask stats refresh

from portal.statistics.routes import figures, open311, statistics  # noqa: E402,F401


@bp.record_once
def _open311_errors_in_its_format(state) -> None:
    from portal.web.errors import register_error_format

    register_error_format(state.app, "/open311/", open311.http_error)
