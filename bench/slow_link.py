"""A resident's first and repeat visit on a slow link, in Chromium, before and after, in one run.

    python bench/slow_link.py [--before PATH] [--paths /,/cek-status,/pengaduan/baru]
                              [--latency 150] [--kbps 400] [--runs 5] [--self-htmx]

Serves the portal of this checkout ("after") and, with `--before`, of another checkout (a
worktree of an older commit: "before"), each with werkzeug on 127.0.0.1 and an empty SQLite
database in a child process, and times page loads in Chromium (360 × 740) with the link emulated
through the DevTools protocol (Network.emulateNetworkConditions: `--latency` ms, `--kbps` kbit/s
down and up, the browser cache on). htmx comes from a second local origin standing in for
jsDelivr: like the CDN it allows CORS and sends `Cache-Control: public, max-age=31536000` (no DNS
or TLS, so the CDN's real extra connection costs more than measured here). `--self-htmx` adds a
third variant, this checkout with HTMX_URL=self. No nginx: answers are not compressed.

First visit: a fresh browser context (empty cache) opens the page. Repeat visit: the same context
opens it again with a normal navigation (as following a link), after the first visit. The runs
are interleaved (run 1 of every variant and page, then run 2, ...) so that a change in the
machine's load falls on all of them alike. Printed: one JSON line per variant and page with the
median of `--runs` load times (navigation start to the load event), the requests that went to a
server and the bytes received, for each visit; then the same as a Markdown table, and the load
average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTMX_FILE = ROOT / "portal" / "static" / "vendor" / "htmx-2.0.11.min.js"
CHROMIUM = "/usr/bin/chromium"
PATHS = "/,/cek-status,/pengaduan/baru"

SERVE = r"""
import os, sys
from pathlib import Path
from flask_migrate import upgrade
from werkzeug.serving import make_server
from portal import create_app
folder = Path(sys.argv[1])
overrides = {"SIGAP_ENV": "development", "DATABASE_URL": f"sqlite:///{folder / 'slow.sqlite3'}",
             "RATELIMIT_ENABLED": "0", "HTMX_URL": sys.argv[2]}
if sys.argv[2] != "self":
    overrides["HTMX_SRI"] = ""  # a local stand-in for the CDN's file
app = create_app(overrides)
with app.app_context():
    upgrade()
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@dataclass(frozen=True)
class Variant:
    name: str
    checkout: Path
    htmx: str  # "cdn" or "self"


class _CdnLike(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "public, max-age=31536000")
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *_args) -> None:
        pass


def _cdn_stand_in() -> tuple[ThreadingHTTPServer, str]:
    folder = HTMX_FILE.parent

    def handler(*args, **kwargs):
        return _CdnLike(*args, directory=str(folder), **kwargs)

    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/{HTMX_FILE.name}"


def _serve(stack: ExitStack, variant: Variant, cdn_url: str) -> str:
    """Start the portal of `variant` in a child process; its base URL."""
    folder = stack.enter_context(tempfile.TemporaryDirectory())
    env = {**os.environ, "PYTHONPATH": str(variant.checkout.resolve()), "SIGAP_ENV": "development"}
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SERVE, folder, "self" if variant.htmx == "self" else cdn_url],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )

    def stop() -> None:
        child.terminate()
        child.wait(timeout=10)

    stack.callback(stop)
    assert child.stdout is not None
    return f"http://127.0.0.1:{int(child.stdout.readline())}"


def _visit(page, url: str, requests: list) -> dict:
    requests.clear()
    page.goto(url, wait_until="load")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
    )
    served = [r for r in requests if not r["fromCache"]]
    return {"ms": timing, "requests": len(served), "bytes": sum(r["bytes"] for r in served)}


