"""The open data of /statistik: the same protected numbers as the page, as JSON and CSV rows.

Hidden counts keep their markers ("<5", "*") as strings in JSON. In CSV a column holds numbers
only: a hidden count is empty there, and its marker is in the column's `_tanda` companion, so a
spreadsheet sums the column. A figure that is not available or has too few cases to publish is
null in JSON and empty in CSV. docs/open-data.md documents it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from portal.complaints.services.indicators import MIN_FOR_RATE
from portal.core.workdays import JAKARTA
from portal.statistics.labels import column_label, row_label, table_title
from portal.statistics.services.figures import MONTHLY_PREMIUM
from portal.statistics.services.suppression import PRIMARY_MARK, SECONDARY_MARK, THRESHOLD
from portal.statistics.services.tables import (
    APPEALS,
    TABLE_NAMES,
    TOTAL_KEY,
    PublicFigures,
    PublicTable,
)

SUMMARY = "ringkasan"
DOWNLOADS = (SUMMARY, *TABLE_NAMES)


def summary_rows(public: PublicFigures) -> list[tuple[str, str, object]]:
    """(key, label, value) for every headline figure, in page order."""
    f, ind = public.figures, public.figures.indicators
    money = public.active_published  # premiums are a multiple of the participants: hidden with them
    appeals = public.tables[APPEALS]
    assistance = f.assistance
    return [
        ("kuota", _("Kuota peserta"), f.quota),
        ("peserta_aktif", _("Peserta aktif"), public.active),
        ("persen_kuota_terpakai", _("Kuota terpakai (%)"), public.quota_percent),
        ("daftar_tunggu", _("Daftar tunggu"), public.standalone(f.waiting)),
        ("sedang_didaftarkan", _("Sedang didaftarkan"), public.standalone(f.in_process)),
        ("iuran_per_orang_per_bulan", _("Iuran per orang per bulan (Rp)"), MONTHLY_PREMIUM),
        ("tahun_anggaran", _("Tahun anggaran"), f.budget.year),
        ("pagu_anggaran", _("Pagu anggaran iuran (Rp)"), f.budget.budget),
        (
            "komitmen_iuran_tahun_anggaran",
            _("Iuran peserta aktif dalam tahun anggaran (Rp)"),
            f.budget.committed_in_year if money else None,
        ),
        ("persen_pagu", _("Bagian pagu yang terpakai (%)"), f.budget.percent_of_budget if money else None),
        (
            "komitmen_iuran_seluruh_masa",
            _("Iuran peserta aktif selama seluruh masa kepesertaan (Rp)"),
            f.budget.committed_total if money else None,
        ),
        ("pengaduan", _("Pengaduan diterima"), public.complaints_total),
        ("persen_diperiksa_tepat_waktu", _("Diperiksa dalam batas waktu (%)"), ind.verified.percent),
        ("persen_dijawab_tepat_waktu", _("Dijawab dalam batas waktu (%)"), ind.answered.percent),
        ("median_hari_kerja_menjawab", _("Median hari kerja sampai dijawab"), ind.median_days),
        ("banding", _("Banding diajukan"), appeals.col_total(0)),
        ("permintaan_bantuan", _("Permintaan bantuan"), public.standalone(assistance.requests) if assistance else None),
        (
            "persen_bantuan_dihubungi_tepat_waktu",
            _("Permintaan bantuan dihubungi tepat waktu (%)"),
            assistance.contacted_on_time_percent if assistance else None,
        ),
    ]


def table_rows(table: PublicTable) -> tuple[list[str], list[list[object]]]:
    """CSV header and rows of one table: kode, nama, one column per key, jumlah; a total row."""
    header = ["kode", "nama", *table.col_keys] + ([TOTAL_KEY] if table.cells.row_totals else [])
    rows: list[list[object]] = []
    for key, cells, total in table.rows():
        rows.append([key, row_label(table.name, key), *cells] + ([total] if table.cells.row_totals else []))
    totals = table.totals()
    if totals is not None:
        columns, grand = totals
        rows.append([TOTAL_KEY, _("Jumlah"), *columns] + ([grand] if table.cells.row_totals else []))
    return header, rows


MARK_SUFFIX = "_tanda"


def _number_and_mark(value: object) -> tuple[object, str]:
    """A published value as CSV cells: (the number or "", the marker "<5" / "*" or "")."""
    if value is None:
        return "", ""
    if isinstance(value, str) and value in (PRIMARY_MARK, SECONDARY_MARK):
        return "", value
    return value, ""


def about_rows(public: PublicFigures) -> list[tuple[str, str, object]]:
    """What the page says of its figures and data.json holds beside "ringkasan": when they were
    counted, the data's date, the batches of non-public complaints, the small-count rule."""
    f = public.figures
    return [
        ("dihitung_pada", _("Dihitung pada (WIB)"), f.computed_at.astimezone(JAKARTA).isoformat(timespec="seconds")),
        ("tanggal_data_roster", _("Data peserta dari roster per"), f.data_date.isoformat() if f.data_date else None),
        (
            "pengaduan_rahasia_dihitung_sampai",
            _("Pengaduan rahasia dan laporan pungli dihitung sampai bulan"),
            f.nonpublic_until,
        ),
        ("ambang_angka_kecil", _("Angka di bawah ini disembunyikan"), THRESHOLD),
        ("tanda_kurang_dari_5", _("Tanda untuk angka 0 sampai 4"), PRIMARY_MARK),
        ("tanda_disembunyikan", _("Tanda untuk angka yang ikut disembunyikan (5 atau lebih)"), SECONDARY_MARK),
        (
            "minimal_kasus_untuk_persen_dan_median",
            _("Pengaduan paling sedikit untuk persentase dan median"),
            MIN_FOR_RATE,
        ),
    ]


