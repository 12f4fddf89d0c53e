"""Charts drawn on the server as inline SVG: no chart library, nothing to run in the browser.

Here only the geometry is computed (coordinates, lengths, heights) and the texts to write; the
SVG itself is the autoescaped macro in templates/statistics/_charts.html. Only presentation
attributes (fill=, width=, font-size=): the CSP allows no inline style. A hidden count ("<5" or
"*") gets no bar at all, so its size cannot be measured off the picture; a grey dot marks the
place. Every chart has a title and a description and stands next to a table with the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

WIDTH = 320
# Text sizes in viewBox units. The chart is drawn 320 units wide and shown from a 360 px phone
# (about 1 unit = 1 px) up to 24rem, so labels are 14 px or more on a phone, never 11.
TEXT = 14
SMALL_TEXT = 13
BLUE = "#00558c"
ORANGE = "#a84f00"
GREY = "#b1b4b6"

Value = int | str  # a str is a hidden count ("<5", "*")
Formatter = Callable[[Value], str]


def _number(value: Value) -> str:
    return value if isinstance(value, str) else f"{value:,}".replace(",", ".")


@dataclass(frozen=True, slots=True)
class Progress:
    """One bar: value out of maximum; `filled` is None when the value is hidden."""

    chart_id: str
    title: str
    description: str
    filled: float | None
    height: int = 24
    kind: Literal["progress"] = "progress"


@dataclass(frozen=True, slots=True)
class BarRow:
    label: str
    text: str
    y: int  # the label's baseline: each label stands on its own line, above its bar
    bar_y: int
    text_y: int  # the value's baseline, after the bar
    length: float | None  # None: hidden, a dot instead of a bar
    end: float  # where the value is written


@dataclass(frozen=True, slots=True)
class Bars:
    chart_id: str
    title: str
    description: str
    height: int
    rows: tuple[BarRow, ...]
    text_size: int = TEXT
    kind: Literal["bars"] = "bars"


@dataclass(frozen=True, slots=True)
class Mark:
    """A column (`height` set) or, for a hidden count, a dot at (x, y)."""

    x: float
    y: float
    colour: str
    width: float = 0
    height: float | None = None


@dataclass(frozen=True, slots=True)
class Group:
    marks: tuple[Mark, ...]
    label: str | None  # only every few months have one, to fit a phone
    label_x: float


@dataclass(frozen=True, slots=True)
class LegendEntry:
    x: int
    colour: str
    name: str


@dataclass(frozen=True, slots=True)
class Columns:
    chart_id: str
    title: str
    description: str
    height: int
    legend: tuple[LegendEntry, ...]
    top_text: str
    top_y: int
    base: int
    groups: tuple[Group, ...]
    text_size: int = TEXT
    small_text_size: int = SMALL_TEXT
    kind: Literal["columns"] = "columns"


def progress(chart_id: str, value: int | None, maximum: int, *, title: str, description: str) -> Progress:
    filled = round(WIDTH * min(value, maximum) / maximum, 1) if value is not None and maximum > 0 else None
    return Progress(chart_id=chart_id, title=title, description=description, filled=filled)


def bars(
    chart_id: str,
    items: Sequence[tuple[str, Value]],
    *,
    title: str,
    description: str,
    formatter: Formatter = _number,
) -> Bars:
    """Horizontal bars, one per (label, value), each label on its own line above its bar: the bar
    gets the whole width, and a long category name needs no shrinking on a phone."""
    row, bar_height = 42, 16
    numbers = [v for _l, v in items if not isinstance(v, str)]
    top = max(numbers, default=0) or 1
    room = WIDTH - 60  # the value is written after the longest bar
    rows = []
    for k, (label, value) in enumerate(items):
        y = 2 + k * row
        bar_y = y + 20
        length: float | None
        end: float
        if isinstance(value, str):
            length, end = None, 12
        else:
            length = round(room * value / top, 1) if value else 0
            end = length + 4
        rows.append(BarRow(_short(label), formatter(value), y + TEXT, bar_y, bar_y + bar_height - 3, length, end))
    return Bars(chart_id, title, description, row * len(items) + 4, tuple(rows))


def columns(
    chart_id: str,
    groups: Sequence[tuple[str, Sequence[Value]]],
    series: Sequence[str],
    *,
    title: str,
    description: str,
) -> Columns:
    """Grouped vertical bars (e.g. per month: filed and answered), with a legend."""
    height, legend, axis = 200, 26, 32
    plot = height - legend - axis
    colours = (BLUE, ORANGE)
    numbers = [v for _l, values in groups for v in values if not isinstance(v, str)]
    top = max(numbers, default=0) or 1
    n = max(1, len(groups))
    slot = (WIDTH - 34 - 14) / n  # room on the right for the last month's label
    bar = max(1.0, min(12.0, (slot - 2) / max(1, len(series))))
    every = max(1, round(n / 6))  # at most about 6 month labels ("Mar 26" at 13 units) on a phone
    base = legend + plot
    drawn = []
    for g, (label, values) in enumerate(groups):
        x0 = 34 + g * slot + (slot - bar * len(values)) / 2
        marks = []
        for k, value in enumerate(values):
            x = round(x0 + k * bar, 1)
            if isinstance(value, str):
                marks.append(Mark(x=round(x + bar / 2, 1), y=base - 3, colour=GREY))
                continue
            h = round(plot * value / top, 1)
            marks.append(Mark(x=x, y=round(base - h, 1), colour=colours[k % 2], width=round(bar, 1), height=h))
        label_x = round(34 + g * slot + slot / 2, 1)
        drawn.append(Group(tuple(marks), label if g % every == 0 else None, label_x))
    return Columns(
        chart_id=chart_id,
        title=title,
        description=description,
        height=height,
        legend=tuple(LegendEntry(k * 150, colours[k % 2], name) for k, name in enumerate(series)),
        top_text=_number(top),
        top_y=legend + SMALL_TEXT,
        base=base,
        groups=tuple(drawn),
    )


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
