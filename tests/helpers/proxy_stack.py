"""nginx with the shipped `deploy/nginx/sigap.conf` (rendered with test ports and paths) in front
of gunicorn's sync workers, both on loopback, for tests/integration/test_reverse_proxy.py and
bench/slowloris.py; an HTTP/1.1 client that chooses its source address (127.0.0.x, so that the
portal behind nginx can tell clients apart), and slowloris connections fed from one thread.

No waiting by polling: gunicorn is given a socket that is already listening (`--bind fd://N`),
so a request sent before its worker is up waits in the backlog; nginx runs in the foreground and
is ready once it logs that it started its worker process (its listening sockets are open by then).
"""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import gzip
import http.client
import os
import re
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import free_port, listening_socket, test_signing_key

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "deploy" / "nginx" / "sigap.conf"
STATIC_DIR = ROOT / "portal" / "static"
SERVER_NAME = "sigap.test"
NIK_HMAC_KEY = "proxy-test-nik-hmac-key"
GUNICORN_TIMEOUT = "300"  # as docs/operations.md says (nginx's proxy_read_timeout is 310 s)
VARIABLE = re.compile(r"\$\{(SIGAP_[A-Z_]+)\}")

# What Debian's /etc/nginx/nginx.conf puts around the files of sites-enabled/ (the http { }
# level), with this run's paths: the site file must fit in it as it is (e.g. it must not repeat
# gzip or ssl_protocols at this level, which would be a duplicate directive).
MAIN_CONF = """\
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log stderr notice;
events {{
    worker_connections 1024;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log {dir}/access.log;
    gzip on;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/sigap.conf;
}}
"""


class StackError(RuntimeError):
    """nginx or gunicorn could not be started; the message carries their output."""


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    return found or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def openssl_binary() -> str | None:
    return shutil.which("openssl")


def template_variables(text: str) -> set[str]:
    return set(VARIABLE.findall(text))


def render(values: dict[str, str], text: str | None = None) -> str:
    """The template with its ${SIGAP_...} variables replaced (what the documented envsubst does)."""
    text = TEMPLATE.read_text() if text is None else text
    missing = template_variables(text) - set(values)
    if missing:
        raise StackError(f"no value for {sorted(missing)}")
    return VARIABLE.sub(lambda match: values[match.group(1)], text)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for SERVER_NAME (and 127.0.0.1), made now with the openssl command."""
    certificate, key = directory / "sigap.test.crt", directory / "sigap.test.key"
    subprocess.run(
        [
            openssl_binary() or "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-addext",
            f"subjectAltName=DNS:{SERVER_NAME},IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return certificate, key


class Gunicorn:
    """The portal under gunicorn (sync workers) on a loopback port, on its own SQLite database,
    configured as in production behind nginx: SIGAP_ENV=production, PROXY_FIX_X_FOR=1."""

    def __init__(self, directory: Path, *, workers: int = 1, env: dict[str, str] | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.database = directory / "sigap.sqlite3"
        self.access_log = directory / "gunicorn-access.log"
        self.log = directory / "gunicorn.log"
        self.env = {
            **os.environ,
            "SIGAP_ENV": "production",
            "SECRET_KEY": "proxy-test-secret-key-not-for-production",
            "NIK_HMAC_KEY": NIK_HMAC_KEY,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "PROXY_FIX_X_FOR": "1",
            "RATELIMIT_STORAGE_URI": "memory://",
            "TASK_QUEUE_URL": f"sqlite:///{directory / 'tasks.sqlite3'}",  # one machine, said so
            "FILE_STORE": "local",
            "ATTACHMENT_DIR": str(directory / "lampiran"),
            "ROSTER_REJECTS_DIR": str(directory / "rejects"),
            "LETTER_BATCH_DIR": str(directory / "letters"),
            "LETTER_SIGNING_P12": test_signing_key(directory),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> Gunicorn:
        migrated = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if migrated.returncode != 0:
            raise StackError(f"flask db upgrade failed:\n{migrated.stderr[-2000:]}")
        listener = listening_socket()
        self.port = listener.getsockname()[1]
        try:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--bind",
                    f"fd://{listener.fileno()}",
                    "--timeout",
                    GUNICORN_TIMEOUT,
                    "--forwarded-allow-ips",
                    "127.0.0.1",
                    "--access-logfile",
                    str(self.access_log),
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                pass_fds=(listener.fileno(),),
                stdout=self.log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            listener.close()  # gunicorn holds it now; requests wait in its backlog until a worker is up
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=60)

    def requests_seen(self) -> list[str]:
        """Request lines of gunicorn's access log ("GET /cek-status HTTP/1.0"), in order."""
        text = self.access_log.read_text() if self.access_log.exists() else ""
        return re.findall(r'"([A-Z]+ [^"]* HTTP/[0-9.]+)"', text)


