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
