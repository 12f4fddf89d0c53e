"""Uploads against readers (security test finding 2): is a resident who only checks a status still
served while the largest uploads arrive on every worker of gunicorn's sync workers (the
README's production line, `--workers 4`)? The code before the fix and after it, in one run.

    .venv/bin/python bench/uploads.py [--before REV] [--workers 4] [--seconds 30]
        [--pg postgresql://postgres@127.0.0.1:5432/sigap_uploads]

1. Per-file cost: CPU seconds to check each candidate image (white and noisy PNGs and JPEGs at
   each version's pixel caps, the finding's 6300 × 6300 white PNG), run in a child process on the
   code of REV (`git archive`, default: the commit before the fix) and on this tree; the worst
   image each version accepts is its "worst allowed image". Also the hostile PDFs this tree's
   tests build, read without the CPU allowance and with it.
2. Readers under upload load: the database (dropped and created; `test` is refused) is
   migrated, 500 people imported, and gunicorn (sync workers) started on loopback on each code
   in turn. A reader alternates GET
   /cek-status and a status-check POST (a person in the roster), first alone, then while one
   uploader per worker sends, over and over: (a) the finding's request: 20 copies of the 131 KB
   white 6300 × 6300 PNG in one form; (b) the largest allowed upload of that version: 3 copies
   of its worst allowed image. Rate limits are off (one client address stands for everyone).
   After the fix, at most UPLOAD_CHECK_SLOTS uploads (default: half the cores) are checked at
   once on the machine; an upload that finds no place within a second is answered 503.
"""

# ruff: noqa: S603, S607 (fixed commands: git, tar and this venv's scripts)
from __future__ import annotations

import argparse
import io
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BIN, OUT, ROOT, bench_env, flask, machine  # noqa: E402

PG_URL = "postgresql://postgres@127.0.0.1:5432/sigap_uploads"
BEFORE = "cd61838"  # the commit this branch started from
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MB = 5 * 1024 * 1024


# Images -------------------------------------------------------------------------------------


def candidates() -> dict[str, bytes]:
    """Images a resident (or an attacker) may send, each at most 5 MB."""
    from PIL import Image

    def png(image, **options) -> bytes:
        out = io.BytesIO()
        image.save(out, "PNG", **options)
        return out.getvalue()

    def jpeg(image, **options) -> bytes:
        out = io.BytesIO()
        image.save(out, "JPEG", **options)
        return out.getvalue()

    def noisy(size, share: float, bits: int, mode: str = "RGB"):
        """The top `share` of the rows random in their low `bits` bits, the rest white."""
        width, height = size
        rows, channels = int(height * share), len(mode)
        mask = bytes(i & ((1 << bits) - 1) for i in range(256))
        raw = os.urandom(width * rows * channels).translate(mask) + b"\xff" * (width * (height - rows) * channels)
        return Image.frombytes(mode, size, raw)

    found = {
        "PNG 6300×6300 white (the finding's)": png(Image.new("RGB", (6300, 6300), "white")),
        "PNG 4000×4000 white": png(Image.new("RGB", (4000, 4000), "white")),
        "PNG 4000×4000 RGBA 16-bit white": png(Image.new("RGBA", (4000, 4000), "white")),
        "JPEG 8160×6120 white (50 MP)": jpeg(Image.new("RGB", (8160, 6120), "white"), quality=95),
        "JPEG 8160×6120 white, 4:4:4 progressive": jpeg(
            Image.new("RGB", (8160, 6120), "white"), quality=100, subsampling=0, progressive=True
        ),
        "JPEG 5163×3872 white, 4:4:4 progressive (20 MP)": jpeg(
            Image.new("RGB", (5163, 3872), "white"), quality=100, subsampling=0, progressive=True
        ),
        "JPEG 4799×3599 noisy (17 MP)": jpeg(noisy((4799, 3599), 0.3, 8), quality=85),
        "JPEG 6399×4799 noisy (30.7 MP)": jpeg(noisy((6399, 4799), 0.2, 8), quality=85),
        "JPEG 4000×3000 phone-like noise": jpeg(noisy((4000, 3000), 0.25, 8), quality=90),
    }
    for size, label in (((6300, 6300), "6300×6300"), ((4000, 4000), "4000×4000")):
        for share in (0.5, 0.25, 0.12, 0.06):  # the noisiest that still fits in 5 MB
            data = png(noisy(size, share, 2))
            if len(data) <= MB:
                found[f"PNG {label} noisy, {len(data) / 1e6:.1f} MB"] = data
                break
        data = png(noisy(size, 1.0, 1, "L"))
        if len(data) <= MB:
            found[f"PNG {label} grey 1-bit noise, {len(data) / 1e6:.1f} MB"] = data
    return found