class Nginx:
    """nginx in the foreground with the site file `site` inside MAIN_CONF."""

    def __init__(self, directory: Path, site: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        user = "user root;" if os.geteuid() == 0 else ""  # workers write temp files under this folder
        (directory / "sigap.conf").write_text(site)
        self.conf = directory / "nginx.conf"
        self.conf.write_text(MAIN_CONF.format(user=user, dir=directory))
        self.output: list[str] = []
        self.process: subprocess.Popen | None = None
        self.https_port = 0
        self._ready = threading.Event()

    def _command(self, *extra: str) -> list[str]:
        return [nginx_binary() or "nginx", "-p", str(self.directory), "-c", str(self.conf), "-e", "stderr", *extra]

    def _read_output(self) -> None:
        for line in self.process.stderr:
            self.output.append(line.rstrip())
            if "start worker process" in line:
                self._ready.set()
        self._ready.set()  # exited

    def start(self, timeout: float = 60) -> Nginx:
        checked = subprocess.run(self._command("-t"), capture_output=True, text=True, timeout=60)
        if checked.returncode != 0:
            raise StackError(f"nginx -t refused the configuration:\n{checked.stderr}")
        self.process = subprocess.Popen(
            self._command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read_output, daemon=True).start()
        if not self._ready.wait(timeout) or self.process.poll() is not None:
            self.stop()
            raise StackError("nginx did not start:\n" + "\n".join(self.output[-30:]))
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # fast shutdown of the master and its worker
            self.process.wait(timeout=60)


@dataclass
class Site:
    """gunicorn and the nginx in front of it, with the addresses to reach each."""

    gunicorn: Gunicorn
    nginx: Nginx
    https_port: int
    http_port: int
    certificate: Path
    key: Path

    def tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))

    @property
    def origin(self) -> str:
        return f"https://{SERVER_NAME}:{self.https_port}"

    @property
    def host(self) -> str:
        """The Host header a browser sends to nginx."""
        return f"{SERVER_NAME}:{self.https_port}"

    def another_nginx(self, directory: Path, *, text: str | None = None, upstream_port: int | None = None) -> Nginx:
        """A second nginx with the same certificate, the template `text` (default: as shipped)."""
        values = site_values(
            upstream_port=upstream_port or self.gunicorn.port,
            certificate=self.certificate,
            key=self.key,
            https_port=free_port(),
            http_port=free_port(),
        )
        nginx = Nginx(directory, render(values, text))
        nginx.https_port = int(values["SIGAP_HTTPS_PORT"])
        return nginx.start()


def site_values(*, upstream_port: int, certificate: Path, key: Path, https_port: int, http_port: int) -> dict[str, str]:
    return {
        "SIGAP_SERVER_NAME": SERVER_NAME,
        "SIGAP_TLS_CERTIFICATE": str(certificate),
        "SIGAP_TLS_CERTIFICATE_KEY": str(key),
        "SIGAP_STATIC_DIR": str(STATIC_DIR),
        "SIGAP_UPSTREAM": f"127.0.0.1:{upstream_port}",
        "SIGAP_HTTP_PORT": str(http_port),
        "SIGAP_HTTPS_PORT": str(https_port),
    }


def start_site(directory: Path, *, workers: int = 1, env: dict[str, str] | None = None, edit=None) -> Site:
    """gunicorn, then nginx with the shipped template (`edit(text) -> text` changes it first)."""
    certificate, key = self_signed_certificate(directory)
    https_port, http_port = free_port(), free_port()
    public = {"PUBLIC_BASE_URL": f"https://{SERVER_NAME}:{https_port}"}  # as production sets it
    gunicorn = Gunicorn(directory / "gunicorn", workers=workers, env={**public, **(env or {})}).start()
    try:
        text = TEMPLATE.read_text()
        site = render(
            site_values(
                upstream_port=gunicorn.port,
                certificate=certificate,
                key=key,
                https_port=https_port,
                http_port=http_port,
            ),
            edit(text) if edit else text,
        )
        nginx = Nginx(directory / "nginx", site)
        nginx.https_port = https_port
        nginx.start()
    except BaseException:
        gunicorn.stop()
        raise
    return Site(gunicorn, nginx, https_port, http_port, certificate, key)


