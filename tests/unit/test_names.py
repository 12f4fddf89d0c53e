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
