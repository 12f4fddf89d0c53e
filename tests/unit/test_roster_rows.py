from datetime import date

import pytest

from portal.models import PersonStatus, Sex, StatusReason
from portal.roster.labels import row_problem
from portal.roster.services.rows import RowError, parse_row
from tests.factories import roster_row

TODAY = date(2026, 11, 21)


def test_a_valid_active_row():
    row = parse_row(roster_row(nik="3275010703850012", nama="  Budi   Santoso "), today=TODAY)
    assert row.nik == "3275010703850012"
    assert row.nama == "Budi Santoso"
    assert row.jenis_kelamin is Sex.LAKI_LAKI
    assert row.status is PersonStatus.AKTIF
    assert row.mulai == date(2025, 11, 1)
    assert row.warning is None


def test_a_birth_date_that_disagrees_with_the_nik_is_a_warning_not_a_rejection():
    row = parse_row(roster_row(nik="3275010703850012", tanggal_lahir="1985-03-08"), today=TODAY)
    assert row.warning and "NIK" in row_problem(row.warning)


def test_reason_required_for_inactive():
    row = parse_row(roster_row(status="nonaktif", alasan="meninggal"), today=TODAY)
    assert row.alasan is StatusReason.MENINGGAL


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"nik": "123"}, "bukan 16"),
        ({"nama": "  "}, "nama kosong"),
        ({"nama": "x" * 151}, "150"),
        ({"tanggal_lahir": "07-03-1985"}, "TTTT-BB-HH"),
        ({"tanggal_lahir": "1985-02-30"}, "TTTT-BB-HH"),
        ({"jenis_kelamin": "X"}, "L atau P"),
        ({"kelurahan": "32.75.99.9999"}, "bukan kelurahan di Kota Bekasi"),
        ({"desil": "11"}, "desil"),
        ({"desil": "dua"}, "desil"),
        ({"status": "aktip"}, "tidak dikenal"),
        ({"status": "nonaktif", "alasan": ""}, "perlu alasan"),
        ({"status": "tidak_memenuhi_syarat", "alasan": "malas"}, "perlu alasan"),
        ({"alasan": "pindah"}, "hanya diisi"),
        ({"kpj": "1234"}, "11 angka"),
        ({"kpj": ""}, "kpj, mulai dan selesai"),
        ({"status": "proses", "kpj": "", "mulai": "2025-11-01", "selesai": ""}, "bersama-sama"),
        ({"mulai": "2026-12-31", "selesai": "2025-11-01"}, "lebih awal"),
        ({"tanggal_data": "2027-01-01"}, "masa depan"),
        ({"tanggal_data": ""}, "kosong"),
    ],
)
def test_rejections_say_why(overrides, reason):
    with pytest.raises(RowError) as caught:
        parse_row(roster_row(**overrides), today=TODAY)
    assert reason in row_problem(caught.value.problem)


def test_a_short_row_is_rejected():
    row = roster_row()
    row["selesai"] = None
    with pytest.raises(RowError) as caught:
        parse_row(row, today=TODAY)
    assert "Jumlah kolom" in row_problem(caught.value.problem)
