"""The confirmation page after filing, for the browser that filed, for a short while.

The session cookie is signed, not encrypted: it gets a token and a random pad, never the access
code (portal.drafts.services.receipts keeps the code sealed on the server). Reading an expired or
foreign confirmation forgets it, so the next person on a shared phone sees nothing.
"""

from __future__ import annotations

from flask import session
from flask_babel import lazy_gettext as _l

from portal.drafts.services import receipts
from portal.extensions import db

EXPIRED_CONFIRMATION = _l(
    "Konfirmasi pengiriman hanya ditampilkan 30 menit di perangkat yang mengirim, dan sudah berakhir. "
    "Lacak dengan nomor dan kode akses yang sudah Anda catat."
)

_KEY = "receipt_{kind}"  # (confirmation_waiting below relies on the prefix)


def remember_filing(*, kind: str, object_id: int, access_code: str) -> None:
    """Called in the filing request, before its commit."""
    key = receipts.keep(session=db.session, kind=kind, object_id=object_id, access_code=access_code)
    session[_KEY.format(kind=kind)] = {"t": key.token, "p": key.pad}


def filed(kind: str) -> receipts.Receipt | None:
    kept = session.get(_KEY.format(kind=kind))
    if not isinstance(kept, dict) or not isinstance(kept.get("t"), str) or not isinstance(kept.get("p"), str):
        return None
    found = receipts.read(session=db.session, kind=kind, key=receipts.ReceiptKey(token=kept["t"], pad=kept["p"]))
    if found is None:
        session.pop(_KEY.format(kind=kind), None)
    return found


CONFIRMATION_DELAYED = _l(
    "Kiriman Anda sudah tersimpan, tetapi nomor dan kode aksesnya tidak bisa ditampilkan saat ini. Muat "
    "ulang halaman ini beberapa saat lagi (dalam 30 menit) untuk melihatnya. Jangan kirim ulang."
)


def confirmation_waiting() -> bool:
    """This browser filed something whose confirmation it has not been able to show yet."""
    return any(key.startswith("receipt_") for key in session)
