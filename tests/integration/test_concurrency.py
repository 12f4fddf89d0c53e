"""PostgreSQL under concurrent load: references stay gap-free and unique."""

import os
import re
import threading

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Complaint

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured: set TEST_DATABASE_URL"
)


def test_50_concurrent_filings_get_50_gap_free_references(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; this test is for the server database")
    from tests.factories import complaint

    errors: list[BaseException] = []
    barrier = threading.Barrier(50)  # 50 filings released at once, each in its own transaction

    def worker(n: int):
        try:
            with app.app_context():
                barrier.wait()
                complaint()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = db.session.scalars(sa.select(Complaint.reference)).all()
    numbers = sorted(int(re.fullmatch(r"SGP-\d{4}-(\d{6})", r).group(1)) for r in references)
    assert numbers == list(range(1, 51))


def test_two_officers_claim_the_same_case_and_exactly_one_wins(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; this test is for the server database")
    from portal.complaints.services import actions as case_actions
    from portal.complaints.services.case_checks import CaseChanged
    from portal.core import trail as audit
    from portal.models import Account
    from tests.factories import account, complaint

    case, _ = complaint()
    officers = [account(), account()]
    ids = [o.id for o in officers]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker(officer_id: int):
        with app.app_context():
            officer = db.session.get(Account, officer_id)
            target = db.session.get(Complaint, case.id)
            version = target.version
            barrier.wait()
            try:
                case_actions.claim(
                    session=db.session,
                    complaint=target,
                    officer=officer,
                    expected_version=version,
                    who=audit.Actor(account_id=officer_id),
                )
                db.session.commit()
                results.append("won")
            except CaseChanged:
                db.session.rollback()
                results.append("lost")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["lost", "won"]
    db.session.expire_all()
    assert db.session.get(Complaint, case.id).assigned_to_id in ids
