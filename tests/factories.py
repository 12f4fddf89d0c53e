"""Test data builders: valid roster rows and people."""

from __future__ import annotations

import io
import itertools
import time
from datetime import date

from portal.demo.services.roster import write_roster_csv
from portal.extensions import db
from portal.models import Person, PersonStatus, Sex, StatusReason

_serial = itertools.count(1)


def make_nik(*, birth: date = date(1985, 3, 7), female: bool = False, prefix: str = "327501") -> str:
    day = birth.day + (40 if female else 0)
    return f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}{next(_serial) % 9999 + 1:04d}"


def roster_row(**overrides) -> dict[str, str]:
    female = overrides.pop("female", False)
    birth = overrides.pop("birth", date(1985, 3, 7))
    row = {
        "nik": make_nik(birth=birth, female=female),
        "nama": "Siti Aminah" if female else "Budi Santoso",
        "tanggal_lahir": birth.isoformat(),
        "jenis_kelamin": "P" if female else "L",
        "kelurahan": "32.75.01.1001",
        "pekerjaan": "ojek online",
        "desil": "2",
        "status": "aktif",
        "alasan": "",
        "kpj": "25000000001",
        "mulai": "2025-11-01",
        "selesai": "2026-12-31",
        "tanggal_data": "2026-10-01",
    }
    row.update({k: str(v) for k, v in overrides.items()})
    return row


def roster_csv(rows, *, bom: bool = False, crlf: bool = False) -> io.BytesIO:
    text = io.StringIO()
    write_roster_csv(rows, text)
    data = text.getvalue()
    if crlf:
        data = data.replace("\n", "\r\n")
    raw = data.encode("utf-8")
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + raw)


def person(**overrides) -> Person:
    female = overrides.pop("female", False)
    birth = overrides.get("tanggal_lahir", date(1985, 3, 7))
    values = dict(
        nik=make_nik(birth=birth, female=female),
        nama="Siti Aminah" if female else "Budi Santoso",
        tanggal_lahir=birth,
        jenis_kelamin=Sex.PEREMPUAN if female else Sex.LAKI_LAKI,
        kelurahan_code="32.75.01.1001",
        pekerjaan="ojek online",
        desil=2,
        status=PersonStatus.AKTIF,
        alasan=None,
        kpj="25000000001",
        mulai=date(2025, 11, 1),
        selesai=date(2026, 12, 31),
        tanggal_data=date(2026, 10, 1),
    )
    values.update(overrides)
    if isinstance(values["status"], str):
        values["status"] = PersonStatus(values["status"])
    if isinstance(values.get("alasan"), str):
        values["alasan"] = StatusReason(values["alasan"])
    record = Person(**values)
    add_people([record])
    return record


def add_people(records) -> None:
    """Store people written here directly (not through an import), with the roster's per-group
    counts recounted by the same service the migration and benchmarks use, so /statistik sees them."""
    from portal.roster.services.summary import recount

    db.session.add_all(records)
    recount(session=db.session)
    db.session.commit()


def complaint_input(**overrides):
    from portal.complaints.services.filing import ComplaintInput
    from portal.models import ComplaintCategory, ContactChannel, FilerRelation

    values = dict(
        category=ComplaintCategory.TERLEWAT,
        subject_nik=make_nik(),
        subject_name="Budi Santoso",
        kelurahan_code="32.75.01.1001",
        filer_relation=FilerRelation.SENDIRI,
        filer_name=None,
        filer_relationship=None,
        consent_recorded=False,
        phone="+6281234567890",
        contact_channel=ContactChannel.WHATSAPP,
        email=None,
        description="Saya ojol dan desil 2 tetapi tidak terdaftar.",
        confidential=False,
    )
    values.update(overrides)
    values["category"] = ComplaintCategory(values["category"])
    return ComplaintInput(**values)


def png(size=(5, 5)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "PNG")
    return out.getvalue()


def attachment(app, case, *, filename="kk.png", data=None):
    """A file attached to a filed complaint through the real upload cleaning and storage."""
    from portal.complaints.services.attachments import clean_upload
    from portal.complaints.services.filing import attach_file
    from portal.web.settings import attachment_store

    with app.test_request_context():
        record = attach_file(
            session=db.session,
            store=attachment_store(),
            complaint=case,
            file=clean_upload(data=png() if data is None else data, filename=filename),
        )
    db.session.commit()
    return record


