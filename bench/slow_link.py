"""A resident's first and repeat visit on a slow link (400 kbps, 400 ms), in Chromium.

    python bench/slow_link.py [--checkout PATH] [--htmx cdn|self] [--runs 5] [--path /cek-status]

Serves the portal of `--checkout` (default: this one; another checkout measures "before") with
werkzeug on 127.0.0.1 and an empty SQLite database, and times page loads in Chromium with the
link emulated through the DevTools protocol (Network.emulateNetworkConditions: 400 ms latency,
400 kbit/s both ways, the browser cache on). `--htmx cdn` stands in for jsDelivr: htmx from a second
local origin that, like the CDN, allows CORS and sends `Cache-Control: public, max-age=31536000`
(no DNS or TLS, so the CDN's real extra connection costs more than measured here). `--htmx self`
sets HTMX_URL=self (only a checkout that has it). No nginx: answers are not compressed.

First visit: a fresh browser context (empty cache) opens the page. Repeat visit: the same context
opens it again with a normal navigation (as following a link), after the first visit. Printed:
the median of `--runs` load times (navigation start to the load event), the requests that went
to a server, and the bytes received, for each.
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
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTMX_FILE = ROOT / "portal" / "static" / "vendor" / "htmx-2.0.11.min.js"
CHROMIUM = "/usr/bin/chromium"

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


def _visit(page, url: str, requests: list) -> dict:
    requests.clear()
    page.goto(url, wait_until="load")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"
    )
    served = [r for r in requests if not r["fromCache"]]
    return {"ms": timing, "requests": len(served), "bytes": sum(r["bytes"] for r in served)}


def measure(base: str, path: str, runs: int) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict]] = {"first": [], "repeat": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-quic"])
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send(
                "Network.emulateNetworkConditions",
                {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000},
            )
            requests: list[dict] = []
            by_id: dict[str, dict] = {}

            def sent(event, by_id=by_id, requests=requests):
                entry = {"url": event["request"]["url"], "fromCache": False, "bytes": 0}
                by_id[event["requestId"]] = entry
                requests.append(entry)

            def received(event, by_id=by_id):
                entry = by_id.get(event["requestId"])
                if entry is not None:  # Network.requestServedFromCache may have come first
                    response = event["response"]
                    entry["fromCache"] |= bool(response.get("fromDiskCache") or response.get("fromPrefetchCache"))

            def cached(event, by_id=by_id):
                entry = by_id.get(event["requestId"])
                if entry is not None:
                    entry["fromCache"] = True

            def finished(event, by_id=by_id):
                entry = by_id.get(event["requestId"])
                if entry is not None:
                    entry["bytes"] = int(event.get("encodedDataLength", 0))

            cdp.on("Network.requestWillBeSent", sent)
            cdp.on("Network.responseReceived", received)
            cdp.on("Network.requestServedFromCache", cached)
            cdp.on("Network.loadingFinished", finished)
            results["first"].append(_visit(page, base + path, requests))
            results["repeat"].append(_visit(page, base + path, requests))
            context.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--htmx", choices=["cdn", "self"], default="cdn")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--path", default="/cek-status")
    args = parser.parse_args()

    cdn, cdn_url = _cdn_stand_in()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": str(args.checkout.resolve()), "SIGAP_ENV": "development"}
        child = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", SERVE, folder, "self" if args.htmx == "self" else cdn_url],
            env=env,
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert child.stdout is not None
            port = int(child.stdout.readline())
            results = measure(f"http://127.0.0.1:{port}", args.path, args.runs)
        finally:
            child.terminate()
            child.wait(timeout=10)
            cdn.shutdown()
    summary = {
        visit: {
            "median_ms": round(statistics.median(r["ms"] for r in rows)),
            "requests": statistics.median(r["requests"] for r in rows),
            "bytes": round(statistics.median(r["bytes"] for r in rows)),
        }
        for visit, rows in results.items()
    }
    print(json.dumps({"checkout": str(args.checkout), "htmx": args.htmx, "path": args.path, **summary}))


if __name__ == "__main__":
    main()
