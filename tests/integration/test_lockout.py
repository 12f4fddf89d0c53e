from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models.base import utcnow
from portal.services.errors import Locked
from portal.services.lockout import LockoutPolicy
from portal.services.status_check import check_status

POLICY = LockoutPolicy(max_failures=5, base_minutes=15)


def attempt(nik: str, name: str, now):
    answer = check_status(session=db.session, nik=nik, name=name, client_address="127.0.0.1",
                          hmac_key="k", policy=POLICY, now=now)  # fmt: skip
    db.session.commit()
    return answer


def lock_after_failures(nik, now):
    for _ in range(5):
        assert not attempt(nik, "Salah", now).found
    with pytest.raises(Locked) as caught:
        attempt(nik, "Salah", now)
    db.session.commit()
    return caught.value.retry_after_seconds


def test_each_lockout_doubles_the_wait(app):
    nik = "3275010101900001"
    start = utcnow()
    assert 15 * 60 <= lock_after_failures(nik, start) <= 15 * 60 + 1
    after_first = start + timedelta(minutes=16)
    assert 30 * 60 <= lock_after_failures(nik, after_first) <= 30 * 60 + 1
    after_second = after_first + timedelta(minutes=31)
    assert 60 * 60 <= lock_after_failures(nik, after_second) <= 60 * 60 + 1


def test_lockout_is_per_nik(app):
    lock_after_failures("3275010101900001", utcnow())
    assert not attempt("3275010101900002", "Salah", utcnow()).found
