"""Shared by the benchmark scripts: paths, the 1,000,000-row roster file, child processes.

The roster is written once to bench/out/ (git-ignored) and reused while the generator and
its parameters are unchanged. Every number a script prints is measured in one run on the
same machine; compare ratios, not absolute figures, across machines.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
FLASK = str(BIN / "flask")
ROSTER_ROWS = 1_000_000
SEED = 2025
DATA_DATE = date(2026, 10, 1)
SAMPLE_SIZE = 20_000  # people kept aside (NIK + name) for the status-check load

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Roster:
    csv: Path
    sample: Path  # JSON list of [nik, nama] from the file, for the status-check load
    rows: int


def _scaled_counts(total: int) -> dict[tuple[str, str], int]:
    """The demo roster's mix of statuses, scaled to `total` rows."""
    from portal.demo.services.roster import DEFAULT_COUNTS

    base = sum(DEFAULT_COUNTS.values())
    counts = {key: count * total // base for key, count in DEFAULT_COUNTS.items()}
    counts[("daftar_tunggu", "")] += total - sum(counts.values())
    return counts


def roster_file(rows: int = ROSTER_ROWS, *, quiet: bool = False) -> Roster:
    """Write (once) a synthetic roster CSV of `rows` people with portal.demo.services.roster."""
    from portal.demo.services.roster import demo_rows, write_roster_csv

    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"roster-{rows}-s{SEED}"
    csv_path, sample_path = OUT / f"{stem}.csv", OUT / f"{stem}.sample.json"
    if csv_path.exists() and sample_path.exists():
        return Roster(csv_path, sample_path, rows)

    started = time.perf_counter()
    rng = random.Random(SEED + 1)  # noqa: S311 (a sample, not a secret)
    sample: list[list[str]] = []
    seen = 0

    def keep_sample(source):
        nonlocal seen
        for row in source:  # reservoir sampling: a uniform sample over the whole file
            seen += 1
            if len(sample) < SAMPLE_SIZE:
                sample.append([row["nik"], row["nama"]])
            else:
                j = rng.randrange(seen)
                if j < SAMPLE_SIZE:
                    sample[j] = [row["nik"], row["nama"]]
            yield row

    partial = csv_path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        written = write_roster_csv(
            keep_sample(demo_rows(seed=SEED, counts=_scaled_counts(rows), data_date=DATA_DATE)),
            handle,
        )
    assert written == rows, (written, rows)
    sample_path.write_text(json.dumps(sample))
    partial.rename(csv_path)
    if not quiet:
        size = csv_path.stat().st_size / 1e6
        print(
            f"wrote {csv_path.relative_to(ROOT)} ({rows:,} rows, {size:.0f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
    return Roster(csv_path, sample_path, rows)


def signing_key() -> str:
    """A demo key for the letters of bench portals (production-mode ones included)."""
    from portal.core.signing import make_demo_pkcs12

    path = OUT / "bench-signing.p12"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make_demo_pkcs12(b""))
    return str(path)


def bench_env(database_url: str | None, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SIGAP_ENV": "development",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "NIK_HMAC_KEY": "nik-key-not-for-production",
        "RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
        "LETTER_SIGNING_P12": signing_key(),
        **extra,
    }
    env.pop("SIGAP_PROGRESS", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    stdout: str


def run_measured(args: list[str], env: dict[str, str]) -> Measured:
    """Run a child to completion: wall time and the peak RSS of that child alone (wait4)."""
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
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({child.returncode}):\n{output[-3000:]}")
    return Measured(
        seconds=seconds, cpu_seconds=usage.ru_utime + usage.ru_stime, max_rss_mb=usage.ru_maxrss / 1024, stdout=output
    )


def flask(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603
        [FLASK, "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,  # noqa: S603
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def machine() -> str:
    import platform

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"
