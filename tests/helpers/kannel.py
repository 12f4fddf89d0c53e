"""A real Kannel on loopback for a test: bearerbox, smsbox and the `fakesmsc` "phone" from
kannel-extras, on free ports, with a kannel.conf written into the test's folder.

    with KannelStack.started(tmp_path) as kannel:
        send_sms(kannel.settings, to="+6281234567890", text="Halo", message_id=1)
        kannel.received(timeout=10)            # [PhoneMessage(sender="1708", to="+62812…", text="Halo")]
        kannel.portal.wait_for(path=REPORT_PATH)   # Kannel's delivery reports, as the portal gets them
        kannel.send_from_phone("+6281234567890", "CEK 3275… NAMA")   # posted to the portal's MO URL

What is real: everything from the sendsms request to the SMSC connection and back (bearerbox's
store-file, its routing and queues, smsbox's HTTP, its dlr-url and post-url calls, Kannel's
escape codes, charset conversion, splitting and UDH). What is not: the SMSC is Kannel's fake one,
and a delivery report from it is always "8" (taken by the SMSC, made by bearerbox when the
message is written to fakesmsc) then "1" (delivered, made by Kannel's fake SMSC module right
after): fakesmsc cannot refuse a message or report a failure. A failed report (2 or 16) only
comes from a real SMSC; its query is the same shape with another %d and %A.

`portal` is a small HTTP server of the harness recording what smsbox sends to the portal's two
URLs (REPORT_PATH, INCOMING_PATH), unless the caller gives `portal_url` (a live portal) instead.
"""

# ruff: noqa: S603 (fixed system binaries of the kannel packages)
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, quote_from_bytes, unquote_to_bytes, urlsplit

from portal.notifications.kannel import KannelSettings
from tests.helpers import free_port, port_closed, wait_until

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
REPORT_PATH = "/kanal/sms/laporan"
INCOMING_PATH = "/kanal/sms/masuk"
SHORTCODE = "1708"
TOKEN = "kannel-test-token-0123456789"  # noqa: S105 (test Kannel only)
SENDSMS_USER, SENDSMS_PASSWORD = "sigap", "sendsms-test-password"
ADMIN_PASSWORD = "admin-test-password"  # noqa: S105 (test Kannel only)
START_WITHIN = 20.0  # seconds for a box to listen
# smsbox, when bearerbox goes away, starts itself again 10 s later (Kannel's own pause) and
# then waits for bearerbox: after a crash it answers again within this
SMSBOX_BACK_WITHIN = 40.0
_GOT = re.compile(r"Got message \d+: <(.*)>$")
_FAKESMSC_LINE = 250  # fakesmsc reads stdin in 256-byte lines


def missing_binaries() -> list[str]:
    return [str(path) for path in (BEARERBOX, SMSBOX, FAKESMSC) if not os.access(path, os.X_OK)]


@dataclass(frozen=True)
class PhoneMessage:
    """What the fake SMSC handed to the "phone" (parts of a concatenated SMS joined)."""

    sender: str
    to: str
    text: str
    parts: int = 1


@dataclass(frozen=True)
class PortalRequest:
    method: str
    path: str
    args: dict[str, str]
    body: str
    headers: dict[str, str]


class PortalRecorder:
    """The portal's side as smsbox sees it: records each request, answers `status` (200)."""

    def __init__(self) -> None:
        self.requests: list[PortalRequest] = []
        self.status = 200
        self._changed = threading.Condition()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                url = urlsplit(self.path)
                request = PortalRequest(
                    self.command, url.path, dict(parse_qsl(url.query)), body, {k: v for k, v in self.headers.items()}
                )
                with recorder._changed:
                    recorder.requests.append(request)
                    recorder._changed.notify_all()
                self.send_response(recorder.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, *, path: str, count: int = 1, timeout: float = 15.0, **args: str) -> list[PortalRequest]:
        """The first `count` requests to `path` whose query has `args`, waiting for them."""

        def matching() -> list[PortalRequest]:
            return [r for r in self.requests if r.path == path and all(r.args.get(k) == v for k, v in args.items())]

        with self._changed:
            self._changed.wait_for(lambda: len(matching()) >= count, timeout=timeout)
            found = matching()
        assert len(found) >= count, f"{len(found)} of {count} request(s) to {path} {args} came: {self.requests}"
        return found[:count]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class _Ports:
    admin: int = field(default_factory=free_port)
    boxes: int = field(default_factory=free_port)
    smsc: int = field(default_factory=free_port)
    sendsms: int = field(default_factory=free_port)


