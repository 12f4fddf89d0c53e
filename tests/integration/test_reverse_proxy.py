"""The shipped nginx configuration (deploy/nginx/sigap.conf), run for real in front of ONE gunicorn
sync worker: slowloris connections (headers one byte at a time, a POST body one byte at a time)
do not keep residents from the portal through nginx, while the same slow client straight at
gunicorn holds its only worker; the portal sees each client's real address and not one the
client forged; HTTPS with one HSTS header, gzip, static files from nginx, the upload limits,
and nginx's own refusals in Indonesian.

The slow connections and the residents come from different loopback addresses (127.0.0.x), as
an attacker and a resident would. Nothing here is timed: a request must be answered within the
socket timeout, and "blocked" means no answer at all until the slow client goes away.
"""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from collections import Counter
from urllib.parse import urlencode

import pytest

from portal.core.lockout import keyed_hash
from tests.factories import make_nik
from tests.helpers.proxy_stack import (
    NIK_HMAC_KEY,
    SERVER_NAME,
    SLOW_POST_PATH,
    STATIC_DIR,
    TEMPLATE,
    Answer,
    SlowClients,
    StackError,
    connect,
    endless_body,
    fetch,
    free_port,
    nginx_binary,
    openssl_binary,
    read_answer,
    request_bytes,
    slow_post_head,
    start_site,
    template_variables,
    trickled_headers,
)

pytestmark = pytest.mark.nginx

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ANSWER_WITHIN = 30  # socket timeout of a resident's request
BLOCKED_FOR = 5  # how long "no answer" is watched for before the slow client is let go
# 50 slow connections: 30 sending their headers slowly, and as many slow bodies as limit_conn
# lets one address have in progress (a request counts from its complete headers on).
SLOW_BODIES = int(re.search(r"limit_conn sigap_per_client (\d+);", TEMPLATE.read_text()).group(1))
HEADER_TRICKLERS = 50 - SLOW_BODIES
ATTACKER, RESIDENT = "127.0.0.2", "127.0.0.3"
HSTS = "Strict-Transport-Security"
PORTAL_CSP = "default-src 'self'"  # the portal's own answers carry its CSP; nginx's do not


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed: apt-get install -y nginx (make nginx)")
    if openssl_binary() is None:
        pytest.skip("the nginx tests make a certificate with the openssl command: apt-get install -y openssl")
    try:
        site = start_site(tmp_path_factory.mktemp("proxy"), env={"RATELIMIT_STATUS_CHECK": "3 per minute"})
    except StackError as error:
        pytest.fail(str(error))
    try:
        try:  # the first request waits in gunicorn's backlog while its worker boots
            first = fetch(site.https_port, "GET", "/", tls=site.tls(), host=site.host, timeout=120)
        except OSError as error:
            pytest.fail(f"no answer through nginx ({error}):\n{site.gunicorn.log.read_text()[-2000:]}")
        assert first.status == 200, first.text[:500]
        yield site
    finally:
        site.nginx.stop()
        site.gunicorn.stop()


def get(site, path: str, *, source: str = RESIDENT, headers: dict[str, str] | None = None) -> Answer:
    return fetch(
        site.https_port,
        "GET",
        path,
        source=source,
        tls=site.tls(),
        host=site.host,
        headers=headers,
        timeout=ANSWER_WITHIN,
    )


