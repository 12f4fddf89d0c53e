"""Where officers look (issue 16, point 6): after signing in they land on their open work; a case
the resident added to is marked "baru dari warga" until its assigned officer opens it; "Kembali
ke antrean" returns to the queue as it was filtered; the queue finds the filer's or companion's
name, a phone number however it is typed, and names written with titles such as "S. Pd"."""

from __future__ import annotations

import sqlalchemy as sa

from portal.core.names import name_tokens
from portal.extensions import db
from portal.models import Complaint, ComplaintStatus
from tests.factories import account, complaint, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import officer_moves, track
from tests.integration.test_officer_cases import act


def _rows(response) -> dict[str, str]:
    """Each row of the queue: its reference, and the text of its first cell (its tags)."""
    return {
        tr.select_one("td a").get_text(strip=True): tr.select_one("td").get_text(" ", strip=True)
        for tr in parse(response).select("#antrean tbody tr")
        if tr.select_one("td a")
    }


def _landing(client, who) -> str:
    signed_in = sign_in(client, who)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/petugas/"
    home = client.get("/petugas/")
    assert home.status_code == 303
    return home.headers["Location"]


def test_an_officer_lands_on_their_own_open_cases_a_supervisor_on_all_open_ones(client, app):
    officer = account(kecamatan=("32.75.01",))
    assert _landing(client, officer) == "/petugas/pengaduan?status=terbuka&ditugaskan=saya"
    page = parse(client.get("/petugas/pengaduan?status=terbuka&ditugaskan=saya"))
    assert page.select_one("#status option[selected]")["value"] == "terbuka"
    assert page.select_one("#ditugaskan option[selected]")["value"] == "saya"
    empty = page.select_one("#antrean-kosong-saya a")  # nothing of theirs yet: where to look instead
    assert "ditugaskan=belum" in empty["href"] and "status=terbuka" in empty["href"]
    assert _landing(app.test_client(), account("supervisor")) == "/petugas/pengaduan?status=terbuka"


def _answered_case(client, officer):
    """A case of `officer` waiting for information, which the resident then answers on the web."""
    case, code = complaint()
    sign_in(client, officer)
    act(client, case, "ambil")
    act(client, case, "verifikasi")
    assert act(client, case, "minta-informasi", message="Mohon kirim foto KK.").status_code == 303
    client.get(f"/petugas/pengaduan/{case.reference}")
    resident = client.application.test_client()
    track(resident, case.reference, code)
    answered = resident.post(
        "/pengaduan/lacak/kasus/jawab",
        data={"csrf_token": csrf_token(resident, "/pengaduan/lacak/kasus"), "jawaban": "Foto KK saya kirim besok."},
        content_type="multipart/form-data",
    )
    assert answered.status_code == 303
    return case


def test_news_from_the_resident_is_marked_until_the_assigned_officer_opens_it(client, app):
    officer = account()
    case = _answered_case(client, officer)
    other_case, _code = complaint()
    mine = "/petugas/pengaduan?status=terbuka&ditugaskan=saya"
    assert "Baru dari warga" in _rows(client.get(mine))[case.reference]
    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    assert "Baru dari warga" in _rows(supervisor.get("/petugas/pengaduan?baru=1"))[case.reference]
    assert other_case.reference not in _rows(supervisor.get("/petugas/pengaduan?baru=1"))
    supervisor.get(f"/petugas/pengaduan/{case.reference}")  # not the assigned officer: still news
    assert "Baru dari warga" in _rows(client.get(mine))[case.reference]

    db.session.expire_all()
    version = db.session.get(Complaint, case.id).version
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert "Jawaban warga" in [s.get_text(strip=True) for s in page.select("ol.timeline strong")]
    assert "Baru dari warga" not in _rows(client.get(mine))[case.reference]
    db.session.expire_all()
    assert db.session.get(Complaint, case.id).version == version  # the page's forms are still current
    assert act(client, case, "catatan", message="Sudah dibaca.").status_code == 303


def test_an_sms_answer_and_an_officers_own_reply_are_not_alike(client):
    """Only the resident's additions are news: the officer's own reply is not."""
    officer = account()
    case, _code = complaint()
    sign_in(client, officer)
    act(client, case, "ambil")
    act(client, case, "balas", message="Kami periksa.")
    assert "Baru dari warga" not in _rows(client.get("/petugas/pengaduan"))[case.reference]
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim KK.")
    from portal.complaints.services.tracking import answer_information_request
    from portal.core.workdays import WorkCalendar

    db.session.refresh(case)
    answer_information_request(
        session=db.session, complaint=case, message="KK hilang.", new_files=[], store=None, calendar=WorkCalendar()
    )
    db.session.commit()
    assert "Baru dari warga" in _rows(client.get("/petugas/pengaduan"))[case.reference]


