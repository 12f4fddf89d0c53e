"""Every /petugas route has a rule, and every role gets exactly what the rule says."""

import pytest

from portal.web.auth import PUBLIC
from tests.factories import account, complaint, sign_in

SAMPLE_ARGS = {
    "reference": "SGP-2026-000001",
    "action": "catatan",
    "attachment_id": 1,
    "account_id": 1,
    "template_id": 1,
    "person_id": 1,
    "batch_id": 1,
    "job_id": "0" * 24,
    "message_id": 1,
    "filter_id": 1,
}


def officer_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/petugas"):
            yield rule


def test_every_officer_route_declares_who_may_open_it(app):
    missing = [r.rule for r in officer_rules(app) if not hasattr(app.view_functions[r.endpoint], "allowed_roles")]
    assert missing == []


def test_only_the_sign_in_pages_are_public(app):
    public = sorted(r.rule for r in officer_rules(app) if app.view_functions[r.endpoint].allowed_roles == PUBLIC)
    assert public == ["/petugas/masuk", "/petugas/masuk/kode"]


def _path(rule) -> str:
    return rule.build(SAMPLE_ARGS, append_unknown=False)[1]


def test_anonymous_visitors_are_sent_to_sign_in(app, client):
    for rule in officer_rules(app):
        if app.view_functions[rule.endpoint].allowed_roles == PUBLIC:
            continue
        response = client.get(_path(rule)) if "GET" in rule.methods else client.post(_path(rule))
        assert response.status_code in (302, 303, 400), rule.rule  # 400: POST without CSRF token
        if "GET" in rule.methods:
            assert response.headers["Location"].startswith("/petugas/masuk"), rule.rule


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_role_matrix_on_every_get_route(app, client, role):
    who = account(role)
    complaint()
    sign_in(client, who)
    for rule in officer_rules(app):
        if "GET" not in rule.methods:
            continue
        allowed = app.view_functions[rule.endpoint].allowed_roles
        response = client.get(_path(rule))
        if allowed == PUBLIC:
            continue
        if who.role in allowed:
            assert response.status_code in (200, 302, 303, 404), (rule.rule, response.status_code)
        else:
            assert response.status_code == 403, (rule.rule, role, response.status_code)
