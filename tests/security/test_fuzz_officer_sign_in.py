"""Sign-in, the second factor and the password forms under hostile input (hypothesis, SQLite)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.extensions import db
from tests.factories import PASSWORD, account, sign_in
from tests.helpers import csrf_token
from tests.helpers.hostile import FUZZ, NO_RATE_LIMITS, assert_handled, business_rows, hostile_text

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
_addresses = itertools.count(1)


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


@FUZZ
@given(email=hostile_text(), password=hostile_text())
def test_sign_in_survives_anything(app, email, password):
    client = app.test_client()
    before = business_rows()
    response = client.post(
        "/petugas/masuk",
        data={"csrf_token": csrf_token(client, "/petugas/masuk"), "email": email, "password": password},
    )
    assert_handled(response, rows_before=before)
    assert response.status_code in (400, 413, 429)  # no account exists: nothing can sign in
    assert client.get("/petugas/pengaduan").status_code == 302


@FUZZ
@given(code=st.one_of(st.from_regex(r"[0-9 ]{0,12}", fullmatch=True), hostile_text()))
def test_second_factor_survives_anything(app, code):
    if not hasattr(app, "_totp_officer"):
        app._totp_officer = account(totp=True)
    who = app._totp_officer
    client = app.test_client()
    # An address of its own: wrong codes count towards the lockout of (account, client), and a
    # few examples from one address would lock it out after five (tests/integration/test_officer_auth.py).
    serial = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.7.{serial // 250}.{serial % 250}"
    first = client.post(
        "/petugas/masuk",
        data={"csrf_token": csrf_token(client, "/petugas/masuk"), "email": who.email, "password": PASSWORD},
    )
    assert first.headers["Location"] == "/petugas/masuk/kode"
    response = client.post(
        "/petugas/masuk/kode", data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"), "code": code}
    )
    assert_handled(response)
    assert response.status_code in (400, 413)  # a 6-digit guess that happens to be right is out of reach


@FUZZ
@given(current=st.one_of(st.just(PASSWORD), hostile_text()), new=hostile_text(), confirm=hostile_text())
def test_password_change_survives_anything(app, current, new, confirm):
    if not hasattr(app, "_signed_in"):
        app._officer = account()
        app._signed_in = app.test_client()
        sign_in(app._signed_in, app._officer)
    client, officer = app._signed_in, app._officer
    db.session.refresh(officer)
    hash_before = officer.password_hash
    response = client.post(
        "/petugas/akun",
        data={"csrf_token": csrf_token(client, "/petugas/akun"), "current": current, "new": new, "confirm": confirm},
    )
    assert_handled(response)
    db.session.refresh(officer)
    if response.status_code >= 400:
        assert officer.password_hash == hash_before, "a refused change altered the password"
    else:  # a hostile but acceptable new password: put the known one back for the next example
        from portal.accounts.services import accounts

        officer.password_hash = accounts.password_hasher().hash(PASSWORD)
        db.session.commit()


@FUZZ
@given(code=hostile_text())
def test_second_factor_set_up_survives_anything(app, code):
    if not hasattr(app, "_admin_client"):
        app._admin_client = app.test_client()
        sign_in(app._admin_client, account("admin"))
    client = app._admin_client
    before = business_rows()
    response = client.post(
        "/petugas/akun/2fa", data={"csrf_token": csrf_token(client, "/petugas/akun/2fa"), "code": code}
    )
    assert_handled(response, rows_before=before)
    assert response.status_code in (400, 413)