def test_back_to_the_queue_keeps_its_filters(client):
    officer = account()
    case, _code = complaint(subject_name="Sukma Wijaya")
    sign_in(client, officer)
    filtered = "/petugas/pengaduan?q=sukma&status=terbuka&kategori=terlewat&hal=1"
    assert case.reference in _rows(client.get(filtered))
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    back = page.find("a", string="Kembali ke antrean")
    assert back["href"] == filtered
    act(client, case, "ambil")  # after an action (a 303 back to the case) the way back is the same
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.find("a", string="Kembali ke antrean")["href"] == filtered


def test_back_to_the_queue_without_a_queue_seen_is_the_open_cases(client):
    case, _code = complaint()
    sign_in(client, account())
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.find("a", string="Kembali ke antrean")["href"] == "/petugas/pengaduan?status=terbuka"


def test_the_queue_finds_the_filers_or_companions_name(client):
    sign_in(client, account())
    case, _code = complaint(
        subject_name="Mbah Sarinah", filer_relation="pendamping", filer_name="Rina Kartika", filer_relationship="cucu"
    )
    assert list(_rows(client.get("/petugas/pengaduan?q=kartika"))) == [case.reference]
    assert list(_rows(client.get("/petugas/pengaduan?q=rina+kart"))) == [case.reference]


def test_a_confidential_filer_is_not_found_by_officers_who_may_not_see_them(client, app):
    case, _code = complaint(
        subject_name="Mbah Warsih",
        filer_relation="keluarga",
        filer_name="Yuliana Pertiwi",
        filer_relationship="anak",
        confidential=True,
        phone="+6281399990001",
    )
    sign_in(client, account())
    assert _rows(client.get("/petugas/pengaduan?q=pertiwi")) == {}
    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    assert list(_rows(supervisor.get("/petugas/pengaduan?q=pertiwi"))) == [case.reference]
    found = supervisor.post(
        "/petugas/pengaduan", data={"csrf_token": csrf_token(supervisor, "/petugas/pengaduan"), "q": "0813 9999 0001"}
    )
    assert list(_rows(found)) == [case.reference]
    hidden = client.post(
        "/petugas/pengaduan", data={"csrf_token": csrf_token(client, "/petugas/pengaduan"), "q": "0813 9999 0001"}
    )
    assert hidden.status_code == 200 and _rows(hidden) == {}


def test_the_queue_finds_a_phone_number_however_it_is_typed_never_in_an_address(client):
    sign_in(client, account())
    case, _code = complaint(phone="+6285712345678")
    for typed in ("0857-1234-5678", "+62 857 1234 5678", "6285712345678", "0857 1234 5678"):
        response = client.post(
            "/petugas/pengaduan", data={"csrf_token": csrf_token(client, "/petugas/pengaduan"), "q": typed}
        )
        assert response.status_code == 200, typed  # answered here, not redirected to an address
        assert list(_rows(response)) == [case.reference], typed
        assert parse(response).select_one(".error-summary") is None
    page = parse(client.get("/petugas/pengaduan"))
    assert page.select_one("label[for=q]").get_text(strip=True) == "Cari nomor, nama, atau nomor HP"


def test_a_nik_typed_in_the_search_box_is_still_a_nik(client):
    sign_in(client, account())
    case, _code = complaint()
    response = client.post(
        "/petugas/pengaduan", data={"csrf_token": csrf_token(client, "/petugas/pengaduan"), "q": case.subject_nik}
    )
    assert list(_rows(response)) == [case.reference]


def test_names_with_titles_are_found_with_or_without_them(client):
    sign_in(client, account())
    case, _code = complaint(subject_name="Hj. Siti Aminah, S. Pd. I")
    for typed in ("siti aminah", "Siti Aminah S.Pd", "Siti S. Pd", "aminah, S.Pd.I", "Hj Siti"):
        assert list(_rows(client.get("/petugas/pengaduan", query_string={"q": typed}))) == [case.reference], typed
    assert name_tokens("Rina S. Pd") == ["rina"]
    assert name_tokens("M. Yusuf") == ["m", "yusuf"]  # an initial is not a title
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1


# Saved filters ---------------------------------------------------------------------------------


def _save(client, name: str, shown: str):
    form = parse(client.get(shown)).select_one("#simpan-filter")
    assert form is not None, "the queue offers to save its filters"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, "nama_filter": name})


