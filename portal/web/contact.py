"""Where a resident can turn: the office's address, phone, WhatsApp and hours, from the settings
checked at start (CONTACT_*). Every template gets `contact`; /kontak shows it all, the next steps
and the lockout page show it where they name the office."""

from __future__ import annotations

from dataclasses import dataclass

from babel.dates import get_day_names
from flask_babel import get_locale

from portal.core.phone import normalize_phone
from portal.web.settings import current_settings

_DAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


@dataclass(frozen=True, slots=True)
class Contact:
    office: str
    address: str
    phone: str
    phone_link: str  # tel:+62…
    whatsapp: str | None
    whatsapp_link: str | None  # https://wa.me/62…
    email: str | None
    days: str  # "Senin–Jumat" in the page's language
    hours: str  # "08.00–16.00"
    demo: bool  # some value is still the demo default: the pages say so


def _day_range(days: str) -> str:
    first, _sep, last = days.partition("-")
    names = get_day_names("wide", context="format", locale=get_locale())  # Monday is 0, as in _DAYS
    start, end = names[_DAYS.index(first)], names[_DAYS.index(last)]
    return start.capitalize() if first == last else f"{start.capitalize()}–{end.capitalize()}"


def _hours(hours: str) -> str:
    """ "08.00–16.00" as Indonesians write times; "08:00–16:00" in English."""
    separator = "." if str(get_locale() or "id") == "id" else ":"
    return hours.replace(".", separator).replace("-", "–")


def current_contact() -> Contact:
    settings = current_settings()
    whatsapp = settings.CONTACT_WHATSAPP
    return Contact(
        office=settings.CONTACT_OFFICE,
        address=settings.CONTACT_ADDRESS,
        phone=settings.CONTACT_PHONE,
        phone_link="tel:" + normalize_phone(settings.CONTACT_PHONE),
        whatsapp=whatsapp,
        whatsapp_link=f"https://wa.me/{normalize_phone(whatsapp).lstrip('+')}" if whatsapp else None,
        email=settings.CONTACT_EMAIL,
        days=_day_range(settings.CONTACT_DAYS),
        hours=_hours(settings.CONTACT_HOURS),
        demo=settings.demo_contact,
    )
