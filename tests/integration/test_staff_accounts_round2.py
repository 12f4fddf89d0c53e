"""Issue 16, point 8: an officer's city-wide scope is chosen, never a default (CLI and web form);
new staff change the password an admin chose; "Keluar" during a forced set-up signs out; the
CLI lists, deactivates and resets accounts, each change audited with who ran it."""

from __future__ import annotations

import getpass
import socket
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Account, AuditEvent
from tests.factories import PASSWORD, account, set_up_totp, sign_in
from tests.helpers import csrf_token, parse

NEW_PASSWORD = "kata-sandi-awal-99"  # noqa: S105 (a test value)
OWN_PASSWORD = "sandi-pilihan-sendiri-2026"  # noqa: S105


def cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["users", *args], input=input)


def post(client, path, data, page=None):
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data})


def audit_rows(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


VIA = f"CLI {getpass.getuser()}@{socket.gethostname()}"


# City-wide scope, on purpose ---------------------------------------------------------------


def test_the_cli_refuses_an_officer_without_a_chosen_scope(app):
    refused = cli(app, "create", "rina@uji.test", "--role", "officer", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert refused.exit_code != 0 and "--seluruh-kota" in refused.output and "--kecamatan" in refused.output
    both = cli(
        app,
        "create",
        "rina@uji.test",
        "--role",
        "officer",
        "--kecamatan",
        "32.75.01",
        "--seluruh-kota",
        "--password-stdin",
        input=NEW_PASSWORD + "\n",
    )
    assert both.exit_code != 0 and "tidak keduanya" in both.output
    assert db.session.scalar(sa.select(sa.func.count(Account.id))) == 0
    made = cli(
        app, "create", "rina@uji.test", "--role", "officer", "--seluruh-kota", "--password-stdin", input=NEW_PASSWORD
    )
    assert made.exit_code == 0, made.output
    assert "seluruh Kota Bekasi" in made.output and "wajib mengganti kata sandi" in made.output
    rina = db.session.scalars(sa.select(Account)).one()
    assert rina.kecamatan_codes == [] and rina.must_change_password
    [event] = audit_rows("buat")
    assert event.account_id is None and event.detail.startswith(VIA + ": rina@uji.test")
    # supervisors see the whole city anyway: no choice asked of them; --keep-password: the owner typed it
    boss = cli(
        app,
        "create",
        "kepala@uji.test",
        "--role",
        "supervisor",
        "--keep-password",
        "--password-stdin",
        input=NEW_PASSWORD,
    )
    assert boss.exit_code == 0 and "wajib mengganti" not in boss.output, boss.output
    kepala = db.session.scalars(sa.select(Account).where(Account.email == "kepala@uji.test")).one()
    assert not kepala.must_change_password


def test_the_web_form_asks_for_the_scope_of_an_officer(client):
    admin = account("admin", totp=True)
    sign_in(client, admin)
    page = parse(client.get("/petugas/admin/akun/baru"))
    choices = {i["value"]: i for i in page.select("input[name=scope]")}
    assert set(choices) == {"seluruh", "kecamatan"} and not any(i.has_attr("checked") for i in choices.values())
    label = page.select_one(f"label[for={choices['seluruh']['id']}]").get_text(strip=True)
    assert label.startswith("Seluruh Kota Bekasi")
    data = {"email": "rina@uji.test", "name": "Rina", "role": "officer", "password": NEW_PASSWORD}
    refused = post(client, "/petugas/admin/akun/baru", data)
    assert refused.status_code == 400
    summary = parse(refused).select_one(".error-summary").get_text()
    assert "Pilih wilayah kerja petugas" in summary and "“Seluruh Kota Bekasi (semua kecamatan)”" in summary
    assert "--" not in summary  # the form's fields, not the command's options (issue 16)
    both = post(client, "/petugas/admin/akun/baru", {**data, "scope": "seluruh", "kecamatan": ["32.75.01"]})
    assert both.status_code == 400 and "tidak keduanya" in parse(both).select_one(".error-summary").get_text()
    assert db.session.scalar(sa.select(sa.func.count(Account.id))) == 1
    made = post(client, "/petugas/admin/akun/baru", {**data, "scope": "seluruh"})
    assert made.status_code == 303
    rina = db.session.scalars(sa.select(Account).where(Account.email == "rina@uji.test")).one()
    assert rina.kecamatan_codes == [] and rina.must_change_password
    some = post(
        client,
        "/petugas/admin/akun/baru",
        {**data, "email": "budi@uji.test", "scope": "kecamatan", "kecamatan": ["32.75.02"]},
    )
    assert some.status_code == 303
    # the edit page shows the scope chosen
    edit = parse(client.get(f"/petugas/admin/akun/{rina.id}"))
    assert edit.select_one("input[name=scope][value=seluruh]").has_attr("checked")


# The password an admin chose -----------------------------------------------------------------


def test_new_staff_change_the_password_the_admin_chose_before_anything_else(app, client):
    admin = account("admin", totp=True)
    sign_in(client, admin)
    data = {"email": "rina@uji.test", "name": "Rina", "role": "officer", "scope": "seluruh", "password": NEW_PASSWORD}
    assert post(client, "/petugas/admin/akun/baru", data).status_code == 303
    rina = db.session.scalars(sa.select(Account).where(Account.email == "rina@uji.test")).one()
    theirs = app.test_client()
    signed = sign_in(theirs, rina, password=NEW_PASSWORD)
    assert signed.status_code == 303
    queue = theirs.get("/petugas/pengaduan")
    assert queue.status_code == 302 and queue.headers["Location"] == "/petugas/akun"
    page = parse(theirs.get("/petugas/akun"))
    assert "Ganti dengan kata sandi Anda sendiri" in page.select_one("#wajib-ganti").get_text()
    same = post(theirs, "/petugas/akun", {"current": NEW_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert same.status_code == 400 and "harus berbeda" in parse(same).select_one(".error-summary").get_text()
    changed = post(theirs, "/petugas/akun", {"current": NEW_PASSWORD, "new": OWN_PASSWORD, "confirm": OWN_PASSWORD})
    assert changed.status_code == 303 and changed.headers["Location"] == "/petugas/"
    assert theirs.get("/petugas/pengaduan").headers["Location"] == "/petugas/akun/2fa"  # then the second factor
    assert set_up_totp(theirs)[0].status_code == 303
    assert theirs.get("/petugas/pengaduan").status_code == 200
    db.session.refresh(rina)
    assert not rina.must_change_password
    # an admin's reset makes it owed again
    page = f"/petugas/admin/akun/{rina.id}"
    reset = post(client, f"{page}/kata-sandi", {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD}, page=page)
    assert reset.status_code == 303
    db.session.refresh(rina)
    assert rina.must_change_password


# "Keluar" during a forced set-up --------------------------------------------------------------


@pytest.mark.parametrize("owes", ["two_factor", "password"])
def test_keluar_signs_out_from_a_forced_set_up(client, owes):
    who = account("admin", totp=False)
    if owes == "password":
        who.must_change_password = True
        db.session.commit()
    sign_in(client, who)
    forced = client.get("/petugas/pengaduan")
    assert forced.status_code == 302
    assert forced.headers["Location"] == ("/petugas/akun/2fa" if owes == "two_factor" else "/petugas/akun")
    page = parse(client.get(forced.headers["Location"]))
    keluar = page.select_one("form[action='/petugas/keluar']")
    assert keluar is not None
    assert page.select("nav.staff-nav a") == []  # nothing else opens yet, so the menu offers nothing else
    token = keluar.select_one("input[name=csrf_token]")["value"]
    out = client.post("/petugas/keluar", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"] == "/petugas/masuk"
    assert client.get("/petugas/pengaduan").headers["Location"].startswith("/petugas/masuk")
    assert [e.action for e in audit_rows("keluar")] == ["keluar"]


# The CLI: list, deactivate, reset-password, reset-2fa ----------------------------------------


def test_the_cli_lists_deactivates_and_resets_accounts_with_an_audit_row_each(app):
    officer = account(kecamatan=["32.75.01"], email="rina@uji.test", totp=False)
    phone = account("supervisor", email="kepala@uji.test")
    listed = cli(app, "list")
    assert listed.exit_code == 0, listed.output
    lines = {line.split("\t")[1]: line.split("\t") for line in listed.output.splitlines() if "\t" in line}
    assert lines["rina@uji.test"][2:5] == ["officer", "32.75.01", "aktif tanpa-2fa"]
    assert lines["kepala@uji.test"][2:5] == ["supervisor", "seluruh-kota", "aktif 2fa"]

    version = officer.session_version
    gone = cli(app, "deactivate", "Rina@uji.test")
    assert gone.exit_code == 0 and "dinonaktifkan" in gone.output
    db.session.refresh(officer)
    assert not officer.active and officer.session_version == version + 1
    again = cli(app, "deactivate", "rina@uji.test")
    assert again.exit_code == 0 and "sudah nonaktif" in again.output
    back = cli(app, "reactivate", "rina@uji.test")
    assert back.exit_code == 0 and "aktif lagi" in back.output
    db.session.refresh(officer)
    assert officer.active and officer.session_version == version + 1  # old sessions stay signed out
    assert "sudah aktif" in cli(app, "reactivate", "rina@uji.test").output
    assert [e.detail.split(": ", 1)[-1] for e in audit_rows("ubah")][-2:] == [
        "aktif: ya -> tidak",
        "aktif: tidak -> ya",
    ]
    unknown = cli(app, "deactivate", "siapa@uji.test")
    assert unknown.exit_code != 0 and "Tidak ada akun dengan email siapa@uji.test" in unknown.output

    short = cli(app, "reset-password", "kepala@uji.test", "--password-stdin", input="pendek\n")
    assert short.exit_code != 0 and "12 karakter" in short.output
    reset = cli(app, "reset-password", "kepala@uji.test", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert reset.exit_code == 0, reset.output
    db.session.refresh(phone)
    assert phone.must_change_password and phone.totp_enabled
    two_factor = cli(app, "reset-2fa", "kepala@uji.test")
    assert two_factor.exit_code == 0, two_factor.output
    db.session.refresh(phone)
    assert not phone.totp_enabled and phone.totp_secret is None
    assert cli(app, "reset-2fa", "kepala@uji.test").exit_code != 0  # nothing left to reset

    rows = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "account").order_by(AuditEvent.id)
    ).all()
    assert [(r.action, r.object_id) for r in rows] == [
        ("lihat_daftar", ""),  # `users list` shows every account's e-mail and scope
        ("ubah", str(officer.id)),  # deactivated
        ("ubah", str(officer.id)),  # reactivated
        ("atur_ulang_kata_sandi", str(phone.id)),
        ("atur_ulang_2fa", str(phone.id)),
    ]
    assert all(r.account_id is None and r.detail.startswith(VIA) for r in rows)
    assert all(NEW_PASSWORD not in r.detail and PASSWORD not in r.detail for r in rows)


def test_the_shell_list_shows_the_last_sign_in_in_wib(app):
    """`users list` shows Kota Bekasi's clock, labelled (issue 16): 01:15 UTC is 08:15 WIB."""
    who = account()
    who.last_login_at = datetime(2026, 3, 2, 1, 15, tzinfo=UTC)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    (line,) = [row for row in result.stdout.splitlines() if row.startswith(f"{who.id}\t")]
    assert line.split("\t")[5] == "2026-03-02 08:15 WIB"


def test_staff_pages_have_a_staff_footer_and_the_code_page_says_what_to_do_without_the_phone(client):
    sign_in(client, account())
    footer = parse(client.get("/petugas/pengaduan")).select_one("footer").get_text(" ", strip=True)
    assert "dicatat di jejak audit" in footer and "Program ini gratis" not in footer
    menu = parse(client.get("/petugas/pengaduan")).select("nav.staff-nav a")
    assert "Akun saya" in [a.get_text(strip=True) for a in menu]
    other = client.application.test_client()
    other.post(
        "/petugas/masuk",
        data={"csrf_token": csrf_token(other, "/petugas/masuk"), "email": account().email, "password": PASSWORD},
    )
    hint = parse(other.get("/petugas/masuk/kode")).select_one("#ponsel-hilang").get_text(" ", strip=True)
    assert "Minta admin mengatur ulang" in hint
