"""Templates, round 2 (issue 16, point 7): choosing one opens its form with the text; a template is
for a reply, a request for information, a referral or a decision; {nama}, {nomor} and
{batas_waktu} are filled from the case; the demo seeds a few; the admin's pages say words."""

from __future__ import annotations

import sqlalchemy as sa

from portal.demo.services.templates import DEMO_TEMPLATES, seed_templates
from portal.extensions import db
from portal.models import ResponseTemplate
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.integration.test_officer_admin import post
from tests.integration.test_officer_cases import act


def _template(**values) -> ResponseTemplate:
    template = ResponseTemplate(**{"title": "Templat", "body": "Isi.", **values})
    db.session.add(template)
    db.session.commit()
    return template


def _case_page(client, reference: str, template_id: int | None = None):
    query = f"?templat={template_id}" if template_id else ""
    return parse(client.get(f"/petugas/pengaduan/{reference}{query}"))


def test_choosing_a_template_opens_its_form_with_the_placeholders_filled(client):
    officer = account()
    case, _code = complaint(subject_name="Siti Aminah")
    sign_in(client, officer)
    act(client, case, "ambil")
    act(client, case, "verifikasi")
    asking = _template(
        title="Minta foto KK",
        kind="minta_informasi",
        body="Bu {nama}, untuk {nomor} kirim foto KK sebelum {batas_waktu}.",
    )
    reply = _template(title="Sedang diperiksa", body="Pengaduan {nomor} kami periksa. {tidak_dikenal}")
    page = _case_page(client, case.reference)
    assert not page.select_one("#aksi-minta-informasi").has_attr("open")
    links = {a.get_text(strip=True): a["href"] for a in page.select("#aksi-minta-informasi p.small a")}
    assert links == {"Minta foto KK": f"/petugas/pengaduan/{case.reference}?templat={asking.id}#aksi-minta-informasi"}
    assert [a.get_text(strip=True) for a in page.select("#aksi-balas p.small a")] == ["Sedang diperiksa"]

    page = _case_page(client, case.reference, asking.id)
    section = page.select_one("#aksi-minta-informasi")
    assert section.has_attr("open")
    due = case.resolve_due
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
              "November", "Desember"]  # fmt: skip
    expected = (
        f"Bu Siti Aminah, untuk {case.reference} kirim foto KK sebelum {due.day} {months[due.month - 1]} {due.year}."
    )
    assert section.select_one("textarea").get_text().strip() == expected
    assert not page.select_one("#aksi-balas").has_attr("open")
    assert page.select_one("#aksi-balas textarea").get_text().strip() == ""

    page = _case_page(client, case.reference, reply.id)
    assert page.select_one("#aksi-balas").has_attr("open")  # "Balas warga" opens with the text
    body = page.select_one("#aksi-balas textarea").get_text().strip()
    assert body == f"Pengaduan {case.reference} kami periksa. {{tidak_dikenal}}"  # an unknown one stays as written


def test_referral_and_decision_templates_fill_their_forms(client):
    case, _code = complaint(
        category="data_salah",
        subject_name="Mbah Sarinah",
        filer_relation="pendamping",
        filer_name="Rina",
        filer_relationship="cucu",
    )
    refer = _template(title="Ke Disdukcapil", kind="rujuk", body="{nama}: {nomor} dirujuk.")
    decide = _template(title="Data diperbaiki", kind="keputusan", body="{nama}: data diperbaiki.")
    other_category = _template(title="Untuk terlewat", kind="keputusan", category="terlewat", body="x")
    sign_in(client, account("supervisor"))
    act(client, case, "verifikasi")
    page = _case_page(client, case.reference, refer.id)
    assert page.select_one("#aksi-rujuk").has_attr("open")
    assert (
        page.select_one("#aksi-rujuk textarea").get_text().strip() == f"Rina: {case.reference} dirujuk."
    )  # the filer reads it
    page = _case_page(client, case.reference, decide.id)
    assert page.select_one("#aksi-selesaikan textarea").get_text().strip() == "Rina: data diperbaiki."
    offered = [a.get_text(strip=True) for a in page.select("#aksi-selesaikan p.small a")]
    assert offered == ["Data diperbaiki"] and other_category.title not in offered


def test_an_anonymous_reporter_is_greeted_without_a_name(client):
    case, _code = complaint(
        category="pungli", subject_name="", filer_relation="lainnya", filer_name=None, phone=None, anonymous=True,
        contact_channel=None, incident_place="Kantor kelurahan", confidential=True,
    )  # fmt: skip
    reply = _template(title="Diterima", body="{nama}, laporan {nomor} kami terima.")
    sign_in(client, account("supervisor"))
    page = _case_page(client, case.reference, reply.id)
    assert (
        page.select_one("#aksi-balas textarea").get_text().strip()
        == f"Bapak/Ibu, laporan {case.reference} kami terima."
    )


def test_the_admin_chooses_the_kind_and_unknown_placeholders_are_refused(client):
    admin = account("admin", totp=True)
    sign_in(client, admin)
    form = parse(client.get("/petugas/admin/templat/baru"))
    kinds = [o.get_text(strip=True) for o in form.select("select[name=kind] option")]
    assert kinds == ["Balasan ke warga", "Permintaan informasi", "Catatan rujukan", "Pesan keputusan"]
    statuses = [o.get_text(strip=True) for o in form.select("select[name=status] option")]
    assert "Sedang diperiksa" in statuses and "diverifikasi" not in statuses
    assert "Menunggu informasi dari warga" in statuses
    refused = post(
        client,
        "/petugas/admin/templat/baru",
        {
            "title": "Minta KK",
            "kind": "minta_informasi",
            "body": "Halo {nama_lengkap}, kirim KK.",
            "category": "",
            "status": "",
        },
    )
    assert refused.status_code == 400
    assert "{nama_lengkap}" in parse(refused).select_one(".error-summary").get_text()
    made = post(
        client,
        "/petugas/admin/templat/baru",
        {
            "title": "Minta KK",
            "kind": "minta_informasi",
            "body": "Halo {nama}, kirim KK.",
            "category": "",
            "status": "diverifikasi",
            "active": "y",
        },
    )
    assert made.status_code == 303
    template = db.session.scalars(sa.select(ResponseTemplate)).one()
    assert template.kind.value == "minta_informasi"
    row = parse(client.get("/petugas/admin/templat")).select_one("main table tbody tr")
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[:4] == ["Minta KK", "Permintaan informasi", "Semua jenis", "Sedang diperiksa"]


def test_the_demo_seeds_templates_of_each_kind_once(app):
    assert seed_templates(session=db.session) == len(DEMO_TEMPLATES)
    db.session.commit()
    assert seed_templates(session=db.session) == 0
    kinds = {t.kind.value for t in db.session.scalars(sa.select(ResponseTemplate))}
    assert kinds == {"balas", "minta_informasi", "rujuk", "keputusan"}
