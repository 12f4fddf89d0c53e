"""All letters of the program in one batch: `flask letters batch --all` on the demo roster.

DESIGN §7 and issue 6: all 11,666 letters in one batch on 2 cores, under 10 minutes (the
issue's target: under 8).

    .venv/bin/python bench/letters_batch.py [--workers 2] [--chunk-size 200] [--resume-after 90]
        [--backend sqlite|postgresql] [--pg-url postgresql://postgres@127.0.0.1:5432/sigap_bench]

The database gets the demo roster once (`flask db upgrade`, `flask demo seed`: 11,666 active
participants over 56 kelurahan); before each run every letter is deleted, so all 11,666 are
numbered and rendered. The run is the real CLI in a child process, timed from start to the
merged PDF on disk, with the peak RSS of the largest process. The PDF is then checked: 11,666
pages, 11,666 letters numbered 1..11,666.

With --resume-after S the batch is interrupted (SIGINT, as Ctrl-C) after S seconds, then run
again: the second run must take no new number and render only the parts that were missing.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import FLASK, OUT, ROOT, bench_env, flask, machine  # noqa: E402

ACTIVE = 11_666
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/sigap_bench")


def database_url(backend: str, pg_url: str, folder: Path = OUT) -> str:
    return f"sqlite:///{folder / 'letters-batch.sqlite3'}" if backend == "sqlite" else pg_url


def engine_for(url: str):
    import sqlalchemy as sa

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return sa.create_engine(url)


def prepare(url: str, env: dict[str, str]) -> None:
    """The demo roster once; no letters."""
    import sqlalchemy as sa

    flask(["db", "upgrade"], env)
    engine = engine_for(url)
    with engine.connect() as conn:
        query = sa.text("SELECT count(*) FROM person WHERE status = 'aktif'")
        active = conn.execute(query).scalar()
    if active < ACTIVE:
        print("seeding the demo roster (once)…", flush=True)
        flask(["demo", "seed"], env)
    reset(engine)


def reset(engine) -> None:
    import sqlalchemy as sa

    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM letter"))
        conn.execute(sa.text("DELETE FROM letter_counter"))


def check(engine, out: Path) -> tuple[int, int, int]:
    import sqlalchemy as sa
    from pypdf import PdfReader

    with engine.connect() as conn:
        count, top = conn.execute(sa.text("SELECT count(*), max(seq) FROM letter")).one()
    return count, top, len(PdfReader(out).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=OUT,
        help="where the SQLite database, the parts and the PDF go (default bench/out)",
    )
    parser.add_argument(
        "--resume-after", type=float, default=0, help="interrupt the first run after S seconds, then rerun"
    )
    args = parser.parse_args()

    args.out_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(args.backend, args.pg_url, args.out_dir)
    env = bench_env(url)
    prepare(url, env)
    engine = engine_for(url)
    out = args.out_dir / "letters-all.pdf"
    out.unlink(missing_ok=True)
    command = [
        FLASK,
        "--app",
        "wsgi",
        "letters",
        "batch",
        "--all",
        "--out",
        str(out),
        "--workers",
        str(args.workers),
        "--chunk-size",
        str(args.chunk_size),
    ]
    print(f"machine: {machine()}; backend {args.backend}; {args.workers} workers; chunks of {args.chunk_size}")

    if args.resume_after:
        child = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,  # noqa: S603
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(args.resume_after)
        child.send_signal(signal.SIGINT)
        first_output = child.communicate(timeout=120)[0]
        parts = list(out.with_name(out.name + ".parts").glob("*.pdf"))
        numbered = check_count(engine)
        print(
            f"interrupted after {args.resume_after:.0f} s: exit {child.returncode}, "
            f"{numbered} letters numbered, {len(parts)} parts on disk"
        )
        print("  " + first_output.strip().splitlines()[0])

    load_before = load_average()
    wall, cpu, rss, output = run_timed(command, env)
    count, top, pages = check(engine, out)
    print(output.strip())
    print(f"load average (1/5/15 min) before: {load_before}, after: {load_average()}")
    rendered = re.search(r"(\d+) dibuat, (\d+) dari proses sebelumnya", output)
    print("| run | letters | wall time | per letter | CPU time (all processes) | peak RSS | pages | numbers |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    label = "rerun after interruption" if args.resume_after else "whole batch"
    print(
        f"| {label} ({args.workers} workers) | {ACTIVE:,} | {wall:.0f} s ({wall / 60:.1f} min) "
        f"| {1000 * wall / ACTIVE:.1f} ms | {cpu:.0f} s ({1000 * cpu / ACTIVE:.1f} ms a letter) "
        f"| {rss:.0f} MB | {pages:,} | {count:,} letters, 1..{top:,} |"
    )
    if rendered:
        print(f"parts rendered in this run: {rendered.group(1)}, reused: {rendered.group(2)}")
    print(f"PDF: {out} ({out.stat().st_size / 1e6:.0f} MB)")
    ok = count == ACTIVE and top == ACTIVE and pages == ACTIVE
    sys.exit(0 if ok and wall < 8 * 60 else 1)


def run_timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds of the child and its workers, peak RSS (MB) of the largest
    process, and the output. On a busy machine, CPU time says what wall time cannot."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603
            args,
            cwd=ROOT,
            env=env,
            stdout=out,  # noqa: S603
            stderr=subprocess.STDOUT,
            text=True,
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{output[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def check_count(engine) -> int:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM letter")).scalar()


if __name__ == "__main__":
    main()
