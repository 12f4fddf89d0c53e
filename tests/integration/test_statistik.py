"""/statistik and its open data, checked against a dataset with known answers.

31 active participants (Bekasi Timur L 12 / P 7, Bekasi Barat L 3 / P 9; one of them covered
from March 2026 only), 6 on the waiting list, 2 being enrolled; 32 complaints (27 that Open311
lists, and 5 it does not: 3 misconduct reports in March and 2 confidential ones in April, which
together make the first whole batch of non-public complaints) whose timing gives 70% verified on
time (19 of 27), 44% answered on time (12 of 27) and a median of (9 + 15) / 2 = 12 working days.
Every published table is attacked by subtraction.
"""

from __future__ import annotations

import csv
import io

import pytest

from portal.statistics.routes.figures import CACHE
from tests.factories import add_people
from tests.helpers import parse
from tests.helpers.statistics import (
    build_dataset,
    cell_number,
    html_grid,
    recovered_cells,
    roster_person,
)

# The dataset has fixed dates (February to May 2026): the monthly trend runs up to this month.
pytestmark = pytest.mark.clock("2026-11-18T10:00:00+07:00")


@pytest.fixture
def app_config():
    return {"PROGRAM_QUOTA": 40, "PROGRAM_BUDGET": 10_000_000, "PROGRAM_BUDGET_YEAR": 2026, "STATS_CACHE_SECONDS": 0}


TABLES = {  # id on the page, csv name, row totals, column totals
    "tabel-kecamatan": ("peserta-kecamatan", True, True),
    "tabel-kategori": ("pengaduan-kategori", True, True),
    "tabel-banding": ("banding", False, True),
    "tabel-tren": ("pengaduan-bulanan", False, True),
}


def test_headline_figures_have_the_known_answers(client):
    build_dataset()
    page = parse(client.get("/statistik"))
    text = " ".join(page.get_text(" ").split())
    assert page.select_one("h1").get_text(strip=True) == "Statistik program SIGAP"
    assert "31 peserta aktif dari kuota 40 (77,5%)" in text
    assert "Daftar tunggu: 6 orang" in text and "Sedang didaftarkan: <5 orang" in text
    # (30 people x 14 months + 1 x 10) x 16.800 and, in 2026, (30 x 12 + 10) x 16.800
    assert "Rp 7.224.000" in text and "Rp 6.216.000" in text and "62,2% terpakai" in text
    assert "Data peserta dari roster per 15 Oktober 2026" in text
    assert "32 pengaduan diterima" in text
    summary = {
        dt.get_text(" ", strip=True): dd.get_text(" ", strip=True)
        for dt, dd in zip(page.select("dl.summary dt"), page.select("dl.summary dd"), strict=True)
    }
    assert summary["Diperiksa dalam 3 hari kerja"] == "70%"
    assert summary["Dijawab dalam batas waktu"] == "44%"
    assert summary["Median lama sampai dijawab"] == "12 hari kerja"
    assistance = page.select_one("#bantuan").find_next("p").get_text(" ", strip=True)
    assert "<5" in assistance and "paling sedikit 20" in assistance  # no requests in this dataset


def test_every_published_number_is_true_and_small_ones_are_hidden(client):
    build_dataset()
    page = parse(client.get("/statistik"))
    truth = {
        "tabel-kecamatan": {
            (0, 0): 12,
            (0, 1): 7,
            (0, 2): 19,
            (1, 0): 3,
            (1, 1): 9,
            (1, 2): 12,
            (12, 0): 15,
            (12, 1): 16,
            (12, 2): 31,
        },
        "tabel-kategori": {(0, 0): 1, (0, 1): 15, (0, 2): 8, (0, 3): 2, (0, 4): 26, (4, 0): 3, (8, 4): 32},
        "tabel-banding": {(0, 0): 1, (1, 0): 0, (2, 0): 1},
    }
    for table_id, known in truth.items():
        grid = html_grid(page, table_id)
        for (i, j), value in known.items():
            shown = grid[i][j]
            assert shown == value or shown == "<5" and value < 5 or shown == "*" and value >= 5, (table_id, i, j)
            if value < 5:
                assert shown == "<5", (table_id, i, j)
    kecamatan = html_grid(page, "tabel-kecamatan")
    assert kecamatan[12][2] == 31  # the grand total stays: it is the headline
    assert all(cell == "<5" for row in kecamatan[2:12] for cell in row)  # kecamatan with nobody
    trend = html_grid(page, "tabel-tren")
    assert [row[0] for row in trend[:4]] == [24, "<5", "<5", "<5"] and len(trend) == 10 + 1  # Feb..Nov + total
    assert trend[-1][0] == 27  # public complaints only: what Open311 lists


