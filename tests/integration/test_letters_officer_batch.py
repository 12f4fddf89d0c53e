"""/petugas/surat-massal: a batch of a kelurahan, a kecamatan or the city started from the web,
made by a real background process, followed on a status page (htmx polling), downloaded as one
PDF; scoped by role and kecamatan, audited, resumable after an interruption."""

import fcntl
import io
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.extensions import db
from portal.letters.jobs import jobs
from portal.models import AuditEvent, Letter, LetterStatus
from tests.factories import account, person, sign_in
from tests.helpers import parse, wait_until

KEL = "32.75.01.1001"  # Bekasijaya, Bekasi Timur
OTHER_KEC_KEL = "32.75.02.1001"


@pytest.fixture
def app_config(tmp_path):
    return {"LETTER_BATCH_DIR": str(tmp_path / "batches")}


@pytest.fixture
def people(app):
    here = [person(nama=name, kelurahan_code=KEL) for name in ("Yuni Lestari", "Ahmad Saputra", "Hj. Siti Ma'rifah")]
    person(nama="Dewi Rahayu", kelurahan_code=OTHER_KEC_KEL)
    return here


def token(client, path="/petugas/surat-massal"):
    return parse(client.get(path)).select_one("input[name=csrf_token]")["value"]


def wait_until_finished(client, status_url, *, timeout=240):
    def finished_page():  # as the page itself does: it polls while the batch runs (hx-trigger)
        page = parse(client.get(status_url))
        return page if page.select_one("#batch-progress[hx-trigger]") is None else None

    return wait_until(finished_page, timeout=timeout, what="the batch did not finish", every=0.5)


def test_a_supervisor_makes_a_kelurahan_batch_in_the_background(client, people):
    sign_in(client, account("supervisor"))
    page = parse(client.get("/petugas/surat-massal"))
    options = {o["value"]: o.get_text(strip=True) for o in page.select("select[name=wilayah] option")}
    assert options["semua"] == "Seluruh Kota Bekasi" and options[f"kelurahan:{KEL}"] == "Kelurahan Bekasijaya"
    assert len(options) == 1 + 12 + 56

    started = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": f"kelurahan:{KEL}"})
    assert started.status_code == 303
    status_url = started.headers["Location"]
    running = parse(client.get(status_url))
    assert running.select_one("h1").get_text() == "Surat massal: Kelurahan Bekasijaya, Kecamatan Bekasi Timur"
    assert running.select_one("#batch-state[role=status]") is not None

    done = wait_until_finished(client, status_url)
    assert "Selesai" in done.select_one("#batch-state").get_text()
    assert done.select_one("progress")["value"] == "3" and done.select_one("progress")["max"] == "3"
    link = done.select_one("a[href$='/unduh']")
    assert "3 halaman" in link.get_text()
    pdf = client.get(link["href"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages]
    names = ["Ahmad Saputra", "Hj. Siti Ma'rifah", "Yuni Lestari"]
    assert [[n for n in names if n in text] for text in texts] == [[n] for n in names]
    letters = db.session.scalars(sa.select(Letter).order_by(Letter.seq)).all()
    assert [x.seq for x in letters] == [1, 2, 3] and all(x.issued_via.value == "massal" for x in letters)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "letter_batch")).all()
    assert actions == ["surat_massal", "unduh"]

    listed = parse(client.get("/petugas/surat-massal"))
    row = [td.get_text(strip=True) for td in listed.select("tbody tr")[0].select("td")]
    assert row[0] == "Kelurahan Bekasijaya, Kecamatan Bekasi Timur" and row[3:] == ["PDF siap", "3"]

    # The same batch again: the same letters and numbers, nothing new.
    again = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": f"kelurahan:{KEL}"})
    wait_until_finished(client, again.headers["Location"])
    assert [x.seq for x in db.session.scalars(sa.select(Letter).order_by(Letter.seq))] == [1, 2, 3]


