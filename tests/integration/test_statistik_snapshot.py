"""/statistik keeps its last figures in the database (stats_snapshot) for every worker; the task
queue, not the web worker, counts them again.

A worker is a new app (a new process-level cache) on the same database. Planted figures (777
active participants) differ from what counting the dataset gives (31), so a page that shows them
was not counted. The queue here has no consumer (`unconsumed_queue_url`): what a request asks of
it waits until the test runs it (`queued.run()`), as a consumer would.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from babel.dates import format_datetime

from portal.complaints.services.indicators import Indicators
from portal.core.base import utcnow
from portal.extensions import db
from portal.models import StatsSnapshot
from portal.statistics.services import snapshot as stats_snapshot
from portal.statistics.services.figures import AssistanceFigures, Budget, ProgramFigures
from portal.statistics.services.tables import build_tables
from tests.helpers import parse
from tests.helpers.statistics import build_dataset, html_grid

JAKARTA = ZoneInfo("Asia/Jakarta")
ASKED = ["refresh_figures_now"]


@pytest.fixture
def app_config(unconsumed_queue_url):
    return {
        "PROGRAM_QUOTA": 40,
        "PROGRAM_BUDGET": 10_000_000,
        "PROGRAM_BUDGET_YEAR": 2026,
        "STATS_CACHE_SECONDS": 60,
        "TASK_QUEUE_URL": unconsumed_queue_url,
    }


def planted(computed_at: datetime, active: int = 777):
    """Figures nobody counted: `active` participants in Bekasi Timur, nothing else."""
    women = active // 3
    return build_tables(
        ProgramFigures(
            computed_at=computed_at,
            data_date=date(2026, 9, 30),
            quota=40,
            active=active,
            waiting=0,
            in_process=0,
            participants={("32.75.01", "L"): active - women, ("32.75.01", "P"): women},
            budget=Budget(budget=10_000_000, year=2026, committed_total=0, committed_in_year=0),
            complaints={},
            appeals_pending=0,
            appeals_decided=0,
            indicators=Indicators.from_sums([0] * 7, None),
            trend=[],
            nonpublic_until=None,
            assistance=AssistanceFigures(requests=0, contacted_on_time_percent=None),
        )
    )


def plant(computed_at: datetime, active: int = 777) -> None:
    assert stats_snapshot.store(session=db.session, public=planted(computed_at, active))
    db.session.commit()


def stored() -> StatsSnapshot | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(StatsSnapshot))


def counted_at(page) -> str:
    return " ".join(page.select_one("p.small").get_text(" ").split())


def shown_as(moment: datetime) -> str:
    return "Dihitung pada " + format_datetime(moment, "d MMMM y, HH.mm", tzinfo=JAKARTA, locale="id") + " WIB."


def active_of(client) -> int:
    return client.get("/statistik/data.json").get_json()["ringkasan"]["peserta_aktif"]


def test_a_new_worker_serves_the_stored_figures_without_counting(new_worker, queued):
    build_dataset()  # counting would give 31
    moment = utcnow() - timedelta(seconds=10)
    plant(moment)
    worker = new_worker()
    page = parse(worker.get("/statistik"))
    assert "777 peserta aktif dari kuota 40" in " ".join(page.get_text(" ").split())
    assert counted_at(page).startswith(shown_as(moment))
    assert html_grid(page, "tabel-kecamatan")[-1][-1] == 777
    data = worker.get("/statistik/data.json")
    assert data.get_json()["ringkasan"]["peserta_aktif"] == 777
    assert data.get_json()["dihitung_pada"] == moment.astimezone(JAKARTA).isoformat(timespec="seconds")
    assert data.last_modified == moment.replace(microsecond=0)
    csv_lines = worker.get("/statistik/peserta-kecamatan.csv").get_data().decode("utf-8-sig").splitlines()
    assert csv_lines[-1].split(",")[csv_lines[0].split(",").index("jumlah")] == "777"
    assert queued.names() == []  # fresh figures: nothing to recount
    assert stored().computed_at == moment


def test_a_stale_snapshot_is_served_at_once_and_the_queue_counts_again(new_worker, queued):
    build_dataset()
    old = utcnow() - timedelta(hours=2)
    plant(old)
    worker = new_worker()
    threads = own_threads()
    page = parse(worker.get("/statistik"))
    assert "777 peserta aktif" in page.get_text(" ") and counted_at(page).startswith(shown_as(old))
    assert active_of(worker) == 777 and queued.names() == ASKED  # one ask, however many requests
    assert own_threads() == threads  # the web worker started no thread
    assert stored().computed_at == old  # nor counted
    before = utcnow()
    assert queued.run() == 1  # a consumer counts and stores
    snapshot = stored()
    assert snapshot.computed_at >= before
    assert active_of(worker) == 777  # this worker reads the database again only after 60 s
    assert active_of(new_worker()) == 31 and queued.names() == []  # a new worker takes the new figures
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=True):
        recounted = parse(worker.get("/statistik"))
    assert "31 peserta aktif" in recounted.get_text(" ") and counted_at(recounted).startswith(
        shown_as(snapshot.computed_at)
    )


def test_the_queued_refresh_skips_the_count_when_figures_are_fresh(new_worker, queued):
    """Several workers may ask at once: the first run counts, the others find fresh figures."""
    build_dataset()
    plant(utcnow() - timedelta(hours=2))
    for _ in range(3):
        assert active_of(new_worker()) == 777
    assert queued.names() == ASKED * 3
    assert queued.run(limit=1) == 1
    counted = stored().computed_at
    assert stats_snapshot.load(session=db.session).figures.active == 31
    assert queued.run() == 2
    assert stored().computed_at == counted  # the later runs did not count again


def test_a_queue_that_is_down_still_serves_the_stale_figures(new_worker, caplog):
    """Nothing listens on port 9: the refresh is not queued, the page is served all the same."""
    build_dataset()
    old = utcnow() - timedelta(hours=2)
    plant(old)
    worker = new_worker(TASK_QUEUE_URL="redis://127.0.0.1:9/0")
    with caplog.at_level(logging.ERROR, logger="portal.tasks"):
        page = worker.get("/statistik")
    assert page.status_code == 200 and "777 peserta aktif" in parse(page).get_text(" ")
    assert "not queued" in caplog.text  # logged by enqueue, not raised
    assert stored().computed_at == old


def test_without_a_snapshot_the_first_request_counts_and_stores_it(new_worker, queued):
    build_dataset()
    assert stored() is None
    worker = new_worker()
    first = worker.get("/statistik/data.json").get_json()
    assert first["ringkasan"]["peserta_aktif"] == 31
    snapshot = stored()
    assert snapshot.computed_at.astimezone(JAKARTA).isoformat(timespec="seconds") == first["dihitung_pada"]
    assert stats_snapshot.load(session=db.session).tables["peserta-kecamatan"].cells.values[-1][-1] == 31
    older = planted(snapshot.computed_at - timedelta(seconds=1))  # a slower count that started before
    assert not stats_snapshot.store(session=db.session, public=older)
    db.session.commit()
    assert stored().computed_at == snapshot.computed_at
    assert active_of(new_worker()) == 31 and queued.names() == []


def test_a_newer_count_replaces_the_snapshot_and_an_older_one_does_not(app):
    now = utcnow()
    assert stats_snapshot.store(session=db.session, public=planted(now, 100))
    assert not stats_snapshot.store(session=db.session, public=planted(now - timedelta(seconds=5), 200))
    assert not stats_snapshot.store(session=db.session, public=planted(now, 300))
    assert stats_snapshot.store(session=db.session, public=planted(now + timedelta(seconds=5), 400))
    db.session.commit()
    assert stats_snapshot.load(session=db.session).figures.active == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatsSnapshot)) == 1


@pytest.mark.parametrize("payload", ['{"figures": {}, "tables": []}', "not json", '{"figures": 1}'])
def test_unreadable_snapshot_is_counted_again_and_replaced(new_worker, queued, payload):
    build_dataset()
    db.session.add(StatsSnapshot(key=stats_snapshot.KEY, computed_at=utcnow() - timedelta(seconds=5), payload=payload))
    db.session.commit()
    assert active_of(new_worker()) == 31
    assert stats_snapshot.load(session=db.session).figures.active == 31 and queued.names() == []


def test_payload_and_computed_at_must_agree(app):
    plant(utcnow())
    db.session.execute(sa.update(StatsSnapshot).values(computed_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    assert stats_snapshot.load(session=db.session) is None


def test_zero_seconds_counts_every_request_and_stores_nothing(app, client):
    app.config["STATS_CACHE_SECONDS"] = 0
    build_dataset()
    moment = utcnow() - timedelta(seconds=5)
    plant(moment)
    assert active_of(client) == 31 and active_of(client) == 31
    assert stored().computed_at == moment


def test_flask_stats_refresh_counts_and_stores_for_every_worker(app, new_worker, queued):
    build_dataset()
    plant(utcnow() - timedelta(seconds=30))
    result = app.test_cli_runner().invoke(args=["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Statistik dihitung pada ") and "disimpan" in result.output
    assert stats_snapshot.load(session=db.session).figures.active == 31
    assert active_of(new_worker()) == 31 and queued.names() == []


def test_stored_time_is_utc_on_every_backend(app):
    moment = datetime(2026, 11, 21, 23, 59, 59, 123456, tzinfo=UTC)
    plant(moment)
    assert stored().computed_at == moment and stored().computed_at.utcoffset() == timedelta(0)


def own_threads() -> set[threading.Thread]:
    """This process's threads but for the browser tests' live servers (they serve requests of
    their own in threads that come and go in the same test process)."""
    return {thread for thread in threading.enumerate() if not thread.name.startswith("e2e")}
