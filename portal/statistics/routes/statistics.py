"""/statistik: program figures for everyone, and the same numbers as open data (JSON, CSV).

The figures are counted by the database, protected against small counts, and kept in each
worker and in the database for every worker (portal.statistics.routes.figures); the page and the
files say when they were counted.
"""

from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app, render_template, url_for
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from werkzeug.sansio.response import Response as SansioResponse

from portal.complaints.labels import category_label
from portal.complaints.services.indicators import MIN_FOR_RATE
from portal.statistics import export as stats_export
from portal.statistics.labels import column_label, column_short, month_label, row_label, table_title
from portal.statistics.routes import bp
from portal.statistics.routes import charts as svg_charts
from portal.statistics.routes.figures import current_figures
from portal.statistics.services.figures import MONTHLY_PREMIUM
from portal.statistics.services.tables import COMPLAINTS, PARTICIPANTS, TREND, PublicFigures, hidden_cells
from portal.web.settings import program_rules

DATA_MAX_AGE = 60


def number(value) -> str:
    """A published value for people: 11.666, 95,5, "<5", "*", or "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return format_decimal(value, "#,##0.#")
    return format_decimal(value, "#,##0")


def _charts(public: PublicFigures) -> dict[str, svg_charts.Progress | svg_charts.Bars | svg_charts.Columns]:
    f = public.figures
    participants, complaints = public.tables[PARTICIPANTS], public.tables[COMPLAINTS]
    table_note = _("Angka lengkap ada di tabel di bawahnya. Angka yang disembunyikan tidak digambar.")
    charts: dict[str, svg_charts.Progress | svg_charts.Bars | svg_charts.Columns] = {
        "quota": svg_charts.progress(
            "grafik-kuota",
            f.active if public.active_published else None,
            f.quota,
            title=_("Kuota terpakai"),
            description=_(
                "%(active)s peserta aktif dari kuota %(quota)s.", active=number(public.active), quota=number(f.quota)
            ),
        ),
        "kecamatan": svg_charts.bars(
            "grafik-kecamatan",
            [(row_label(PARTICIPANTS, key), participants.row_total(i)) for i, key in enumerate(participants.row_keys)],
            title=table_title(PARTICIPANTS),
            description=table_note,
            formatter=number,
        ),
        "kategori": svg_charts.bars(
            "grafik-kategori",
            [(category_label(key), complaints.row_total(i)) for i, key in enumerate(complaints.row_keys)],
            title=table_title(COMPLAINTS),
            description=table_note,
            formatter=number,
        ),
    }
    if TREND in public.tables:
        trend = public.tables[TREND]
        charts["tren"] = svg_charts.columns(
            "grafik-tren",
            [(month_label(key, short=True), cells) for key, cells, _t in trend.rows()],
            [column_label(k) for k in trend.col_keys],
            title=table_title(TREND),
            description=table_note,
        )
    return charts


@bp.get("/statistik")
def show_statistics():
    public = current_figures()
    return render_template(
        "statistics/statistik.html",
        public=public,
        f=public.figures,
        charts=_charts(public),
        n=number,
        row_label=row_label,
        column_label=column_label,
        column_short=column_short,
        table_title=table_title,
        month_label=month_label,
        hidden_cells=hidden_cells,
        premium=MONTHLY_PREMIUM,
        minimum=MIN_FOR_RATE,
        computed_at=format_datetime(public.figures.computed_at, "d MMMM y, HH.mm"),
        note=stats_export.suppression_note(),
        downloads=stats_export.DOWNLOADS,
        verify_days=program_rules().SLA_VERIFY_DAYS,
        title=_("Statistik program"),
    )


def _open_data_headers(response: SansioResponse, public: PublicFigures) -> SansioResponse:
    response.headers["Cache-Control"] = f"public, max-age={DATA_MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.last_modified = public.figures.computed_at
    return response


def _links() -> dict[str, str]:
    links = {
        "halaman": url_for("statistics.show_statistics", _external=True),
        "json": url_for("statistics.download_data", _external=True),
    }
    for name in stats_export.DOWNLOADS:
        links[f"csv_{name.replace('-', '_')}"] = url_for("statistics.download_table", name=name, _external=True)
    links["open311"] = url_for("statistics.list_requests", _external=True)
    links["openapi"] = url_for("statistics.show_openapi", _external=True)
    return links


@bp.get("/statistik/data.json")
def download_data():
    public = current_figures()
    return _open_data_headers(current_app.json.response(stats_export.open_data(public, links=_links())), public)


@bp.get("/statistik/<name>.csv")
def download_table(name: str):
    if name not in stats_export.DOWNLOADS:
        abort(404)
    public = current_figures()
    if name != stats_export.SUMMARY and name not in public.tables:
        abort(404)  # e.g. the monthly table before the first complaint
    header, rows = stats_export.download_rows(public, name)
    out = io.StringIO()
    out.write("\ufeff")  # the UTF-8 byte order mark: Excel reads "Pondok Melati – …" and "Rp" right
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    # A file to save (and open in a spreadsheet), not text shown in the browser tab.
    response.headers["Content-Disposition"] = f'attachment; filename="sigap-{name}.csv"'
    return _open_data_headers(response, public)