def test_the_status_fragment_polls_while_running_and_stops_at_the_end(client, app, people, tmp_path):
    sign_in(client, account("supervisor"))
    base = tmp_path / "batches"
    base.mkdir()
    job = jobs.Job(
        id="a" * 24,
        scope="kelurahan",
        code=KEL,
        label="Kelurahan Bekasijaya",
        started_by=1,
        started_by_name="Supervisor Uji",
        created_at=time.time(),
        state=jobs.RENDERING,
        total=10,
        done=4,
    )
    (base / job.id).mkdir()
    jobs.write_job(base / job.id, job)
    handle = os.open(base / job.id / jobs.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX)  # as if its process were running
    try:
        url = f"/petugas/surat-massal/{job.id}"
        fragment = client.get(url, query_string={"tahap": "membuat"}, headers={"HX-Request": "true"})
        assert fragment.status_code == 200
        part = parse(fragment)
        assert part.select_one("#batch-progress")["hx-trigger"] == "every 3s"
        assert "tahap=membuat" in part.select_one("#batch-progress")["hx-get"]
        assert part.select_one("#batch-state") is None  # the live region is told only about changes
        assert "4 dari 10 surat (40%)" in part.get_text()
        changed = parse(client.get(url, query_string={"tahap": "menomori"}, headers={"HX-Request": "true"}))
        assert changed.select_one("#batch-state")["hx-swap-oob"] == "innerHTML"
    finally:
        os.close(handle)
    stopped = client.get(url, query_string={"tahap": "membuat"}, headers={"HX-Request": "true"})
    assert stopped.status_code == 286  # htmx stops polling
    part = parse(stopped)
    assert part.select_one("#batch-progress").get("hx-trigger") is None
    assert "Terhenti" in part.select_one("#batch-state").get_text()
    assert part.select_one("form[action$='/lanjutkan'] button").get_text(strip=True) == "Lanjutkan"


def test_an_interrupted_batch_resumes_with_the_same_numbers(client, app, people, tmp_path):
    from portal.letters.services.batch import assign_batch_letters

    assign_batch_letters(session=db.session, kelurahan_codes=[KEL])  # numbered before the interruption
    db.session.commit()
    numbers = db.session.scalars(sa.select(Letter.number).order_by(Letter.seq)).all()
    sign_in(client, account("admin", totp=True))
    base = tmp_path / "batches"
    base.mkdir()
    job = jobs.Job(
        id="b" * 24,
        scope="kelurahan",
        code=KEL,
        label="Kelurahan Bekasijaya",
        started_by=1,
        started_by_name="Admin Uji",
        created_at=time.time(),
        state=jobs.RENDERING,
        total=3,
        done=1,
        issued=3,
        runs=1,
    )
    (base / job.id).mkdir()
    jobs.write_job(base / job.id, job)
    url = f"/petugas/surat-massal/{job.id}"
    page = parse(client.get(url))
    assert "Terhenti" in page.select_one("#batch-state").get_text()
    resumed = client.post(url + "/lanjutkan", data={"csrf_token": page.select_one("input[name=csrf_token]")["value"]})
    assert resumed.status_code == 303
    done = wait_until_finished(client, url)
    assert "Selesai" in done.select_one("#batch-state").get_text()
    assert db.session.scalars(sa.select(Letter.number).order_by(Letter.seq)).all() == numbers
    assert all(x.status is LetterStatus.BERLAKU for x in db.session.scalars(sa.select(Letter)))
    finished = jobs.read_job(base / job.id)
    assert (finished.issued, finished.runs) == (3, 2)  # the first run's count is kept


def test_officers_batch_only_their_kecamatan_and_never_the_whole_city(client, app, people):
    sign_in(client, account(kecamatan=["32.75.01"]))
    page = parse(client.get("/petugas/surat-massal"))
    values = [o["value"] for o in page.select("select[name=wilayah] option")]
    assert "semua" not in values and values[0] == "kecamatan:32.75.01"
    assert all(v.split(":")[1].startswith("32.75.01") for v in values)
    for wilayah in ("semua", f"kelurahan:{OTHER_KEC_KEL}", "kecamatan:32.75.02", "kelurahan:99"):
        refused = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": wilayah})
        assert refused.status_code == 400
        assert parse(refused).select_one(".error-summary") is not None
    assert jobs.list_jobs(Path(app.config["LETTER_BATCH_DIR"])) == []  # nothing started

    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    other = supervisor.post(
        "/petugas/surat-massal", data={"csrf_token": token(supervisor), "wilayah": f"kelurahan:{OTHER_KEC_KEL}"}
    )
    wait_until_finished(supervisor, other.headers["Location"])
    assert client.get(other.headers["Location"]).status_code == 404
    assert client.get(other.headers["Location"] + "/unduh").status_code == 404
    assert parse(client.get("/petugas/surat-massal")).select("tbody a") == []


def test_a_finished_batch_can_be_deleted(client, app, people):
    sign_in(client, account("supervisor"))
    started = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": f"kelurahan:{KEL}"})
    page = wait_until_finished(client, started.headers["Location"])
    form = page.select_one("form[action$='/hapus']")
    deleted = client.post(form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]})
    assert deleted.status_code == 303
    assert client.get(started.headers["Location"]).status_code == 404
    assert client.get("/petugas/surat-massal/not-a-job").status_code == 404