# --- a client ------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header_values(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    @property
    def text(self) -> str:
        data = gzip.decompress(self.body) if self.headers.get("Content-Encoding") == "gzip" else self.body
        return data.decode("utf-8", "replace")


def connect(
    port: int, *, source: str = "127.0.0.1", tls: ssl.SSLContext | None = None, timeout: float = 60
) -> socket.socket:
    """A connection from `source` (any 127.0.0.x works on Linux loopback) to 127.0.0.1:port."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    return tls.wrap_socket(raw, server_hostname=SERVER_NAME) if tls else raw


def request_bytes(
    method: str, path: str, *, host: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if (body or method == "POST") and not any(name.lower() == "content-length" for name in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def read_answer(sock: socket.socket, method: str = "GET") -> Answer:
    response = http.client.HTTPResponse(sock, method=method)
    response.begin()
    body = response.read()
    return Answer(response.status, response.headers, body)


def fetch(
    port: int,
    method: str,
    path: str,
    *,
    source: str = "127.0.0.1",
    tls: ssl.SSLContext | None = None,
    host: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    timeout: float = 60,
) -> Answer:
    with connect(port, source=source, tls=tls, timeout=timeout) as sock:
        sock.sendall(request_bytes(method, path, host=host, headers=headers, body=body))
        return read_answer(sock, method)


# --- slow clients --------------------------------------------------------------------------


def trickled_headers(host: str) -> Iterator[bytes]:
    """A request line and then headers without end, one byte at a time."""
    yield from (bytes([b]) for b in f"GET /cek-status HTTP/1.1\r\nHost: {host}\r\n".encode())
    n = 0
    while True:
        n += 1
        yield from (bytes([b]) for b in f"X-Pelan-{n}: a\r\n".encode())


def endless_body() -> Iterator[bytes]:
    while True:
        yield b"a"


SLOW_POST_PATH = "/pengaduan/baru-lambat"  # only these connections ask for it: easy to find in a log


def slow_post_head(host: str, length: int = 1_000_000) -> bytes:
    """Complete headers of a POST whose body then comes one byte at a time."""
    return (
        f"POST {SLOW_POST_PATH} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


@dataclass
class SlowConnection:
    kind: str  # "headers" or "body"
    sock: socket.socket
    pending: Iterator[bytes]
    closed: bool = False
    received: bytes = b""  # what the server sent before closing (nginx sends nothing on a 408)


@dataclass
class SlowClients:
    """Slow connections, all fed from one thread (TLS sockets are not for two threads): every
    `interval` seconds each open one gets its next byte, and each is checked for being closed."""

    interval: float = 1.0
    connections: list[SlowConnection] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def add(self, kind: str, sock: socket.socket, first: bytes, pending: Iterator[bytes]) -> SlowConnection:
        sock.sendall(first)
        sock.setblocking(False)
        connection = SlowConnection(kind, sock, pending)
        with self.changed:
            self.connections.append(connection)
        return connection

    def open(self, kind: str) -> list[SlowConnection]:
        with self.changed:
            return [c for c in self.connections if c.kind == kind and not c.closed]

    def start(self) -> SlowClients:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _close(self, connection: SlowConnection) -> None:
        connection.closed = True
        self.changed.notify_all()

    def _tick(self) -> None:
        with self.changed:
            live = [c for c in self.connections if not c.closed]
        for connection in live:
            try:
                connection.sock.send(next(connection.pending))
            except (ssl.SSLWantWriteError, BlockingIOError):
                pass
            except OSError:
                with self.changed:
                    self._close(connection)
        live = [c for c in live if not c.closed]
        readable = select.select([c.sock for c in live], [], [], 0)[0] if live else []
        for connection in live:
            if connection.sock not in readable and not getattr(connection.sock, "pending", lambda: 0)():
                continue
            try:
                data = connection.sock.recv(65536)
            except (ssl.SSLWantReadError, BlockingIOError):
                continue  # e.g. a TLS session ticket: nothing for the application
            except OSError:
                data = b""
            with self.changed:
                if data:
                    connection.received += data
                else:
                    self._close(connection)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._tick()

    def wait_until(self, predicate, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        for connection in self.connections:
            connection.sock.close()
