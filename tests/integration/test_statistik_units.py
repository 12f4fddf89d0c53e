"""The small pieces behind /statistik, without a database: premium months, the median in
working days from grouped dates, the cache, the charts."""
from __future__ import annotations

from datetime import date

from portal.services.stats import TtlCache, _premium_months
from portal.services.stats_sql import Rate, weighted_median_days
from portal.services.workdays import WorkCalendar
from portal.web import svg_charts


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


def test_cache_keeps_a_value_for_its_time():
    now = [0.0]
    cache = TtlCache(60, clock=lambda: now[0])
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cache.get("k", compute) == 1
    now[0] = 59
    assert cache.get("k", compute) == 1
    now[0] = 61
    assert cache.get("k", compute) == 2
    cache.clear()
    assert cache.get("k", compute) == 3
    assert TtlCache(0).get("k", compute) == 4 and len(calls) == 4


def test_stale_figures_are_served_while_one_background_refresh_counts():
    now, spawned, counted = [0.0], [], []
    cache = TtlCache(60, clock=lambda: now[0], spawn=spawned.append)

    def compute():
        counted.append(1)
        return len(counted)

    assert cache.get("k", compute) == 1 and spawned == []  # nothing yet: counted inline
    now[0] = 61
    assert cache.get("k", compute) == 1 and cache.get("k", compute) == 1  # stale, no waiting
    assert len(spawned) == 1 and len(counted) == 1  # one refresh asked for, not yet run
    spawned[0]()
    assert cache.get("k", compute) == 2 and len(counted) == 2  # refreshed
    now[0] = 200
    cache.get("k", lambda: 1 / 0)
    spawned[1]()  # a failing refresh keeps the old figures and lets a later request try again
    assert cache.get("k", compute) == 2 and len(spawned) == 3


def test_hidden_counts_get_no_bar_and_labels_are_escaped():
    chart = str(svg_charts.bars("c", [("<b>A</b>", 10), ("B", "<5"), ("C", "*")], title="T", description="D"))
    assert chart.count("<rect") == 1 and chart.count("<circle") == 2
    assert "<b>" not in chart and "&lt;b&gt;" in chart and "&lt;5" in chart
    assert "style=" not in chart and 'role="img"' in chart
    columns = str(svg_charts.columns("t", [("Jan", [5, "<5"]), ("Feb", ["*", 7])], ["a", "b"], title="T",
                                     description="D"))  # fmt: skip
    assert columns.count("<circle") == 2 and "style=" not in columns
