"""Synthetic but realistic roster data for demos, tests and benchmarks (no real person)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from portal.core.regions import regions
from portal.roster.services.rows import COLUMNS

MALE = (
    "Ahmad",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Iwan",
    "Joko",
    "Agus",
    "Rahmat",
    "Sopian",
    "Revan",
    "Yusuf",
    "Ma'ruf",
    "Mu'min",
    "Asep",
    "Ujang",
    "Dadang",
    "Slamet",
    "Teguh",
    "Wahyu",
    "Rizky",
    "Bambang",
    "Andi",
    "Irfan",
    "Nur'alim",
    "Cecep",
    "Saiful",
)
FEMALE = (
    "Siti",
    "Aminah",
    "Dewi",
    "Sri",
    "Nur'aini",
    "Rina",
    "Yuni",
    "Wati",
    "Lestari",
    "Ani",
    "Euis",
    "Neneng",
    "Fitri",
    "Ratna",
    "Ma'rifah",
    "Nurhayati",
    "Kartini",
    "Ida",
    "Tuti",
    "Eneng",
    "Iis",
    "Dian",
    "Rohimah",
    "Sumiati",
    "Khadijah",
)
FAMILY = (
    "Saputra",
    "Hidayat",
    "Setiawan",
    "Pratama",
    "Nugroho",
    "Wibowo",
    "Hasibuan",
    "Siregar",
    "Sitompul",
    "Kurniawan",
    "Rahayu",
    "Lestari",
    "Suryani",
    "Maulana",
    "Firmansyah",
    "Syahputra",
    "Gunawan",
    "Permana",
    "Sulaeman",
    "Hakim",
    "Nasution",
    "Simanjuntak",
    "Tan",
    "Wijaya",
    "Manurung",
    "Daeng Matta",
    "Batubara",
)
WORK = (
    "ojek online",
    "ojek pangkalan",
    "sopir angkot",
    "pedagang kaki lima",
    "pedagang asongan",
    "kuli bangunan",
    "buruh harian lepas",
    "pemulung",
    "pekerja rumah tangga",
    "guru PAUD",
    "tukang parkir",
    "penjahit rumahan",
    "marbot masjid",
    "petani kota",
)
OTHER_BIRTH_PREFIXES = ("3201", "3216", "3171", "3172", "3174", "3175", "3305", "1271", "7371")

DEFAULT_COUNTS = {
    ("aktif", ""): 11_666,
    ("proses", ""): 400,
    ("daftar_tunggu", ""): 2_500,
    ("tidak_memenuhi_syarat", "bukan_dtsen"): 250,
    ("tidak_memenuhi_syarat", "desil_di_atas_5"): 200,
    ("tidak_memenuhi_syarat", "bukan_warga_kota_bekasi"): 80,
    ("tidak_memenuhi_syarat", "sudah_peserta_lain"): 90,
    ("nonaktif", "meninggal"): 40,
    ("nonaktif", "pindah"): 60,
}
COVERAGE = (date(2025, 11, 1), date(2026, 12, 31))
DATA_DATE = date(2026, 10, 1)


@dataclass(frozen=True, slots=True)
class DemoPerson:
    row: dict[str, str]


def _name(rng: random.Random, female: bool, age: int) -> str:
    first = rng.choice(FEMALE if female else MALE)
    parts = [first]
    if rng.random() < 0.6:
        parts.append(rng.choice(FEMALE if female else MALE))
    parts.append(rng.choice(FAMILY))
    name = " ".join(dict.fromkeys(parts))
    if age > 45 and rng.random() < 0.12:
        name = ("Hj. " if female else "H. ") + name
    elif rng.random() < 0.02:
        name = name + ", S.Pd."
    return name


def demo_rows(
    *,
    seed: int = 2025,
    counts: dict[tuple[str, str], int] | None = None,
    data_date: date = DATA_DATE,
) -> Iterator[dict[str, str]]:
    """Roster rows (DESIGN §5 columns) with valid NIKs consistent with birth date and sex."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    kelurahan = sorted(regions().kelurahan.values(), key=lambda k: k.code)
    used: set[str] = set()
    kpj_counter = 0
    for (status, reason), count in (counts or DEFAULT_COUNTS).items():
        for _ in range(count):
            place = rng.choice(kelurahan)
            female = rng.random() < 0.42
            birth = date(1958, 1, 1) + timedelta(days=rng.randrange(0, 365 * 48))
            day = birth.day + (40 if female else 0)
            if rng.random() < 0.88:
                prefix = "3275" + place.kecamatan.code[-2:]
            else:
                prefix = rng.choice(OTHER_BIRTH_PREFIXES) + f"{rng.randrange(1, 20):02d}"
            while True:
                nik = f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randrange(1, 10000):04d}"
                if nik not in used:
                    used.add(nik)
                    break
            enrolled = status == "aktif" or (status == "nonaktif" and reason == "meninggal")
            kpj = mulai = selesai = ""
            if enrolled:
                kpj_counter += 1
                kpj = f"25{kpj_counter:09d}"
                mulai, selesai = COVERAGE[0].isoformat(), COVERAGE[1].isoformat()
            desil = (
                ""
                if reason == "bukan_dtsen"
                else str(rng.randint(6, 10) if reason == "desil_di_atas_5" else rng.randint(1, 5))
            )
            yield {
                "nik": nik,
                "nama": _name(rng, female, data_date.year - birth.year),
                "tanggal_lahir": birth.isoformat(),
                "jenis_kelamin": "P" if female else "L",
                "kelurahan": place.code,
                "pekerjaan": rng.choice(WORK),
                "desil": desil,
                "status": status,
                "alasan": reason,
                "kpj": kpj,
                "mulai": mulai,
                "selesai": selesai,
                "tanggal_data": data_date.isoformat(),
            }


def write_roster_csv(rows: Iterable[dict[str, str]], handle: io.TextIOBase) -> int:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def demo_roster_csv(*, seed: int = 2025) -> io.BytesIO:
    text = io.StringIO()
    write_roster_csv(demo_rows(seed=seed, data_date=min(DATA_DATE, date.today())), text)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def sample_people(*, seed: int = 2025) -> list[tuple[str, str, str]]:
    """One (status/reason, NIK, name) per kind of answer, to try the status check with."""
    seen: dict[str, tuple[str, str, str]] = {}
    for row in demo_rows(seed=seed, data_date=min(DATA_DATE, date.today())):
        label = row["status"] + (f"/{row['alasan']}" if row["alasan"] else "")
        if label not in seen and ("'" in row["nama"] or "." in row["nama"] or label != "aktif"):
            seen[label] = (label, row["nik"], row["nama"])
    return list(seen.values())