def complaint(*, now=None, **overrides):
    """A filed complaint through the real service; returns (complaint, access_code)."""
    from portal.complaints.services.filing import file_complaint
    from portal.core.sla import SlaTargets
    from portal.core.workdays import WorkCalendar

    filed = file_complaint(
        session=db.session,
        data=complaint_input(**overrides),
        draft_token=None,
        calendar=WorkCalendar(),
        targets=SlaTargets(),
        now=now,
    )
    db.session.commit()
    return filed.complaint, filed.access_code


PASSWORD = "kata-sandi-uji-123"  # noqa: S105 (test accounts only)
_account_serial = itertools.count(1)


def account(role="officer", *, kecamatan=(), password=PASSWORD, totp=True, email=None):
    """A staff account. Every role must sign in with TOTP (portal.core.roles.TWO_FACTOR_ROLES):
    totp=False makes one that has not set it up yet (sent to the set-up page after the password)."""
    from portal.accounts.services import accounts
    from portal.models import Role

    made = accounts.create_account(
        session=db.session,
        email=email or f"akun{next(_account_serial)}@uji.test",
        name=f"{role.title()} Uji",
        role=Role(role),
        password=password,
        kecamatan_codes=list(kecamatan),
    )
    if totp:
        made.totp_secret = accounts.new_totp_secret()
        made.totp_enabled = True
    db.session.commit()
    return made


def sign_in(client, who, *, password=PASSWORD, at="/petugas/masuk"):
    """Sign in through the real pages: the password (on `at`, which may carry ?next=), then a
    real TOTP code when the account has one. Returns the last response."""
    response = client.post(at, data={"csrf_token": _token(client, at), "email": who.email, "password": password})
    if response.headers.get("Location") == "/petugas/masuk/kode":
        response = enter_code(client, who)
    return response


def enter_code(client, who, *, code=None):
    """The second step of a sign-in whose password was right."""
    code = code or _unused_code(client, who)
    return client.post("/petugas/masuk/kode", data={"csrf_token": _token(client, "/petugas/masuk/kode"), "code": code})


def set_up_totp(client):
    """The forced set-up page after the password: scan (read the key shown), type a code.
    Returns the response and the key."""
    import pyotp
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/petugas/akun/2fa").get_data(as_text=True), "html.parser")
    secret = page.select_one("code.secret").get_text(strip=True)
    data = {
        "csrf_token": page.select_one("input[name=csrf_token]")["value"],
        "secret": secret,
        "code": pyotp.TOTP(secret).now(),
    }
    return client.post("/petugas/akun/2fa", data=data), secret


def _token(client, path):
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    return page.select_one("input[name=csrf_token]")["value"]


def _unused_code(client, who):
    """A code the portal has not accepted yet: a code is accepted once, and a test may sign the
    same account in twice within one 30-second step (the next step's code is accepted too)."""
    import pyotp
    import sqlalchemy as sa

    from portal.accounts.models import Account

    with client.application.app_context():  # its own context: the caller's may be stale or absent
        last_step = db.session.scalar(sa.select(Account.totp_last_step).where(Account.id == who.id))
    totp = pyotp.TOTP(who.totp_secret)
    step = int(time.time()) // totp.interval
    if last_step is not None and last_step >= step:
        assert last_step == step, "a third sign-in of one account within 30 seconds"
        step += 1
    return totp.at(step * totp.interval)


def assistance_input(**overrides):
    from portal.assistance.services.requests import AssistanceInput
    from portal.models import AssistanceKind, AssistanceTopic, ContactPreference, FilerRelation

    values = dict(
        subject_name="Ibu Sari Wulandari",
        requester_relation=FilerRelation.SENDIRI,
        requester_name=None,
        requester_relationship=None,
        consent_recorded=False,
        kinds=(AssistanceKind.KUNJUNGAN_RUMAH, AssistanceKind.JURU_BAHASA_ISYARAT),
        topic=AssistanceTopic.USULAN_CALON,
        description="Saya tuli.",
        phone="+6281234567890",
        contact_preference=ContactPreference.WHATSAPP_VIDEO,
        preferred_times=(),
        time_note=None,
        kelurahan_code="32.75.01.1001",
        street="Jl. Melati 3",
        rt="003",
        rw="005",
    )
    values.update(overrides)
    return AssistanceInput(**values)


def assistance_request(*, now=None, **overrides):
    """A filed assistance request through the real service; returns (request, access_code)."""
    from portal.assistance.services.requests import file_request
    from portal.core.workdays import WorkCalendar

    filed = file_request(
        session=db.session, data=assistance_input(**overrides), calendar=WorkCalendar(), contact_days=3, now=now
    )
    db.session.commit()
    return filed.request, filed.access_code