COST_PROBE = """
import pickle, resource, sys, time
data = sys.stdin.buffer.read()
kind = sys.argv[1]
if kind == "before":  # the code of --before (cd61838): the layout before the domain packages
    from portal.services.attachments import _reencode as check, _sniff
    run = lambda: check(data, _sniff(data[:16]))
else:
    from portal.complaints.services.upload_cleaning import clean
    run = lambda: clean(data)
best, accepted = None, True
for _ in range(int(sys.argv[2])):
    start = resource.getrusage(resource.RUSAGE_SELF)
    try:
        run()
    except Exception as error:
        accepted = False
    end = resource.getrusage(resource.RUSAGE_SELF)
    used = end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime
    best = used if best is None else min(best, used)
print(repr((accepted, best)))
"""


def file_cost(tree: Path, kind: str, data: bytes, rounds: int = 3) -> tuple[bool, float]:
    """(accepted, least CPU seconds of `rounds`) to check one file, in a child on `tree`'s code."""
    done = subprocess.run(
        [sys.executable, "-c", COST_PROBE, kind, str(rounds)],
        input=data,
        cwd=tree,
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return eval(done.stdout.decode().strip().splitlines()[-1])  # noqa: S307 (our own repr of a tuple)


def children_cpu(run) -> tuple[float, str]:
    """CPU seconds of the child processes `run` started and reaped, and what became of the file."""
    from portal.complaints.services.upload_cleaning import Refused
    from portal.core.bounded import Overrun

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        run()
        outcome = "stored, cleaned"
    except Refused as refused:
        outcome = f"refused ({refused.reason})"
    except Overrun as overrun:
        outcome = f"stopped at the {overrun.what} allowance"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, outcome


def pdf_costs() -> list[tuple[str, float, float, str]]:
    """Hostile PDFs: (name, CPU s to read without allowance, CPU s with it, outcome)."""
    sys.path.insert(0, str(ROOT))
    from portal.complaints.services import upload_cleaning
    from portal.complaints.services.attachments import LIMITS
    from portal.core.bounded import Limits, run_bounded
    from tests.pdf_samples import assemble, hostile_pdf, stream

    def many_objects(count: int) -> bytes:
        return assemble(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Contents 4 0 R /Resources << /X 5 0 R >> >>",
                stream("BT ET"),
                "[" + " ".join(f"{n} 0 R" for n in range(6, 6 + count)) + "]",
            ]
            + ["<< /A 1 >>"] * count
        )

    def many_pages(count: int) -> bytes:  # declares 1 page, holds `count`
        kids = " ".join(f"{n} 0 R" for n in range(4, 4 + count))
        return assemble(
            ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count 1 >>", stream("BT ET")]
            + ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 9 9] /Contents 3 0 R >>"] * count
        )

    samples = {
        "hostile (every action, 23 objects)": hostile_pdf(["Surat"]),
        "70,000 small objects": many_objects(70_000),
        "40,000 pages declared as 1": many_pages(40_000),
    }
    unbounded = Limits(cpu_seconds=600, memory_bytes=8 << 30, wall_seconds=900)
    rows = []
    for name, data in samples.items():
        assert len(data) <= MB, (name, len(data))
        free, _ = children_cpu(lambda data=data: run_bounded(upload_cleaning.clean, data, limits=unbounded))
        bounded, outcome = children_cpu(lambda data=data: run_bounded(upload_cleaning.clean, data, limits=LIMITS))
        rows.append((f"{name}, {len(data) / 1e6:.1f} MB", free, bounded, outcome))
    return rows


