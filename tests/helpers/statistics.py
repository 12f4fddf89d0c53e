"""A dataset with known answers for /statistik, its open data and reports, and how to read the tables."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from portal.core.base import utcnow
from portal.extensions import db
from portal.models import Complaint, Person, PersonStatus, Sex
from tests.factories import add_people, assistance_request

TIMUR, BARAT = "32.75.01", "32.75.02"


_nik = iter(range(10**6))


def roster_person(kelurahan, sex, status="aktif", mulai=date(2025, 11, 1), data_date=date(2026, 10, 1)):
    active = status == "aktif"
    return Person(
        nik=f"3275014{next(_nik):09d}",
        nama="Rahasia Sekali",
        tanggal_lahir=date(1980, 1, 1),
        jenis_kelamin=Sex(sex),
        kelurahan_code=kelurahan,
        status=PersonStatus(status),
        kpj="25000000001" if active else None,
        mulai=mulai if active else None,
        selesai=date(2026, 12, 31) if active else None,
        tanggal_data=data_date,
    )


_ref = iter(range(1, 10**6))


def dated_complaint(
    category,
    status,
    *,
    created,
    verify_due,
    resolve_due,
    verified=None,
    resolved=None,
    confidential=False,
    appealed=False,
    kelurahan="32.75.01.1001",
):
    return Complaint(
        reference=f"SGP-2026-{next(_ref):06d}",
        access_code_hash="x",
        category=category,
        status=status,
        confidential=confidential,
        subject_nik="3275010101800001",
        subject_name="Nama Pelapor Rahasia",
        kelurahan_code=kelurahan,
        filer_relation="sendiri",
        phone="+6281299998888",
        contact_channel="whatsapp",
        email="rahasia@contoh.test",
        description="Cerita pribadi pelapor",
        created_at=created,
        updated_at=created,
        verify_due=verify_due,
        resolve_due=resolve_due,
        verified_at=verified,
        resolved_at=resolved,
        appealed=appealed,
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def build_dataset():
    people = (
        [roster_person("32.75.01.1001", "L") for _ in range(8)]
        + [roster_person("32.75.01.1002", "L") for _ in range(4)]
        + [roster_person("32.75.01.1001", "P") for _ in range(6)]
        + [roster_person("32.75.01.1003", "P", data_date=date(2026, 10, 15))]
        + [roster_person("32.75.02.1001", "L") for _ in range(3)]
        + [roster_person("32.75.02.1002", "P") for _ in range(8)]
        + [roster_person("32.75.02.1002", "P", mulai=date(2026, 3, 15))]
        + [roster_person("32.75.05.1001", "L", "daftar_tunggu") for _ in range(6)]
        + [roster_person("32.75.05.1001", "P", "proses") for _ in range(2)]
        + [roster_person("32.75.05.1001", "P", "nonaktif")]
    )
    feb = dict(created=utc(2026, 2, 2, 2), verify_due=date(2026, 2, 5), resolve_due=date(2026, 2, 20))
    verified = [utc(2026, 2, 4, 3)] * 19 + [utc(2026, 2, 5, 20)] + [utc(2026, 2, 9, 3)] * 4  # 20:00 UTC = next day WIB
    outcomes = (["selesai"] * 10 + ["ditolak"] * 2) + (["selesai"] * 5 + ["ditolak"] * 6 + ["banding"])
    answered = [utc(2026, 2, 13, 3)] * 12 + [utc(2026, 2, 25, 3)] * 12
    complaints = [
        dated_complaint("terlewat", status, verified=v, resolved=r, appealed=status == "banding", **feb)
        for v, r, status in zip(verified, answered, outcomes, strict=True)
    ]
    complaints += [
        dated_complaint(
            "pungli",
            "diterima",
            created=utc(2026, 3, 2, 2),
            verify_due=date(2026, 3, 5),
            resolve_due=date(2026, 3, 20),
            confidential=True,
        )
        for _ in range(3)
    ]
    complaints += [
        dated_complaint(
            "informasi",
            "ditutup",
            created=utc(2026, 4, 6, 2),
            verify_due=date(2026, 4, 9),
            resolve_due=date(2026, 4, 24),
        )
        for _ in range(2)
    ]
    complaints += [
        dated_complaint(
            "terlewat",
            "ditutup",
            created=utc(2026, 4, 7, 2),
            verify_due=date(2026, 4, 10),
            resolve_due=date(2026, 4, 27),
            confidential=True,
        )
        for _ in range(2)
    ]
    complaints += [
        dated_complaint(
            "data_salah",
            "menunggu_informasi",
            created=utc(2026, 5, 4, 2),
            verify_due=date(2026, 5, 7),
            resolve_due=date(2026, 5, 22),
        )
    ]
    add_people(people)
    db.session.add_all(complaints)
    db.session.commit()


def html_grid(page, table_id):
    """The published extended grid of one table, read from the page."""
    table = page.select_one(f"table#{table_id}")
    rows = table.select("tbody tr") + table.select("tfoot tr")
    return [[cell_number(td.get_text()) for td in row.select("td")] for row in rows]


def file_assistance_requests(count: int, *, days_ago: int, contacted_after_days: int | None = None) -> None:
    for _ in range(count):
        request, _code = assistance_request(now=utcnow() - timedelta(days=days_ago))
        if contacted_after_days is not None:
            request.contacted_at = request.created_at + timedelta(days=contacted_after_days)
    db.session.commit()


INF = 10**9


def _lines(height, width, rows, cols, row_totals, col_totals):
    """Each published sum as (cells that add up, the total cell), on the extended grid."""
    lines = []
    if row_totals:
        for i in range(height):
            lines.append(([(i, j) for j in range(cols)], (i, cols)))
    if col_totals:
        for j in range(width):
            lines.append(([(i, j) for i in range(rows)], (rows, j)))
    return lines


def recovered_cells(published, *, row_totals: bool, col_totals: bool) -> dict:
    """What a reader can compute from a published grid (numbers, "<5", "*"; totals in the last
    column and/or row): {cell: value} for every hidden cell pinned to one value, by repeated
    subtraction to a fixed point, or by the published equations alone (rank test)."""
    height, width = len(published), len(published[0])
    rows, cols = height - (1 if col_totals else 0), width - (1 if row_totals else 0)
    lines = _lines(height, width, rows, cols, row_totals, col_totals)
    bounds = {}
    for i, row in enumerate(published):
        for j, value in enumerate(row):
            bounds[(i, j)] = {"<5": (0, 4), "*": (5, INF)}.get(value, (value, value))
    changed = True
    while changed:
        changed = False
        for members, total in lines:
            for target in [total, *members]:
                others = [c for c in members if c != target]
                if target == total:
                    low = sum(bounds[c][0] for c in members)
                    high = sum(bounds[c][1] for c in members)
                else:
                    low = bounds[total][0] - sum(bounds[c][1] for c in others)
                    high = bounds[total][1] - sum(bounds[c][0] for c in others)
                new = (max(bounds[target][0], low), min(bounds[target][1], high))
                if new != bounds[target]:
                    bounds[target], changed = new, True
    hidden = [c for c, v in _cells(published) if isinstance(v, str)]
    found = {c: bounds[c][0] for c in hidden if bounds[c][0] == bounds[c][1]}
    found.update({c: None for c in determined_by_equations(published, lines) if c not in found})
    return found


def _cells(published):
    return [((i, j), v) for i, row in enumerate(published) for j, v in enumerate(row)]


def determined_by_equations(published, lines) -> set:
    """Hidden cells that are a linear combination of the published sums (rank test)."""
    hidden = [c for c, v in _cells(published) if isinstance(v, str)]
    index = {c: k for k, c in enumerate(hidden)}
    rows = []
    for members, total in lines:
        vector = [Fraction(0)] * len(hidden)
        for c in members:
            if c in index:
                vector[index[c]] += 1
        if total in index:
            vector[index[total]] -= 1
        if any(vector):
            rows.append(vector)
    basis = _row_reduce(rows)
    found = set()
    for cell, k in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[k] = Fraction(1)
        if len(_row_reduce(basis + [unit])) == len(basis):
            found.add(cell)
    return found


def _row_reduce(rows):
    rows = [list(r) for r in rows]
    basis, width = [], len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        pivot = [x / pivot[col] for x in pivot]
        rows = [[a - r[col] * b for a, b in zip(r, pivot, strict=True)] for r in rows]
        basis = [[a - r[col] * b for a, b in zip(r, pivot, strict=True)] for r in basis] + [pivot]
    return basis


def cell_number(text: str):
    text = text.strip()
    return text if text in ("<5", "*") else int(text.replace(".", "").replace(",", ""))
