"""OpenAPI 3.0 description of the read-only Open311 GeoReport v2 endpoints (hand-written).

Field names and meanings are those of GeoReport v2 (wiki.open311.org/GeoReport_v2); only the
fields the portal publishes are listed. tests/integration/test_open311_schemathesis.py checks
the running endpoints against this document.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

JsonObject = dict[str, Any]  # a JSON object as json.loads gives it

_DATE_TIME = {"type": "string", "format": "date-time"}
_ERRORS = {
    "description": "GeoReport v2 error list",
    "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Error"}}}},
}
_REQUESTS = {
    "description": "Service requests (complaints), newest first",
    "content": {
        "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceRequest"}}}
    },
}


def _query(name: str, description: str, schema: JsonObject) -> JsonObject:
    """An optional query parameter; empty (`?status=`) is the same as left out, as HTML forms send."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "description": description,
        "schema": schema,
    }


_DOCUMENT: JsonObject = {
    "openapi": "3.0.3",
    "info": {
        "title": "SIGAP Kota Bekasi — Open311 GeoReport v2 (read only)",
        "version": "2.0.0",
        "description": (
            "Public, non-personal view of complaints (pengaduan) about SIGAP, Kota Bekasi's BPJS "
            "Ketenagakerjaan JKK+JKM program. Confidential complaints and misconduct (pungli) reports are "
            "never listed. No names, NIK, contact details, descriptions or attachments. JSON only; "
            "no POST. See docs/open-data.md."
        ),
    },
    "paths": {
        "/open311/v2/services.json": {
            "get": {
                "operationId": "listServices",
                "summary": "Complaint categories (service types)",
                "responses": {
                    "200": {
                        "description": "Service list",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}}
                            }
                        },
                    }
                },
            }
        },
        "/open311/v2/requests.json": {
            "get": {
                "operationId": "listRequests",
                "summary": "Search service requests",
                "description": "Without start_date and end_date: requests of the last 90 days. At most 1000 "
                "per page (page_size), newest first; `page` counts from 1. A request is listed from a "
                "configured number of days (7 by default) after the day it was filed; its dates are days.",
                "parameters": [
                    _query(
                        "service_request_id",
                        "Comma-separated references (SGP-2026-000123); overrides every other parameter.",
                        {"type": "string", "maxLength": 2000},
                    ),
                    _query(
                        "service_code",
                        "A service_code from services.json; another value gives an empty list.",
                        {"type": "string", "maxLength": 100},
                    ),
                    _query("start_date", "Earliest requested day (W3C date-time; its whole WIB day).", _DATE_TIME),
                    _query("end_date", "Latest requested day (W3C date-time; its whole WIB day).", _DATE_TIME),
                    _query(
                        "status",
                        "open, closed, or both comma-separated.",
                        {"type": "string", "enum": ["open", "closed", "open,closed", "closed,open"]},
                    ),
                    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "maximum": 100000}),
                    _query(
                        "page_size",
                        "Results per page (default and maximum 1000).",
                        {"type": "integer", "minimum": 1, "maximum": 1000},
                    ),
                    _query(
                        "jurisdiction_id",
                        "Accepted and ignored (one jurisdiction).",
                        {"type": "string", "maxLength": 100},
                    ),
                ],
                "responses": {"200": _REQUESTS, "400": _ERRORS},
            }
        },
        "/open311/v2/requests/{service_request_id}.json": {
            "get": {
                "operationId": "getRequest",
                "summary": "One service request (a list of one, as in GeoReport v2)",
                "parameters": [
                    {
                        "name": "service_request_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,20}$"},
                    }
                ],
                "responses": {"200": _REQUESTS, "404": _ERRORS},
            }
        },
    },
    "components": {
        "schemas": {
            "Service": {
                "type": "object",
                "required": ["service_code", "service_name", "metadata", "type"],
                "additionalProperties": False,
                "properties": {
                    "service_code": {"type": "string"},
                    "service_name": {"type": "string"},
                    "description": {"type": "string"},
                    "metadata": {"type": "boolean", "enum": [False]},
                    "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                    "keywords": {"type": "string"},
                    "group": {"type": "string"},
                },
            },
            "ServiceRequest": {
                "type": "object",
                "required": [
                    "service_request_id",
                    "status",
                    "service_code",
                    "service_name",
                    "agency_responsible",
                    "requested_datetime",
                    "updated_datetime",
                    "expected_datetime",
                    "address",
                ],
                "additionalProperties": False,
                "properties": {
                    "service_request_id": {"type": "string", "pattern": "^SGP-[0-9]{4}-[0-9]{6}$"},
                    "status": {"type": "string", "enum": ["open", "closed"]},
                    "status_notes": {"type": "string"},
                    "service_code": {"type": "string"},
                    "service_name": {"type": "string"},
                    "agency_responsible": {"type": "string"},
                    "requested_datetime": _DATE_TIME,
                    "updated_datetime": _DATE_TIME,
                    "expected_datetime": {
                        **_DATE_TIME,
                        "description": "End of the day the answer is due (working-day target, WIB).",
                    },
                    "address": {"type": "string", "description": "Kelurahan and kecamatan, never a street"},
                    "address_id": {
                        "type": "string",
                        "description": "Kemendagri code of the kelurahan",
                        "pattern": "^32\\.75\\.[0-9]{2}\\.[0-9]{4}$",
                    },
                },
            },
            "Error": {
                "type": "object",
                "required": ["code", "description"],
                "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
            },
        }
    },
}


def openapi_document(*, server: str = "") -> JsonObject:
    document = deepcopy(_DOCUMENT)
    if server:
        document["servers"] = [{"url": server}]
    return document
