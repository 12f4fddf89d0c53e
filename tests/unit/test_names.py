import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core import names
from portal.core.names import mask_name, names_match, normalize_name


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("siti aminah", "Siti Aminah"),
        ("  SITI   AMINAH ", "Siti Aminah"),
        ("Siti Aminah", "Hj. Siti Aminah"),
        ("H Ahmad Fauzi", "H. Ahmad Fauzi"),
        ("Marifah", "Ma'rifah"),
        ("Ma’rifah", "Ma'rifah"),
        ("Nur Aini", "Nur'aini"),
        ("Siti Aminah S.Pd", "Siti Aminah, S.Pd."),
        ("Siti Aminha", "Siti Aminah"),  # one swap
        ("Siti Amina", "Siti Aminah"),  # one letter missing
        ("Siti Amimah", "Siti Aminah"),  # one wrong letter
        ("Sitii Aminah", "Siti Aminah"),  # one extra letter
    ],
)
def test_names_that_match(typed, registered):
    assert names_match(typed, registered)


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("Siti Aminah", "Siti Aisyah"),
        ("Budi", "Budi Santoso"),
        ("", "Budi Santoso"),
        ("H.", "H. Budi"),
        ("Ani", "Adi"),  # short names get no typo tolerance
        ("Stii Amniah", "Siti Aminah"),  # two typos
    ],
)
def test_names_that_do_not_match(typed, registered):
    assert not names_match(typed, registered)


def test_normalize_drops_titles_punctuation_and_case():
    assert normalize_name("Hj. SITI  Ma'rifah, S.Pd.") == "siti marifah"


def test_mask_keeps_only_first_letters():
    assert mask_name("Siti Aminah") == "S*** A*****"
    assert mask_name("Hj. Siti Ma'rifah") == "S*** M******"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_the_ascii_shortcut_folds_like_the_unicode_path(text):
    import unicodedata

    slow = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    assert names._fold(text) == slow


def _one_edit_reference(a: str, b: str) -> bool:
    """The hand-written check rapidfuzz replaced, kept as the oracle: Damerau-Levenshtein ≤ 1."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


_few_letters = st.text(alphabet="abc ", max_size=8)


@given(_few_letters, _few_letters)
def test_one_edit_is_the_hand_written_rule_on_close_strings(a, b):
    assert names._within_one_edit(a, b) == _one_edit_reference(a, b)


@given(st.text(max_size=12), st.text(max_size=12))
def test_one_edit_is_the_hand_written_rule_on_any_text(a, b):
    assert names._within_one_edit(a, b) == _one_edit_reference(a, b)
    assert names._within_one_edit(a, a[:1] + a[2:1:-1] + a[1:2] + a[3:]) is True  # one swap (or none)