def download_rows(public: PublicFigures, name: str) -> tuple[list[str], list[list[object]]]:
    """CSV header and rows: numbers alone in their columns, each marker in a `_tanda` column."""
    if name == SUMMARY:
        rows: list[list[object]] = [[k, label, *_number_and_mark(v)] for k, label, v in summary_rows(public)]
        rows += [[k, label, "" if v is None else v, ""] for k, label, v in about_rows(public)]
        return ["kode", "nama", "nilai", "nilai" + MARK_SUFFIX], rows
    if name not in public.tables:
        return ["kode", "nama"], []
    header, table = table_rows(public.tables[name])
    values = header[2:]
    out: list[list[object]] = []
    for row in table:
        cells = [_number_and_mark(v) for v in row[2:]]
        out.append([row[0], row[1], *(number for number, _mark in cells), *(mark for _number, mark in cells)])
    return [*header[:2], *values, *(key + MARK_SUFFIX for key in values)], out


def _table_json(table: PublicTable) -> dict[str, object]:
    columns = [{"kode": key, "nama": column_label(key)} for key in table.col_keys]
    rows = [
        {
            "kode": key,
            "nama": row_label(table.name, key),
            "nilai": cells,
            **({"jumlah": total} if table.cells.row_totals else {}),
        }
        for key, cells, total in table.rows()
    ]
    data: dict[str, object] = {"judul": table_title(table.name), "kolom": columns, "baris": rows}
    totals = table.totals()
    if totals is not None:
        data["jumlah"] = {"nilai": totals[0], **({"jumlah": totals[1]} if table.cells.row_totals else {})}
    return data


def open_data(public: PublicFigures, *, links: dict[str, str]) -> dict[str, object]:
    f = public.figures
    return {
        "judul": _("Statistik program SIGAP Kota Bekasi"),
        "dihitung_pada": f.computed_at.astimezone(JAKARTA).isoformat(timespec="seconds"),
        "tanggal_data_roster": f.data_date.isoformat() if f.data_date else None,
        "pengaduan_rahasia_dihitung_sampai": f.nonpublic_until,
        "aturan_angka_kecil": {
            "ambang": THRESHOLD,
            "tanda_kurang_dari_5": PRIMARY_MARK,
            "tanda_disembunyikan": SECONDARY_MARK,
            "minimal_kasus_untuk_persen_dan_median": MIN_FOR_RATE,
            "keterangan": suppression_note(),
        },
        "ringkasan": {key: value for key, _label, value in summary_rows(public)},
        "tabel": {name: _table_json(public.tables[name]) for name in TABLE_NAMES if name in public.tables},
        "tautan": links,
    }


def suppression_note() -> str:
    return _(
        "Angka 0 sampai 4 ditampilkan sebagai “<5”. Supaya angka kecil itu tidak bisa dihitung dari "
        "jumlah baris atau kolom, angka lain di baris atau kolom yang sama (yang terkecil lebih dulu) "
        "ikut disembunyikan dan ditandai “*” (artinya 5 atau lebih). Persentase dan median hanya "
        "ditampilkan bila dihitung dari sedikitnya %(minimum)d pengaduan.",
        minimum=MIN_FOR_RATE,
    )
