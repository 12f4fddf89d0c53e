import pytest

from portal.core.phone import PhoneError, normalize_phone


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "+62 812 3456 7890",
        "62 812 3456 7890",
        "812 3456 7890",
        "(0812) 3456.7890",
        "+62 0812 3456 7890",
    ],
)
def test_mobile_numbers_become_plus_62(typed):
    assert normalize_phone(typed) == "+6281234567890"


def test_jakarta_landline():
    assert normalize_phone("(021) 8840 1234") == "+622188401234"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Masukkan nomor"),
        ("0812-abc", "hanya berisi angka"),
        ("+1 202 555 0100", "nomor Indonesia"),
        ("0812", "terlalu pendek"),
    ],
)
def test_bad_numbers(typed, message):
    with pytest.raises(PhoneError, match=message):
        normalize_phone(typed)


def test_whatsapp_needs_a_mobile_number():
    with pytest.raises(PhoneError, match="WhatsApp"):
        normalize_phone("021 8840 1234", mobile_only=True)


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("009 62 812 3456 7890", "+6281234567890"),  # 009: one of the prefixes Indonesia dials abroad with
        ("009 62 21 8840 1234", "+622188401234"),
        ("+62 (21) 8840-1234", "+622188401234"),
    ],
)
def test_international_dialling_prefixes(typed, normalized):
    assert normalize_phone(typed) == normalized


@pytest.mark.parametrize("typed", ["0843 9150 0080", "0800 1234 5678", "0065 9123 4567"])
def test_numbers_that_do_not_exist_in_indonesia(typed):
    """The right length, but no such Indonesian number (084x and 0800 1234… are not given out; 0065…
    is Singapore dialled from abroad)."""
    with pytest.raises(PhoneError, match="tidak ada di Indonesia"):
        normalize_phone(typed)


def test_whatsapp_refuses_a_toll_free_number():
    assert normalize_phone("0800 150 3000") == "+628001503000"
    with pytest.raises(PhoneError, match="WhatsApp"):
        normalize_phone("0800 150 3000", mobile_only=True)