@pytest.mark.parametrize("table_id", list(TABLES))
def test_no_hidden_cell_can_be_recovered_from_the_page(client, table_id):
    build_dataset()
    grid = html_grid(parse(client.get("/statistik")), table_id)
    _name, row_totals, col_totals = TABLES[table_id]
    assert recovered_cells(grid, row_totals=row_totals, col_totals=col_totals) == {}


def _csv_rows(client, name):
    return list(csv.reader(io.StringIO(client.get(f"/statistik/{name}.csv").get_data().decode("utf-8-sig"))))


def _csv_grid(client, name):
    """The table as the page shows it: each number, or its marker from the `_tanda` column."""
    rows = _csv_rows(client, name)
    header = rows[0]
    values = [k for k in header[2:] if not k.endswith("_tanda")]
    assert header[2:] == values + [k + "_tanda" for k in values]
    width = len(values)
    grid = [
        [cell_number(mark or number) for number, mark in zip(row[2 : 2 + width], row[2 + width :], strict=True)]
        for row in rows[1:]
    ]
    for row in rows[1:]:  # a number column holds numbers only
        assert all(cell == "" or cell.isdigit() for cell in row[2 : 2 + width])
    return header, grid


@pytest.mark.parametrize("table_id", list(TABLES))
def test_open_data_hides_the_same_cells(client, table_id):
    build_dataset()
    name, row_totals, col_totals = TABLES[table_id]
    page_grid = html_grid(parse(client.get("/statistik")), table_id)
    header, grid = _csv_grid(client, name)
    assert header[:2] == ["kode", "nama"]
    assert grid == page_grid
    data = client.get("/statistik/data.json").get_json()["tabel"][name]
    json_grid = [row["nilai"] + ([row["jumlah"]] if row_totals else []) for row in data["baris"]]
    if col_totals:
        json_grid.append(data["jumlah"]["nilai"] + ([data["jumlah"]["jumlah"]] if row_totals else []))
    assert json_grid == page_grid
    assert recovered_cells(grid, row_totals=row_totals, col_totals=col_totals) == {}


def test_open_data_json_summary_and_headers(client):
    build_dataset()
    response = client.get("/statistik/data.json")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    data = response.get_json()
    summary = data["ringkasan"]
    assert summary["peserta_aktif"] == 31 and summary["kuota"] == 40 and summary["persen_kuota_terpakai"] == 77.5
    assert summary["sedang_didaftarkan"] == "<5" and summary["daftar_tunggu"] == 6
    assert summary["komitmen_iuran_seluruh_masa"] == 7_224_000
    assert summary["komitmen_iuran_tahun_anggaran"] == 6_216_000
    assert summary["persen_diperiksa_tepat_waktu"] == 70 and summary["persen_dijawab_tepat_waktu"] == 44
    assert summary["median_hari_kerja_menjawab"] == 12
    assert summary["permintaan_bantuan"] == "<5"  # no requests in this dataset: suppressed, not invented
    assert data["tanggal_data_roster"] == "2026-10-15"
    assert data["aturan_angka_kecil"]["tanda_kurang_dari_5"] == "<5"
    assert data["dihitung_pada"].endswith("+07:00")
    rows = _csv_rows(client, "ringkasan")
    assert rows[0] == ["kode", "nama", "nilai", "nilai_tanda"]
    values = {r[0]: (r[2], r[3]) for r in rows[1:]}
    assert values["peserta_aktif"] == ("31", "")
    assert values["sedang_didaftarkan"] == ("", "<5")  # the marker apart: the column sums
    # Every figure the page and data.json give beside "ringkasan" is a row too (issue 18, point 13).
    assert values["dihitung_pada"] == (data["dihitung_pada"], "")
    assert values["tanggal_data_roster"] == ("2026-10-15", "")
    assert values["pengaduan_rahasia_dihitung_sampai"][0] == (data["pengaduan_rahasia_dihitung_sampai"] or "")
    rule = data["aturan_angka_kecil"]
    assert values["ambang_angka_kecil"] == (str(rule["ambang"]), "")
    assert values["tanda_kurang_dari_5"] == ("<5", "") and values["tanda_disembunyikan"] == ("*", "")
    assert values["minimal_kasus_untuk_persen_dan_median"] == (str(rule["minimal_kasus_untuk_persen_dan_median"]), "")
    assert set(summary) <= set(values)