def _first_and_repeat(browser, url: str, conditions: dict) -> tuple[dict, dict]:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)
    requests: list[dict] = []
    by_id: dict[str, dict] = {}

    def sent(event) -> None:
        entry = {"url": event["request"]["url"], "fromCache": False, "bytes": 0}
        by_id[event["requestId"]] = entry
        requests.append(entry)

    def received(event) -> None:
        entry = by_id.get(event["requestId"])
        if entry is not None:  # Network.requestServedFromCache may have come first
            response = event["response"]
            entry["fromCache"] |= bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))

    def cached(event) -> None:
        entry = by_id.get(event["requestId"])
        if entry is not None:
            entry["fromCache"] = True

    def finished(event) -> None:
        entry = by_id.get(event["requestId"])
        if entry is not None:
            entry["bytes"] = int(event.get("encodedDataLength", 0))

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", cached)
    cdp.on("Network.loadingFinished", finished)
    first = _visit(page, url, requests)
    repeat = _visit(page, url, requests)
    context.close()
    return first, repeat


def measure(bases: dict[str, str], paths: list[str], runs: int, conditions: dict) -> dict:
    """{(variant, path): {"first": [...], "repeat": [...]}}, runs interleaved."""
    from playwright.sync_api import sync_playwright

    results: dict = {(v, p): {"first": [], "repeat": []} for v in bases for p in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-quic"])
        for _ in range(runs):
            for variant, base in bases.items():
                for path in paths:
                    first, repeat = _first_and_repeat(browser, base + path, conditions)
                    results[(variant, path)]["first"].append(first)
                    results[(variant, path)]["repeat"].append(repeat)
        browser.close()
    return results


def _summary(rows: list[dict]) -> dict:
    return {
        "median_ms": round(statistics.median(r["ms"] for r in rows)),
        "min_ms": round(min(r["ms"] for r in rows)),
        "max_ms": round(max(r["ms"] for r in rows)),
        "requests": statistics.median(r["requests"] for r in rows),
        "bytes": round(statistics.median(r["bytes"] for r in rows)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout of the version before (e.g. a git worktree)")
    parser.add_argument("--paths", default=PATHS, help=f"comma-separated (default {PATHS})")
    parser.add_argument("--latency", type=float, default=150.0, help="ms added to each round trip")
    parser.add_argument("--kbps", type=float, default=400.0, help="kbit/s down and up")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--self-htmx", action="store_true", help="also this checkout with HTMX_URL=self")
    args = parser.parse_args()

    variants = []
    if args.before:
        variants.append(Variant("before", args.before, "cdn"))
    variants.append(Variant("after", ROOT, "cdn"))
    if args.self_htmx:
        variants.append(Variant("after, HTMX_URL=self", ROOT, "self"))
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    throughput = args.kbps * 1000 / 8  # bytes per second, as DevTools takes it
    conditions = {
        "offline": False,
        "latency": args.latency,
        "downloadThroughput": throughput,
        "uploadThroughput": throughput,
    }
    load_before = os.getloadavg()
    cdn, cdn_url = _cdn_stand_in()
    with ExitStack() as stack:
        stack.callback(cdn.shutdown)
        bases = {v.name: _serve(stack, v, cdn_url) for v in variants}
        results = measure(bases, paths, args.runs, conditions)
    load_after = os.getloadavg()

    table = [
        "| page | version | first visit (median, min–max) | requests | bytes | repeat visit (median, min–max) "
        "| requests | bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in paths:
        for variant in variants:
            first, repeat = (_summary(results[(variant.name, path)][v]) for v in ("first", "repeat"))
            print(
                json.dumps(
                    {
                        "variant": variant.name,
                        "checkout": str(variant.checkout),
                        "path": path,
                        "first": first,
                        "repeat": repeat,
                    }
                )
            )
            table.append(
                f"| `{path}` | {variant.name} | {first['median_ms']:,} ms ({first['min_ms']:,}–{first['max_ms']:,}) "
                f"| {first['requests']:g} | {first['bytes']:,} "
                f"| {repeat['median_ms']:,} ms ({repeat['min_ms']:,}–{repeat['max_ms']:,}) "
                f"| {repeat['requests']:g} | {repeat['bytes']:,} |"
            )
    print()
    print(
        f"{args.kbps:g} kbit/s each way, {args.latency:g} ms latency, {args.runs} runs; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    print("\n".join(table))


if __name__ == "__main__":
    main()
