"""The 12 kecamatan and 56 kelurahan of Kota Bekasi, shipped as data with the portal."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Kecamatan:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Kelurahan:
    code: str
    name: str
    kecamatan: Kecamatan


@dataclass(frozen=True, slots=True)
class Regions:
    kecamatan: dict[str, Kecamatan]
    kelurahan: dict[str, Kelurahan]


@cache
def regions() -> Regions:
    kecamatan: dict[str, Kecamatan] = {}
    rows = []
    data = resources.files("portal.data").joinpath("kota_bekasi_wilayah.csv")
    with data.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"] == row["kecamatan_code"]:
                kecamatan[row["code"]] = Kecamatan(code=row["code"], name=row["name"])
            else:
                rows.append(row)
    kelurahan = {
        row["code"]: Kelurahan(code=row["code"], name=row["name"], kecamatan=kecamatan[row["kecamatan_code"]])
        for row in rows
    }
    return Regions(kecamatan=kecamatan, kelurahan=kelurahan)


def kelurahan(code: str) -> Kelurahan | None:
    return regions().kelurahan.get(code)


class ScopedViewer(Protocol):
    """An account as far as its regions go (accounts.models.Account, which core cannot import)."""

    @property
    def is_supervisor(self) -> bool: ...

    @property
    def kecamatan_codes(self) -> list[str]: ...


def kecamatan_choices(viewer: ScopedViewer) -> list[Kecamatan]:
    """The kecamatan an account may filter by: its scope (all of them for supervisors and unscoped officers)."""
    scope = set(viewer.kecamatan_codes) if not viewer.is_supervisor else set()
    return sorted((k for k in regions().kecamatan.values() if not scope or k.code in scope), key=lambda k: k.name)
