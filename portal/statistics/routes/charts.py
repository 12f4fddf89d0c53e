"""Charts drawn on the server as inline SVG: no chart library, nothing to run in the browser.

Only presentation attributes (fill=, width=, font-size=): the CSP allows no inline style. A
hidden count ("<5" or "*") gets no bar at all, so its size cannot be measured off the picture;
a grey dot marks the place. Every chart has a title and a description and stands next to a
table with the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 320
BLUE = "#00558c"
ORANGE = "#a84f00"
GREY = "#b1b4b6"
TRACK = "#e8e8e8"
INK = "#1b1b1b"
FONT = 'font-family="system-ui, sans-serif"'


def _open(chart_id: str, height: int, title: str, description: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
    )


def _number(value) -> str:
    return escape(value) if isinstance(value, str) else f"{value:,}".replace(",", ".")


def progress(chart_id: str, value: int | None, maximum: int, *, title: str, description: str) -> Markup:
    """One bar: value out of maximum (nothing drawn when the value is hidden)."""
    parts = [_open(chart_id, 24, title, description), f'<rect x="0" y="2" width="{WIDTH}" height="20" fill="{TRACK}"/>']
    if value is not None and maximum > 0:
        filled = round(WIDTH * min(value, maximum) / maximum, 1)
        parts.append(f'<rect x="0" y="2" width="{filled}" height="20" fill="{BLUE}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text and label went through escape())


def bars(
    chart_id: str,
    items: Sequence[tuple[str, int | str]],
    *,
    title: str,
    description: str,
    label_width: int = 140,
    formatter=_number,
) -> Markup:
    """Horizontal bars, one per (label, value); a str value is a hidden count."""
    row = 22
    height = row * len(items) + 4
    numbers = [v for _l, v in items if not isinstance(v, str)]
    top = max(numbers, default=0) or 1
    room = WIDTH - label_width - 52
    parts = [_open(chart_id, height, title, description)]
    for k, (label, value) in enumerate(items):
        y = 2 + k * row
        text_y = y + 15
        parts.append(f'<text x="0" y="{text_y}" font-size="11" {FONT} fill="{INK}">{escape(_short(label))}</text>')
        if isinstance(value, str):
            parts.append(f'<circle cx="{label_width + 4}" cy="{y + 10}" r="3" fill="{GREY}"/>')
            end: float = label_width + 10
        else:
            length = round(room * value / top, 1) if value else 0
            parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="14" fill="{BLUE}"/>')
            end = label_width + length + 4
        parts.append(f'<text x="{end}" y="{text_y}" font-size="12" {FONT} fill="{INK}">{formatter(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text and label went through escape())


def columns(
    chart_id: str,
    groups: Sequence[tuple[str, Sequence[int | str]]],
    series: Sequence[str],
    *,
    title: str,
    description: str,
) -> Markup:
    """Grouped vertical bars (e.g. per month: filed and answered), with a legend."""
    height, legend, axis = 190, 22, 30
    plot = height - legend - axis
    colours = (BLUE, ORANGE)
    numbers = [v for _l, values in groups for v in values if not isinstance(v, str)]
    top = max(numbers, default=0) or 1
    n = max(1, len(groups))
    slot = (WIDTH - 34 - 14) / n  # room on the right for the last month's label
    bar = max(1.0, min(12.0, (slot - 2) / max(1, len(series))))
    every = max(1, round(n / 8))  # at most about 8 month labels on a phone
    parts = [_open(chart_id, height, title, description)]
    for k, name in enumerate(series):
        x: float = k * 150
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colours[k % 2]}"/>'
            f'<text x="{x + 16}" y="14" font-size="12" {FONT} fill="{INK}">{escape(name)}</text>'
        )
    base = legend + plot
    parts.append(f'<text x="0" y="{legend + 10}" font-size="10" {FONT} fill="{INK}">{_number(top)}</text>')
    parts.append(f'<line x1="34" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{GREY}" stroke-width="1"/>')
    for g, (label, values) in enumerate(groups):
        x0 = 34 + g * slot + (slot - bar * len(values)) / 2
        for k, value in enumerate(values):
            x = round(x0 + k * bar, 1)
            if isinstance(value, str):
                parts.append(f'<circle cx="{round(x + bar / 2, 1)}" cy="{base - 3}" r="2" fill="{GREY}"/>')
                continue
            h = round(plot * value / top, 1)
            parts.append(
                f'<rect x="{x}" y="{round(base - h, 1)}" width="{round(bar, 1)}" height="{h}" fill="{colours[k % 2]}"/>'
            )
        if g % every == 0:
            cx = round(34 + g * slot + slot / 2, 1)
            parts.append(
                f'<text x="{cx}" y="{base + 14}" font-size="10" text-anchor="middle" {FONT} '
                f'fill="{INK}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text and label went through escape())


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
