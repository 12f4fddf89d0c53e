"""The figures of /statistik as JSON and back (portal.statistics.services.codec), without a database.

Any figures build_tables can make come back equal, field for field and type for type; text of
another shape is refused rather than half read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.services.indicators import Indicators, Rate
from portal.statistics.services import codec as stats_codec
from portal.statistics.services.codec import SnapshotFormatError
from portal.statistics.services.figures import AssistanceFigures, Budget, ProgramFigures
from portal.statistics.services.suppression import Mark
from portal.statistics.services.tables import PublicFigures, build_tables

counts = st.integers(min_value=0, max_value=3000)
kecamatan = st.sampled_from(["32.75.01", "32.75.02", "32.75.07", "32.75.12", "32.75.99"])
months = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 1)).map(lambda d: d.strftime("%Y-%m"))
maybe_percent = st.none() | st.integers(min_value=0, max_value=100).map(float)


@st.composite
def program_figures(draw) -> ProgramFigures:
    trend_months = sorted(draw(st.sets(months, max_size=14)))
    return ProgramFigures(
        computed_at=draw(
            st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
        ),
        data_date=draw(st.none() | st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 1, 1))),
        quota=draw(counts),
        active=draw(counts),
        waiting=draw(counts),
        in_process=draw(counts),
        participants=draw(st.dictionaries(st.tuples(kecamatan, st.sampled_from(["L", "P"])), counts)),
        budget=Budget(
            budget=draw(st.integers(0, 10**10)),
            year=draw(st.integers(2025, 2030)),
            committed_total=draw(st.integers(0, 10**10)),
            committed_in_year=draw(st.integers(0, 10**10)),
        ),
        complaints=draw(
            st.dictionaries(
                st.tuples(
                    st.sampled_from([c.value for c in ComplaintCategory]),
                    st.sampled_from([s.value for s in ComplaintStatus]),
                ),
                counts,
            )
        ),
        appeals_pending=draw(counts),
        appeals_decided=draw(counts),
        indicators=Indicators(
            verified=Rate(draw(counts), draw(counts)),
            answered=Rate(draw(counts), draw(counts)),
            median_days=draw(st.none() | st.integers(0, 60).map(lambda n: n / 2)),
            answered_count=draw(counts),
            appealed=draw(counts),
        ),
        trend=[(m, draw(counts), draw(counts)) for m in trend_months],
        nonpublic_until=draw(st.none() | months),
        assistance=draw(
            st.none() | st.builds(AssistanceFigures, requests=counts, contacted_on_time_percent=maybe_percent)
        ),
    )


def _same_types(a, b) -> bool:
    """Equal is not enough (12 == 12.0 == True): the same type all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        pairs = zip(a, b, strict=True) if len(a) == len(b) else None
        return pairs is not None and all(_same_types(k, j) and _same_types(a[k], b[j]) for k, j in pairs)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dataclass_fields__"):
        return all(_same_types(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    return a == b


@settings(max_examples=60, deadline=None)
@given(program_figures())
def test_any_figures_come_back_the_same(figures):
    public = build_tables(figures)
    again = PublicFigures.from_json(public.to_json())
    assert again == public and _same_types(again, public)
    assert again.to_json() == public.to_json()


def test_hidden_cells_and_the_kinds_of_values_survive():
    figures = ProgramFigures(
        computed_at=datetime(2026, 11, 21, 5, 6, 7, 890123, tzinfo=UTC),
        data_date=date(2026, 10, 15),
        quota=40,
        active=31,
        waiting=6,
        in_process=2,
        participants={("32.75.01", "L"): 12, ("32.75.01", "P"): 7, ("32.75.02", "L"): 3, ("32.75.02", "P"): 9},
        budget=Budget(budget=10_000_000, year=2026, committed_total=7_224_000, committed_in_year=6_216_000),
        complaints={("terlewat", "selesai"): 15, ("pungli", "diterima"): 3},
        appeals_pending=1,
        appeals_decided=0,
        indicators=Indicators(
            verified=Rate(19, 27), answered=Rate(12, 27), median_days=12.5, answered_count=24, appealed=1
        ),
        trend=[("2026-02", 24, 0), ("2026-03", 1, 24)],
        nonpublic_until="2026-04",
        assistance=AssistanceFigures(requests=28, contacted_on_time_percent=60.0),
    )
    public = build_tables(figures)
    again = PublicFigures.from_json(public.to_json())
    assert again == public and _same_types(again, public)
    table = again.tables["peserta-kecamatan"]
    assert {m for row in table.cells.marks for m in row} == {Mark.SHOWN, Mark.PRIMARY, Mark.SECONDARY}
    assert [table.row_total(i) for i in range(2)] == [19, "*"] and table.col_total(0) == 15
    assert again.figures.indicators.median_days == 12.5 and type(again.figures.quota) is int
    assert again.computed_at == figures.computed_at and again.computed_at.utcoffset() == timedelta(0)
    data = json.loads(public.to_json())
    assert data["figures"]["participants"][0] == [["32.75.01", "L"], 12]  # tuple keys as pairs
    assert data["tables"][0][1]["cells"]["marks"][2] == ["primary", "primary", "primary"]


def _sample() -> dict:
    public = build_tables(
        ProgramFigures(
            computed_at=datetime(2026, 11, 21, tzinfo=UTC),
            data_date=None,
            quota=1,
            active=0,
            waiting=0,
            in_process=0,
            participants={},
            budget=Budget(0, 2026, 0, 0),
            complaints={},
            appeals_pending=0,
            appeals_decided=0,
            indicators=Indicators.from_sums([0] * 7, None),
            trend=[],
            nonpublic_until=None,
            assistance=None,
        )
    )
    return json.loads(public.to_json())


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["figures"].pop("quota"),  # a field the reader expects is missing
        lambda d: d["figures"].update(bonus=1),  # a field the reader does not know
        lambda d: d["figures"].update(quota="40"),  # text for a number
        lambda d: d["figures"].update(quota=True),  # JSON true is no count
        lambda d: d["figures"].update(quota=None),  # null where a value is required
        lambda d: d["figures"].update(computed_at="2026-11-21T00:00:00"),  # no UTC offset
        lambda d: d["figures"].update(data_date="21/11/2026"),
        lambda d: d["figures"]["budget"].update(year=2026.0),
        lambda d: d["tables"][0][1]["cells"]["marks"][0].__setitem__(0, "hidden"),  # no such mark
        lambda d: d["figures"].update(participants={"32.75.01": 3}),  # an object where pairs are stored
        lambda d: d["figures"].update(trend=[["2026-01", 1]]),  # a tuple of the wrong length
        lambda d: d.update(tables={}),
    ],
)
def test_text_of_another_shape_is_refused(change):
    data = _sample()
    change(data)
    with pytest.raises(SnapshotFormatError):
        PublicFigures.from_json(json.dumps(data))


def test_not_json_is_refused():
    with pytest.raises(SnapshotFormatError):
        PublicFigures.from_json("{'pickle': no}")


def test_values_that_do_not_fit_their_declaration_are_not_written():
    @dataclass(frozen=True)
    class Odd:
        when: datetime
        either: int | str

    with pytest.raises(TypeError):
        stats_codec.dumps(Odd(when=datetime(2026, 1, 1), either=1))  # a naive datetime
    with pytest.raises(TypeError):
        stats_codec.dumps(Odd(when=datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=7))), either=1))
