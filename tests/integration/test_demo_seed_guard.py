"""`flask demo seed` refuses a production database unless forced: under SIGAP_ENV=production, and
on any database that holds accounts or roster imports the demo did not make (a real portal run
with SIGAP_ENV=development by mistake, or a DATABASE_URL left pointing at production)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.demo.services.guard import DEMO_IMPORTER, real_data
from portal.extensions import db
from portal.models import Account, Complaint, Person, Role, RosterImportBatch
from tests.factories import PASSWORD, account, complaint, roster_csv, roster_row
from tests.integration.test_roster_import import run_import


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def seed(app, *args: str):
    return app.test_cli_runner().invoke(args=["demo", "seed", *args])


def batch(imported_by: str) -> None:
    db.session.add(RosterImportBatch(filename="x.csv", file_sha256="ab" * 32, imported_by=imported_by))
    db.session.commit()


def test_production_is_refused_and_nothing_is_written(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGAP_ENV", "production")
    result = seed(app)
    assert result.exit_code == 1
    assert "Data demo tidak dimuat" in result.output and "SIGAP_ENV=production" in result.output
    assert "flask demo seed --force" in result.output
    assert (count(Person), count(Account), count(Complaint), count(RosterImportBatch)) == (0, 0, 0, 0)


def test_real_accounts_or_roster_imports_are_refused_outside_production_too(app):
    assert app.config["SIGAP_ENV"] == "testing"
    account("admin", email="kepala.bidang@bekasikota.go.id")
    refused = seed(app)
    assert refused.exit_code == 1 and "1 akun petugas yang bukan akun demo (kepala.bidang@bekasikota.go.id)" in (
        refused.output
    )
    assert "SIGAP_ENV" not in refused.output.split("Untuk demo lokal")[0]  # not the reason here
    db.session.execute(sa.delete(Account))
    db.session.commit()

    run_import(roster_csv([roster_row()]))  # a roster import, as `flask roster import` makes one
    refused = seed(app)
    assert refused.exit_code == 1 and "1 impor roster yang bukan dari demo (oleh test)" in refused.output
    assert count(Person) == 1 and count(Account) == 0  # nothing added


def test_what_the_demo_made_or_its_visitors_did_is_not_real_data(app):
    """The seed's own import, an upload by a demo account and complaints filed on a demo portal
    leave it a demo; any other account or import makes it real. Only the first three are named."""
    batch(DEMO_IMPORTER)
    batch("admin@demo.sigap.test (petugas:3)")
    account("admin", email="admin@demo.sigap.test")
    complaint()
    assert not real_data(session=db.session)

    for n in range(4):
        account(email=f"petugas{n}@bekasikota.go.id")
    batch("cli:disnaker")
    batch("admin@bekasikota.go.id (petugas:9)")
    found = real_data(session=db.session)
    assert found.accounts == 4 and found.account_emails == tuple(f"petugas{n}@bekasikota.go.id" for n in range(3))
    assert found.imports == 2 and found.importers == ("cli:disnaker", "admin@bekasikota.go.id (petugas:9)")


def test_force_seeds_anyway_and_says_so_in_help(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGAP_ENV", "production")
    account("admin", email="kepala.bidang@bekasikota.go.id")
    assert "--force" in seed(app, "--help").output
    result = seed(app, "--force")
    assert result.exit_code == 0, result.output
    assert count(Person) > 11_666 and count(Account) == 4  # the real admin and the demo's three


def test_seeding_again_keeps_one_account_per_demo_role_and_no_name_twice(app):
    """README's first admin is "Admin SIGAP"; `demo seed --force` on that database, run twice,
    leaves the real admin and one demo account per role, each name once (issue 16)."""
    from portal.accounts.services import accounts
    from portal.demo.services.accounts import DEMO_ACCOUNTS, seed_accounts

    accounts.create_account(
        session=db.session,
        email="admin@bekasikota.go.id",
        name="Admin SIGAP",
        role=Role.ADMIN,
        password=PASSWORD,
        kecamatan_codes=[],
    )
    first = seed_accounts(session=db.session)
    db.session.commit()
    renamed = db.session.scalars(sa.select(Account).where(Account.email == "admin@demo.sigap.test")).one()
    renamed.name = "Admin SIGAP"  # renamed on the accounts page while trying the demo
    db.session.commit()
    again = seed_accounts(session=db.session)
    db.session.commit()
    assert [c.email for c in again] == [c.email for c in first] == [email for email, *_ in DEMO_ACCOUNTS]
    assert {c.password for c in again}.isdisjoint(c.password for c in first)  # new passwords each time
    rows = db.session.execute(sa.select(Account.role, Account.name).order_by(Account.id)).all()
    assert len(rows) == 4
    assert sorted(role for role, _ in rows) == sorted([Role.ADMIN, Role.ADMIN, Role.SUPERVISOR, Role.OFFICER])
    names = [name for _, name in rows]
    assert len(set(names)) == 4 and names.count("Admin SIGAP") == 1
    assert all("Demo" in name for name in names[1:])
