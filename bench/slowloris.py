"""Slowloris drill: how long a resident's request takes while N slow connections are open,
through nginx (deploy/nginx/sigap.conf) and straight at gunicorn (sync workers).

    .venv/bin/python bench/slowloris.py [--workers 4] [--slow 0,2,4,50] [--requests 20] [--cap 20]

One gunicorn (the README's 4 sync workers unless --workers; --timeout 300 as docs/operations.md
says) on its own SQLite database, nginx in front of it with the shipped template (rendered with
free ports, a self-signed certificate, the package's static folder), both as in
tests/helpers/proxy_stack.py. For each N, N slow connections are opened (half send their
headers one byte a second, half send complete headers and then a body one byte a second),
from 127.0.0.10, .11, ... (ten per address, under nginx's limit_conn), and once they are all
open a resident at 127.0.0.3 sends `--requests` GET /cek-status one after the other, each on a
new connection (through nginx: a new TLS handshake each time), and the wall time of each is
taken. A request with no answer within `--cap` seconds counts as blocked, and the remaining
requests of that round are not sent. Needs nginx and openssl (`make nginx`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine  # noqa: E402

from tests.helpers.proxy_stack import (  # noqa: E402
    SlowClients,
    connect,
    endless_body,
    fetch,
    nginx_binary,
    openssl_binary,
    slow_post_head,
    start_site,
    trickled_headers,
)

RESIDENT = "127.0.0.3"


def open_slow(port: int, host: str, count: int, tls) -> SlowClients:
    slow = SlowClients()
    for n in range(count):
        sock = connect(port, source=f"127.0.0.{10 + n // 10}", tls=tls)
        if n % 2:
            slow.add("body", sock, slow_post_head(host), endless_body())
        else:
            slow.add("headers", sock, b"", trickled_headers(host))
    return slow.start()


def timed_round(port: int, host: str, tls, count: int, cap: float) -> tuple[list[float], bool]:
    """Seconds of each answered request; True when one got no answer within `cap`."""
    times: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        try:
            answer = fetch(port, "GET", "/cek-status", source=RESIDENT, tls=tls, host=host, timeout=cap)
        except TimeoutError:
            return times, True
        if answer.status != 200:
            raise RuntimeError(f"GET /cek-status answered {answer.status}")
        times.append(time.perf_counter() - started)
    return times, False


def describe(times: list[float], blocked: bool, cap: float) -> str:
    if blocked and not times:
        return f"**no answer within {cap:.0f} s**"
    text = f"{statistics.median(times) * 1000:.1f} / {max(times) * 1000:.1f} ms"
    return text + (f", then no answer within {cap:.0f} s" if blocked else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--slow", default="0,2,4,50", help="numbers of slow connections, comma-separated")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--cap", type=float, default=20.0)
    args = parser.parse_args(argv)
    if nginx_binary() is None or openssl_binary() is None:
        sys.exit("needs nginx and openssl: make nginx")
    counts = [int(n) for n in args.slow.split(",")]

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sigap-slowloris-") as folder:
        site = start_site(Path(folder), workers=args.workers, env={"RATELIMIT_ENABLED": "0"})
        rows = []
        try:
            fetch(site.https_port, "GET", "/", tls=site.tls(), host=site.host, timeout=120)  # workers booted
            for _ in range(args.workers * 2):  # every worker has rendered the page once
                fetch(site.gunicorn.port, "GET", "/cek-status", host="127.0.0.1", timeout=60)
            bare_host = f"127.0.0.1:{site.gunicorn.port}"
            for count in counts:
                row = [str(count)]
                for port, host, tls in (
                    (site.https_port, site.host, site.tls()),
                    (site.gunicorn.port, bare_host, None),
                ):
                    slow = open_slow(port, host, count, tls)
                    try:
                        time.sleep(1.0)  # every slow connection has sent something
                        times, blocked = timed_round(port, host, tls, args.requests, args.cap)
                        still_open = len(slow.open("headers")) + len(slow.open("body"))
                    finally:
                        slow.close()
                    row.append(describe(times, blocked, args.cap) + f" ({still_open} slow open)")
                    if blocked:  # the timed-out requests wait in gunicorn's backlog: let them through
                        time.sleep(2.0)
                        fetch(port, "GET", "/", host=host, tls=tls, timeout=600)
                rows.append(row)
                print(" | ".join(row), flush=True)
        finally:
            site.nginx.stop()
            site.gunicorn.stop()

    print(
        f"\n{machine()}, load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}; gunicorn {args.workers} "
        f"sync workers, nginx {nginx_version()}; {args.requests} × GET /cek-status per cell, median / max\n"
    )
    print("| slow connections open | through nginx | straight at gunicorn |")
    print("|---:|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


def nginx_version() -> str:
    import subprocess

    done = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True)  # noqa: S603
    return done.stderr.strip().rsplit("/", 1)[-1]


if __name__ == "__main__":
    sys.exit(main())
