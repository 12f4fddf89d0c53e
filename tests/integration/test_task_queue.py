"""The task queue with real consumers (`flask tasks worker` in child processes) on SQLite's and
Redis's queue storage; a part whose consumer died made again with the same letters; a queue that
is down does not turn a committed start into an error."""

import io
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from pypdf import PdfReader

from portal.core.base import utcnow
from portal.extensions import db
from portal.jobs.models import BackgroundJob, JobKind, JobPart, JobState, PartState
from portal.jobs.services import jobs
from portal.letters import tasks as letter_tasks
from portal.models import Letter
from portal.tasks.queue import huey
from tests.factories import account, person, sign_in
from tests.helpers import parse, wait_until
from tests.helpers.consumer import consumers

KEL = "32.75.01.1001"  # Bekasijaya, Bekasi Timur
NAMES = [f"Warga Uji {n:03d}" for n in range(230)]  # three parts of at most 100 letters
# Consumers take a while to start and render: one queue storage per database is enough.
PAIRS = {("sqlite", "sqlite"), ("postgresql", "redis")}


def _queue_url(kind, tmp_path):
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("Redis not configured: set TEST_REDIS_URL")
    return url


@pytest.fixture(params=["sqlite", "redis"])
def app_config(request, tmp_path):
    return {
        "TASK_QUEUE_URL": _queue_url(request.param, tmp_path),
        "LETTER_BATCH_DIR": str(tmp_path / "batches"),
        "LETTER_PART_LEASE_SECONDS": 30,
    }


def _start(client, wilayah):
    token = parse(client.get("/petugas/surat-massal")).select_one("input[name=csrf_token]")["value"]
    started = client.post("/petugas/surat-massal", data={"csrf_token": token, "wilayah": wilayah})
    assert started.status_code == 303
    return started.headers["Location"]


def _finished(client, url, *, timeout):
    def page():
        shown = parse(client.get(url))
        return shown if shown.select_one("#batch-progress[hx-trigger]") is None else None

    return wait_until(page, timeout=timeout, what="the batch did not finish", every=0.5)


def test_two_consumers_make_a_batch_of_three_parts(app, client, tmp_path, database_url, request):
    queue = request.node.callspec.params["app_config"]
    if (database_url.split(":")[0].split("+")[0], queue) not in PAIRS:
        pytest.skip("the other database runs this queue storage")
    huey.flush()  # a queue of its own: nothing left from another run
    for name in NAMES:
        person(nama=name, kelurahan_code=KEL)
    sign_in(client, account("supervisor"))
    url = _start(client, f"kelurahan:{KEL}")
    assert "Menunggu mulai" in parse(client.get(url)).select_one("#batch-state").get_text()  # nobody consumes yet

    with consumers(app, tmp_path, count=2, workers=1) as running:
        try:
            done = _finished(client, url, timeout=240)
        except AssertionError:
            raise AssertionError("\n".join(c.output()[-3000:] for c in running)) from None
    assert "Selesai" in done.select_one("#batch-state").get_text()
    pdf = client.get(done.select_one("a[href$='/unduh']")["href"])
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    assert len(pages) == len(NAMES)
    texts = [page.extract_text() for page in pages]
    assert [[n for n in NAMES if n in text] for text in texts] == [[n] for n in sorted(NAMES)]
    assert db.session.scalars(sa.select(Letter.seq).order_by(Letter.seq)).all() == list(range(1, len(NAMES) + 1))
    parts = db.session.scalars(sa.select(JobPart).order_by(JobPart.index)).all()
    assert [(p.size, p.state, p.attempts) for p in parts] == [(100, PartState.SELESAI, 1)] * 2 + [
        (30, PartState.SELESAI, 1)
    ]


@pytest.mark.parametrize("app_config", [{"TASK_QUEUE_URL": "redis://127.0.0.1:9/0"}])
def test_a_queue_that_is_down_keeps_the_committed_start(app, client):
    """Nothing listens on port 9: the start is committed and answered; the job waits for the
    periodic check to queue it when the queue is back."""
    person(nama="Yuni Lestari", kelurahan_code=KEL)
    sign_in(client, account("supervisor"))
    url = _start(client, f"kelurahan:{KEL}")
    page = parse(client.get(url))
    assert "Menunggu mulai" in page.select_one("#batch-state").get_text()
    assert db.session.scalars(sa.select(BackgroundJob.state)).all() == [JobState.ANTRE]


@pytest.mark.parametrize("app_config", ["sqlite"], indirect=True)
def test_a_part_whose_consumer_died_is_made_again_with_the_same_letters(app, client, tmp_path):
    for name in NAMES:
        person(nama=name, kelurahan_code=KEL)
    job = jobs.new_job(
        session=db.session,
        kind=JobKind.LETTER_BATCH,
        scope="kelurahan",
        region_code=KEL,
        label="Kelurahan Bekasijaya",
        started_by_id=None,
        started_by_name="Uji",
        now=utcnow(),
    )
    db.session.commit()
    jobs.admit(session=db.session, kind=JobKind.LETTER_BATCH, cap=1, now=utcnow())
    db.session.commit()
    letter_tasks.number_batch.call_local(job.id)  # numbered and cut into parts; the parts queued…
    assert huey.pending_count() == 3
    huey.flush()  # … and lost (a queue flushed, the consumer that held them killed)
    numbers = db.session.scalars(sa.select(Letter.number).order_by(Letter.seq)).all()
    lease = timedelta(seconds=app.config["LETTER_PART_LEASE_SECONDS"])
    dead = jobs.claim_part(session=db.session, job_id=job.id, index=1, claimant="dead", now=utcnow(), lease=lease)
    db.session.commit()
    assert dead is not None and len(dead.items) == 100

    huey.immediate = True  # from here on, a queued task runs at once, as a live consumer would
    letter_tasks.check_batches()  # within the lease: nothing is taken for lost
    assert db.session.get(BackgroundJob, job.id, populate_existing=True).state == JobState.MEMBUAT
    assert db.session.scalars(sa.select(JobPart.attempts).order_by(JobPart.index)).all() == [0, 1, 0]

    with time_machine.travel(utcnow() + timedelta(seconds=45), tick=True):
        letter_tasks.check_batches()  # the lease ran out: part 1 again, and the parts never nudged
    finished = db.session.get(BackgroundJob, job.id, populate_existing=True)
    assert finished.state == JobState.SELESAI and finished.done == len(NAMES)
    assert jobs.finish_part(session=db.session, part=dead, claimant="dead", now=utcnow()) is False  # too late
    assert db.session.scalars(sa.select(Letter.number).order_by(Letter.seq)).all() == numbers
    assert db.session.scalars(sa.select(JobPart.attempts).order_by(JobPart.index)).all() == [1, 2, 1]