# Servers and clients ------------------------------------------------------------------------


def export_tree(revision: str) -> Path:
    target = OUT / f"uploads-{revision}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def prepare_database(url: str, env: dict[str, str]) -> list[tuple[str, str]]:
    import psycopg

    from portal.demo.services.roster import demo_rows, write_roster_csv

    name = url.rsplit("/", 1)[1]
    if name in {"test", "postgres", "template0", "template1"}:
        sys.exit(f"refusing to use the database {name!r}")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    flask(["db", "upgrade"], env)
    from datetime import date

    rows = list(demo_rows(seed=11, counts={("aktif", ""): 500}, data_date=date(2026, 10, 1)))
    roster = OUT / "uploads-roster.csv"
    with roster.open("w", encoding="utf-8") as handle:
        write_roster_csv(rows, handle)
    flask(["roster", "import", str(roster)], env)
    return [(row["nik"], row["nama"]) for row in rows]


def start_server(tree: Path, env: dict[str, str], workers: int, log_name: str) -> tuple[subprocess.Popen, str]:
    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (OUT / log_name).open("w")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if requests.get(base + "/cek-status", timeout=30).status_code == 200:
                return server, base
        except requests.RequestException:
            time.sleep(0.3)
    stop_server(server)
    sys.exit(f"gunicorn did not start on {tree}; see {log.name}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def reader(base: str, people, stop: threading.Event, latencies: dict[str, list[float]], failures: list[str]):
    import requests

    n = 0
    while not stop.is_set():
        browser = requests.Session()
        nik, name = people[n % len(people)]
        n += 1
        try:
            started = time.perf_counter()
            page = browser.get(base + "/cek-status", timeout=120)
            latencies["GET /cek-status"].append(time.perf_counter() - started)
            started = time.perf_counter()
            form = {"csrf_token": TOKEN.search(page.text).group(1), "nik": nik, "nama": name}
            answer = browser.post(base + "/cek-status", data=form, timeout=120)
            latencies["POST /cek-status"].append(time.perf_counter() - started)
            if answer.status_code != 200 or 'class="result result-' not in answer.text:
                failures.append(f"status check answered {answer.status_code}")
        except (requests.RequestException, AttributeError) as error:
            failures.append(f"reader: {type(error).__name__}")
        time.sleep(0.2)  # a person, not a load generator


def uploader(
    base: str, people, files: list[tuple[str, bytes]], stop: threading.Event, results: list[tuple[float, str]]
):
    import requests

    n = 0
    while not stop.is_set():
        n += 1
        browser = requests.Session()
        try:
            page = browser.get(base + "/pengaduan/baru", timeout=120)
            browser.post(
                base + "/pengaduan/baru",
                timeout=120,
                allow_redirects=False,
                data={"csrf_token": TOKEN.search(page.text).group(1), "kategori": "terlewat"},
            )
            form = browser.get(base + "/pengaduan/baru/rincian", timeout=120)
            started = time.perf_counter()
            sent = browser.post(
                base + "/pengaduan/baru/rincian",
                timeout=120,
                allow_redirects=False,
                data={
                    "csrf_token": TOKEN.search(form.text).group(1),
                    "nama": "Uji Beban",
                    "nik": people[n % len(people)][0],
                    "kelurahan": "32.75.01.1001",
                    "pelapor": "sendiri",
                    "telepon": "081234567890",
                    "saluran": "whatsapp",
                    "uraian": "Unggahan terbesar yang diizinkan.",
                },
                files=[("lampiran", (name, data)) for name, data in files],
            )
            results.append((time.perf_counter() - started, str(sent.status_code)))
        except (requests.RequestException, AttributeError) as error:
            results.append((0.0, type(error).__name__))


def phase(base: str, people, files: list[tuple[str, bytes]] | None, uploaders: int, seconds: float) -> dict:
    stop = threading.Event()
    latencies: dict[str, list[float]] = {"GET /cek-status": [], "POST /cek-status": []}
    failures: list[str] = []
    uploads: list[tuple[float, str]] = []
    threads = [
        threading.Thread(target=uploader, args=(base, people, files, stop, uploads))
        for _ in range(uploaders if files else 0)
    ]
    for thread in threads:
        thread.start()
    time.sleep(3 if files else 0)  # every worker busy first
    read = threading.Thread(target=reader, args=(base, people, stop, latencies, failures))
    read.start()
    time.sleep(seconds)
    stop.set()
    read.join()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "failures": failures, "uploads": uploads}


def quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--pg", default=PG_URL)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; load average before: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    before_tree = export_tree(args.before)

    print("\n== Per-file cost (CPU seconds, least of 3, child process) ==")
    images = candidates()
    costs = {}
    for name, data in images.items():
        costs[name] = (file_cost(before_tree, "before", data), file_cost(ROOT, "after", data))
        (ok_before, cpu_before), (ok_after, cpu_after) = costs[name]
        print(
            f"{name:48s} {len(data) / 1e6:5.2f} MB | before {'stored' if ok_before else 'refused':7s} "
            f"{cpu_before:6.3f} s | after {'stored' if ok_after else 'refused':7s} {cpu_after:6.3f} s"
        )
    worst_before = max((n for n in images if costs[n][0][0]), key=lambda n: costs[n][0][1])
    worst_after = max((n for n in images if costs[n][1][0]), key=lambda n: costs[n][1][1])
    print(
        f"worst allowed before: {worst_before} ({costs[worst_before][0][1]:.3f} s); "
        f"after: {worst_after} ({costs[worst_after][1][1]:.3f} s); "
        f"ratio after/before {costs[worst_after][1][1] / costs[worst_before][0][1]:.2f}"
    )

    print("\n== Hostile PDFs (this tree): CPU s without the allowance / with it ==")
    for name, free, bounded, outcome in pdf_costs():
        print(f"{name:48s} {free:7.2f} s / {bounded:5.2f} s  {outcome}")

    env = bench_env(args.pg, ATTACHMENT_DIR=str(OUT / "uploads-attachments"))
    env.pop("PYTHONPATH", None)
    people = prepare_database(args.pg, env)
    finding = [(f"putih{n}.png", images["PNG 6300×6300 white (the finding's)"]) for n in range(20)]
    for label, tree, worst in (("before", before_tree, worst_before), ("after", ROOT, worst_after)):
        server, base = start_server(tree, env, args.workers, f"uploads-gunicorn-{label}.log")
        try:
            largest = [(f"besar{n}.{'jpg' if 'JPEG' in worst else 'png'}", images[worst]) for n in range(3)]
            for scenario, files in (
                ("idle", None),
                ("finding: 20 × 6300² PNG", finding),
                (f"3 × worst allowed ({worst})", largest),
            ):
                load = os.getloadavg()[0]
                outcome = phase(base, people, files, args.workers, args.seconds)
                uploads = outcome["uploads"]
                codes = {}
                for _seconds, code in uploads:
                    codes[code] = codes.get(code, 0) + 1
                lat = outcome["latencies"]
                print(
                    f"[{label}] {scenario}: load {load:.1f}; uploads {len(uploads)} answered {codes}, "
                    f"median {quantile([s for s, _ in uploads], 0.5):.2f} s; reader failures "
                    f"{len(outcome['failures'])} {sorted(set(outcome['failures']))[:3]}"
                )
                for kind, values in lat.items():
                    print(
                        f"    {kind}: n={len(values)} median {quantile(values, 0.5):.3f} s, "
                        f"p95 {quantile(values, 0.95):.3f} s, max {max(values, default=float('nan')):.3f} s"
                    )
        finally:
            stop_server(server)
    print(f"\nload average after: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