def kannel_conf(folder: Path, ports: _Ports, portal_url: str) -> str:
    """The kannel.conf of the test: one core, one fake SMSC, one smsbox, the portal's sendsms
    user and the sms-service posting a phone's messages to the portal (docs/kannel.md)."""
    incoming = f"{portal_url}{INCOMING_PATH}?from=%p&to=%P&at=%T&id=%I&token={TOKEN}"
    return f"""\
group = core
admin-port = {ports.admin}
admin-interface = 127.0.0.1
admin-password = {ADMIN_PASSWORD}
smsbox-port = {ports.boxes}
box-allow-ip = 127.0.0.1
store-type = file
store-location = "{folder / "store"}"
dlr-storage = internal
log-file = "{folder / "bearerbox.log"}"
log-level = 1

group = smsc
smsc = fake
smsc-id = fake
port = {ports.smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {ports.boxes}
sendsms-port = {ports.sendsms}
sendsms-interface = 127.0.0.1
mo-recode = true
http-request-retry = 3
http-queue-delay = 1
log-file = "{folder / "smsbox.log"}"
log-level = 1

group = sendsms-user
username = {SENDSMS_USER}
password = {SENDSMS_PASSWORD}
user-allow-ip = "127.0.0.1"
max-messages = 3
concatenation = true

group = sms-service
keyword-regex = .*
catch-all = true
max-messages = 0
post-url = "{incoming}"
"""


