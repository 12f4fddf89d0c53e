"""Letter batches started from the officer workspace, run as a background process.

A batch of a kecamatan (~1,000 letters) or of the whole city (11,666) takes minutes, far longer
than a web request may, so the web only writes a job folder and starts `python -m
portal.letters.jobs.runner FOLDER`, which does what `flask letters batch` does (numbers first, in
one transaction; then rendering on every core, resumable) at a lower CPU priority than the web.

A job is a folder under LETTER_BATCH_DIR (default instance/letter-batches): `job.json` (scope,
who, state, progress), `run.log`, the parts while rendering and `surat.pdf` at the end. While
its process runs it holds an exclusive lock on `lock`, taken by the web before the start and
handed to the process, so "running" never depends on a process id. A job that is neither done
nor failed and whose lock is free was interrupted (server restart, crash): it can be resumed,
and the resumed run keeps the numbers and the parts already made.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

JOB_FILE, LOCK_FILE, LOG_FILE, OUT_FILE = "job.json", "lock", "run.log", "surat.pdf"
CONFIG_ENV = "SIGAP_LETTER_JOB_CONFIG"
# What the job process needs from the web's settings (the rest comes from the same environment).
CONFIG_KEYS = (
    "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY",
    "NIK_HMAC_KEY",
    "PUBLIC_BASE_URL",
    "LETTER_NUMBER_PATTERN",
    "TESTING",
)
KEEP_SECONDS = 7 * 24 * 3600  # finished batches (personal data) are deleted after a week
QUEUED, NUMBERING, RENDERING, DONE, FAILED = "antre", "menomori", "membuat", "selesai", "gagal"
INTERRUPTED = "terhenti"  # not stored: a job whose process is gone before the end
SCOPES = ("kelurahan", "kecamatan", "semua")


@dataclass(slots=True)
class Job:
    id: str
    scope: str  # kelurahan | kecamatan | semua
    code: str | None  # the region code, None for the whole city
    label: str  # "Kelurahan …, Kecamatan …" as printed in the PDF title
    started_by: int
    started_by_name: str
    created_at: float
    state: str = QUEUED
    total: int = 0
    done: int = 0
    issued: int = 0
    reused: int = 0
    superseded: int = 0
    size: int = 0
    message: str = ""
    updated_at: float = 0.0
    finished_at: float | None = None
    runs: int = 0
    running: bool = field(default=False, compare=False)  # not stored: the lock is held

    @property
    def shown_state(self) -> str:
        if self.state in (DONE, FAILED) or self.running:
            return self.state
        return INTERRUPTED

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def created(self) -> datetime:
        return datetime.fromtimestamp(self.created_at, UTC)

    @property
    def finished(self) -> datetime | None:
        return datetime.fromtimestamp(self.finished_at, UTC) if self.finished_at else None


def _stored(job: Job) -> dict:
    data = asdict(job)
    data.pop("running")
    return data


def job_dir(base: Path, job_id: str) -> Path | None:
    """The folder of a job id as typed in a URL; None for anything that is not one."""
    if len(job_id) != 24 or not all(c in "0123456789abcdef" for c in job_id):
        return None
    folder = base / job_id
    return folder if (folder / JOB_FILE).is_file() else None


def _locked(folder: Path) -> bool:
    """True while the job's process holds its lock."""
    try:
        handle = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)  # also releases the lock if we got it
    return False


def read_job(folder: Path) -> Job | None:
    try:
        data = json.loads((folder / JOB_FILE).read_text(encoding="utf-8"))
        job = Job(**data)
    except (OSError, ValueError, TypeError):
        return None
    job.running = job.state not in (DONE, FAILED) and _locked(folder)
    return job


def write_job(folder: Path, job: Job) -> None:
    """Atomically: the web may read while the job process writes."""
    job.updated_at = time.time()
    partial = folder / f"{JOB_FILE}.{os.getpid()}.tmp"
    partial.write_text(json.dumps(_stored(job), ensure_ascii=False), encoding="utf-8")
    os.replace(partial, folder / JOB_FILE)


def list_jobs(base: Path, *, now: float | None = None) -> list[Job]:
    """Every job, newest first; finished ones older than a week are deleted on the way."""
    now = now or time.time()
    jobs = []
    for folder in base.glob("*/") if base.is_dir() else []:
        job = read_job(folder)
        if job is None:
            continue
        if not job.running and now - (job.finished_at or job.updated_at or job.created_at) > KEEP_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
            continue
        jobs.append(job)
    return sorted(jobs, key=lambda job: job.created_at, reverse=True)


def pdf_path(base: Path, job: Job) -> Path | None:
    path = base / job.id / OUT_FILE
    return path if job.state == DONE and path.is_file() else None


# ---------------------------------------------------------------- starting the process


def _reap(process: subprocess.Popen) -> None:
    threading.Thread(target=process.wait, name="letter-job-reaper", daemon=True).start()


def launch(base: Path, job: Job, *, config: dict) -> None:
    """Start (or resume) the job's process. The lock is taken here and handed over, so the job
    counts as running from this moment until its process ends."""
    folder = base / job.id
    handle = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    for attempt in range(3):
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if attempt == 2:  # held for longer than another page's quick look: already running
                os.close(handle)
                return
            time.sleep(0.05)
    try:
        job.runs += 1
        write_job(folder, job)
        env = {**os.environ, CONFIG_ENV: json.dumps({k: config[k] for k in CONFIG_KEYS if k in config})}
        root = Path(__file__).resolve().parents[3]  # where the portal package can be imported from
        with open(folder / LOG_FILE, "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
                [sys.executable, "-m", "portal.letters.jobs.runner", str(folder), str(handle)],
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(handle,),
                start_new_session=True,
            )
        _reap(process)  # no zombie in the web worker when it ends
    finally:
        os.close(handle)  # the process keeps its copy, and with it the lock


def start_job(
    base: Path, *, scope: str, code: str | None, label: str, account_id: int, account_name: str, config: dict
) -> tuple[Job, bool]:
    """A new job for this scope, or the one already running for it (False: not started now)."""
    for job in list_jobs(base):
        if job.running and job.scope == scope and job.code == code:
            return job, False
    base.mkdir(parents=True, exist_ok=True)
    job = Job(
        id=secrets.token_hex(12),
        scope=scope,
        code=code,
        label=label,
        started_by=account_id,
        started_by_name=account_name,
        created_at=time.time(),
    )
    (base / job.id).mkdir(mode=0o700)
    write_job(base / job.id, job)
    launch(base, job, config=config)
    return job, True


def resume_job(base: Path, job: Job, *, config: dict) -> bool:
    if job.running or job.state == DONE:
        return False
    job.state, job.message = QUEUED, ""
    launch(base, job, config=config)
    return True


def delete_job(base: Path, job: Job) -> bool:
    if job.running:
        return False
    shutil.rmtree(base / job.id, ignore_errors=True)
    return True
