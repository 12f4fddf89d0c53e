"""Small-count protection for published tables: primary and secondary suppression.

Rule (also on /statistik and in docs/open-data.md):

1. Primary: every count under 5 (0 to 4), a total included, is shown as "<5".
2. Secondary: a hidden count must not be recoverable from the totals and the other cells. So
   more cells are hidden, shown as "*", the smallest ones first (the next-smallest cell of the
   same row or column, then the cells that close a rectangle in a two-way table), until for
   every hidden cell the published numbers fit at least two different values of that cell;
   then every "*" that turns out not to be needed is shown again.

What a reader can know: shown cells exactly, "<5" means 0 to 4, "*" means 5 or more, and each
total is the sum of its row or column. A hidden cell is safe when a second table exists that
agrees with all of that and differs in this cell. Such a table is found by moving one person
around a cycle of hidden cells: +1 and -1 alternately along a row, then a column, and so on,
so that every total stays the same (a "free" end, a line without a published total, ends a
path). The search tries cycles of up to 6 cells, which is enough for the small tables of the
portal; a cell for which none is found gets more neighbours hidden until one is.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

THRESHOLD = 5
PRIMARY_MARK = "<5"
SECONDARY_MARK = "*"

Cell = tuple[int, int]
_FREE = ("free", -1)
_TOTAL_COST = 10**9  # hide a total only when no inner cell will do
_GRAND_TOTAL_COST = 10**12


class Mark(enum.StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # under the threshold: "<5"
    SECONDARY = "secondary"  # hidden so that a small count cannot be computed back: "*"


@dataclass(frozen=True, slots=True)
class Protected:
    """A table with its margins: `values[i][j]` over the extended grid (totals in the last row
    and column when published) and how each cell is shown."""

    values: tuple[tuple[int, ...], ...]
    marks: tuple[tuple[Mark, ...], ...]
    rows: int  # inner rows
    cols: int  # inner columns
    row_totals: bool
    col_totals: bool

    def mark(self, i: int, j: int) -> Mark:
        return self.marks[i][j]

    def shown(self, i: int, j: int) -> int | str:
        """The published value: the count, "<5" or "*"."""
        mark = self.marks[i][j]
        if mark is Mark.PRIMARY:
            return PRIMARY_MARK
        if mark is Mark.SECONDARY:
            return SECONDARY_MARK
        return self.values[i][j]

    def count(self, i: int, j: int) -> int | None:
        """The count when it is published, else None."""
        return self.values[i][j] if self.marks[i][j] is Mark.SHOWN else None

    @property
    def grand_total(self) -> Cell | None:
        if self.row_totals and self.col_totals:
            return (self.rows, self.cols)
        if self.row_totals and self.rows == 1:
            return (0, self.cols)
        if self.col_totals and self.cols == 1:
            return (self.rows, 0)
        return None

    @property
    def suppressed(self) -> list[Cell]:
        return [(i, j) for i, row in enumerate(self.marks) for j, m in enumerate(row) if m is not Mark.SHOWN]


@dataclass(slots=True)
class _Grid:
    values: list[list[int]]
    rows: int
    cols: int
    row_totals: bool
    col_totals: bool
    marks: dict[Cell, Mark] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return self.rows + (1 if self.col_totals else 0)

    @property
    def width(self) -> int:
        return self.cols + (1 if self.row_totals else 0)

    def sign(self, cell: Cell) -> int:
        """+1 for inner cells and the grand total, -1 for the other totals: with this sign every
        published line sums to zero, which makes the cycles below keep every total unchanged."""
        in_total_row = self.col_totals and cell[0] == self.rows
        in_total_col = self.row_totals and cell[1] == self.cols
        return -1 if in_total_row != in_total_col else 1

    def ends(self, cell: Cell) -> tuple[tuple[str, int], tuple[str, int]]:
        """The two lines a cell belongs to (a line without a published total is free)."""
        return (("r", cell[0]) if self.row_totals else _FREE, ("c", cell[1]) if self.col_totals else _FREE)

    def cells_on(self, node: tuple[str, int]) -> Iterable[Cell]:
        kind, index = node
        if kind == "r":
            return ((index, j) for j in range(self.width))
        if kind == "c":
            return ((i, index) for i in range(self.height))
        return ((i, j) for i in range(self.height) for j in range(self.width) if _FREE in self.ends((i, j)))

    def cost(self, cell: Cell) -> int:
        value = self.values[cell[0]][cell[1]]
        in_total_row = self.col_totals and cell[0] == self.rows
        in_total_col = self.row_totals and cell[1] == self.cols
        if in_total_row and in_total_col or (in_total_row or in_total_col) and self._one_line():
            return _GRAND_TOTAL_COST + value
        if in_total_row or in_total_col:
            return _TOTAL_COST + value
        return value

    def _one_line(self) -> bool:
        return (self.row_totals and self.rows == 1 and not self.col_totals) or (
            self.col_totals and self.cols == 1 and not self.row_totals
        )


def _fits(value: int, mark: Mark, delta: int) -> bool:
    """Whether `value + delta` is still consistent with what the reader sees for the cell."""
    moved = value + delta
    if mark is Mark.PRIMARY:
        return 0 <= moved < THRESHOLD
    return moved >= THRESHOLD  # "*" (or a cell about to be hidden): 5 or more


Node = tuple[str, int]  # a line: ("r", i), ("c", j), or _FREE
Cycle = tuple[int, list[Cell]]  # its cost, its cells


@dataclass(slots=True)
class _CycleSearch:
    """One search of _cheapest_cycle: depth first from the start cell, keeping the best cycle."""

    grid: _Grid
    first: Node  # the line the cycle must come back to
    usable: Mapping[Cell, Mark]
    max_edges: int
    new_cost: Callable[[Cell], int] | None
    start_sign: int = 0  # how the start cell moves: +1 or -1
    best: Cycle | None = None

    def found_free(self) -> bool:
        return self.best is not None and self.best[0] == 0

    def cost_of(self, cell: Cell) -> int:
        shown = self.grid.marks.get(cell, Mark.SHOWN) is Mark.SHOWN
        return self.new_cost(cell) if self.new_cost and shown else 0

    def visit(self, node: Node, arrived_with: int, path: list[Cell], nodes: set[Node], cost: int) -> None:
        if self.best is not None and cost >= self.best[0]:
            return
        signs = (-arrived_with,) if node != _FREE else (1, -1)
        for cell in self.grid.cells_on(node):
            if cell not in self.usable or cell in path:
                continue
            ends = self.grid.ends(cell)
            other = ends[1] if ends[0] == node else ends[0]
            for delta_y in signs:
                self._move(cell, other, delta_y, path, nodes, cost)
                if self.found_free():  # nothing can beat a cycle of hidden cells only
                    return

    def _move(self, cell: Cell, other: Node, delta_y: int, path: list[Cell], nodes: set[Node], cost: int) -> None:
        """Move one unit by `delta_y` through `cell`: the cycle closes when `other` is the line
        it started from, else the search goes on from `other`."""
        if not _fits(self.grid.values[cell[0]][cell[1]], self.usable[cell], self.grid.sign(cell) * delta_y):
            return
        step = cost + self.cost_of(cell)
        if other == self.first and (self.first == _FREE or delta_y == -self.start_sign):
            if self.best is None or step < self.best[0]:
                self.best = (step, [*path, cell])
            return
        if other in nodes or len(path) + 1 >= self.max_edges:
            return
        self.visit(other, delta_y, [*path, cell], nodes | {other}, step)


def _cheapest_cycle(
    grid: _Grid,
    start: Cell,
    usable: Mapping[Cell, Mark],
    max_edges: int,
    new_cost: Callable[[Cell], int] | None = None,
) -> Cycle | None:
    """The cheapest cycle through `start` over `usable` cells along which one unit can move
    (alternating signs at every published line) without leaving any cell's allowed range.
    Cost is that of the cells not yet hidden (`new_cost`), 0 when all are hidden already."""
    first, last = grid.ends(start)
    if first == _FREE and last == _FREE:
        return (0, [start])  # in no published line: nothing to subtract from
    search = _CycleSearch(grid=grid, first=first, usable=usable, max_edges=max_edges, new_cost=new_cost)
    for sign in (1, -1):
        search.start_sign = sign
        value = grid.values[start[0]][start[1]]
        if not _fits(value, usable[start], grid.sign(start) * sign):
            continue
        search.visit(last, sign, [start], {first, last}, search.cost_of(start))
        if search.found_free():
            break
    return search.best


def _is_safe(grid: _Grid, cell: Cell) -> bool:
    hidden = {c: m for c, m in grid.marks.items() if m is not Mark.SHOWN}
    return _cheapest_cycle(grid, cell, hidden, max_edges=6) is not None


def _extend(values: Sequence[Sequence[int]], row_totals: bool, col_totals: bool) -> list[list[int]]:
    grid = [list(row) + ([sum(row)] if row_totals else []) for row in values]
    if col_totals:
        width = len(grid[0]) if grid else 0
        grid.append([sum(row[j] for row in grid) for j in range(width)])
    return grid


def protect(
    values: Sequence[Sequence[int]], *, row_totals: bool = True, col_totals: bool = True, hide: Iterable[Cell] = ()
) -> Protected:
    """Suppress small counts of a table (inner `values`, totals computed here) so that none can
    be recovered. `hide`: extended-grid cells to hide whatever their value (a total another
    table had to hide)."""
    rows = len(values)
    cols = len(values[0]) if rows else 0
    grid = _Grid(
        values=_extend(values, row_totals, col_totals),
        rows=rows,
        cols=cols,
        row_totals=row_totals,
        col_totals=col_totals,
    )
    for i in range(grid.height):
        for j in range(grid.width):
            grid.marks[(i, j)] = Mark.PRIMARY if grid.values[i][j] < THRESHOLD else Mark.SHOWN
    forced = set()
    for cell in hide:
        if grid.marks[cell] is Mark.SHOWN:
            grid.marks[cell] = Mark.SECONDARY
            forced.add(cell)
    _secure(grid)
    _unhide_spare(grid, keep=forced)
    return Protected(
        values=tuple(tuple(row) for row in grid.values),
        marks=tuple(tuple(grid.marks[(i, j)] for j in range(grid.width)) for i in range(grid.height)),
        rows=rows,
        cols=cols,
        row_totals=row_totals,
        col_totals=col_totals,
    )


def _secure(grid: _Grid) -> None:
    all_cells = {(i, j) for i in range(grid.height) for j in range(grid.width)}
    while True:
        unsafe = sorted(
            (c for c, m in grid.marks.items() if m is not Mark.SHOWN and not _is_safe(grid, c)),
            key=lambda c: (grid.marks[c] is not Mark.PRIMARY, grid.values[c[0]][c[1]], c),
        )
        if not unsafe:
            return
        cell = unsafe[0]
        usable = {c: (grid.marks[c] if grid.marks[c] is not Mark.SHOWN else Mark.SECONDARY) for c in all_cells}
        found = None
        for length in (2, 4, 6):
            found = _cheapest_cycle(grid, cell, usable, max_edges=length, new_cost=grid.cost)
            if found is not None:
                break
        to_hide = [c for c in (found[1] if found else []) if grid.marks[c] is Mark.SHOWN]
        if not to_hide:  # no cycle at all: hide the cheapest neighbour and look again
            neighbours = [c for node in grid.ends(cell) for c in grid.cells_on(node) if grid.marks[c] is Mark.SHOWN]
            spare = neighbours or [c for c in all_cells if grid.marks[c] is Mark.SHOWN]
            if not spare:
                return  # everything is hidden already: nothing more to do
            to_hide = [min(spare, key=lambda c: (grid.cost(c), c))]
        for c in to_hide:
            grid.marks[c] = Mark.SECONDARY


def _unhide_spare(grid: _Grid, keep: set[Cell]) -> None:
    """The greedy search can hide more than needed: show again every "*" cell (totals and big
    numbers first) without which all hidden cells are still safe."""
    spare = sorted(
        (c for c, m in grid.marks.items() if m is Mark.SECONDARY and c not in keep), key=lambda c: (-grid.cost(c), c)
    )
    for cell in spare:
        grid.marks[cell] = Mark.SHOWN
        if not all(_is_safe(grid, c) for c, m in grid.marks.items() if m is not Mark.SHOWN):
            grid.marks[cell] = Mark.SECONDARY


def protect_linked(
    tables: dict[str, tuple[Sequence[Sequence[int]], bool, bool]], links: Sequence[Sequence[tuple[str, Cell]]]
) -> dict[str, Protected]:
    """Protect several tables whose cells publish the same number (e.g. the same grand total):
    a number hidden in one is hidden in all the others, or it would be read off there."""
    forced: dict[str, set[Cell]] = {name: set() for name in tables}
    while True:
        done = {
            name: protect(v, row_totals=rt, col_totals=ct, hide=forced[name]) for name, (v, rt, ct) in tables.items()
        }
        changed = False
        for group in links:
            if any(done[name].mark(*cell) is not Mark.SHOWN for name, cell in group):
                for name, cell in group:
                    if cell not in forced[name] and done[name].mark(*cell) is Mark.SHOWN:
                        forced[name].add(cell)
                        changed = True
        if not changed:
            return done
