"""What each simulated user of bench/load.py does, as a browser without JavaScript would: GET
the page, read its CSRF token, POST the form (multipart where the portal's form is), follow the
303 with a GET. Every request is timed and checked (status code, Location, what the page must
show); any other answer is an error of that kind, and the flow stops there."""

from __future__ import annotations

import io
import random
import re
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

import pyotp
import requests

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PANEL_CODE = re.compile(r'class="panel-code">([^<]+)<')
CATEGORIES = ("terlewat", "data_salah", "masalah_kartu_klaim", "informasi", "lainnya", "pungli")
QUEUE_VIEWS = ("", "?status=diterima", "?hal=2", "?kategori=terlewat", "?terlambat=1")


class FlowError(Exception):
    pass


class Stats:
    """Latencies (seconds) and errors per kind of request, shared by all client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter[str] = Counter()
        self.samples: list[str] = []
        self.flows: Counter[str] = Counter()
        self.acknowledged: list[tuple[str, str]] = []  # (reference, access code) shown on a confirmation
        self.recording = True

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if not self.recording:
                return
            self.latency[kind].append(seconds)
            if error:
                self.errors[kind] += 1
                if len(self.samples) < 20:
                    self.samples.append(f"{kind}: {error}")


def unknown_niks(known: set[str], rng: random.Random):
    """Valid NIKs (Kota Bekasi prefix, real birth date, serial ≠ 0000), none in the roster."""
    while True:
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
        day = birth.day + (40 if rng.random() < 0.4 else 0)
        nik = (
            f"3275{rng.randrange(1, 13):02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
            f"{rng.randrange(1, 10000):04d}"
        )
        if nik not in known:
            known.add(nik)
            yield nik


def small_png(rng: random.Random) -> bytes:
    from PIL import Image

    image = Image.frombytes("RGB", (48, 48), bytes(rng.randrange(256) for _ in range(48 * 48 * 3)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class User:
    """One simulated person at one browser (a requests.Session: cookies and keep-alive)."""

    def __init__(self, base: str, stats: Stats, people, niks, seed: int, officer=None) -> None:
        self.base, self.stats, self.people, self.niks = base, stats, people, niks
        self.rng = random.Random(seed)  # noqa: S311 (load data, not secrets)
        self.browser = requests.Session()
        self.officer = requests.Session() if officer else None
        self.officer_login = officer
        self.png = small_png(self.rng)

    def _send(
        self,
        kind: str,
        method: str,
        path: str,
        expect: int,
        *,
        browser=None,
        must=(),
        location=None,
        **kwargs,
    ) -> requests.Response:
        started = time.perf_counter()
        try:
            response = (browser or self.browser).request(
                method, self.base + path, allow_redirects=False, timeout=30, **kwargs
            )
        except requests.RequestException as error:
            self.stats.add(kind, time.perf_counter() - started, type(error).__name__)
            raise FlowError(kind) from None
        took = time.perf_counter() - started
        error = None
        if response.status_code != expect:
            error = f"{method} {path}: HTTP {response.status_code}"
        elif location and not response.headers.get("Location", "").endswith(location):
            error = f"{method} {path}: to {response.headers.get('Location')}, not {location}"
        elif any(text not in response.text for text in must):
            error = f"{method} {path}: page without {must}"
        self.stats.add(kind, took, error)
        if error:
            raise FlowError(error)
        return response

    @staticmethod
    def _token(response: requests.Response) -> str:
        found = TOKEN.search(response.text)
        if not found:
            raise FlowError("no CSRF token")
        return found.group(1)

    # -- flows ---------------------------------------------------------------------------------

    def status_check(self) -> None:
        self.browser.cookies.clear()  # another resident
        form = self._send("cek-status: form (GET)", "GET", "/cek-status", 200)
        if self.rng.random() < 0.8:
            nik, name = self.rng.choice(self.people)
            name = name.lower() if self.rng.random() < 0.1 else name
            self._send(
                "cek-status: found (POST)",
                "POST",
                "/cek-status",
                200,
                must=('class="result result-',),
                data={"csrf_token": self._token(form), "nik": nik, "nama": name},
            )
        else:
            self._send(
                "cek-status: not found (POST)",
                "POST",
                "/cek-status",
                200,
                must=("result-none",),
                data={
                    "csrf_token": self._token(form),
                    "nik": next(self.niks),
                    "nama": self.rng.choice(self.people)[1],
                },
            )
        self.stats.flows["status check"] += 1

    def file_complaint(self) -> None:
        self.browser.cookies.clear()
        page = self._send("pengaduan: step pages (GET)", "GET", "/pengaduan/baru", 200)
        category = self.rng.choice(CATEGORIES)
        self._send(
            "pengaduan: category (POST)",
            "POST",
            "/pengaduan/baru",
            303,
            location="/pengaduan/baru/rincian",
            data={"csrf_token": self._token(page), "kategori": category},
        )
        page = self._send("pengaduan: step pages (GET)", "GET", "/pengaduan/baru/rincian", 200)
        attach = self.rng.random() < 0.2
        files = {
            "lampiran": ("foto-ktp.png", self.png, "image/png") if attach else ("", b"", "application/octet-stream")
        }
        self._send(
            "pengaduan: details (POST, multipart)",
            "POST",
            "/pengaduan/baru/rincian",
            303,
            location="/pengaduan/baru/periksa",
            files=files,
            data={"csrf_token": self._token(page), **(self._incident() if category == "pungli" else self._details())},
        )
        step = "pengaduan: step pages (GET)"
        page = self._send(step, "GET", "/pengaduan/baru/periksa", 200)
        self._send(
            "pengaduan: send (POST)",
            "POST",
            "/pengaduan/baru/periksa",
            303,
            location="/pengaduan/terkirim",
            data={"csrf_token": self._token(page)},
        )
        page = self._send("pengaduan: confirmation (GET)", "GET", "/pengaduan/terkirim", 200)
        codes = PANEL_CODE.findall(page.text)
        if len(codes) != 2 or not codes[0].startswith("SGP-"):
            self.stats.add("pengaduan: confirmation (GET)", 0.0, "no reference and code")
            raise FlowError("no reference")
        with self.stats.lock:
            self.stats.acknowledged.append((codes[0], codes[1]))
        self.stats.flows["complaint filed"] += 1

    def _details(self) -> dict[str, str]:
        return {
            "nik": next(self.niks),
            "nama": "Warga Uji Beban",
            "kelurahan": "32.75.01.1001",
            "pelapor": "sendiri",
            "telepon": "0812-3456-7890",
            "saluran": "whatsapp",
            "email": "warga@contoh.id" if self.rng.random() < 0.3 else "",
            "uraian": "Saya pekerja informal, desil 2, tetapi belum terdaftar. Mohon dicek.",
        }

    def _incident(self) -> dict[str, str]:
        """A pungli report has its own details step: where, when, what was asked, no NIK."""
        return {
            "tempat": "Kantor kelurahan",
            "kelurahan": "32.75.01.1001",
            "tanggal": (date.today() - timedelta(days=3)).strftime("%d-%m-%Y"),
            "diminta": "Rp 300.000 untuk biaya pendaftaran",
            "uraian": "Saya diminta membayar agar didaftarkan.",
            "identitas": "kontak",
            "pelapor": "sendiri",
            "nama_pelapor": "Warga Uji Beban",
            "telepon": "0812-3456-7890",
            "saluran": "whatsapp",
        }

    def track(self) -> None:
        with self.stats.lock:
            known = list(self.stats.acknowledged[-500:])
        if not known:
            return self.file_complaint()
        reference, code = self.rng.choice(known)
        self.browser.cookies.clear()
        form = self._send("lacak: form (GET)", "GET", "/pengaduan/lacak", 200)
        self._send(
            "lacak: look-up (POST)",
            "POST",
            "/pengaduan/lacak",
            303,
            location="/pengaduan/lacak/kasus",
            data={"csrf_token": self._token(form), "nomor": reference, "kode": code},
        )
        self._send("lacak: case page (GET)", "GET", "/pengaduan/lacak/kasus", 200, must=(reference,))
        self.stats.flows["tracking look-up"] += 1

    def sign_in(self) -> None:
        email, password, totp_key = self.officer_login
        form = self._send("petugas: sign-in", "GET", "/petugas/masuk", 200, browser=self.officer)
        self._send(
            "petugas: sign-in",
            "POST",
            "/petugas/masuk",
            303,
            location="/petugas/masuk/kode",
            browser=self.officer,
            data={"csrf_token": self._token(form), "email": email, "password": password},
        )
        form = self._send("petugas: sign-in", "GET", "/petugas/masuk/kode", 200, browser=self.officer)
        self._send(
            "petugas: sign-in",
            "POST",
            "/petugas/masuk/kode",
            303,
            browser=self.officer,
            data={"csrf_token": self._token(form), "code": pyotp.TOTP(totp_key).now()},
        )

    def share_sign_in(self, other: User) -> None:
        """The same officer's session in another browser (tabs of one officer)."""
        assert self.officer is not None and other.officer is not None
        self.officer.cookies.update(other.officer.cookies)

    def queue(self) -> None:
        view = self.rng.choice(QUEUE_VIEWS)
        self._send(
            "petugas: queue (GET)",
            "GET",
            "/petugas/pengaduan" + view,
            200,
            browser=self.officer,
            must=('class="table queue"',),
        )
        self.stats.flows["officer queue"] += 1

    def one(self, mix: list[tuple[str, float]]) -> None:
        pick, total, name = self.rng.random(), 0.0, mix[-1][0]
        for candidate, share in mix:
            total += share
            if pick < total:
                name = candidate
                break
        try:
            {
                "status": self.status_check,
                "filing": self.file_complaint,
                "tracking": self.track,
                "queue": self.queue,
            }[name]()
        except FlowError:
            pass