def status_check(site, source: str, *, forged: str | None = None) -> Answer:
    """The form, then a status check sent with its CSRF token, session cookie and Referer (the
    portal checks the Referer over HTTPS), optionally with a forged X-Forwarded-For."""
    port, host = site.https_port, site.host
    extra = {"X-Forwarded-For": forged} if forged else {}
    form = fetch(
        port, "GET", "/cek-status", source=source, tls=site.tls(), host=host, headers=extra, timeout=ANSWER_WITHIN
    )
    assert form.status == 200, form.status
    cookie = form.headers["Set-Cookie"].split(";", 1)[0]
    body = urlencode({"csrf_token": TOKEN.search(form.text).group(1), "nik": make_nik(), "nama": "Budi Santoso"})
    return fetch(
        port,
        "POST",
        "/cek-status",
        source=source,
        tls=site.tls(),
        host=host,
        body=body.encode(),
        headers={
            **extra,
            "Cookie": cookie,
            "Referer": f"https://{host}/cek-status",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        timeout=ANSWER_WITHIN,
    )


def status_line(sock: socket.socket) -> str:
    """The first line of the answer (Connection: close, so it ends with the connection)."""
    sock.settimeout(ANSWER_WITHIN)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data.split(b"\r\n", 1)[0].decode()


def seen_by_gunicorn(site) -> list[str]:
    """The request lines in gunicorn's access log, complete: its one worker writes a request's
    line after answering it, before it takes the next request, so one more request comes first."""
    assert get(site, "/tentang").status == 200
    return site.gunicorn.requests_seen()


def test_slowloris_through_nginx_leaves_the_single_sync_worker_to_residents(site):
    slow = SlowClients()
    try:
        for _ in range(HEADER_TRICKLERS):
            slow.add(
                "headers", connect(site.https_port, source=ATTACKER, tls=site.tls()), b"", trickled_headers(site.host)
            )
        for _ in range(SLOW_BODIES):
            slow.add(
                "body",
                connect(site.https_port, source=ATTACKER, tls=site.tls()),
                slow_post_head(site.host),
                endless_body(),
            )
        slow.start()

        # One more request in progress from the same address is over limit_conn: refused at once.
        with connect(site.https_port, source=ATTACKER, tls=site.tls(), timeout=ANSWER_WITHIN) as extra:
            extra.sendall(slow_post_head(site.host))
            refused = read_answer(extra, "POST")
        assert refused.status == 429 and "Terlalu banyak permintaan" in refused.text
        assert refused.headers["Retry-After"] == "30" and len(refused.header_values(HSTS)) == 1

        # A resident meanwhile: the page and a status check, both answered.
        page = get(site, "/cek-status")
        assert page.status == 200 and 'name="csrf_token"' in page.text
        answer = status_check(site, RESIDENT)
        assert answer.status == 200 and "result-none" in answer.text  # the portal's "not found" answer
        # ... while every slow body is still being sent, unanswered.
        bodies = slow.open("body")
        assert len(bodies) == SLOW_BODIES and not any(c.received for c in bodies)
        # gunicorn never saw a slow request: nginx holds them until they are complete.
        seen = seen_by_gunicorn(site)
        assert "POST /cek-status HTTP/1.0" in seen and not any(SLOW_POST_PATH in line for line in seen)

        # client_header_timeout: nginx drops the header tricklers by itself, without an answer.
        assert slow.wait_until(lambda: not slow.open("headers"), timeout=120), "nginx kept slow headers open"
        assert not any(c.received for c in slow.connections if c.kind == "headers")
        assert len(slow.open("body")) == SLOW_BODIES  # a body that keeps coming is waited for, by nginx
        assert get(site, "/cek-status").status == 200
    finally:
        slow.close()


def test_the_same_slow_client_straight_at_gunicorn_holds_its_only_worker(site):
    """Why nginx is there: without it one slow connection is enough (this is what the test above
    would see if nginx passed slow clients through)."""
    host = f"127.0.0.1:{site.gunicorn.port}"
    slow = SlowClients()
    try:
        slow.add("headers", connect(site.gunicorn.port, source=ATTACKER), b"", trickled_headers(host))
        slow.start()
        with connect(site.gunicorn.port, source=RESIDENT) as waiting:
            waiting.sendall(request_bytes("GET", "/cek-status", host=host))
            waiting.settimeout(BLOCKED_FOR)
            with pytest.raises(TimeoutError):
                waiting.recv(1)  # no answer: the worker is reading the slow headers
            slow.close()  # the slow client goes away, and only then is the resident answered
            assert status_line(waiting) == "HTTP/1.1 200 OK"
    finally:
        slow.close()


def test_without_request_buffering_one_slow_body_holds_the_worker(site, tmp_path):
    """The control: the shipped file with `proxy_request_buffering off`, nothing else changed."""
    text = TEMPLATE.read_text()
    assert text.count("proxy_request_buffering on;") == 1
    control = site.another_nginx(
        tmp_path, text=text.replace("proxy_request_buffering on;", "proxy_request_buffering off;")
    )
    host = f"{SERVER_NAME}:{control.https_port}"
    slow = SlowClients()
    try:
        slow.add(
            "body",
            connect(control.https_port, source="127.0.0.7", tls=site.tls()),
            slow_post_head(host),
            endless_body(),
        )
        slow.start()
        with connect(control.https_port, source="127.0.0.8", tls=site.tls()) as waiting:
            waiting.sendall(request_bytes("GET", "/cek-status", host=host))
            waiting.settimeout(BLOCKED_FOR)
            with pytest.raises(TimeoutError):
                waiting.recv(1)  # no answer: the worker is reading the slow body nginx passes on
            slow.close()
            assert status_line(waiting) == "HTTP/1.1 200 OK"
    finally:
        slow.close()
        control.stop()


def test_the_portal_sees_the_client_address_and_not_a_forged_one(site):
    """RATELIMIT_STATUS_CHECK is 3 per minute here. Everyone reaches gunicorn from nginx's
    127.0.0.1; the portal must count per client, by the address nginx saw, whatever the client
    wrote in X-Forwarded-For."""
    for n in range(3):
        assert status_check(site, "127.0.0.4", forged=f"203.0.113.{n + 1}").status == 200
    limited = status_check(site, "127.0.0.4", forged="203.0.113.99")
    assert limited.status == 429 and "Terlalu banyak permintaan" in limited.text
    assert PORTAL_CSP in limited.headers["Content-Security-Policy"]  # the portal's limit, not nginx's
    # Another client has its own allowance, even when it claims to be the one that used it up.
    assert status_check(site, "127.0.0.5", forged="127.0.0.4").status == 200

    with sqlite3.connect(site.gunicorn.database) as db:
        logged = Counter(row[0] for row in db.execute("SELECT client_hmac FROM status_check_log"))
    assert logged[keyed_hash(NIK_HMAC_KEY, "127.0.0.4")] == 3  # the 4th was refused before the check
    assert logged[keyed_hash(NIK_HMAC_KEY, "127.0.0.5")] == 1
    for address in ("127.0.0.1", "203.0.113.1", "203.0.113.2", "203.0.113.3"):
        assert logged[keyed_hash(NIK_HMAC_KEY, address)] == 0


def test_https_hsts_compression_static_files_and_upload_limits(site):
    gzip = {"Accept-Encoding": "gzip"}
    redirect = fetch(
        site.http_port, "GET", "/cek-status?x=1", host=f"{SERVER_NAME}:{site.http_port}", timeout=ANSWER_WITHIN
    )
    assert redirect.status == 301 and redirect.headers["Location"] == f"https://{SERVER_NAME}/cek-status?x=1"

    page = get(site, "/cek-status", headers=gzip)
    assert page.status == 200 and page.headers["Content-Encoding"] == "gzip" and "csrf_token" in page.text
    assert page.header_values(HSTS) == ["max-age=31536000; includeSubDomains"]  # once, not the portal's too
    assert "Secure" in page.headers["Set-Cookie"]

    css = get(site, "/static/css/portal.css", headers=gzip)
    assert css.status == 200 and css.headers["Content-Encoding"] == "gzip"
    assert css.text == (STATIC_DIR / "css" / "portal.css").read_text()
    assert css.headers["Cache-Control"] == "max-age=3600" and css.headers["X-Content-Type-Options"] == "nosniff"
    assert len(css.header_values(HSTS)) == 1
    # The page's own address for it carries the content's hash: nginx serves it, kept a year.
    hashed = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page.text)
    assert hashed is not None, "the page links its stylesheet by a content-hashed name"
    kept = get(site, hashed[1], headers=gzip)
    assert kept.status == 200 and kept.headers["Content-Encoding"] == "gzip" and kept.text == css.text
    assert kept.header_values("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert kept.headers["X-Content-Type-Options"] == "nosniff" and len(kept.header_values(HSTS)) == 1

    # The portal's absolute links: https (X-Forwarded-Proto) and its own name, whatever Host was sent.
    api = fetch(
        site.https_port,
        "GET",
        "/open311/v2/openapi.json",
        source=RESIDENT,
        tls=site.tls(),
        host="evil.example",
        headers=gzip,
        timeout=ANSWER_WITHIN,
    )
    assert api.status == 200 and api.headers["Content-Encoding"] == "gzip"
    assert json.loads(api.text)["servers"] == [{"url": site.origin}]

    # Above 50 MB: nginx refuses from the headers alone, in Indonesian, before gunicorn sees a byte.
    too_large = fetch(
        site.https_port,
        "POST",
        "/cek-status",
        source=RESIDENT,
        tls=site.tls(),
        host=site.host,
        headers={"Content-Length": str(51 * 1024 * 1024), "Content-Type": "application/x-www-form-urlencoded"},
        timeout=ANSWER_WITHIN,
    )
    assert too_large.status == 413 and "Berkas atau isian terlalu besar" in too_large.text
    assert len(too_large.header_values(HSTS)) == 1 and too_large.headers["Cache-Control"] == "no-store"
    # The roster upload has its own limit (300 MB): 51 MB reach the portal, which decides (a
    # visitor who is not an admin keeps the 50 MB limit).
    roster = fetch(
        site.https_port,
        "POST",
        "/petugas/impor",
        source=RESIDENT,
        tls=site.tls(),
        host=site.host,
        headers={"Content-Type": "multipart/form-data; boundary=x"},
        body=b"x" * (51 * 1024 * 1024),
        timeout=ANSWER_WITHIN,
    )
    assert PORTAL_CSP in roster.headers["Content-Security-Policy"], roster.status
    over = fetch(
        site.https_port,
        "POST",
        "/petugas/impor",
        source=RESIDENT,
        tls=site.tls(),
        host=site.host,
        headers={"Content-Length": str(301 * 1024 * 1024), "Content-Type": "multipart/form-data; boundary=x"},
        timeout=ANSWER_WITHIN,
    )
    assert over.status == 413 and "Berkas atau isian terlalu besar" in over.text

    seen = seen_by_gunicorn(site)
    assert "POST /petugas/impor HTTP/1.0" in seen and seen.count("POST /petugas/impor HTTP/1.0") == 1
    assert not any("/static/" in line for line in seen)  # nginx served the CSS itself
    assert "GET /open311/v2/openapi.json HTTP/1.0" in seen


def test_a_portal_that_is_down_gets_the_indonesian_503_page(site, tmp_path):
    down = site.another_nginx(tmp_path, upstream_port=free_port())  # nothing listens there
    try:
        answer = fetch(
            down.https_port,
            "GET",
            "/cek-status",
            source=RESIDENT,
            tls=site.tls(),
            host=f"{SERVER_NAME}:{down.https_port}",
            timeout=ANSWER_WITHIN,
        )
    finally:
        down.stop()
    assert answer.status == 503 and answer.headers["Retry-After"] == "30"
    assert "Layanan sedang gangguan" in answer.text and "Tidak ada data Anda yang hilang" in answer.text
    assert len(answer.header_values(HSTS)) == 1


def test_the_templates_envsubst_line_names_every_variable():
    """The header of deploy/nginx/sigap.conf shows the envsubst command to render it; a variable
    it does not list would stay in the file as ${...} and nginx would refuse it."""
    text = TEMPLATE.read_text()
    command = re.search(r"envsubst '([^']+)'", text, re.S)
    assert command is not None
    assert template_variables(command.group(1)) == template_variables(text)
    assert all(f"export {name}=" in text for name in template_variables(text))
