"""The SMS and WhatsApp settings, checked together: a channel is on when its address is set, and
then every secret it needs must be set too (docs/operations.md, "SMS and WhatsApp")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Each WhatsApp notice is an approved template (docs/whatsapp.md); the city may register them
# under other names: WHATSAPP_TEMPLATES=dibuat=sigap_pengaduan_diterima,…
DEFAULT_WHATSAPP_TEMPLATES: dict[str, str] = {
    "dibuat": "sigap_diterima",
    "info_diminta": "sigap_perlu_informasi",
    "dijawab": "sigap_dijawab",
    "selesai": "sigap_selesai",
    "status": "sigap_status",
    "banding_diputus": "sigap_banding_diputus",
    "kunjungan": "sigap_kunjungan_dijadwalkan",
    "pengingat": "sigap_pengingat",
    "ditutup_tanpa_jawaban": "sigap_ditutup_tanpa_jawaban",
}

_NEEDS = {
    "SMS_SENDSMS_URL": ("SMS_USERNAME", "SMS_PASSWORD", "SMS_GATEWAY_TOKEN"),
    "WHATSAPP_PHONE_NUMBER_ID": ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"),
}


def check_channels(values: Mapping[str, Any]) -> None:
    for switch, needed in _NEEDS.items():
        if values.get(switch):
            missing = [name for name in needed if not values.get(name)]
            if missing:
                raise ValueError(f"{switch} is set, so {', '.join(missing)} must be set too")


def templates(value: Any) -> Any:
    """ "dibuat=name,selesai=name" over the defaults; an unknown event is refused by name."""
    if isinstance(value, Mapping):
        given = dict(value)
    elif isinstance(value, str):
        given = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            event, sep, name = part.partition("=")
            if not sep or not name.strip():
                raise ValueError(f"'{part}' needs the form event=template_name")
            given[event.strip()] = name.strip()
    else:
        return value
    unknown = sorted(set(given) - set(DEFAULT_WHATSAPP_TEMPLATES))
    if unknown:
        raise ValueError(f"unknown event {', '.join(unknown)}; known: {', '.join(DEFAULT_WHATSAPP_TEMPLATES)}")
    return {**DEFAULT_WHATSAPP_TEMPLATES, **given}