class KannelStack:
    def __init__(self, folder: Path, *, portal_url: str | None = None) -> None:
        self.folder = folder
        self.ports = _Ports()
        self.portal = PortalRecorder() if portal_url is None else None
        self.portal_url = portal_url or (self.portal.url if self.portal else "")
        self.conf = folder / "kannel.conf"
        self.conf.write_text(kannel_conf(folder, self.ports, self.portal_url))
        self.settings = KannelSettings(
            sendsms_url=f"http://127.0.0.1:{self.ports.sendsms}/cgi-bin/sendsms",
            username=SENDSMS_USER,
            password=SENDSMS_PASSWORD,
            sender=SHORTCODE,
            dlr_url_base=f"{self.portal_url}{REPORT_PATH}",
            dlr_token=TOKEN,
            timeout=10.0,
        )
        self.bearerbox: subprocess.Popen | None = None
        self.smsbox: subprocess.Popen | None = None
        self.fakesmsc: subprocess.Popen | None = None
        self._phone: list[PhoneMessage] = []
        self._parts: dict[tuple[str, str, int], dict[int, bytes]] = {}
        self._arrived = threading.Condition()
        self._stdin_lock = threading.Lock()
        self.fakesmsc_log: list[str] = []

    @classmethod
    @contextlib.contextmanager
    def started(cls, folder: Path, *, portal_url: str | None = None) -> Iterator[KannelStack]:
        stack = cls(folder, portal_url=portal_url)
        try:
            stack.start_bearerbox(wait_for_smsbox=False)
            stack.start_smsbox()
            yield stack
        finally:
            stack.stop()

    # -- the boxes --------------------------------------------------------------------------

    def start_bearerbox(self, *, wait_for_smsbox: bool = True) -> None:
        """bearerbox (loading its store-file), then the phone connected to it; with
        `wait_for_smsbox`, until the smsbox left running has found it again and answers."""
        self.bearerbox = self._spawn(BEARERBOX, "bearerbox")
        self._listening(self.ports.boxes, "bearerbox")
        self.connect_phone()
        if wait_for_smsbox:
            self._listening(self.ports.sendsms, "smsbox (back after bearerbox)", timeout=SMSBOX_BACK_WITHIN)
            self._smsbox_connected()

    def stop_bearerbox(self, *, crash: bool = False) -> None:
        """SIGKILL (`crash`) or SIGTERM. A stopped bearerbox tells smsbox to stop too; after a
        crash smsbox stays, closes its sendsms port and starts itself again 10 s later."""
        self._end(self.bearerbox, signal.SIGKILL if crash else signal.SIGTERM)
        self.bearerbox = None
        port_closed(self.ports.boxes, timeout=15)
        if self.fakesmsc is not None:  # it leaves on its own when its SMSC goes
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.fakesmsc.wait(timeout=10)
            self.fakesmsc = None
        if crash:  # until smsbox has noticed: a request before that is cut off unanswered (UNCERTAIN)
            port_closed(self.ports.sendsms, timeout=15)
        else:
            self.smsbox_gone()

    def start_smsbox(self) -> None:
        self.smsbox = self._spawn(SMSBOX, "smsbox")
        self._listening(self.ports.sendsms, "smsbox")
        self._smsbox_connected()

    def stop_smsbox(self) -> None:
        self._end(self.smsbox, signal.SIGTERM)
        self.smsbox = None
        port_closed(self.ports.sendsms, timeout=15)

    def smsbox_gone(self) -> None:
        if self.smsbox is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.smsbox.wait(timeout=15)
            self._end(self.smsbox, signal.SIGKILL)
            self.smsbox = None

    def pause(self, box: str) -> None:
        """SIGSTOP "bearerbox" or "smsbox": connections are still taken (the kernel's backlog),
        nothing is answered. smsbox answers sendsms once bearerbox has acknowledged the message,
        so a paused bearerbox leaves the request open with the message in smsbox's hands."""
        os.killpg(self._box(box).pid, signal.SIGSTOP)

    def resume(self, box: str) -> None:
        os.killpg(self._box(box).pid, signal.SIGCONT)

    def _box(self, box: str) -> subprocess.Popen:
        process = {"bearerbox": self.bearerbox, "smsbox": self.smsbox}[box]
        assert process is not None, f"{box} is not running"
        return process

    def stop(self) -> None:
        """SIGKILL all (a clean bearerbox stop with smsbox gone waits 10 s for it)."""
        self._end(self.fakesmsc, signal.SIGKILL)
        self._end(self.smsbox, signal.SIGKILL)
        self._end(self.bearerbox, signal.SIGKILL)
        self.fakesmsc = self.smsbox = self.bearerbox = None
        if self.portal is not None:
            self.portal.close()

    def status(self) -> str:
        """bearerbox's status page (admin port)."""
        url = f"http://127.0.0.1:{self.ports.admin}/status.txt?password={ADMIN_PASSWORD}"
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback, http)
            return answer.read().decode()

    # -- the phone ----------------------------------------------------------------------------

    def connect_phone(self) -> None:
        """fakesmsc in interactive mode: what it reads on stdin goes to bearerbox as a phone's
        message; what bearerbox sends it is printed ("Got message N: <from to type data>")."""
        self.fakesmsc = subprocess.Popen(
            [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.ports.smsc), "-i", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read_phone, args=(self.fakesmsc,), daemon=True).start()
        wait_until(self._smsc_online, timeout=START_WITHIN, what=lambda: f"fakesmsc not online:\n{self._tail()}")

    def disconnect_phone(self) -> None:
        """The SMSC link goes down: bearerbox keeps what it is given ("3: Queued")."""
        self._end(self.fakesmsc, signal.SIGTERM)
        self.fakesmsc = None
        wait_until(lambda: not self._smsc_online(), timeout=15, what="fakesmsc still online")

    def received(self, timeout: float = 10.0, count: int = 1) -> list[PhoneMessage]:
        """The messages the phone got since the last call, once `count` are there (or after
        `timeout`, with what there is)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._phone) >= count, timeout=timeout)
            got, self._phone = self._phone, []
        return got

    def send_from_phone(self, from_number: str, text: str, *, to: str = SHORTCODE) -> None:
        """A phone's message into the SMSC: printable ASCII as fakesmsc's `text`, anything else
        as `ucs2` (as a phone sends a message outside GSM-7)."""
        assert self.fakesmsc is not None and self.fakesmsc.stdin is not None, "the phone is not connected"
        if text.isascii() and text.isprintable():
            line = f"{from_number} {to} text {text}"
        else:
            line = f"{from_number} {to} ucs2 {quote_from_bytes(text.encode('utf-16-be'), safe='')}"
        assert len(line) < _FAKESMSC_LINE, f"too long for fakesmsc's stdin ({len(line)} bytes)"
        with self._stdin_lock:
            self.fakesmsc.stdin.write(line.encode() + b"\n")
            self.fakesmsc.stdin.flush()
            # fakesmsc fgets() one line per select(): a second line in the same read would wait
            time.sleep(0.3)

    # -- inside -----------------------------------------------------------------------------

    def _spawn(self, binary: Path, name: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.out").open("ab")
        # its own process group: smsbox starts itself again in a child when bearerbox crashes
        process = subprocess.Popen(
            [str(binary), "-v", "1", str(self.conf)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return process

    def _listening(self, port: int, what: str, *, timeout: float = START_WITHIN) -> None:
        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return False
            return True

        wait_until(up, timeout=timeout, what=lambda: f"{what} does not listen on {port}:\n{self._tail()}", every=0.1)

    def _smsbox_connected(self) -> None:
        """smsbox opens its sendsms port before it has connected to bearerbox."""

        def connected() -> bool:
            try:
                return "No boxes connected" not in self.status()
            except OSError:
                return False

        wait_until(connected, timeout=START_WITHIN, what=lambda: f"smsbox not connected:\n{self._tail()}", every=0.1)

    def _smsc_online(self) -> bool:
        try:
            return bool(re.search(r"fake\[fake\].*\(online", self.status()))
        except OSError:
            return False

    def _end(self, process: subprocess.Popen | None, how: signal.Signals) -> None:
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGCONT)
            os.killpg(process.pid, how)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError, PermissionError):  # a restarted child left behind
            os.killpg(process.pid, signal.SIGKILL)

    def _read_phone(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.fakesmsc_log.append(line)
            if (got := _GOT.search(line)) is not None:
                message = self._phone_message(got.group(1))
                if message is not None:
                    with self._arrived:
                        self._phone.append(message)
                        self._arrived.notify_all()

    def _phone_message(self, line: str) -> PhoneMessage | None:
        """fakesmsc's line: "<from> <to> text <raw>", "… data <url>", "… ucs-2 <url>" or
        "… udh <url> data <url>" (one part of a concatenated message)."""
        sender, to, kind, rest = (line.split(" ", 3) + ["", ""])[:4]
        if kind == "text":
            return PhoneMessage(sender, to, rest)
        if kind == "ucs-2":
            return PhoneMessage(sender, to, _unquote(rest).decode("utf-16-be", "replace"))
        if kind == "data":
            return PhoneMessage(sender, to, _decode(_unquote(rest)))
        if kind == "udh":
            udh, _, data = rest.partition(" data ")
            return self._part(sender, to, _unquote(udh), _unquote(data))
        return PhoneMessage(sender, to, line)

    def _part(self, sender: str, to: str, udh: bytes, data: bytes) -> PhoneMessage | None:
        concat = _concatenation(udh)
        if concat is None:
            return PhoneMessage(sender, to, _decode(data))
        reference, total, number = concat
        parts = self._parts.setdefault((sender, to, reference), {})
        parts[number] = data
        if len(parts) < total:
            return None
        del self._parts[(sender, to, reference)]
        return PhoneMessage(sender, to, _decode(b"".join(parts[n] for n in sorted(parts))), parts=total)

    def _tail(self) -> str:
        logs = [self.folder / name for name in ("bearerbox.log", "smsbox.log", "bearerbox.out", "smsbox.out")]
        text = "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-1500:]}" for p in logs if p.exists())
        return text + "\n== fakesmsc\n" + "\n".join(self.fakesmsc_log[-10:])


def _unquote(text: str) -> bytes:
    return unquote_to_bytes(text.replace("+", " "))


def _decode(data: bytes) -> str:
    """Kannel keeps 7-bit text as UTF-8 and UCS-2 as UTF-16BE; the fake SMSC prints both as `data`
    when the message has a UDH."""
    if b"\x00" in data:
        return data.decode("utf-16-be", "replace")
    return data.decode("utf-8", "replace")


def _concatenation(udh: bytes) -> tuple[int, int, int] | None:
    """(reference, parts, this part) of a concatenation element (IEI 0 or 8) in a UDH."""
    position = 1
    while position + 1 < len(udh):
        element, length = udh[position], udh[position + 1]
        value = udh[position + 2 : position + 2 + length]
        if element == 0 and length == 3:
            return value[0], value[1], value[2]
        if element == 8 and length == 4:
            return int.from_bytes(value[:2], "big"), value[2], value[3]
        position += 2 + length
    return None


def kannel_available() -> str | None:
    """Why Kannel cannot run here, or None."""
    missing = missing_binaries()
    if missing:
        return "Kannel is not installed (" + ", ".join(missing) + "): apt-get install -y kannel kannel-extras"
    return None
