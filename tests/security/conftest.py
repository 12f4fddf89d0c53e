"""Fixtures shared by the security tests."""

import pytest

from tests.factories import account, sign_in


@pytest.fixture
def admin_client(app):
    """A client signed in as an admin, with two-factor, through the real sign-in pages."""
    client = app.test_client()
    sign_in(client, account("admin", totp=True))
    return client
