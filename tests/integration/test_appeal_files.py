"""An appeal ("belum puas" on the tracking page) with the resident's files: kept with the appeal's
timeline line as an answer's files are, shown to and downloaded (audited) by the supervisor who
judges it; a bad file refuses the whole rating; files come only with an appeal."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from portal.complaints.services.attachments import clean_upload
from portal.complaints.services.lifecycle import CaseRefusal
from portal.complaints.services.tracking import rate_resolution
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import Attachment, AuditEvent, ComplaintStatus, EventKind, Satisfaction
from portal.web.settings import attachment_store
from tests.factories import account, complaint, png, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import track
from tests.integration.test_officer_cases import act
from tests.pdf_samples import sized_pdf, text_pdf

REASON = "Nama saya masih belum muncul di cek status; foto layar terlampir."


@pytest.fixture(params=["local", "database"])
def app_config(request, tmp_path) -> dict:
    return {"FILE_STORE": request.param, "ATTACHMENT_DIR": str(tmp_path / "lampiran")}


def concluded_by(client, supervisor):
    """A case the first supervisor concluded; the resident may now rate it."""
    case, code = complaint()
    sign_in(client, supervisor)
    act(client, case, "selesaikan", outcome="selesai", code="didaftarkan", next_step="Cek lagi.", message="Beres.")
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI
    return case, code


def rate(resident, value, *, files=(), alasan=REASON):
    token = csrf_token(resident, "/pengaduan/lacak/kasus")
    return resident.post(
        "/pengaduan/lacak/kasus/nilai",
        content_type="multipart/form-data",
        data={"csrf_token": token, "penilaian": value, "alasan": alasan, "lampiran": list(files)},
    )


def nothing_recorded(case):
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI and case.satisfaction is None and not case.appealed
    assert not [e for e in case.events if e.kind is EventKind.PENILAIAN]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert attachment_store().listing() == []  # no file left behind without its row


def test_the_rating_form_sends_files_without_javascript(client, app):
    case, code = concluded_by(client, account("supervisor"))
    resident = app.test_client()
    track(resident, case.reference, code)
    form = parse(resident.get("/pengaduan/lacak/kasus")).select_one("form[action='/pengaduan/lacak/kasus/nilai']")
    assert form["enctype"] == "multipart/form-data" and form["method"] == "post"
    picker = form.select_one("input[type=file][name=lampiran]")
    assert picker.has_attr("multiple") and "application/pdf" in picker["accept"]
    label = form.select_one(f"label[for={picker['id']}]").get_text(" ", strip=True)
    assert label.startswith("Lampiran banding")


def test_the_supervisor_judging_the_appeal_sees_and_downloads_its_files(client, app):
    first, second = account("supervisor"), account("supervisor")
    case, code = concluded_by(client, first)
    resident = app.test_client()
    track(resident, case.reference, code)
    photo, letter = png((40, 30)), text_pdf(["Surat keterangan RT 03"])
    files = [(io.BytesIO(photo), "layar cek status.png"), (io.BytesIO(letter), "surat RT.pdf")]
    assert rate(resident, "belum_puas", files=files).status_code == 303

    db.session.refresh(case)
    assert case.status is ComplaintStatus.BANDING and case.satisfaction is Satisfaction.BELUM_PUAS
    appeal = [e for e in case.events if e.kind is EventKind.PENILAIAN][0]
    assert appeal.message == REASON
    assert sorted(a.original_name for a in appeal.attachments) == ["layar cek status.png", "surat RT.pdf"]
    assert all(a.complaint_id == case.id for a in appeal.attachments)
    # The resident's own page counts them on the appeal's line, as with an answer.
    line = parse(resident.get("/pengaduan/lacak/kasus")).select_one("ol.timeline").get_text(" ", strip=True)
    assert "2 lampiran" in line

    reviewer = app.test_client()
    sign_in(reviewer, second)
    page = parse(reviewer.get(f"/petugas/pengaduan/{case.reference}"))
    said = page.select_one("#aksi-banding .appeal-said")
    assert REASON in said.get_text()
    links = {a.get_text(strip=True): a["href"] for a in said.select("a")}
    assert sorted(links) == ["layar cek status.png", "surat RT.pdf"]
    timeline_links = [a.get_text(strip=True) for a in page.select("ol.timeline a")]
    assert sorted(timeline_links) == sorted(links)  # and on the appeal's line of the timeline

    by_name = {a.original_name: a for a in appeal.attachments}
    for name, href in links.items():
        response = reviewer.get(href)
        assert response.status_code == 200
        assert response.data == attachment_store().read_bytes(by_name[name].storage_key)
    downloads = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "unduh_lampiran")).all()
    assert sorted(d.object_id for d in downloads) == sorted(str(a.id) for a in appeal.attachments)
    assert {d.detail for d in downloads} == {case.reference} and {d.account_id for d in downloads} == {second.id}

    # The decision goes on as before.
    assert act(reviewer, case, "banding", decision="buka", message="Foto layar diperiksa.").status_code == 303


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            lambda: [(io.BytesIO(sized_pdf(6 * 1024 * 1024)), "scan KK.pdf")],
            "PDF scan KK.pdf lebih dari 5 MB",
            id="pdf-too-big",
        ),
        pytest.param(
            lambda: [(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * (15 * 1024 * 1024)), "foto.png")],
            "Berkas foto.png lebih dari 15 MB",
            id="photo-too-big",
        ),
        pytest.param(
            lambda: [(io.BytesIO(b"bukan foto, hanya teks"), "catatan.txt")],
            "Berkas catatan.txt bukan foto (JPG, PNG, HEIC) atau PDF",
            id="wrong-type",
        ),
        pytest.param(
            lambda: [(io.BytesIO(png()), f"foto{i}.png") for i in range(4)],
            "Pilih paling banyak 3 berkas sekaligus; Anda memilih 4",
            id="too-many",
        ),
        pytest.param(
            lambda: [(io.BytesIO(png()), "baik.png"), (io.BytesIO(b"%PDF-1.4 rusak"), "rusak.pdf")],
            "rusak.pdf",
            id="one-good-one-bad",
        ),
    ],
)
def test_a_bad_file_refuses_the_appeal_with_its_reason_and_records_nothing(client, app, files, message):
    case, code = concluded_by(client, account("supervisor"))
    resident = app.test_client()
    track(resident, case.reference, code)
    response = rate(resident, "belum_puas", files=files())
    assert response.status_code == 400
    page = parse(response)
    assert message in page.select_one(".error-summary").get_text(" ", strip=True)
    assert message in page.select_one("form[action$='/nilai']").get_text(" ", strip=True)  # beside the field
    assert page.select_one("textarea[name=alasan]").get_text(strip=True) == REASON  # the reason is not retyped
    nothing_recorded(case)

    assert rate(resident, "belum_puas", files=[(io.BytesIO(png()), "foto.png")]).status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.BANDING and len(case.attachments) == 1


def test_files_with_a_satisfied_rating_are_refused_unread(client, app, monkeypatch):
    """Decided: not dropped unseen (the resident would think they were sent) nor kept without an
    appeal (a resident's papers kept for nothing): refused, with what to do."""
    case, code = concluded_by(client, account("supervisor"))
    resident = app.test_client()
    track(resident, case.reference, code)
    monkeypatch.setattr("portal.complaints.routes.uploads.clean_upload", lambda **_: pytest.fail("file read"))
    response = rate(resident, "puas", alasan="", files=[(io.BytesIO(png()), "foto.png")])
    assert response.status_code == 400
    text = parse(response).select_one(".error-summary").get_text(" ", strip=True)
    assert "Lampiran hanya dikirim bersama banding" in text
    nothing_recorded(case)

    assert rate(resident, "puas", alasan="").status_code == 303
    db.session.refresh(case)
    assert case.satisfaction is Satisfaction.PUAS and case.status is ComplaintStatus.SELESAI
    assert case.attachments == []


def test_the_service_keeps_files_only_with_an_appeal(client, app):
    case, _code = concluded_by(client, account("supervisor"))
    with app.test_request_context():
        store = attachment_store()
        clean = clean_upload(data=png(), filename="foto.png")
        with pytest.raises(DomainError) as refused:
            rate_resolution(
                session=db.session,
                complaint=case,
                satisfaction=Satisfaction.PUAS,
                new_files=[clean],
                store=store,
                calendar=WorkCalendar(),
            )
    assert refused.value.code is CaseRefusal.FILES_ONLY_WITH_APPEAL
    db.session.rollback()
    nothing_recorded(case)