def test_an_officer_saves_a_filter_and_finds_it_above_the_queue(client, app):
    officer = account()
    sign_in(client, officer)
    shown = "/petugas/pengaduan?q=sukma&status=terbuka&terlambat=1&hal=2"
    saved = _save(client, "  Terlambat   Sukma ", shown)
    assert saved.status_code == 303
    assert saved.headers["Location"] == "/petugas/pengaduan?q=sukma&status=terbuka&terlambat=1"
    page = parse(client.get(saved.headers["Location"]))
    assert page.select_one(".notice[role=status], .flash").get_text(strip=True) == "Filter “Terlambat Sukma” disimpan."
    link = page.select_one("nav.saved-filters a")
    assert link.get_text(strip=True) == "Terlambat Sukma"
    assert link["href"] == "/petugas/pengaduan?q=sukma&status=terbuka&terlambat=1"
    again = _save(client, "Terlambat Sukma", "/petugas/pengaduan?status=terbuka&segera=1")  # the same name: replaced
    assert again.status_code == 303
    links = parse(client.get("/petugas/pengaduan")).select("nav.saved-filters a")
    assert [a["href"] for a in links] == ["/petugas/pengaduan?status=terbuka&segera=1"]

    other = app.test_client()  # another officer sees none of them, and cannot delete them
    sign_in(other, account())
    assert parse(other.get("/petugas/pengaduan")).select("nav.saved-filters a") == []
    delete = parse(client.get("/petugas/pengaduan")).select_one("nav.saved-filters form")
    assert other.post(delete["action"], data={"csrf_token": csrf_token(other, "/petugas/pengaduan")}).status_code == 404
    assert (
        client.post(delete["action"], data={"csrf_token": csrf_token(client, "/petugas/pengaduan")}).status_code == 303
    )
    assert parse(client.get("/petugas/pengaduan")).select("nav.saved-filters a") == []


def test_a_filter_needs_a_name_and_a_phone_or_nik_search_is_never_saved(client):
    sign_in(client, account())
    refused = _save(client, "", "/petugas/pengaduan?status=terbuka")
    assert refused.status_code == 303
    told = parse(client.get(refused.headers["Location"].split("#")[0])).get_text(" ", strip=True)
    assert "Beri nama filter ini" in told
    case, _code = complaint(phone="+6285712340000")
    found = client.post(
        "/petugas/pengaduan", data={"csrf_token": csrf_token(client, "/petugas/pengaduan"), "q": "0857 1234 0000"}
    )
    assert list(_rows(found)) == [case.reference]
    assert parse(found).select_one("#simpan-filter") is None  # a number searched by POST stays out of any filter


# Bulk assignment -------------------------------------------------------------------------------


def test_a_supervisor_assigns_the_ticked_cases_at_once(client, app):
    supervisor = account("supervisor")
    rina = account(kecamatan=("32.75.01",))
    elsewhere = account(kecamatan=("32.75.02",))
    first, _c1 = complaint(subject_name="Qa Satu")
    second, _c2 = complaint(subject_name="Qa Dua")
    stale, _c3 = complaint(subject_name="Qa Tiga")
    sign_in(client, supervisor)
    page = parse(client.get("/petugas/pengaduan?q=qa"))
    boxes = {b["value"].split(":")[0]: b["value"] for b in page.select("input[name=kasus][form=tugaskan-terpilih]")}
    assert set(boxes) == {first.reference, second.reference, stale.reference}
    form = page.select_one("form#tugaskan-terpilih")
    assert [o["value"] for o in form.select("select[name=petugas] option") if o["value"]]  # the officers
    db.session.get(Complaint, stale.id).description = "diubah"  # changed since the queue was shown
    db.session.commit()
    sent = client.post(
        form["action"],
        data={
            "csrf_token": form.select_one("input[name=csrf_token]")["value"],
            "petugas": str(rina.id),
            "kasus": [boxes[first.reference], boxes[second.reference], boxes[stale.reference]],
        },
    )
    assert sent.status_code == 303
    told = parse(client.get(sent.headers["Location"])).select_one(".notice[role=status]").get_text(" ", strip=True)
    assert f"2 pengaduan ditugaskan kepada {rina.name}." in told
    assert f"{stale.reference} tidak ditugaskan" in told
    db.session.expire_all()
    assignees = {c.reference: c.assigned_to_id for c in db.session.scalars(sa.select(Complaint))}
    assert assignees == {first.reference: rina.id, second.reference: rina.id, stale.reference: None}

    out_of_scope = client.post(
        form["action"],
        data={
            "csrf_token": csrf_token(client, "/petugas/pengaduan"),
            "petugas": str(elsewhere.id),
            "kasus": [boxes[stale.reference].split(":")[0] + ":" + str(db.session.get(Complaint, stale.id).version)],
        },
    )
    told = parse(client.get(out_of_scope.headers["Location"])).get_text(" ", strip=True)
    assert f"{stale.reference} tidak ditugaskan" in told
    assert db.session.get(Complaint, stale.id).assigned_to_id is None


def test_officers_get_no_boxes_and_cannot_assign(client):
    officer = account()
    case, _code = complaint()
    sign_in(client, officer)
    page = parse(client.get("/petugas/pengaduan"))
    assert page.select("input[name=kasus]") == [] and page.select_one("form#tugaskan-terpilih") is None
    refused = client.post(
        "/petugas/pengaduan/tugaskan",
        data={
            "csrf_token": csrf_token(client, "/petugas/pengaduan"),
            "petugas": str(officer.id),
            "kasus": f"{case.reference}:1",
        },
    )
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(Complaint, case.id).assigned_to_id is None
