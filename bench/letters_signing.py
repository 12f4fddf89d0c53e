"""Issue 17's budget: signing must not make the city's 11,666-letter batch more than 20% slower.

    .venv/bin/python bench/letters_signing.py [--letters 1000] [--rounds 2]

One run, one process, SQLite in bench/out: `--letters` active participants get letters (one
number each), then in each round the same chunks of 100 letters are rendered to PDF twice,
alternately: as before issue 17 (the QR holds the link only; no PDF signature) and as now (the
QR holds the link and the sealed facts; the parts merged are signed once with PAdES). Times are
summed per variant; the ratio is the figure (the machine is shared: absolute times drift, the
ratio in one run does not). The batch's numbering, parts bookkeeping and file store are the same
for both and left out, so the ratio is an upper bound for a whole batch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, machine, signing_key  # noqa: E402

KELURAHAN = "32.75.01.1001"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    database = OUT / "letters-signing.sqlite3"
    database.unlink(missing_ok=True)
    os.environ.update(SIGAP_ENV="development", DATABASE_URL=f"sqlite:///{database}", LETTER_SIGNING_P12=signing_key())

    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.letters.documents.batch_pdf import chunk_html, merge_parts
    from portal.letters.documents.pades import sign_stream
    from portal.letters.documents.pdf import html_to_pdf
    from portal.letters.services.batch import assign_batch_letters
    from portal.roster.models.person import Person, PersonStatus, Sex
    from portal.web.settings import signing_key as city_key

    app = create_app({"PUBLIC_BASE_URL": "https://sigap.bekasikota.go.id"})
    print(f"{machine()}; load average {os.getloadavg()[0]:.1f}; {args.letters} letters")
    with app.app_context():
        upgrade()
        db.session.add_all(
            Person(
                nik=f"3275010101{n:06d}",
                nama=f"Peserta Contoh {n:05d}",
                tanggal_lahir=date(1985, 1, 1),
                jenis_kelamin=Sex.LAKI_LAKI,
                kelurahan_code=KELURAHAN,
                status=PersonStatus.AKTIF,
                kpj=f"26{n:09d}",
                mulai=date(2026, 1, 1),
                selesai=date(2026, 12, 31),
                tanggal_data=date(2026, 11, 1),
            )
            for n in range(args.letters)
        )
        db.session.commit()
        made = assign_batch_letters(session=db.session, kelurahan_codes=[KELURAHAN])
        db.session.commit()
        ids = made.letter_ids
        chunks = [ids[i : i + 100] for i in range(0, len(ids), 100)]
        key = city_key()
        unsigned_times, signed_times = [], []
        for round_number in range(args.rounds):
            for sealed in (False, True) if round_number % 2 == 0 else (True, False):
                with tempfile.TemporaryDirectory() as folder:
                    started = time.perf_counter()
                    paths = []
                    for index, chunk in enumerate(chunks):
                        path = Path(folder) / f"{index:05d}.pdf"
                        path.write_bytes(html_to_pdf(chunk_html(chunk, title="Bench", sealed=sealed)))
                        paths.append(path)
                    merged = Path(folder) / "merged.pdf"
                    merge_parts(paths, merged, title="Bench")
                    signing = 0.0
                    if sealed:
                        began = time.perf_counter()
                        with merged.open("rb") as source, (Path(folder) / "signed.pdf").open("wb") as output:
                            sign_stream(source, output, key)
                        signing = time.perf_counter() - began
                    seconds = time.perf_counter() - started
                (signed_times if sealed else unsigned_times).append(seconds)
                label = "signed  " if sealed else "unsigned"
                extra = f" (PAdES over the merged file {signing:.2f} s)" if sealed else ""
                print(f"round {round_number + 1}, {label}: {seconds:.1f} s{extra}; load {os.getloadavg()[0]:.1f}")
        unsigned, signed = statistics.median(unsigned_times), statistics.median(signed_times)
        per_letter = (signed - unsigned) / len(ids) * 1000
        paired = [s / u for s, u in zip(signed_times, unsigned_times, strict=True)]
        print(
            f"median: unsigned {unsigned:.1f} s, signed {signed:.1f} s, ratio {signed / unsigned:.3f} "
            f"({per_letter:+.1f} ms a letter; for 11,666 letters about {per_letter * 11666 / 1000:+.0f} s); "
            f"ratio per round: {', '.join(f'{r:.3f}' for r in paired)}"
        )


if __name__ == "__main__":
    main()
