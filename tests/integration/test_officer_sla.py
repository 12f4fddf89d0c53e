"""/petugas/sla: late and soon-due open cases per officer and per kecamatan, for supervisors."""
from datetime import timedelta

from portal.extensions import db
from portal.models import ComplaintStatus
from portal.models.base import utcnow
from portal.services.workdays import local_date
from tests.conftest import parse
from tests.factories import account, complaint, sign_in


def table(response, heading: str) -> dict[str, list[str]]:
    page = parse(response)
    found = page.find("h2", string=heading).find_next("table")
    return {tr.th.get_text(" ", strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in found.select("tbody tr") if tr.th}  # fmt: skip


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


def test_links_open_the_queue_with_the_matching_filters(client):
    supervisor = account("supervisor")
    late(kelurahan_code="32.75.02.1001")
    late(kelurahan_code="32.75.02.1001")
    late(kelurahan_code="32.75.01.1001")
    sign_in(client, supervisor)
    page = parse(client.get("/petugas/sla"))
    row = page.find("th", string="Bekasi Barat").parent
    link = row.select("td a")[0]["href"]
    assert "terlambat=1" in link and "kecamatan=32.75.02" in link
    queue = parse(client.get(link))
    assert len(queue.select("#antrean tbody tr.row-late")) == 2
    unassigned = page.find("th", string="Belum ditugaskan").parent.select("td a")[0]["href"]
    assert "ditugaskan=belum" in unassigned and "terlambat=1" in unassigned
    assert len(parse(client.get(unassigned)).select("#antrean tbody tr.row-late")) == 3


def test_sla_is_for_supervisors(client):
    sign_in(client, account())
    assert client.get("/petugas/sla").status_code == 403
