"""/open311/v2: Open311 GeoReport v2, read only (JSON), plus its OpenAPI 3 description.

Errors follow the spec: a JSON array of {code, description} with the HTTP status.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from portal.core.base import utcnow
from portal.extensions import current_session
from portal.statistics import open311_document as document
from portal.statistics.routes import bp
from portal.statistics.services import open311 as service
from portal.statistics.services.openapi import openapi_document

MAX_AGE = 60


def _json(data, status: int = 200):
    response = current_app.json.response(data)
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}" if status == 200 else "no-store"
    return response


def _error(status: int, description: str):
    return _json([{"code": status, "description": description}], status)


def http_error(error: HTTPException):
    """Any HTTP error under /open311/ (an undeclared method, an unknown path) in the spec's format."""
    response = _error(error.code or 500, HTTP_STATUS_CODES.get(error.code or 500, "error").lower())
    for name, value in error.get_headers():
        if name == "Allow":
            response.headers["Allow"] = value
    return response


@bp.get("/open311/v2/services.json")
def list_services():
    return _json(document.services())


def _cutoff():
    """Complaints are published OPEN311_DELAY_DAYS after the day they were filed (docs/open-data.md)."""
    return service.publication_cutoff(now=utcnow(), delay_days=current_app.config["OPEN311_DELAY_DAYS"])


@bp.get("/open311/v2/requests.json")
def list_requests():
    try:
        query = service.parse_query(request.args, now=utcnow())
    except service.InvalidQuery as invalid:
        return _error(400, document.query_error(invalid))
    found = service.find_requests(session=current_session(), query=query, cutoff=_cutoff())
    return _json(document.service_requests(found))


@bp.get("/open311/v2/requests/<reference>.json")
def show_request(reference: str):
    found = service.get_request(session=current_session(), reference=reference, cutoff=_cutoff())
    if found is None:
        return _error(404, "service_request_id not found")
    return _json(document.service_requests([found]))


@bp.get("/open311/v2/openapi.json")
def show_openapi():
    # The configured address, never the request's Host header: this answer is cached by anyone.
    return _json(openapi_document(server=current_app.config["PUBLIC_BASE_URL"]))
