"""/petugas/surat-massal: a batch of a kelurahan, a kecamatan or the city started from the web,
made by a real background process, followed on a status page (htmx polling), downloaded as one
PDF; scoped by role and kecamatan, audited, resumable after an interruption."""

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.core.base import utcnow
from portal.extensions import db
from portal.jobs.models import BackgroundJob, JobKind, JobState
from portal.jobs.services import jobs
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
    assert len(options) == 1 + 1 + 12 + 56 and options[""] == "Pilih wilayah…"  # nothing chosen at first

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


def _job(state: JobState, **values) -> str:
    job = jobs.new_job(
        session=db.session,
        kind=JobKind.LETTER_BATCH,
        scope="kelurahan",
        region_code=KEL,
        label="Kelurahan Bekasijaya, Kecamatan Bekasi Timur",
        started_by_id=None,
        started_by_name="Supervisor Uji",
        now=utcnow(),
    )
    job.state = state
    for name, value in values.items():
        setattr(job, name, value)
    db.session.commit()
    return job.id


def test_the_status_fragment_polls_while_running_and_stops_at_the_end(client, app, people):
    sign_in(client, account("supervisor"))
    job_id = _job(JobState.MEMBUAT, total=10, done=4)  # as if consumers were rendering it
    url = f"/petugas/surat-massal/{job_id}"
    fragment = client.get(url, query_string={"tahap": "membuat"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    part = parse(fragment)
    assert part.select_one("#batch-progress")["hx-trigger"] == "every 3s"
    assert "tahap=membuat" in part.select_one("#batch-progress")["hx-get"]
    assert part.select_one("#batch-state") is None  # the live region is told only about changes
    assert "4 dari 10 surat (40%)" in part.get_text()
    changed = parse(client.get(url, query_string={"tahap": "menyiapkan"}, headers={"HX-Request": "true"}))
    assert changed.select_one("#batch-state")["hx-swap-oob"] == "innerHTML"
    page = parse(client.get(url))  # without htmx: the whole page, with a link to look again
    assert page.select_one("h1") is not None and page.select_one("#batch-progress a")["href"] == url

    jobs.fail(session=db.session, job_id=job_id, message="OSError: disk full", now=utcnow())
    db.session.commit()
    stopped = client.get(url, query_string={"tahap": "membuat"}, headers={"HX-Request": "true"})
    assert stopped.status_code == 286  # htmx stops polling
    part = parse(stopped)
    assert part.select_one("#batch-progress").get("hx-trigger") is None
    assert "Gagal" in part.select_one("#batch-state").get_text()
    assert "disk full" in part.select_one(".error-message").get_text()
    assert part.select_one("form[action$='/lanjutkan'] button").get_text(strip=True) == "Lanjutkan"


def test_a_failed_batch_resumes_with_the_same_numbers(client, app, people):
    from portal.letters.services.batch import assign_batch_letters

    assign_batch_letters(session=db.session, kelurahan_codes=[KEL])  # numbered before the failure
    db.session.commit()
    numbers = db.session.scalars(sa.select(Letter.number).order_by(Letter.seq)).all()
    sign_in(client, account("admin", totp=True))
    job_id = _job(JobState.GAGAL, total=3, done=1, result={"issued": 3, "reused": 0, "superseded": 0}, runs=1)
    url = f"/petugas/surat-massal/{job_id}"
    page = parse(client.get(url))
    assert "Gagal" in page.select_one("#batch-state").get_text()
    resumed = client.post(url + "/lanjutkan", data={"csrf_token": page.select_one("input[name=csrf_token]")["value"]})
    assert resumed.status_code == 303
    done = wait_until_finished(client, url)
    assert "Selesai" in done.select_one("#batch-state").get_text()
    assert db.session.scalars(sa.select(Letter.number).order_by(Letter.seq)).all() == numbers
    assert all(x.status is LetterStatus.BERLAKU for x in db.session.scalars(sa.select(Letter)))
    finished = db.session.get(BackgroundJob, job_id, populate_existing=True)
    assert (finished.result["issued"], finished.runs, finished.done) == (3, 2, 3)  # the first run's count is kept


def test_batches_beyond_the_cap_wait_their_turn_and_say_so(client, app, people):
    sign_in(client, account("supervisor"))
    _job(JobState.MEMBUAT, total=11666, done=100, scope="semua", region_code=None, label="Kota Bekasi")
    started = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": f"kelurahan:{KEL}"})
    waiting = parse(client.get(started.headers["Location"]))
    assert "Menunggu giliran: 1 surat massal lain" in waiting.select_one("#batch-state").get_text()
    assert waiting.select_one("#batch-progress[hx-trigger]") is not None  # it polls while it waits
    assert db.session.scalars(sa.select(Letter)).all() == []  # not numbered yet


def test_officers_batch_only_their_kecamatan_and_never_the_whole_city(client, app, people):
    sign_in(client, account(kecamatan=["32.75.01"]))
    page = parse(client.get("/petugas/surat-massal"))
    values = [o["value"] for o in page.select("select[name=wilayah] option")]
    assert "semua" not in values and values[:2] == ["", "kecamatan:32.75.01"]
    assert all(v.split(":")[1].startswith("32.75.01") for v in values[1:])
    for wilayah in ("semua", f"kelurahan:{OTHER_KEC_KEL}", "kecamatan:32.75.02", "kelurahan:99"):
        refused = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": wilayah})
        assert refused.status_code == 400
        assert parse(refused).select_one(".error-summary") is not None
    assert jobs.list_jobs(session=db.session, kind=JobKind.LETTER_BATCH) == []  # nothing started

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


def test_a_running_batch_can_be_cancelled_then_resumed_or_deleted(client, app, people):
    sign_in(client, account("supervisor"))
    job_id = _job(JobState.MEMBUAT, total=3, done=0)  # as if consumers were rendering it
    url = f"/petugas/surat-massal/{job_id}"
    page = parse(client.get(url))
    form = page.select_one("form[action$='/batalkan']")
    assert form.select_one("button").get_text(strip=True) == "Batalkan"
    assert page.select_one("form[action$='/hapus']") is None  # nothing to delete while it runs

    cancelled = client.post(form["action"], data={"csrf_token": form.select_one("input[name=csrf_token]")["value"]})
    assert cancelled.status_code == 303 and cancelled.headers["Location"] == url
    after = parse(client.get(url))
    assert "Dibatalkan oleh" in after.select_one(".error-message").get_text()
    assert "dibatalkan" in after.select_one(".notice").get_text()
    assert after.select_one("form[action$='/batalkan']") is None
    assert after.select_one("form[action$='/lanjutkan']") and after.select_one("form[action$='/hapus']")
    stopped = client.get(url, headers={"HX-Request": "true"})
    assert stopped.status_code == 286  # htmx stops polling
    assert db.session.get(BackgroundJob, job_id, populate_existing=True).state is JobState.GAGAL
    assert actions_on(job_id) == ["surat_massal_batal"]

    again = client.post(form["action"], data={"csrf_token": token(client, url)})  # already stopped: nothing
    assert again.status_code == 303 and actions_on(job_id) == ["surat_massal_batal"]


def actions_on(job_id):
    query = sa.select(AuditEvent.action).where(AuditEvent.object_id == job_id).order_by(AuditEvent.id)
    return db.session.scalars(query).all()
