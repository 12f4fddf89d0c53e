"""/statistik against Open311: a reader who lists every public complaint through Open311 and
counts them by hand must learn nothing about the complaints Open311 leaves out (confidential
ones, misconduct reports) by subtracting that count from the published figures, neither how
many there are when they are few, nor when one came in (by watching the figures change).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.core.workdays import JAKARTA
from portal.extensions import db
from portal.statistics.services.figures import NONPUBLIC_BATCH, nonpublic_cutoff
from tests.helpers import parse
from tests.helpers.statistics import build_dataset, dated_complaint, html_grid


@pytest.fixture
def app_config():
    return {"PROGRAM_QUOTA": 40, "PROGRAM_BUDGET": 10_000_000, "PROGRAM_BUDGET_YEAR": 2026, "STATS_CACHE_SECONDS": 0}


def listed_by_hand(client) -> list[dict]:
    """Every request Open311 gives, page by page, as a civic dashboard would collect them."""
    found, page = [], 1
    while True:
        batch = client.get(f"/open311/v2/requests.json?start_date=1900-01-01&page_size=10&page={page}").get_json()
        found += batch
        if len(batch) < 10:
            return found
        page += 1


def _figures(client) -> dict:
    data = client.get("/statistik/data.json").get_json()
    data.pop("dihitung_pada")
    return data


def test_subtracting_what_open311_lists_leaves_nothing_small(client):
    build_dataset()
    listed = listed_by_hand(client)
    assert len(listed) == 27
    page = parse(client.get("/statistik"))
    total = html_grid(page, "tabel-kategori")[-1][-1]
    rest = total - len(listed)
    assert rest == 0 or rest >= NONPUBLIC_BATCH  # here 5: the 3 pungli and the 2 confidential
    # the monthly table counts exactly what Open311 lists: nothing to subtract month by month
    per_month = Counter(datetime.fromisoformat(r["requested_datetime"]).strftime("%Y-%m") for r in listed)
    trend = html_grid(page, "tabel-tren")
    table = client.get("/statistik/data.json").get_json()["tabel"]["pengaduan-bulanan"]
    months = [row["kode"] for row in table["baris"]]
    for month, row in zip(months, trend, strict=False):
        shown, truth = row[0], per_month.get(month, 0)
        assert shown == truth or shown == "<5" and truth < 5 or shown == "*" and truth >= 5, month
    assert trend[-1][0] == len(listed)


def test_a_few_non_public_complaints_are_not_counted_yet(client):
    """3 misconduct reports only (fewer than a batch): the figures equal Open311's list."""
    march = dict(
        created=datetime(2026, 3, 2, 2, tzinfo=UTC), verify_due=date(2026, 3, 5), resolve_due=date(2026, 3, 20)
    )
    db.session.add_all(
        [dated_complaint("terlewat", "diterima", **march) for _ in range(8)]
        + [dated_complaint("pungli", "diterima", confidential=True, **march) for _ in range(3)]
    )
    db.session.commit()
    data = client.get("/statistik/data.json").get_json()
    assert data["ringkasan"]["pengaduan"] == 8 == len(listed_by_hand(client))
    assert data["pengaduan_rahasia_dihitung_sampai"] is None
    pungli = next(r for r in data["tabel"]["pengaduan-kategori"]["baris"] if r["kode"] == "pungli")
    assert pungli["nilai"] == ["<5"] * 4


def test_a_confidential_report_filed_now_changes_no_figure(client):
    """Watching the page: a misconduct report filed today must not show up as a change (it would
    tell when it came in); it is counted after its month ends, with at least 4 others."""
    build_dataset()
    before = _figures(client)
    now = datetime.now(UTC)
    db.session.add_all(
        [
            dated_complaint(
                "pungli",
                "diterima",
                created=now - timedelta(minutes=1),
                verify_due=date(2030, 1, 1),
                resolve_due=date(2030, 1, 20),
                confidential=True,
            )
            for _ in range(6)
        ]
    )
    db.session.commit()
    assert _figures(client) == before
    assert before["pengaduan_rahasia_dihitung_sampai"] == "2026-04"
    page = parse(client.get("/statistik"))
    assert "sampai April 2026" in page.select_one("#pengaduan").find_next("p", class_="small").get_text()


def test_last_months_reports_enter_together_once_the_month_is_over(client):
    now = datetime.now(JAKARTA)
    last_month = (now.replace(day=1) - timedelta(days=1)).replace(hour=10, tzinfo=JAKARTA)
    db.session.add_all(
        [
            dated_complaint(
                "terlewat", "diterima", created=last_month, verify_due=date(2030, 1, 1), resolve_due=date(2030, 1, 20)
            )
            for _ in range(10)
        ]
    )
    db.session.add_all(
        [
            dated_complaint(
                "pungli",
                "diterima",
                created=last_month,
                verify_due=date(2030, 1, 1),
                resolve_due=date(2030, 1, 20),
                confidential=True,
            )
            for _ in range(5)
        ]
    )
    db.session.commit()
    data = client.get("/statistik/data.json").get_json()
    assert data["ringkasan"]["pengaduan"] == 15
    assert data["pengaduan_rahasia_dihitung_sampai"] == last_month.strftime("%Y-%m")
    assert data["tabel"]["pengaduan-bulanan"]["jumlah"]["nilai"][0] == 10


@pytest.mark.parametrize(
    ("per_month", "cutoff"),
    [
        ({}, None),
        ({"2026-01": 4}, None),
        ({"2026-01": 4, "2026-02": 1}, "2026-02"),
        ({"2026-01": 5, "2026-02": 2, "2026-03": 2}, "2026-01"),  # the 4 after it wait for more
        ({"2026-01": 2, "2026-02": 7, "2026-03": 9}, "2026-03"),
        ({"2026-01": 6, "2026-11": 9}, "2026-01"),  # the running month never counts
    ],
)
def test_nonpublic_cutoff(per_month, cutoff):
    assert nonpublic_cutoff(per_month, "2026-11") == cutoff
