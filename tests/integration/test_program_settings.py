"""/petugas/admin/pengaturan (issue 16 point 9): SLA targets, cuti bersama, quota and budget and
the letter number pattern, changed by an admin without a restart: checked by the environment's
rules, stored, audited, read wherever the settings are read; empty goes back to the environment's."""

from datetime import date

import sqlalchemy as sa

from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import AuditEvent
from tests.factories import account, person, sign_in
from tests.helpers import csrf_token, parse

PAGE = "/petugas/admin/pengaturan"


def admin_client(app):
    client = app.test_client()
    sign_in(client, account("admin", totp=True))
    return client


def send(client, **values):
    form = parse(client.get(PAGE)).select_one("form[method=post]")
    data = {i["name"]: i.get("value", "") for i in form.select("input")}
    data.update({name.lower(): value for name, value in values.items()})
    data["csrf_token"] = csrf_token(client, PAGE)
    return client.post(PAGE, data=data)


def test_only_admins_open_the_page(client, app):
    sign_in(client, account("supervisor"))
    assert client.get(PAGE).status_code == 403
    page = parse(admin_client(app).get(PAGE))
    assert (
        page.select_one("#sla_verify_days-hint").get_text(" ", strip=True).endswith("Bawaan dari lingkungan server: 3")
    )
    assert "500.15.1/{seq}-Disnaker/{roman_month}/{year}" in page.select_one("#letter_number_pattern-hint").get_text()
    assert page.select_one("input#sla_verify_days")["value"] == ""


def test_a_change_is_stored_audited_and_used_by_the_next_filing(app):
    client = admin_client(app)
    saved = send(client, SLA_VERIFY_DAYS="7", CUTI_BERSAMA="2026-12-24, 2026-12-28")
    assert saved.status_code == 303
    page = parse(client.get(saved.headers["Location"]))
    assert "Pengaturan disimpan" in page.get_text() and page.select_one("input#sla_verify_days")["value"] == "7"
    changes = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "ubah_pengaturan")).all()
    assert [(e.object_type, e.object_id, e.detail) for e in changes] == [
        ("setting", "SLA_VERIFY_DAYS", "(bawaan lingkungan) → 7"),
        ("setting", "CUTI_BERSAMA", "(bawaan lingkungan) → 2026-12-24, 2026-12-28"),
    ]
    with app.app_context():  # a new context, as each request and task has
        from portal.web.settings import sla_targets, work_calendar

        assert sla_targets().verify_days == 7 and sla_targets().resolve_days == 14
        assert not work_calendar().is_working_day(date(2026, 12, 28))  # a Monday, now cuti bersama
        assert WorkCalendar().is_working_day(date(2026, 12, 28))
    assert send(client, SLA_VERIFY_DAYS="").status_code == 303  # back to the environment's
    with app.app_context():  # a new context, as each request and task has
        from portal.web.settings import sla_targets

        assert sla_targets().verify_days == 3


def errors_named(links):
    return [link.removeprefix("#") for link in links]


def test_values_are_refused_by_the_environments_rules_and_nothing_is_stored(app):
    client = admin_client(app)
    refused = send(
        client,
        SLA_RESOLVE_DAYS="0",
        SLA_VERIFY_DAYS_BY_CATEGORY="entah=5",
        CUTI_BERSAMA="24-12-2026",
        PROGRAM_QUOTA="11.666",
        LETTER_NUMBER_PATTERN="SK/{seq}",
        PROGRAM_BUDGET="2352000000",
    )
    assert refused.status_code == 400
    page = parse(refused)
    errors = {a["href"] for a in page.select(".error-summary a")}
    assert errors == {
        "#sla_resolve_days",
        "#sla_verify_days_by_category",
        "#cuti_bersama",
        "#program_quota",
        "#letter_number_pattern",
    }
    said = {name: page.select_one(f"#{name}-error").get_text(" ", strip=True) for name in errors_named(errors)}
    assert "wajib memuat {seq} dan {year}" in said["letter_number_pattern"]
    assert "bilangan bulat 1 sampai 365" in said["sla_resolve_days"]
    assert "tanpa titik atau koma" in said["program_quota"]
    assert "TTTT-BB-HH" in said["cuti_bersama"]
    assert "informasi (Permintaan informasi)" in said["sla_verify_days_by_category"]
    assert all("Input should" not in text and "unknown" not in text for text in said.values())  # no English
    hint = page.select_one("#sla_verify_days_by_category-hint") or page.select_one(
        "[id^=sla_verify_days_by_category][class~=hint]"
    )
    assert hint is not None and "data_salah (Data salah)" in hint.get_text()
    assert page.select_one("input#program_budget")["value"] == "2352000000"  # what was typed is kept
    changes = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "ubah_pengaturan")
    assert db.session.scalar(changes) == 0
    assert db.session.execute(sa.text("SELECT count(*) FROM program_setting")).scalar() == 0


def test_the_letter_number_pattern_numbers_the_next_letter(app):
    client = admin_client(app)
    assert send(client, LETTER_NUMBER_PATTERN="SK-{year}/{seq}").status_code == 303
    budi = person()
    officer = app.test_client()
    sign_in(officer, account("supervisor"))
    form = parse(officer.get(f"/petugas/warga/{budi.id}")).select_one("form[action$='/surat']")
    issued = officer.post(form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]})
    assert issued.status_code == 303
    page = parse(officer.get(issued.headers["Location"]))
    assert "SK-2026/1" in page.get_text() or "SK-2027/1" in page.get_text()


def test_the_quota_reaches_the_public_figures(app):
    client = admin_client(app)
    assert send(client, PROGRAM_QUOTA="20000", PROGRAM_BUDGET="5000000000").status_code == 303
    with app.app_context():  # a new context, as each request and task has
        from portal.statistics.tasks import count_figures

        figures = count_figures().figures
        assert figures.quota == 20000 and figures.budget.budget == 5_000_000_000


def test_another_worker_uses_the_change_without_a_restart(app, new_worker):
    other = new_worker()  # a process started before the change, with its own cache
    with other.application.app_context():
        from portal.web.settings import sla_targets

        assert sla_targets().resolve_days == 14
    assert send(admin_client(app), SLA_RESOLVE_DAYS="21").status_code == 303
    with other.application.app_context():
        assert sla_targets().resolve_days == 21


def test_the_appeal_clock_is_a_setting_too(app):
    assert send(admin_client(app), APPEAL_REVIEW_DAYS="15").status_code == 303
    with app.app_context():
        from portal.web.settings import program_rules

        assert program_rules().APPEAL_REVIEW_DAYS == 15
    refused = send(admin_client(app), APPEAL_REVIEW_DAYS="400")
    assert refused.status_code == 400 and parse(refused).select_one("#appeal_review_days-error") is not None
