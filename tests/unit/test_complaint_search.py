"""The words a complaint's name is found by, and what an officer's search is split into."""

import pytest

from portal.complaints.models.complaint import OPEN_STATUS_VALUES
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.complaints.services.search import WORD_LENGTH, name_words, search_terms


def test_name_words_drop_case_accents_punctuation_and_titles():
    assert name_words("Hj. Siti Ma'rifah, S.Pd.") == {"siti", "marifah"}
    assert name_words("H. M. Yusuf") == {"m", "yusuf"}
    assert name_words("Amīnah  Nur’aini") == {"aminah", "nuraini"}
    assert name_words("x" * 60) == {"x" * WORD_LENGTH}


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Siti  AMINAH", ["siti", "aminah"]),
        ("hj. siti", ["siti"]),
        ("ir", ["ir"]),  # a title alone may be the start of a name being typed (Irfan)
        ("siti siti", ["siti"]),
        ("a b c d e f g", ["a", "b", "c", "d", "e"]),
        ("…", []),
    ],
)
def test_search_terms(typed, terms):
    assert search_terms(typed) == terms


def test_the_partial_index_lists_the_open_statuses():
    assert sorted(OPEN_STATUS_VALUES) == list(OPEN_STATUS_VALUES)
    assert set(OPEN_STATUS_VALUES) == {status.value for status in OPEN_STATUSES}