@pytest.mark.parametrize("name", ["ringkasan", "peserta-kecamatan", "banding"])
def test_csv_files_open_in_a_spreadsheet(client, name):
    """Saved as a file, with the byte order mark that makes Excel read UTF-8 (Indonesian names,
    the dash of "0–4"), rows ended by CRLF as RFC 4180 says."""
    build_dataset()
    response = client.get(f"/statistik/{name}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="sigap-{name}.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbfkode,nama,") and body.count(b"\xef\xbb\xbf") == 1
    assert b"\r\n" in body


def test_no_personal_data_anywhere(client):
    build_dataset()
    bodies = [
        client.get(path).get_data(as_text=True)
        for path in [
            "/statistik",
            "/statistik/data.json",
            *(
                f"/statistik/{n}.csv"
                for n in ("ringkasan", "peserta-kecamatan", "pengaduan-kategori", "pengaduan-bulanan", "banding")
            ),
        ]
    ]
    for body in bodies:
        for secret in (
            "Rahasia Sekali",
            "Nama Pelapor",
            "3275010101800001",
            "3275014",
            "+62812",
            "rahasia@",
            "Cerita pribadi",
            "SGP-2026",
        ):
            assert secret not in body


def test_unknown_table_is_404(client):
    assert client.get("/statistik/tidak-ada.csv").status_code == 404


def test_small_program_hides_the_headline_and_the_money(client):
    add_people([roster_person("32.75.01.1001", "L") for _ in range(5)])  # L 5, P 0: total 5 would tell P = 0
    page = parse(client.get("/statistik"))
    grid = html_grid(page, "tabel-kecamatan")
    assert grid[12][2] in ("<5", "*")
    assert recovered_cells(grid, row_totals=True, col_totals=True) == {}
    text = page.get_text(" ")
    assert "Rp 1.176.000" not in text and "terlalu kecil" in text  # 5 x 14 x 16.800 would give it away
    assert client.get("/statistik/data.json").get_json()["ringkasan"]["komitmen_iuran_seluruh_masa"] is None


def test_empty_program(client):
    response = client.get("/statistik")
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("#tabel-tren") is None  # no month yet
    assert client.get("/statistik/pengaduan-bulanan.csv").status_code == 404
    assert "belum cukup data" in page.get_text()


def test_charts_are_svg_without_inline_style_and_draw_no_hidden_bar(client):
    build_dataset()
    page = parse(client.get("/statistik"))
    assert page.select("[style]") == [] and page.select("script:not([src])") == []
    charts = page.select("svg.chart")
    assert len(charts) == 4
    for chart in charts:
        assert chart["role"] == "img" and chart.select_one("title").get_text()
    kecamatan = page.select_one("svg.chart[aria-labelledby^=grafik-kecamatan]")
    totals = [row[2] for row in html_grid(page, "tabel-kecamatan")[:12]]
    # Bekasi Timur 19 only: Bekasi Barat's 12 has to be hidden ("*"), or with its 3 (L) and 9 (P)
    # the zeros of the empty kecamatan could be read off the column totals
    assert totals[:2] == [19, "*"]
    assert len(kecamatan.select("rect")) == 1 and len(kecamatan.select("circle")) == 11  # no bar for hidden
    tables = page.select("table.stats")
    for table in tables:
        assert table.select_one("caption").get_text(strip=True)
        assert all(th.get("scope") in ("col", "row") for th in table.select("th"))


def test_page_in_english(client):
    build_dataset()
    page = parse(client.get("/statistik?lang=en"))
    assert page.select_one("html")["lang"] == "en"
    assert page.select_one("h1").get_text(strip=True) == "SIGAP program figures"
    assert "31 active participants out of a quota of 40 (77.5%)" in " ".join(page.get_text(" ").split())


def test_figures_are_kept_for_a_while_in_the_worker_and_the_database(app, client):
    app.config["STATS_CACHE_SECONDS"] = 60
    app.extensions.pop(CACHE, None)
    add_people([roster_person("32.75.01.1001", "L") for _ in range(10)])
    first = client.get("/statistik/data.json").get_json()
    add_people([roster_person("32.75.01.1001", "L") for _ in range(10)])
    again = client.get("/statistik/data.json").get_json()
    assert again["ringkasan"]["peserta_aktif"] == first["ringkasan"]["peserta_aktif"] == 10
    assert again["dihitung_pada"] == first["dihitung_pada"]
    app.extensions[CACHE].clear()  # as if the worker restarted: the stored figures, not a count
    restarted = client.get("/statistik/data.json").get_json()
    assert restarted["ringkasan"]["peserta_aktif"] == 10 and restarted["dihitung_pada"] == first["dihitung_pada"]
    app.config["STATS_CACHE_SECONDS"] = 0
    app.extensions.pop(CACHE)
    assert client.get("/statistik/data.json").get_json()["ringkasan"]["peserta_aktif"] == 20


def test_nav_links_to_the_page(client):
    link = parse(client.get("/")).select_one("nav.site-nav a[href='/statistik']")
    assert link is not None and link.get_text(strip=True) == "Statistik"
