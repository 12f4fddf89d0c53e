"""/petugas/sla: late and soon-due open cases per officer and per kecamatan, for supervisors."""

from datetime import timedelta

from portal.core.base import utcnow
from portal.core.workdays import local_date
from portal.extensions import db
from portal.models import ComplaintStatus
from tests.factories import account, complaint, sign_in
from tests.helpers import parse


def table(response, heading: str) -> dict[str, list[str]]:
    page = parse(response)
    found = page.find("h2", string=heading).find_next("table")
    return {
        tr.th.get_text(" ", strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in found.select("tbody tr")
        if tr.th
    }


def late(**overrides):
    case, _ = complaint(now=utcnow() - timedelta(days=40), **overrides)
    return case


def test_breaches_and_due_soon_per_officer_and_kecamatan(client):
    supervisor = account("supervisor")
    rina = account(kecamatan=["32.75.02"])
    rina.name = "Rina"
    a = late(kelurahan_code="32.75.02.1001")
    b = late(kelurahan_code="32.75.02.1001")
    late(kelurahan_code="32.75.01.1001")
    waiting = late(kelurahan_code="32.75.01.1001")
    closed = late(kelurahan_code="32.75.01.1001")
    soon, _ = complaint(kelurahan_code="32.75.03.1001")
    fresh, _ = complaint(kelurahan_code="32.75.03.1001")
    a.assigned_to_id = b.assigned_to_id = soon.assigned_to_id = rina.id
    waiting.status = ComplaintStatus.MENUNGGU_INFORMASI  # the clock is stopped: not late
    closed.status = ComplaintStatus.SELESAI
    today = local_date(utcnow())
    soon.verify_due = soon.resolve_due = today
    db.session.commit()
    sign_in(client, supervisor)
    response = client.get("/petugas/sla")
    assert response.status_code == 200
    officers = table(response, "Per petugas")
    assert officers["Rina"] == ["2", "1", "3"]
    assert officers["Belum ditugaskan"] == ["1", "0", "3"]
    kecamatan = table(response, "Per kecamatan")
    assert kecamatan["Bekasi Barat"] == ["2", "0", "2"]
    assert kecamatan["Bekasi Timur"] == ["1", "0", "2"]
    assert kecamatan["Bekasi Utara"] == ["0", "1", "2"]
    assert kecamatan["Jatiasih"] == ["0", "0", "0"]
    assert list(kecamatan)[:2] == ["Bekasi Barat", "Bekasi Timur"]  # most breaches first
    totals = parse(response).select_one(".status-counts").get_text(" ", strip=True)
    assert "Terlambat: 3" in totals and "Segera: 1" in totals and "Terbuka: 6" in totals
    assert fresh.reference  # open, neither late nor due soon


def queue_total(client, link: str) -> int:
    summary = parse(client.get(link)).select_one("#antrean > p").get_text(strip=True)
    return int(summary.split()[0])


def test_every_figure_opens_the_queue_with_exactly_its_cases(client):
    supervisor = account("supervisor")
    rina = account(kecamatan=["32.75.02"])
    rina.name = "Rina"
    a = late(kelurahan_code="32.75.02.1001")
    late(kelurahan_code="32.75.02.1001")
    late(kelurahan_code="32.75.01.1001")
    waiting = late(kelurahan_code="32.75.01.1001")
    closed = late(kelurahan_code="32.75.02.1001")
    soon, _ = complaint(kelurahan_code="32.75.03.1001")
    mine, _ = complaint(kelurahan_code="32.75.03.1001")
    a.assigned_to_id = soon.assigned_to_id = closed.assigned_to_id = rina.id
    mine.assigned_to_id = supervisor.id
    waiting.status = ComplaintStatus.MENUNGGU_INFORMASI
    closed.status = ComplaintStatus.SELESAI  # counted nowhere on this page, nor in the linked queues
    soon.verify_due = soon.resolve_due = local_date(utcnow())
    db.session.commit()
    sign_in(client, supervisor)
    page = parse(client.get("/petugas/sla"))
    links = page.select("main .status-counts a") + page.select("main table td a")
    assert len(links) == 3 + 6 + 6  # totals; per officer (Rina 3, unassigned 2, me 1); per kecamatan (2 each)
    for link in links:
        assert queue_total(client, link["href"]) == int(link.get_text(" ", strip=True).split()[-1]), link["href"]
    rina_row = page.find("th", string="Rina").parent.select("td a")
    assert [f"ditugaskan={rina.id}" in a["href"] for a in rina_row] == [True, True, True]
    assert [
        "terlambat=1" in rina_row[0]["href"],
        "segera=1" in rina_row[1]["href"],
        "status=terbuka" in rina_row[2]["href"],
    ] == [True, True, True]
    mine_row = page.find("th", string=lambda text: text and "(Anda)" in text).parent
    assert "ditugaskan=saya" in mine_row.select_one("td a")["href"]


def test_due_soon_follows_the_setting(client, app):
    app.config["SLA_DUE_SOON_DAYS"] = 5
    sign_in(client, account("supervisor"))
    intro = parse(client.get("/petugas/sla")).select_one("main p").get_text()
    assert "5 hari kerja lagi" in intro


def test_sla_is_for_supervisors(client):
    sign_in(client, account())
    assert client.get("/petugas/sla").status_code == 403
