"""The small pieces behind /statistik, without a database: premium months, the median in
working days from grouped dates, which figures a worker serves (memory, snapshot, count), the
charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from portal.complaints.services.indicators import Rate, weighted_median_days
from portal.core.workdays import WorkCalendar
from portal.statistics.routes import charts as svg_charts
from portal.statistics.services.cache import SnapshotCache
from portal.statistics.services.figures import _premium_months


def test_premium_months_count_the_start_and_the_end_month():
    assert _premium_months(date(2025, 11, 1), date(2026, 12, 31)) == 14
    assert _premium_months(date(2025, 11, 1), date(2026, 12, 31), 2026) == 12
    assert _premium_months(date(2025, 11, 1), date(2026, 12, 31), 2025) == 2
    assert _premium_months(date(2026, 3, 15), date(2026, 12, 31), 2027) == 0


def test_median_in_working_days_from_groups():
    calendar = WorkCalendar()
    # Mon 2 Feb 2026 -> Fri 13 Feb: 9 working days; -> Wed 25 Feb: 15 (16-17 Feb are Imlek days off)
    pairs = [(date(2026, 2, 2), date(2026, 2, 13), 12), ("2026-02-02", "2026-02-25", 12)]
    assert weighted_median_days(pairs, calendar) == 12.0
    assert weighted_median_days(pairs[:1] + [(date(2026, 2, 2), date(2026, 2, 25), 13)], calendar) == 15.0
    assert weighted_median_days([(date(2026, 2, 2), date(2026, 2, 13), 19)], calendar) is None  # under 20
    assert weighted_median_days([(date(2026, 2, 2), date(2026, 2, 13), 1)], calendar, minimum=1) == 9.0


def test_rates_are_published_over_twenty_cases_only():
    assert Rate(on_time=19, total=27).percent == 70.0
    assert Rate(on_time=3, total=19).percent is None
    assert Rate(on_time=3, total=19).exact_percent == 15.8
    assert Rate(on_time=0, total=0).exact_percent is None


@dataclass(frozen=True)
class Figures:
    computed_at: datetime
    active: int


class Database:
    """What the cache is given: the shared snapshot (or none), counting (which stores), and the
    task queue, which records what it was asked and runs it when the test says so."""

    def __init__(self, clock, snapshot: Figures | None = None, truth: int = 31) -> None:
        self.clock, self.snapshot, self.truth = clock, snapshot, truth
        self.loads = self.counts = 0
        self.asked: list[str] = []

    def load(self):
        self.loads += 1
        return self.snapshot

    def count(self, keep: bool):
        self.counts += 1
        counted = Figures(self.clock(), self.truth)
        if keep and (self.snapshot is None or self.snapshot.computed_at < counted.computed_at):
            self.snapshot = counted
        return counted

    def ask_refresh(self) -> bool:
        self.asked.append("refresh_figures_now")
        return True

    def consume(self) -> None:
        """A consumer runs what was asked: a count, stored."""
        while self.asked:
            self.asked.pop()
            self.count(True)


T0 = datetime(2026, 11, 21, 5, 0, tzinfo=UTC)


def _worker(db: Database, now: list, seconds: int = 60, spread: float = 0.0, ask=None) -> SnapshotCache:
    return SnapshotCache(
        seconds,
        load=db.load,
        count=db.count,
        ask_refresh=ask or db.ask_refresh,
        clock=lambda: now[0],
        spread=spread,
    )


def test_a_new_database_is_counted_inline_once_and_stored():
    now = [T0]
    db = Database(lambda: now[0])
    cache = _worker(db, now)
    assert cache.get() == Figures(T0, 31) and db.snapshot == Figures(T0, 31) and db.counts == 1
    now[0] = T0 + timedelta(seconds=59)
    assert cache.get() == Figures(T0, 31) and (db.loads, db.counts, db.asked) == (1, 1, [])  # memory only


def test_a_new_worker_serves_the_snapshot_without_counting():
    now = [T0 + timedelta(seconds=30)]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    cache = _worker(db, now)
    assert cache.get() == Figures(T0, 777) and cache.get() == Figures(T0, 777)
    assert (db.loads, db.counts, db.asked) == (1, 0, [])  # one row read, no count, nothing asked


def test_a_stale_snapshot_is_served_at_once_and_a_recount_is_asked_of_the_queue():
    now = [T0 + timedelta(hours=2)]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    cache = _worker(db, now)
    assert cache.get() == Figures(T0, 777) and cache.get() == Figures(T0, 777)
    assert (db.loads, db.counts, db.asked) == (1, 0, ["refresh_figures_now"])  # one read, one ask, no count
    now[0] += timedelta(seconds=20)
    db.consume()  # a consumer counts and stores, 20 s later
    recounted = db.snapshot
    now[0] += timedelta(seconds=39)
    assert cache.get() == Figures(T0, 777) and db.loads == 1  # not read again before 60 s
    now[0] += timedelta(seconds=1)
    assert cache.get() == recounted and (db.loads, db.counts, db.asked) == (2, 1, [])  # fresh: nothing asked


def test_the_snapshot_is_read_at_most_once_per_period_while_the_queue_is_behind():
    now = [T0]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    cache = _worker(db, now)
    cache.get()
    for second in range(60, 300, 7):  # nobody consumes: the snapshot stays old
        now[0] = T0 + timedelta(seconds=second)
        assert cache.get() == Figures(T0, 777)
    # Read at 0 s (fresh), then at 60, 123, 186, 249 s: each read found it stale and asked once.
    assert (db.loads, db.counts, len(db.asked)) == (5, 0, 4)


def test_stale_memory_takes_what_the_queue_stored_without_asking():
    now = [T0]
    db = Database(lambda: now[0])
    cache = _worker(db, now)
    cache.get()
    now[0] = T0 + timedelta(seconds=70)
    db.snapshot = Figures(T0 + timedelta(seconds=65), 40)  # the periodic task counted 5 s ago
    assert cache.get() == Figures(T0 + timedelta(seconds=65), 40)
    assert (db.counts, db.asked) == (1, [])  # only the first count, nothing asked


def test_workers_holding_the_same_figures_do_not_all_read_and_ask_at_once():
    now = [T0]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    a, b = _worker(db, now, spread=1), _worker(db, now, spread=4)
    assert a.get() == b.get() == Figures(T0, 777) and db.loads == 2
    now[0] = T0 + timedelta(seconds=62)
    assert a.get() == b.get() == Figures(T0, 777) and (db.loads, len(db.asked)) == (3, 1)  # b not stale yet
    db.consume()
    now[0] = T0 + timedelta(seconds=65)
    assert a.get() == Figures(T0, 777)  # a read at 62 s: not again before 122 s
    assert b.get() == Figures(T0 + timedelta(seconds=62), 31)  # b's first read takes the new figures
    assert (db.loads, db.counts, db.asked) == (4, 1, [])


def test_a_queue_that_cannot_be_asked_still_serves_and_the_next_read_asks_again(caplog):
    now = [T0 + timedelta(hours=1)]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    cache = _worker(db, now, ask=lambda: 1 / 0)
    assert cache.get() == Figures(T0, 777) and db.counts == 0
    assert "statistics refresh not asked for" in caplog.text
    caplog.clear()
    now[0] += timedelta(seconds=60)
    assert cache.get() == Figures(T0, 777) and "statistics refresh not asked for" in caplog.text


def test_an_unreadable_snapshot_with_figures_in_memory_asks_the_queue_instead_of_counting():
    now = [T0]
    db = Database(lambda: now[0])
    cache = _worker(db, now)
    cache.get()
    db.snapshot = None  # unreadable (snapshot.load answers None)
    now[0] += timedelta(seconds=61)
    assert cache.get() == Figures(T0, 31) and (db.counts, db.asked) == (1, ["refresh_figures_now"])


def test_an_older_snapshot_never_replaces_newer_figures_in_memory():
    now = [T0]
    db = Database(lambda: now[0])
    cache = _worker(db, now)
    cache.get()
    now[0] += timedelta(seconds=61)
    db.snapshot = Figures(T0 - timedelta(seconds=5), 99)  # a slow count that started before
    assert cache.get() == Figures(T0, 31) and db.counts == 1 and len(db.asked) == 1


def test_clear_forgets_the_memory_copy_and_the_next_request_reads_at_once():
    now = [T0]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    cache = _worker(db, now)
    cache.get()
    db.snapshot = Figures(T0 + timedelta(seconds=1), 40)
    now[0] += timedelta(seconds=2)
    cache.clear()
    assert cache.kept is None and cache.get() == Figures(T0 + timedelta(seconds=1), 40) and db.loads == 2


def test_zero_seconds_counts_every_time_and_keeps_nothing():
    now = [T0]
    db = Database(lambda: now[0], snapshot=Figures(T0, 777))
    cache = _worker(db, now, seconds=0)
    assert cache.get() == Figures(T0, 31) and cache.get() == Figures(T0, 31)
    assert (db.loads, db.counts, db.snapshot, db.asked) == (0, 2, Figures(T0, 777), [])


def _svg(chart: svg_charts.Progress | svg_charts.Bars | svg_charts.Columns) -> str:
    """The chart as the page draws it: the autoescaped macro, rendered without an app."""
    from jinja2 import Environment, PackageLoader

    macros = Environment(loader=PackageLoader("portal"), autoescape=True).get_template("statistics/_charts.html")
    return str(macros.module.svg(chart))


def test_hidden_counts_get_no_bar_and_labels_are_escaped():
    chart = _svg(svg_charts.bars("c", [("<b>A</b>", 10), ("B", "<5"), ("C", "*")], title="T", description="D"))
    assert chart.count("<rect") == 1 and chart.count("<circle") == 2
    assert "<b>" not in chart and "&lt;b&gt;" in chart and "&lt;5" in chart
    assert "style=" not in chart and 'role="img"' in chart
    columns = _svg(
        svg_charts.columns("t", [("Jan", [5, "<5"]), ("Feb", ["*", 7])], ["a", "b"], title="T", description="D")
    )
    assert columns.count("<circle") == 2 and "style=" not in columns


def test_chart_labels_are_readable_on_a_phone_and_stand_above_their_bars():
    """Issue 18 point 13: labels were 10-11 units (about 11 px on a 360 px phone). Now every text is
    13 units or more, each bar label is on its own line above its bar (long category names whole),
    and the bar and the value come after it."""
    from bs4 import BeautifulSoup

    kecamatan = [("Layak, belum terdaftar", 19), ("Bekasi Barat", "*"), ("Medan Satria", 0)]
    bars = BeautifulSoup(_svg(svg_charts.bars("c", kecamatan, title="T", description="D")), "html.parser")
    texts = bars.find_all("text")
    assert [t.get_text() for t in texts] == ["Layak, belum terdaftar", "19", "Bekasi Barat", "*", "Medan Satria", "0"]
    assert all(int(t["font-size"]) >= 14 for t in texts)
    rects, dot = bars.find_all("rect"), bars.find("circle")
    label_ys = [float(t["y"]) for t in texts[::2]]
    assert float(rects[0]["y"]) > label_ys[0] and float(dot["cy"]) > label_ys[1] and float(rects[1]["y"]) > label_ys[2]
    assert label_ys[1] > float(rects[0]["y"]) + float(rects[0]["height"])  # the next label below the bar
    assert float(rects[0]["width"]) == 260.0 and float(rects[1]["width"]) == 0  # the whole width for the bars
    months = [("Jan", [5, "<5"]), ("Feb", ["*", 7])]
    columns = BeautifulSoup(
        _svg(svg_charts.columns("t", months, ["a", "b"], title="T", description="D")), "html.parser"
    )
    sizes = {t.get_text(): int(t["font-size"]) for t in columns.find_all("text")}
    assert sizes == {"a": 14, "b": 14, "7": 13, "Jan": 13, "Feb": 13}
    assert _svg(svg_charts.progress("q", 4000, 11666, title="T", description="D")) == (
        '<svg class="chart" viewBox="0 0 320 24" width="100%" role="img" aria-labelledby="q-t q-d" xmlns="http://www.w3.org/2000/svg">'
        '<title id="q-t">T</title><desc id="q-d">D</desc>'
        '<rect x="0" y="2" width="320" height="20" fill="#e8e8e8"/>'
        '<rect x="0" y="2" width="109.7" height="20" fill="#00558c"/></svg>'
    )
