"""Queue filters: due soon, every open status, one officer's cases (supervisors), each as a whole
page and as the htmx fragment, with the form and the links keeping the URL's filters."""

from datetime import timedelta

import pytest

from portal.core.base import utcnow
from portal.core.workdays import WorkCalendar, local_date
from portal.extensions import db
from portal.models import ComplaintStatus
from tests.factories import account, complaint, sign_in
from tests.helpers import parse

HTMX = {"HX-Request": "true"}


def references(response) -> list[str]:
    return [a.get_text(strip=True) for a in parse(response).select("#antrean tbody td:first-child a")]


def due_in(working_days: int, **overrides):
    """An open complaint to be answered `working_days` working days from today (0: today)."""
    case, _ = complaint(**overrides)
    today = local_date(utcnow())
    case.resolve_due = WorkCalendar().add_working_days(today, working_days)
    case.verify_due = today
    db.session.commit()
    return case


def late():
    case, _ = complaint(now=utcnow() - timedelta(days=40))
    return case


@pytest.fixture
def soon_and_others():
    soon = due_in(1)
    today = due_in(0)
    later = due_in(10)
    waiting = due_in(1)
    waiting.status = ComplaintStatus.MENUNGGU_INFORMASI  # the clock is stopped
    closed = due_in(1)
    closed.status = ComplaintStatus.SELESAI
    db.session.commit()
    return {"soon": [today.reference, soon.reference], "later": later, "late": late()}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_due_soon_lists_open_cases_due_within_two_working_days(client, soon_and_others, headers):
    sign_in(client, account("supervisor"))
    response = client.get("/petugas/pengaduan?segera=1", headers=headers)
    assert references(response) == soon_and_others["soon"]
    assert all("row-soon" in tr["class"] for tr in parse(response).select("#antrean tbody tr"))
    page = parse(response)
    if headers:
        assert page.select_one("html") is None and page.select_one("section#antrean")
    else:
        assert page.select_one("form.filters input#segera[name=segera][value='1']").has_attr("checked")
        assert "dalam 2 hari kerja" in page.select_one("label[for=segera]").get_text()


def test_how_soon_is_a_setting(client, app, soon_and_others):
    app.config["SLA_DUE_SOON_DAYS"] = 10
    sign_in(client, account("officer"))
    response = client.get("/petugas/pengaduan?segera=1")
    assert set(references(response)) == {*soon_and_others["soon"], soon_and_others["later"].reference}
    assert "dalam 10 hari kerja" in parse(response).select_one("label[for=segera]").get_text()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_every_open_status(client, headers):
    open_case = due_in(5)
    waiting = due_in(5)
    waiting.status = ComplaintStatus.MENUNGGU_INFORMASI
    closed = due_in(5)
    closed.status = ComplaintStatus.DITOLAK
    db.session.commit()
    sign_in(client, account("supervisor"))
    response = client.get("/petugas/pengaduan?status=terbuka", headers=headers)
    assert sorted(references(response)) == sorted([open_case.reference, waiting.reference])
    page = parse(response)
    assert "2 pengaduan" in page.select_one("#antrean > p").get_text()
    counts = [li.get_text(" ", strip=True) for li in page.select(".status-counts li")]
    # Only the open statuses: a closed count beside "2 pengaduan" would contradict the list.
    assert sorted(counts) == ["Diterima: 1", "Menunggu informasi dari warga: 1"]
    if not headers:
        assert page.select_one("select#status option[selected]")["value"] == "terbuka"


@pytest.fixture
def assigned_cases():
    rina, budi = account(), account()
    rina.name, budi.name = "Rina", "Budi"
    gone = account()
    gone.name, gone.active = "Lama", False
    cases = {who: due_in(3) for who in ("rina", "budi", "gone", "nobody")}
    cases["rina"].assigned_to_id, cases["budi"].assigned_to_id = rina.id, budi.id
    cases["gone"].assigned_to_id = gone.id
    db.session.commit()
    return {"rina": rina, "gone": gone, "cases": cases}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_supervisors_filter_by_officer(client, assigned_cases, headers):
    sign_in(client, account("supervisor"))
    rina, gone, cases = assigned_cases["rina"], assigned_cases["gone"], assigned_cases["cases"]
    response = client.get(f"/petugas/pengaduan?ditugaskan={rina.id}", headers=headers)
    assert references(response) == [cases["rina"].reference]
    gone_response = client.get(f"/petugas/pengaduan?ditugaskan={gone.id}", headers=headers)
    assert references(gone_response) == [cases["gone"].reference]
    if not headers:
        select = parse(response).select_one("form.filters select#ditugaskan")
        assert select.select_one("option[selected]")["value"] == str(rina.id)
        officers = {o.get_text(strip=True): o["value"] for o in select.select("optgroup option")}
        assert officers["Rina"] == str(rina.id) and officers["Lama (nonaktif)"] == str(gone.id)
        assert list(officers).index("Lama (nonaktif)") == len(officers) - 1  # active accounts first


def test_officers_cannot_filter_by_another_officer(client, assigned_cases):
    sign_in(client, account())
    rina = assigned_cases["rina"]
    response = client.get(f"/petugas/pengaduan?ditugaskan={rina.id}")
    assert len(references(response)) == 4  # ignored, like any unknown value
    select = parse(response).select_one("form.filters select#ditugaskan")
    assert select.select("optgroup") == [] and select.select_one("option[selected]") is None


def test_new_filters_are_in_the_live_form_and_the_links(client, assigned_cases):
    for _ in range(26):
        due_in(1, subject_nik=None, category="informasi")
    sign_in(client, account("supervisor"))
    page = parse(client.get("/petugas/pengaduan"))
    form = page.select_one("form.filters")
    assert form["hx-push-url"] == "true" and "input[type=checkbox]" in form["hx-trigger"]
    assert form.select_one("input#segera")["name"] == "segera"
    assert form.select_one("select#status option[value=terbuka]") is not None
    filtered = parse(client.get("/petugas/pengaduan?segera=1&status=terbuka&kategori=informasi"))
    following = filtered.select_one(".pagination a[rel=next]")["href"]
    assert "segera=1" in following and "status=terbuka" in following and "hal=2" in following
    status_link = filtered.select_one(".status-counts a")["href"]
    assert "segera=1" in status_link and "kategori=informasi" in status_link


@pytest.mark.parametrize(
    "role, scope, expected",
    [
        ("officer", ("32.75.01",), ["32.75.01"]),
        ("officer", (), "all"),
        ("supervisor", ("32.75.01",), "all"),
    ],
)
def test_the_kecamatan_filter_offers_only_the_accounts_scope(client, role, scope, expected):
    sign_in(client, account(role, kecamatan=scope))
    options = [o["value"] for o in parse(client.get("/petugas/pengaduan")).select("#kecamatan option") if o["value"]]
    assert options == expected if expected != "all" else len(options) == 12
