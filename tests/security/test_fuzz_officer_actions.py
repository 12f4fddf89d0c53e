"""Officers' actions on a complaint and on an assistance request under hostile input (hypothesis,
SQLite): never a 500, a refused action changes nothing, and the case page shows whatever was stored
as text. Each example starts from a fresh case in a drawn status, so examples do not depend on each
other."""

import pytest
import sqlalchemy as sa
from hypothesis import event, given
from hypothesis import strategies as st

from portal.complaints.services.lifecycle import Actor, transition
from portal.core.trail import ActedBy
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import AssistanceEvent, ComplaintEvent, ComplaintStatus, DisabilityCategory
from tests.factories import account, assistance_request, complaint, make_nik, sign_in
from tests.helpers.hostile import FUZZ, NO_RATE_LIMITS, assert_handled, field_values

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

S = ComplaintStatus
STAGES = {  # how a case reaches each starting status, one transition at a time
    "diterima": [],
    "diverifikasi": [(S.DIVERIFIKASI, Actor.PETUGAS)],
    "menunggu_informasi": [(S.MENUNGGU_INFORMASI, Actor.PETUGAS)],
    "dirujuk": [(S.DIVERIFIKASI, Actor.PETUGAS), (S.DIRUJUK, Actor.PETUGAS)],
    "banding": [(S.DIVERIFIKASI, Actor.PETUGAS), (S.SELESAI, Actor.PETUGAS), (S.BANDING, Actor.WARGA)],
}
CASE_ACTIONS = {  # action → its fields, with a usable value each
    "ambil": {},
    "verifikasi": {},
    "tugaskan": {"assignee": "{me}"},
    "balas": {"message": "Pesan uji."},
    "catatan": {"message": "Catatan uji."},
    "minta-informasi": {"message": "Kirim foto KK."},
    "rujuk": {"agency": "dukcapil", "reference": "", "follow_up_on": "2030-01-02", "message": "Dirujuk."},
    "selesaikan": {"outcome": "selesai", "code": "didaftarkan", "next_step": "Cek lagi.", "message": "Selesai."},
    "banding": {"decision": "kuatkan", "message": "Banding ditinjau."},
    "ganda": {"of_reference": ""},
    "kode-akses": {"checked_how": "KTP asli dilihat."},
}
HELP_ACTIONS = {
    "ambil": {},
    "hapus-disabilitas": {},
    "catatan": {"message": "Catatan uji."},
    "jadwalkan": {"kind": "kunjungan_rumah", "on": "2030-01-02", "at": "10:00", "officer": "{me}", "message": ""},
    "hasil": {"outcome": "cek_status", "reference": "", "message": "Sudah dibantu."},
}


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


@pytest.fixture
def supervisor(app):
    client = app.test_client()
    who = account("supervisor")
    sign_in(client, who)
    client.token = None
    return client, who


def _token(client) -> str:
    from tests.helpers import csrf_token

    client.token = client.token or csrf_token(client, "/petugas/pengaduan")
    return client.token


def _count(model, **where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def _form(fields: dict[str, str], me: int, version: int, token: str, prefix: str = "") -> dict[str, str]:
    values = {"csrf_token": token, "version": str(version)} | {k: v.replace("{me}", str(me)) for k, v in fields.items()}
    return {prefix + name: value for name, value in values.items()}


@FUZZ
@given(stage=st.sampled_from(sorted(STAGES)), action=st.sampled_from(sorted(CASE_ACTIONS)), data=st.data())
def test_case_actions_survive_anything(supervisor, stage, action, data):
    client, me = supervisor
    case, _code = complaint(subject_nik=make_nik())
    for target, actor in STAGES[stage]:
        transition(
            session=db.session,
            complaint=case,
            target=target,
            actor=actor,
            acted_by=ActedBy.officer(me.id),
            message="",
            calendar=WorkCalendar(),
        )
    db.session.commit()
    sent = data.draw(field_values(_form(CASE_ACTIONS[action], me.id, case.version, _token(client))))
    version, events = case.version, _count(ComplaintEvent, complaint_id=case.id)
    response = client.post(f"/petugas/pengaduan/{case.reference}/aksi/{action}", data=sent)
    assert_handled(response)
    event(f"{stage} {action} answered {response.status_code}")
    if response.status_code >= 400:
        db.session.refresh(case)
        assert (case.version, _count(ComplaintEvent, complaint_id=case.id)) == (version, events)
    assert_handled(client.get(f"/petugas/pengaduan/{case.reference}"))  # stored text shown back as text


@FUZZ
@given(action=st.sampled_from(sorted(HELP_ACTIONS)), data=st.data())
def test_assistance_actions_survive_anything(supervisor, action, data):
    client, me = supervisor
    sensitive = (
        {"disabilities": (DisabilityCategory.FISIK,), "disability_note": "Kursi roda.", "disability_consent": True}
        if data.draw(st.booleans())
        else {}
    )
    found, _code = assistance_request(**sensitive)
    fields = _form(HELP_ACTIONS[action], me.id, found.version, _token(client), prefix=f"{action}-")
    sent = data.draw(field_values(fields))
    version, events = found.version, _count(AssistanceEvent, request_id=found.id)
    response = client.post(f"/petugas/bantuan/{found.reference}/aksi/{action}", data=sent)
    assert_handled(response)
    event(f"{action} answered {response.status_code}")
    if response.status_code >= 400:
        db.session.refresh(found)
        assert (found.version, _count(AssistanceEvent, request_id=found.id)) == (version, events)
    assert_handled(client.get(f"/petugas/bantuan/{found.reference}"))
