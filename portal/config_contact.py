"""The office's contact details as settings (CONTACT_*, portal.config): the demo defaults and the
check of each value. Where residents can call, write or go: /kontak, the next steps that name the
office, the lockout pages and the privacy notice (portal/web/contact.py)."""

from __future__ import annotations

import re

# Where residents can call, write or go (/kontak, the next steps, the lockout page). The defaults
# are DEMO VALUES, not the office's: every page that shows them says so until the address, the
# phone and the WhatsApp number are set (README, "Production"); `demo_contact` tells. The days and
# hours default to Monday to Friday, 08.00-16.00.
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
DEMO_CONTACT = {
    "CONTACT_OFFICE": "Dinas Tenaga Kerja Kota Bekasi",
    "CONTACT_ADDRESS": "Jl. Contoh No. 1, Kelurahan Contoh, Kota Bekasi (alamat contoh)",
    "CONTACT_PHONE": "(021) 0000-0000",
    "CONTACT_WHATSAPP": "0812-0000-0000",
    "CONTACT_DAYS": "senin-jumat",
    "CONTACT_HOURS": "08.00-16.00",
}


def phone(value: str, *, mobile_only: bool = False) -> str:
    from portal.core.phone import PhoneError, normalize_phone

    try:
        normalize_phone(value, mobile_only=mobile_only)
    except PhoneError:
        wanted = (
            "an Indonesian mobile number, e.g. 0812-3456-7890"
            if mobile_only
            else "a phone number, e.g. (021) 8840-1234"
        )
        raise ValueError(f"is not {wanted}") from None
    return value


_DAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


def weekdays(value: str) -> str:
    """ "senin-jumat" (or one day): the office's opening days, Monday=senin as in Indonesian."""
    first, _sep, last = value.lower().replace("'", "").replace("–", "-").partition("-")
    if first.strip() not in _DAYS or (last and last.strip() not in _DAYS):
        raise ValueError(f"needs days like senin-jumat (one of {', '.join(_DAYS)})")
    return f"{first.strip()}-{(last or first).strip()}"


_HOURS = re.compile(r"([01]\d|2[0-3])[.:]([0-5]\d)\s*[-–]\s*([01]\d|2[0-3])[.:]([0-5]\d)")


def opening_hours(value: str) -> str:
    """ "08.00-16.00" (WIB): opening before closing."""
    found = _HOURS.fullmatch(value)
    if found is None:
        raise ValueError("needs hours like 08.00-16.00")
    start, end = (int(found[1]), int(found[2])), (int(found[3]), int(found[4]))
    if start >= end:
        raise ValueError("the office must open before it closes")
    return f"{start[0]:02d}.{start[1]:02d}-{end[0]:02d}.{end[1]:02d}"


def check_contact(name: str, value: str | None) -> str | None:
    """The value of CONTACT_PHONE, CONTACT_WHATSAPP (a mobile number, or none), CONTACT_DAYS or
    CONTACT_HOURS, checked (ValueError says what is wanted; Settings adds the variable's name)."""
    if value is None or (name == "CONTACT_WHATSAPP" and not value):
        return None
    if name in ("CONTACT_PHONE", "CONTACT_WHATSAPP"):
        return phone(value, mobile_only=name == "CONTACT_WHATSAPP")
    return weekdays(value) if name == "CONTACT_DAYS" else opening_hours(value)
