"""All benchmarks (`make bench`): roster import, then status-check throughput.

    .venv/bin/python bench/run_all.py [--quick]

--quick uses 100,000 rows and 5-second measurements to check that the scripts work; the
figures in docs/benchmarks.md come from a full run. Needs wrk (`apt-get install -y wrk`) and
PostgreSQL at BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/sigap_bench; the
database is dropped and recreated when it does not hold the roster).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import roster_import  # noqa: E402
import status_check  # noqa: E402
from _common import ROSTER_ROWS, machine  # noqa: E402

IMPORT_SECONDS, IMPORT_MB, STATUS_RATIO = 30, 300, 0.7


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows = 100_000 if args.quick else ROSTER_ROWS
    seconds = 5 if args.quick else 15

    print("== Roster import ==")
    imports = roster_import.main(["--rows", str(rows)])
    print("\n== Status check ==")
    checks = status_check.main(["--seconds", str(seconds), "--rows", str(rows)])

    print(f"\n== Summary ({machine()}) ==")
    misses = 0
    first = imports[0]
    ok = first.seconds < IMPORT_SECONDS and first.max_rss_mb < IMPORT_MB
    misses += not ok
    print(
        f"{'ok  ' if ok else 'MISS'} import {first.rows:,} rows: {first.seconds:.1f} s (target "
        f"< {IMPORT_SECONDS} s), peak {first.max_rss_mb:.0f} MB (< {IMPORT_MB} MB)"
    )
    for run in imports[1:]:
        print(f"     {run.label}: {run.seconds:.1f} s, peak {run.max_rss_mb:.0f} MB")
    for result in checks:
        ok = result.ratio >= STATUS_RATIO
        misses += not ok
        print(
            f"{'ok  ' if ok else 'MISS'} status check / trivial page on {result.backend}: "
            f"{result.ratio:.2f} (target >= {STATUS_RATIO}; by CPU per request "
            f"{result.cpu_ratio:.2f})"
        )
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
