"""Small counts are hidden, and no hidden count can be worked out from what is published.

The attacker here is written independently of the suppression code: it knows every shown
number, that "<5" is 0..4 and "*" is 5 or more, and that totals are sums. It runs the
subtraction attack to a fixed point (each line: a cell is its total minus the others) and an
exact linear-algebra attack (is the cell a combination of the published equations?).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.statistics.services.suppression import Mark, protect, protect_linked
from tests.helpers.statistics import recovered_cells


def published(table):
    return [[table.shown(i, j) for j in range(len(table.values[0]))] for i in range(len(table.values))]


def _marks(table):
    return [((i, j), m) for i, row in enumerate(table.marks) for j, m in enumerate(row)]


def assert_safe(table):
    for (i, j), mark in _marks(table):  # what is shown is true
        value = table.values[i][j]
        assert {Mark.SHOWN: True, Mark.PRIMARY: value < 5, Mark.SECONDARY: value >= 5}[mark]
    leaked = recovered_cells(published(table), row_totals=table.row_totals, col_totals=table.col_totals)
    assert leaked == {}, f"hidden cells recovered: {leaked}"


def test_counts_under_five_are_shown_as_less_than_five():
    table = protect([[10, 3, 20], [12, 30, 40]])
    assert table.shown(0, 1) == "<5"
    assert table.shown(1, 2) == 40
    assert table.shown(2, 3) == 115  # the grand total stays
    assert table.mark(0, 1) is Mark.PRIMARY


def test_one_hidden_cell_in_a_row_brings_the_next_smallest_and_closes_a_rectangle():
    #            L   P   (totals: 13, 42; 22, 33; 55)
    table = protect([[10, 3], [12, 30]])
    assert table.mark(0, 1) is Mark.PRIMARY
    # 3 alone could be read as 13 - 10: its row, its column and the opposite corner go too
    assert {(0, 0), (1, 0), (1, 1)} <= set(table.suppressed)
    assert table.shown(0, 0) == "*"
    assert_safe(table)


def test_one_dimensional_table_hides_the_next_smallest_and_keeps_the_total():
    table = protect([[40, 2, 7, 9]], row_totals=True, col_totals=False)
    assert [table.shown(0, j) for j in range(5)] == [40, "<5", "*", 9, 58]
    assert_safe(table)


def test_a_pair_that_would_pin_zero_hides_a_third_cell():
    # 0 and 5 with total 5 + shown: "<5" + "*" = 5 would force 0 and 5; 6 goes too.
    table = protect([[0, 5, 6, 20]], row_totals=True, col_totals=False)
    assert table.mark(0, 0) is Mark.PRIMARY
    assert table.mark(0, 2) is Mark.SECONDARY
    assert_safe(table)


def test_two_small_cells_that_sum_to_their_maximum_are_protected():
    # 4 + 4 = 8 would pin both at 4 once the rest is subtracted
    table = protect([[4, 4, 30]], row_totals=True, col_totals=False)
    assert_safe(table)


def test_a_small_total_hides_its_whole_line():
    table = protect([[1, 2], [30, 40]])
    assert table.shown(0, 2) == "<5"
    assert table.mark(0, 0) is Mark.PRIMARY and table.mark(0, 1) is Mark.PRIMARY
    assert_safe(table)


def test_everything_small():
    table = protect([[0, 0], [0, 1]])
    assert all(m is Mark.PRIMARY for _, m in _marks(table))
    assert_safe(table)


def test_tiny_grand_total_with_one_big_cell_hides_the_total():
    table = protect([[5, 0]], row_totals=True, col_totals=False)
    # 5 = "*" + "<5" would tell 0 and 5: the total has to go as well
    assert table.mark(0, 2) is not Mark.SHOWN
    assert_safe(table)


def test_nothing_hidden_when_all_counts_are_five_or_more():
    table = protect([[5, 6], [7, 8]])
    assert table.suppressed == []


def test_a_total_hidden_in_one_table_is_hidden_in_the_linked_one():
    tables = {
        "by_sex": ([[5, 0]], True, False),  # total 5 must be hidden here
        "by_month": ([[2], [3]], False, True),  # total 5 again
    }
    done = protect_linked(tables, links=[[("by_sex", (0, 2)), ("by_month", (2, 0))]])
    assert done["by_sex"].mark(0, 2) is not Mark.SHOWN
    assert done["by_month"].mark(2, 0) is not Mark.SHOWN
    for table in done.values():
        assert_safe(table)


small = st.integers(min_value=0, max_value=12)


@st.composite
def tables(draw):
    rows = draw(st.integers(min_value=1, max_value=6))
    cols = draw(st.integers(min_value=1, max_value=5))
    values = draw(
        st.lists(
            st.lists(st.one_of(small, st.integers(0, 400)), min_size=cols, max_size=cols), min_size=rows, max_size=rows
        )
    )
    shape = draw(st.sampled_from([(True, True), (True, False), (False, True)]))
    return values, shape


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_hidden_count_can_be_recovered(drawn):
    values, (row_totals, col_totals) = drawn
    table = protect(values, row_totals=row_totals, col_totals=col_totals)
    for (i, j), mark in _marks(table):
        assert (mark is Mark.PRIMARY) == (table.values[i][j] < 5) or mark is Mark.SECONDARY and table.values[i][j] >= 5
    assert_safe(table)


@pytest.mark.parametrize("values", [[[1, 50, 60], [70, 80, 2], [90, 3, 100]], [[0] * 5, [100] * 5]])
def test_known_tables(values):
    assert_safe(protect(values))
