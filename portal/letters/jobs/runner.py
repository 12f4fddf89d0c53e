"""The process behind a letter batch started from the officer workspace (portal.letters.jobs.jobs).

    python -m portal.letters.jobs.runner JOB_FOLDER LOCK_FD

The same steps as `flask letters batch`: numbers for every active participant in scope in one
transaction (valid letters reused), then rendering on every core into JOB_FOLDER/surat.pdf,
resumable. It runs at a lower CPU priority than the web server, and reports its progress in
JOB_FOLDER/job.json about once a second.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from portal.letters.jobs.jobs import CONFIG_ENV, DONE, FAILED, NUMBERING, OUT_FILE, RENDERING, read_job, write_job

NICENESS = 10
log = logging.getLogger("portal.letters.jobs.runner")


def run(folder: Path) -> int:
    from portal import create_app
    from portal.extensions import current_session, db
    from portal.letters.documents.batch_pdf import default_workers, render_batch
    from portal.letters.documents.render import document_title
    from portal.letters.services import batch as letters_batch

    job = read_job(folder)
    if job is None:
        print(f"no job in {folder}", file=sys.stderr)
        return 2
    overrides = json.loads(os.environ.get(CONFIG_ENV) or "{}")
    app = create_app({**overrides, "RATELIMIT_ENABLED": False})
    try:
        with app.app_context():
            job.state, job.message = NUMBERING, ""
            write_job(folder, job)
            kelurahan = job.code if job.scope == "kelurahan" else None
            kecamatan = job.code if job.scope == "kecamatan" else None
            codes = letters_batch.kelurahan_in_scope(kelurahan=kelurahan, kecamatan=kecamatan)
            assigned = letters_batch.assign_batch_letters(
                session=current_session(), kelurahan_codes=codes, pattern=app.config["LETTER_NUMBER_PATTERN"]
            )
            db.session.commit()
            ids = assigned.letter_ids
            db.session.remove()
            job.state, job.total, job.done = RENDERING, len(ids), 0
            if job.runs <= 1:  # a resumed run finds its own letters again as "reused"
                job.issued, job.reused, job.superseded = assigned.issued, assigned.reused, assigned.superseded
            write_job(folder, job)
            if ids:
                last_write = [0.0]

                def progress(letters: int) -> None:
                    job.done += letters
                    if time.monotonic() - last_write[0] >= 1 or job.done >= job.total:
                        last_write[0] = time.monotonic()
                        write_job(folder, job)

                render_batch(
                    letter_ids=ids,
                    out=folder / OUT_FILE,
                    workers=default_workers(),
                    title=f"{document_title()} — {job.label}",
                    on_progress=progress,
                )
            job.state, job.done, job.finished_at = DONE, len(ids), time.time()
            job.size = (folder / OUT_FILE).stat().st_size if ids else 0
            write_job(folder, job)
            return 0
    except Exception as error:  # noqa: BLE001 - reported in the job, kept in run.log
        traceback.print_exc()
        job.state, job.finished_at = FAILED, time.time()
        job.message = f"{type(error).__name__}: {error}"[:300]
        write_job(folder, job)
        return 1


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    # argv[1]: the lock's file descriptor, inherited; it stays open (and locked) until we exit.
    try:
        os.nice(NICENESS)  # the web server comes first; render workers inherit the priority
    except OSError:
        pass
    return run(folder)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
