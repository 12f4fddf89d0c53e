"""Issue 16 point 5: an officer's open cases and help requests are never orphaned by turning the
account off or narrowing its kecamatan: the change is refused with what they hold and where to
reassign it, or that work goes back to the supervisors' queue with a line on each timeline."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, ComplaintStatus, EventKind
from tests.factories import account, assistance_request, complaint, sign_in
from tests.helpers import csrf_token, parse


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def holding_officer():
    officer = account(kecamatan=["32.75.01"])
    officer.name = "Andi Petugas"
    held = [complaint(kelurahan_code="32.75.01.1001")[0] for _ in range(2)]
    closed, _ = complaint(kelurahan_code="32.75.01.1001")
    found, _ = assistance_request(kelurahan_code="32.75.01.1001")
    for item in (*held, closed, found):
        item.assigned_to_id = officer.id
    closed.status = ComplaintStatus.SELESAI
    db.session.commit()
    return officer, held, closed, found


def edit(client, officer, **changes):
    data = {"name": officer.name, "role": "officer", "scope": "kecamatan", "kecamatan": ["32.75.01"], "active": "y"}
    data.update(changes)
    return post(client, f"/petugas/admin/akun/{officer.id}", {k: v for k, v in data.items() if v is not None})


def test_turning_off_or_moving_an_officer_who_holds_open_work_is_refused_with_where_to_reassign(client):
    admin = account("admin", totp=True)
    sign_in(client, admin)
    officer, held, _, found = holding_officer()

    for response in (edit(client, officer, active=None), edit(client, officer, kecamatan=["32.75.02"])):
        assert response.status_code == 400
        box = parse(response).select_one("#masih-memegang")
        assert "masih memegang 2 pengaduan dan 1 permintaan bantuan" in box.get_text(" ", strip=True)
        links = [a["href"] for a in box.select("a")]
        assert f"/petugas/pengaduan?ditugaskan={officer.id}&status=terbuka" in links
        assert f"/petugas/bantuan?petugas={officer.id}" in links
    db.session.refresh(officer)
    assert officer.active and officer.kecamatan_codes == ["32.75.01"]

    queue = parse(client.get(f"/petugas/pengaduan?ditugaskan={officer.id}&status=terbuka"))
    assert {a.get_text(strip=True) for a in queue.select("#antrean tbody td:first-child a")} == {
        case.reference for case in held
    }
    help_queue = parse(client.get(f"/petugas/bantuan?petugas={officer.id}"))
    assert [a.get_text(strip=True) for a in help_queue.select("#antrean-bantuan tbody td:first-child a")] == [
        found.reference
    ]
    # a wider scope loses nothing: allowed
    assert edit(client, officer, kecamatan=["32.75.01", "32.75.02"]).status_code == 303


def test_an_officers_open_work_can_go_back_to_the_supervisors_queue(client):
    admin = account("admin", totp=True)
    sign_in(client, admin)
    officer, held, closed, found = holding_officer()
    response = edit(client, officer, active=None, release="y")
    assert response.status_code == 303
    told = [n.get_text(strip=True) for n in parse(client.get(response.headers["Location"])).select(".notice")]
    assert any("2 pengaduan dan 1 permintaan bantuan dikembalikan ke antrean supervisor" in t for t in told)
    db.session.refresh(officer)
    assert not officer.active
    for item in (*held, found):
        db.session.refresh(item)
        assert item.assigned_to_id is None
        note = item.events[-1]
        assert not note.public and "Andi Petugas dinonaktifkan atau wilayahnya diubah" in note.message
    assert held[0].events[-1].kind is EventKind.CATATAN
    db.session.refresh(closed)
    assert closed.assigned_to_id == officer.id  # a closed case is history, not work
    rows = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "kembalikan_ke_antrean")).all()
    assert sorted((r.object_type, r.account_id) for r in rows) == [
        ("assistance", admin.id),
        ("complaint", admin.id),
        ("complaint", admin.id),
    ]


def test_the_cli_refuses_too_and_hands_back_to_the_queue_on_request(app):
    officer, held, _, found = holding_officer()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["users", "deactivate", officer.email])
    assert refused.exit_code != 0 and "masih memegang 2 pengaduan dan 1 permintaan bantuan" in refused.output
    assert "--serahkan-ke-antrean" in refused.output
    db.session.refresh(officer)
    assert officer.active
    done = runner.invoke(args=["users", "deactivate", officer.email, "--serahkan-ke-antrean"])
    assert done.exit_code == 0, done.output
    assert "2 pengaduan dan 1 permintaan bantuan dikembalikan ke antrean supervisor" in done.output
    db.session.expire_all()
    assert not officer.active and all(case.assigned_to_id is None for case in held)
