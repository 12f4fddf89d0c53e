"""The queue names SQLite's index for each shape of query (INDEXED BY): a named index that cannot
answer is an error, so every filter and combination runs here, for a supervisor and a scoped
officer, and must give the same page as the database planning on its own."""

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.complaints.services import queue, sla
from portal.core.base import utcnow
from portal.core.trail import Actor
from portal.core.workdays import WorkCalendar, local_date
from portal.extensions import db
from portal.models import ComplaintStatus
from tests.factories import account, complaint

SHAPES = [
    {},
    {"status": ComplaintStatus.DITERIMA},
    {"open_only": True},
    {"overdue": True},
    {"due_soon": True},
    {"category": "terlewat"},
    {"kecamatan": "32.75.02"},
    {"assigned": "saya"},
    {"assigned": "belum"},
    {"assigned_to": "other"},
    {"confidential": True},
    {"q": "siti"},
    {"q": "siti aminah"},
    {"q": "SGP"},
]


def _filters(shape: dict, other_id: int) -> queue.QueueFilters:
    values = {key: (other_id if value == "other" else value) for key, value in shape.items()}
    if "category" in values:
        from portal.models import ComplaintCategory

        values["category"] = ComplaintCategory(values["category"])
    return queue.QueueFilters(**values)


@pytest.fixture
def cases():
    other = account()
    for n, (days_ago, status, kelurahan) in enumerate(
        itertools.product(
            (0, 3, 40),
            (ComplaintStatus.DITERIMA, ComplaintStatus.DIRUJUK, ComplaintStatus.SELESAI),
            ("32.75.01.1001", "32.75.02.1001"),
        )
    ):
        case, _ = complaint(
            now=utcnow() - timedelta(days=days_ago),
            kelurahan_code=kelurahan,
            subject_name="Siti Aminah" if n % 2 else "Budi Santoso",
            confidential=n % 3 == 0,
        )
        case.status = status
        case.assigned_to_id = other.id if n % 4 == 0 else None
    db.session.commit()
    return other


def _page(viewer, filters):
    today = local_date(utcnow())
    page = queue.load_queue(
        session=db.session,
        viewer=viewer,
        filters=filters,
        today=today,
        due_soon_by=WorkCalendar().add_working_days(today, 2),
        who=Actor(account_id=None),
        page_size=5,
    )
    return page.total, page.counts, [row.reference for row in page.rows]


@pytest.mark.parametrize("role", ["supervisor", "officer"])
def test_every_filter_and_pair_of_filters_answers_like_the_planner(app, cases, role, monkeypatch):
    viewer = account(role, kecamatan=["32.75.02"] if role == "officer" else ())
    shapes = SHAPES + [a | b for a, b in itertools.combinations(SHAPES[1:], 2) if not set(a) & set(b)]
    hinted = {i: _page(viewer, _filters(shape, cases.id)) for i, shape in enumerate(shapes)}
    monkeypatch.setattr(queue, "indexed_by", lambda query, entity, index: query)
    for i, shape in enumerate(shapes):
        assert hinted[i] == _page(viewer, _filters(shape, cases.id)), shape
    assert any(total for total, _counts, _rows in hinted.values())


@pytest.mark.parametrize(
    ("shape", "counted_from", "rows_from"),
    [
        ({}, "ix_complaint_status", "ix_complaint_resolve_due"),
        ({"overdue": True}, "ix_complaint_queue", "ix_complaint_open_due"),
        ({"due_soon": True, "kecamatan": "32.75.02"}, "ix_complaint_queue", "ix_complaint_open_due"),
        ({"assigned": "belum"}, "ix_complaint_assigned_due", "ix_complaint_assigned_due"),
        ({"category": "terlewat"}, "ix_complaint_queue", "ix_complaint_category_due"),
    ],
    ids=["all", "overdue", "due-soon-kecamatan", "unassigned", "category"],
)
def test_sqlite_reads_the_named_indexes(app, cases, shape, counted_from, rows_from):
    statements = []

    def capture(conn, cursor, statement, params, context, executemany):
        statements.append((statement, params))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        _page(account("supervisor"), _filters(shape, cases.id))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    if db.engine.dialect.name != "sqlite":  # PostgreSQL plans with its own statistics: no hint
        assert statements and not any("INDEXED BY" in sql for sql, _params in statements)
        return
    reads = [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]
    reads = [(sql, params) for sql, params in reads if "FROM complaint" in sql]  # not the audit row's
    counted, rows = (sql for sql, _params in reads[-2:])
    assert f"INDEXED BY {counted_from}" in counted and f"INDEXED BY {rows_from}" in rows  # the hints, rendered
    plans = [
        " ".join(row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
        for sql, params in reads[-2:]
    ]
    assert counted_from in plans[0] and "COVERING INDEX" in plans[0]
    assert rows_from in plans[1] and "TEMP B-TREE FOR ORDER BY" not in plans[1]


def test_the_sla_counts_read_the_queue_index(app, cases):
    today = local_date(utcnow())
    report = sla.sla_report(
        session=db.session,
        viewer=account("supervisor"),
        today=today,
        due_soon_by=WorkCalendar().add_working_days(today, 2),
    )
    assert report.total.open == 12 and report.total.overdue == 4
