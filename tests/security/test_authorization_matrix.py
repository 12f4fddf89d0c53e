"""Who may do what under /petugas. tests/integration/test_officer_access.py covers every GET route ×
officer, supervisor and admin, and anonymous visitors (GET, and POST without a token). This file
completes the matrix: anonymous POSTs that carry a valid token, every POST route × role, and an
officer of another kecamatan on every route (nothing of a case there is shown, changed or sent)."""

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AssistanceRequest, Complaint
from portal.web.auth import PUBLIC
from tests.factories import account, assistance_request, attachment, complaint, make_nik, person, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import assert_handled, business_rows, sample_path

ROLES = ["officer", "supervisor", "admin"]


def officer_rules(app, method: str):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/petugas") and method in rule.methods and view.allowed_roles != PUBLIC:
            yield rule


def test_anonymous_posts_with_a_valid_token_are_sent_to_sign_in(app, client):
    token = csrf_token(client, "/petugas/masuk")
    before = business_rows()
    for rule in officer_rules(app, "POST"):
        response = client.post(sample_path(rule), data={"csrf_token": token})
        assert response.status_code in (302, 303), (rule.rule, response.status_code)
        assert response.headers["Location"].startswith("/petugas/masuk"), rule.rule
    assert business_rows() == before


@pytest.mark.parametrize("role", ROLES)
def test_every_post_route_refuses_the_roles_it_does_not_name(app, client, role):
    who = account(role)
    complaint()
    sign_in(client, who)
    token = csrf_token(client, "/petugas/akun")
    for rule in officer_rules(app, "POST"):
        if rule.endpoint == "officers.accounts.sign_out":
            continue
        response = client.post(sample_path(rule), data={"csrf_token": token})
        assert_handled(response, what=f"{role} {rule.rule}")
        if who.role in app.view_functions[rule.endpoint].allowed_roles:
            assert response.status_code != 403, (rule.rule, role)
        else:
            assert response.status_code == 403, (rule.rule, role, response.status_code)
            assert parse(response).select_one("h1").get_text(strip=True) == "Tidak diizinkan"


@pytest.fixture
def elsewhere(app):
    """A complaint with an attachment, an assistance request and a person in Kecamatan 32.75.01,
    each with a name found nowhere else."""
    nik = make_nik()
    case, _ = complaint(subject_nik=nik, subject_name="Zulkarnain Rahasiatimur", kelurahan_code="32.75.01.1001")
    file = attachment(app, case, filename="kk-rahasiatimur.png")
    found, _ = assistance_request(subject_name="Ibu Rahasiatimur Bantuan", kelurahan_code="32.75.01.1001")
    someone = person(nama="Warga Rahasiatimur", kelurahan_code="32.75.01.1001")
    db.session.commit()
    markers = [case.reference, nik, "Rahasiatimur", found.reference, someone.nik]
    args = {"reference": case.reference, "attachment_id": file.id, "person_id": someone.id}
    return case, found, markers, args


def _args_for(rule, case, found, args) -> dict:
    return {**args, "reference": found.reference if rule.rule.startswith("/petugas/bantuan") else case.reference}


def test_an_officer_of_another_kecamatan_sees_nothing_of_it(app, client, elsewhere):
    case, found, markers, args = elsewhere
    sign_in(client, account(kecamatan=["32.75.02"]))
    for rule in officer_rules(app, "GET"):
        response = client.get(sample_path(rule, **_args_for(rule, case, found, args)))
        assert response.status_code in (200, 302, 303, 403, 404), (rule.rule, response.status_code)
        if rule.arguments & {"reference", "attachment_id", "person_id"}:
            assert response.status_code in (403, 404), (rule.rule, response.status_code)
        if response.status_code == 200:  # (a 404 page links to its own URL in the language switch)
            shown = response.get_data(as_text=True)
            assert [m for m in markers if m in shown] == [], rule.rule
    prefilled = parse(client.get("/petugas/pengaduan/baru", query_string={"bantuan": found.reference}))
    assert found.reference not in str(prefilled) and "Rahasiatimur" not in str(prefilled)


def test_an_officer_of_another_kecamatan_changes_nothing_of_it(app, client, elsewhere):
    case, found, _markers, args = elsewhere
    sign_in(client, account(kecamatan=["32.75.02"]))
    token = csrf_token(client, "/petugas/akun")
    before = business_rows()
    versions = (case.version, found.version)
    for rule in officer_rules(app, "POST"):
        if not rule.arguments & {"reference", "attachment_id", "person_id"}:
            continue
        for action in ("ambil", "catatan", "verifikasi", "hapus-disabilitas"):
            path = sample_path(rule, **_args_for(rule, case, found, args), action=action)
            response = client.post(
                path,
                data={
                    "csrf_token": token,
                    "version": "1",
                    "message": "x",
                    f"{action}-version": "1",
                    f"{action}-message": "x",
                },
            )
            assert response.status_code in (403, 404), (path, response.status_code)
    db.session.expire_all()
    after = (
        db.session.scalars(sa.select(Complaint.version).where(Complaint.id == case.id)).one(),
        db.session.scalars(sa.select(AssistanceRequest.version).where(AssistanceRequest.id == found.id)).one(),
    )
    assert after == versions and business_rows() == before
