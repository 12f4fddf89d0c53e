"""Issue 16 point 3: decisions that would contradict themselves are refused, with a message."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AssistanceStatus, AuditEvent, ComplaintStatus, EventKind
from tests.factories import account, assistance_request, complaint, make_nik, sign_in
from tests.helpers import parse


def act(client, path, action, prefix="", **data):
    page = parse(client.get(path))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, **{f"{prefix}{k}": v for k, v in data.items()}})


def case_act(client, case, action, **data):
    return act(client, f"/petugas/pengaduan/{case.reference}", action, **data)


def refusal(response) -> str:
    assert response.status_code == 400
    return parse(response).select_one(".error-summary").get_text(" ", strip=True)


def test_each_outcome_offers_and_allows_only_its_own_reasons(client):
    supervisor = account("supervisor")
    case, _ = complaint()
    sign_in(client, supervisor)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    groups = {
        group["label"]: [option["value"] for option in group.select("option")]
        for group in page.select("#aksi-selesaikan select[name=code] optgroup")
    }
    assert groups == {
        "Jika selesai": [
            "didaftarkan",
            "data_diperbaiki",
            "masuk_daftar_tunggu",
            "informasi_diberikan",
            "ditindaklanjuti",
        ],
        "Jika ditolak": ["tidak_memenuhi_syarat", "bukan_kewenangan", "tidak_cukup_bukti", "tidak_dapat_dihubungi"],
    }
    said = refusal(
        case_act(
            client,
            case,
            "selesaikan",
            outcome="ditolak",
            code="data_diperbaiki",
            next_step="Tidak ada.",
            message="Data Anda sudah kami perbaiki.",
        )
    )
    assert "Alasan “Data diperbaiki” tidak cocok dengan hasil “Ditolak”" in said
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DITERIMA and case.resolution_code is None
    # the typed decision is still in the form
    page = parse(
        case_act(client, case, "selesaikan", outcome="selesai", code="tidak_cukup_bukti", next_step="x", message="y")
    )
    assert page.select_one("#aksi-selesaikan select[name=code] option[selected]")["value"] == "tidak_cukup_bukti"
    ok = case_act(
        client, case, "selesaikan", outcome="ditolak", code="tidak_cukup_bukti", next_step="Kirim bukti.", message="z"
    )
    assert ok.status_code == 303


def test_a_duplicate_must_be_about_the_same_person_or_a_supervisor_says_why(client, app):
    officer = account()
    nik = make_nik()
    original, _ = complaint(subject_nik=nik)
    twin, _ = complaint(subject_nik=nik)
    stranger, _ = complaint(subject_nik=make_nik(female=True))
    sign_in(client, officer)
    for case in (twin, stranger):
        case_act(client, case, "ambil")

    said = refusal(case_act(client, stranger, "ganda", of_reference=original.reference))
    assert f"Pengaduan {original.reference} bukan tentang orang yang sama" in said and "minta supervisor" in said
    page = parse(client.get(f"/petugas/pengaduan/{stranger.reference}"))
    assert page.select_one("#aksi-ganda input[name=override_note]") is None  # officers have no override
    own = refusal(case_act(client, stranger, "ganda", of_reference=stranger.reference.lower().replace("-", "")))
    assert "dirinya sendiri" in own and "tidak ditemukan" not in own
    assert case_act(client, twin, "ganda", of_reference=original.reference).status_code == 303

    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    said = refusal(case_act(boss, stranger, "ganda", of_reference=original.reference))
    assert "tulis alasannya di kolom pengecualian supervisor" in said
    note = "Pelapor yang sama mengadukan suaminya dua kali dengan NIK salah ketik."
    assert case_act(boss, stranger, "ganda", of_reference=original.reference, override_note=note).status_code == 303
    db.session.refresh(stranger)
    assert stranger.status is ComplaintStatus.DITUTUP and stranger.duplicate_of_id == original.id
    notes = [e for e in stranger.events if e.kind is EventKind.CATATAN]
    assert [(e.message, e.public) for e in notes] == [(note, False)]
    detail = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "tandai_ganda").order_by(AuditEvent.id)
    ).all()
    assert detail[0] == original.reference and "pengecualian supervisor" in detail[1]


def test_a_closed_duplicate_offers_no_claim(client, app):
    supervisor = account("supervisor")
    nik = make_nik()
    original, _ = complaint(subject_nik=nik)
    twin, _ = complaint(subject_nik=nik)
    sign_in(client, supervisor)
    assert case_act(client, twin, "ganda", of_reference=original.reference).status_code == 303
    officer = app.test_client()
    sign_in(officer, account())
    page = parse(officer.get(f"/petugas/pengaduan/{twin.reference}"))
    assert page.select_one("#aksi-ambil") is None
    assert "rahasia" not in page.select_one(".actions-panel").get_text()


def test_a_help_request_is_closed_only_with_a_complaint_about_the_same_person(client, app):
    officer = account()
    found, _ = assistance_request(subject_name="Ibu Sari Wulandari")
    unrelated, _ = complaint(subject_name="Budi Santoso")
    hers, _ = complaint(subject_name="Sari Wulandari, S.Pd.")
    sign_in(client, officer)
    path = f"/petugas/bantuan/{found.reference}"
    act(client, path, "ambil")

    said = refusal(act(client, path, "hasil", "hasil-", outcome="pengaduan_diajukan", reference=unrelated.reference))
    assert f"Pengaduan {unrelated.reference} tentang orang lain" in said
    db.session.refresh(found)
    assert found.status is not AssistanceStatus.SELESAI

    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    page = parse(boss.get(path))
    assert page.select_one("#aksi-hasil input[name=hasil-override_note]") is not None
    said = refusal(act(boss, path, "hasil", "hasil-", outcome="pengaduan_diajukan", reference=unrelated.reference))
    assert "pengecualian supervisor" in said
    response = act(client, path, "hasil", "hasil-", outcome="pengaduan_diajukan", reference=hers.reference)
    assert response.status_code == 303
    db.session.refresh(found)
    assert found.status is AssistanceStatus.SELESAI and found.outcome_reference == hers.reference


def test_a_supervisor_may_close_a_help_request_with_another_persons_complaint_saying_why(client):
    found, _ = assistance_request(subject_name="Ibu Sari Wulandari")
    husband, _ = complaint(subject_name="Budi Santoso")
    sign_in(client, account("supervisor"))
    path = f"/petugas/bantuan/{found.reference}"
    note = "Permintaan diajukan untuk suaminya; pengaduan atas nama suami."
    response = act(
        client, path, "hasil", "hasil-", outcome="pengaduan_diajukan", reference=husband.reference, override_note=note
    )
    assert response.status_code == 303
    db.session.refresh(found)
    assert found.outcome_reference == husband.reference
    assert [e.message for e in found.events if e.kind.value == "catatan"] == [note]
