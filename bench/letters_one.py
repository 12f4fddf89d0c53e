"""One letter: the whole download against a bare WeasyPrint render of the same HTML.

DESIGN §7: one letter no slower than 1.2× a bare WeasyPrint render of the same HTML.

    .venv/bin/python bench/letters_one.py [--rounds 40]

"Download" is GET /surat/unduh through the Flask test client, with the letter already issued and a
status check in the session: routing, session, security headers, the database look-ups (person,
letter), the QR code (segno, SVG), the Jinja template and WeasyPrint with the portal's cached
stylesheet (and WeasyPrint's own user-agent stylesheet), as a tagged PDF/UA-1. "Bare" is what a
straightforward implementation would do with the very HTML the download rendered:
`HTML(string=html).write_pdf(stylesheets=[CSS(filename=letter.css)], pdf_variant="pdf/ua-1")`,
parsing the stylesheet every time. The two alternate (download, bare, download, bare, ...) so drift
on a noisy machine hits both; the ratio is of the medians, of wall time and of CPU time (this
process; on a shared machine CPU time is the steadier of the two). A third measurement, WeasyPrint
alone with the cached stylesheet, shows what the request itself adds (Flask, session, database, QR
code, template). The database is a fresh SQLite file in bench/out/.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import OUT, ROOT, machine  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()

    os.environ.setdefault("SIGAP_ENV", "development")
    from flask_migrate import upgrade
    from weasyprint import CSS, HTML

    from portal import create_app
    from portal.extensions import db
    from portal.letters.documents.pdf import STYLESHEET, html_to_pdf
    from portal.letters.documents.render import document_title, letter_view, letters_html
    from portal.letters.services.letters import issue_letter
    from portal.models import Person, PersonStatus, Sex

    OUT.mkdir(parents=True, exist_ok=True)
    database = OUT / "letters-one.sqlite3"
    database.unlink(missing_ok=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "NIK_HMAC_KEY": "nik-key-not-for-production",
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "portal" / "migrations"))
        someone = Person(
            nik="3275014507850012",
            nama="Hj. Siti Ma'rifah",
            tanggal_lahir=date(1985, 7, 5),
            jenis_kelamin=Sex.PEREMPUAN,
            kelurahan_code="32.75.01.1001",
            pekerjaan="pedagang",
            desil=2,
            status=PersonStatus.AKTIF,
            kpj="25000000123",
            mulai=date(2025, 11, 1),
            selesai=date(2026, 12, 31),
            tanggal_data=date(2026, 10, 1),
        )
        db.session.add(someone)
        db.session.commit()
        letter = issue_letter(session=db.session, person_id=someone.id)
        db.session.commit()
        with app.test_request_context():
            html = letters_html([letter_view(letter)], title=document_title(letter.number))
        person_id = someone.id

    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["checked_person"], cookie["checked_at"] = person_id, int(time.time())

    def download() -> bytes:
        response = client.get("/surat/unduh")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return response.data

    def weasyprint_only() -> bytes:
        return html_to_pdf(html)  # the portal's call: cached stylesheet and fonts

    def bare() -> bytes:
        return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))], pdf_variant="pdf/ua-1")

    started = time.perf_counter()
    download()  # the first one in a process parses the stylesheet and loads the fonts
    cold = time.perf_counter() - started
    bare()
    timings: dict[str, list[float]] = {"download": [], "bare": [], "weasyprint": []}
    cpu: dict[str, list[float]] = {name: [] for name in timings}
    load_before = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    for _ in range(args.rounds):
        for name, work in (("download", download), ("bare", bare), ("weasyprint", weasyprint_only)):
            started, started_cpu = time.perf_counter(), time.process_time()
            work()
            timings[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)

    med = {name: statistics.median(values) for name, values in timings.items()}
    med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
    ratio = med["download"] / med["bare"]
    print(
        f"machine: {machine()}; load average (1/5/15 min) before: {load_before}, after: "
        + " / ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    print(f"rounds: {args.rounds} of each, alternating; first download in the process: {cold * 1000:.0f} ms")
    print("| measurement | median wall | p90 wall | median CPU |")
    print("|---|---:|---:|---:|")
    labels = {
        "download": "GET /surat/unduh (whole request)",
        "bare": "bare WeasyPrint render of the same HTML",
        "weasyprint": "WeasyPrint alone, the portal's cached stylesheet",
    }
    for name, label in labels.items():
        p90 = statistics.quantiles(timings[name], n=10)[-1]
        print(f"| {label} | {med[name] * 1000:.1f} ms | {p90 * 1000:.1f} ms | {med_cpu[name] * 1000:.1f} ms |")
    print(
        f"| **ratio download / bare** | **{ratio:.2f}** (target ≤ 1.20) | | "
        f"{med_cpu['download'] / med_cpu['bare']:.2f} |"
    )
    print(
        f"| ratio download / WeasyPrint alone (the request's own overhead) | "
        f"{med['download'] / med['weasyprint']:.2f} | | "
        f"{med_cpu['download'] / med_cpu['weasyprint']:.2f} |"
    )
    for leftover in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        leftover.unlink(missing_ok=True)
    sys.exit(0 if ratio <= 1.2 else 1)


if __name__ == "__main__":
    main()
