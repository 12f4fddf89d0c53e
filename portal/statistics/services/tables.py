"""The published tables of /statistik and its open data, with small counts protected.

Every table, its CSV and its JSON come from here, so the page and the files always hide the
same cells. Tables that publish the same number would be protected together (protect_linked: a
total hidden in one is hidden everywhere); today none do, since the monthly table counts only the
complaints Open311 lists (see portal.statistics.services.figures).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.core.regions import regions
from portal.statistics.services import codec as stats_codec
from portal.statistics.services.figures import ProgramFigures
from portal.statistics.services.suppression import THRESHOLD, Cell, Mark, Protected, protect_linked

PARTICIPANTS = "peserta-kecamatan"
COMPLAINTS = "pengaduan-kategori"
TREND = "pengaduan-bulanan"
APPEALS = "banding"
TABLE_NAMES = (PARTICIPANTS, COMPLAINTS, TREND, APPEALS)

SEXES = ("L", "P")
STATUS_GROUPS = ("terbuka", "selesai", "ditolak", "ditutup")


def status_group(status: str) -> str:
    """Open statuses, selesai, ditolak; anything else is closed otherwise (ditutup). Every status
    lands in a group, so the table's total is every complaint (the monthly table relies on it)."""
    if status in {s.value for s in OPEN_STATUSES}:
        return "terbuka"
    if status in (ComplaintStatus.SELESAI.value, ComplaintStatus.DITOLAK.value):
        return status
    return "ditutup"


TOTAL_KEY = "jumlah"


@dataclass(frozen=True, slots=True)
class PublicTable:
    name: str
    row_keys: tuple[str, ...]
    col_keys: tuple[str, ...]
    cells: Protected

    def rows(self) -> Iterator[tuple[str, list[int | str], int | str | None]]:
        """(row key, [published cells], published row total or None) for every inner row."""
        for i, key in enumerate(self.row_keys):
            total = self.cells.shown(i, self.cells.cols) if self.cells.row_totals else None
            yield key, [self.cells.shown(i, j) for j in range(self.cells.cols)], total

    def totals(self) -> tuple[list[int | str], int | str | None] | None:
        """The total row: [published column totals], published grand total; or None."""
        if not self.cells.col_totals:
            return None
        r = self.cells.rows
        grand = self.cells.shown(r, self.cells.cols) if self.cells.row_totals else None
        return [self.cells.shown(r, j) for j in range(self.cells.cols)], grand

    def row_total(self, i: int) -> int | str:
        return self.cells.shown(i, self.cells.cols)

    def col_total(self, j: int) -> int | str:
        return self.cells.shown(self.cells.rows, j)

    @property
    def has_hidden(self) -> bool:
        return bool(self.cells.suppressed)


@dataclass(frozen=True, slots=True)
class PublicFigures:
    """What /statistik and its open data publish: the counts and their protected tables. Kept as
    JSON in the database (stats_snapshot) through to_json/from_json, so every worker serves the
    same figures; the payload holds the counts under 5 too, and is never published as it is."""

    figures: ProgramFigures
    tables: dict[str, PublicTable]

    @property
    def computed_at(self) -> datetime:
        return self.figures.computed_at

    def to_json(self) -> str:
        return stats_codec.dumps(self)

    @classmethod
    def from_json(cls, text: str) -> PublicFigures:
        """The figures to_json() wrote; stats_codec.SnapshotFormatError when `text` was written
        by another shape of these classes."""
        return stats_codec.loads(cls, text)

    @property
    def active(self) -> int | str:
        t = self.tables[PARTICIPANTS]
        return t.cells.shown(t.cells.rows, t.cells.cols)

    @property
    def complaints_total(self) -> int | str:
        t = self.tables[COMPLAINTS]
        return t.cells.shown(t.cells.rows, t.cells.cols)

    @property
    def active_published(self) -> bool:
        return isinstance(self.active, int)

    def standalone(self, value: int) -> int | str:
        """A count published on its own (in no sum): only the primary rule applies."""
        return value if value >= THRESHOLD else "<5"

    @property
    def quota_percent(self) -> float | None:
        f = self.figures
        return round(100 * f.active / f.quota, 1) if self.active_published and f.quota else None


def _kecamatan_keys(figures: ProgramFigures) -> list[str]:
    known = sorted(regions().kecamatan)
    extra = sorted({code for code, _sex in figures.participants} - set(known))
    return known + extra


def build_tables(figures: ProgramFigures) -> PublicFigures:
    kecamatan = _kecamatan_keys(figures)
    participants = [[figures.participants.get((code, sex), 0) for sex in SEXES] for code in kecamatan]
    categories = [c.value for c in ComplaintCategory]
    groups = list(STATUS_GROUPS)
    complaints = [
        [sum(n for (c, s), n in figures.complaints.items() if c == category and status_group(s) == g) for g in groups]
        for category in categories
    ]
    months = [m for m, _f, _a in figures.trend]
    trend = [[filed, answered] for _m, filed, answered in figures.trend]
    appeals = [[figures.appeals_pending], [max(0, figures.appeals_decided)]]
    specs: dict[str, tuple[Sequence[Sequence[int]], bool, bool]] = {
        PARTICIPANTS: (participants, True, True),
        COMPLAINTS: (complaints, True, True),
        APPEALS: (appeals, False, True),
    }
    links: list[
        list[tuple[str, Cell]]
    ] = []  # no two tables publish the same number: the monthly table counts public complaints only
    if trend:
        specs[TREND] = (trend, False, True)
    done = protect_linked(specs, links)
    tables = {
        PARTICIPANTS: PublicTable(PARTICIPANTS, tuple(kecamatan), SEXES, done[PARTICIPANTS]),
        COMPLAINTS: PublicTable(COMPLAINTS, tuple(categories), tuple(groups), done[COMPLAINTS]),
        APPEALS: PublicTable(APPEALS, ("ditinjau", "diputus"), ("banding",), done[APPEALS]),
    }
    if trend:
        tables[TREND] = PublicTable(TREND, tuple(months), ("diterima", "dijawab"), done[TREND])
    return PublicFigures(figures=figures, tables=tables)


def hidden_cells(table: PublicTable) -> dict[str, int]:
    """How many cells of each kind a table hides (for the note under it)."""
    marks = [m for row in table.cells.marks for m in row]
    return {"primary": marks.count(Mark.PRIMARY), "secondary": marks.count(Mark.SECONDARY)}
