"""Steps of the assistance pages (/bantuan and assisted filing), shared by test modules."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.factories import make_nik
from tests.helpers import csrf_token, parse

FORM = {
    "pemohon": "sendiri",
    "nama": "Ibu Sari Wulandari",
    "bantuan": ["kunjungan_rumah", "juru_bahasa_isyarat"],
    "keperluan": "usulan_calon",
    "uraian": "Saya tuli dan tidak bisa datang ke kelurahan.",
    "telepon": "0812-3456-7890",
    "saluran": "whatsapp_video",
    "waktu": ["pagi", "sore"],
    "catatan_waktu": "Tidak bisa hari Jumat",
    "kecamatan": "32.75.01",
    "kelurahan": "32.75.01.1001",
    "jalan": "Jl. Melati No. 3, dekat masjid",
    "rt": "3",
    "rw": "05",
}


def send(client):
    return client.post("/bantuan/periksa", data={"csrf_token": csrf_token(client, "/bantuan/periksa")})


SAME_SITE = {"Origin": "http://localhost"}  # what a browser sends with a form of this portal


class _DayOldSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 25 * 60 * 60  # over WTF_CSRF_TIME_LIMIT (24 h)


def day_old_csrf_token(client, app) -> str:
    csrf_token(client, "/bantuan")  # the session gets its raw token, as when the page was opened
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=_DayOldSigner)
    return serializer.dumps(raw)


def form_answers(page) -> dict:
    form = page.select_one("main form")
    values: dict = {}
    for control in form.select("input, textarea, select"):
        name = control.get("name")
        if control.name == "textarea":
            values[name] = control.get_text()
        elif control.name == "select":
            chosen = control.select_one("option[selected]")
            values[name] = chosen["value"] if chosen else ""
        elif control.get("type") in ("checkbox", "radio"):
            if control.has_attr("checked"):
                values.setdefault(name, []).append(control["value"])
        else:
            values[name] = control.get("value", "")
    return values


def start(client, kategori="usulan_calon", query=""):
    path = "/petugas/pengaduan/baru" + query
    page = parse(client.get(path))
    bantuan = page.select_one("input[name=bantuan]")
    data = {
        "csrf_token": page.select_one("input[name=csrf_token]")["value"],
        "kategori": kategori,
        "bantuan": bantuan.get("value", "") if bantuan else "",
    }
    return client.post("/petugas/pengaduan/baru", data=data)


def details(client, **overrides):
    data = {"csrf_token": token(client, "/petugas/pengaduan/baru/rincian"), **PROPOSAL, "nik": make_nik(), **overrides}
    return client.post("/petugas/pengaduan/baru/rincian", data=data, content_type="multipart/form-data")


PROPOSAL = {
    "nik": "",
    "nama": "Pak Darto",
    "kelurahan": "32.75.01.1001",
    "kk": "3275 0101 2345 0001",
    "jalan": "Gg. Kenari 2",
    "rt": "4",
    "rw": "7",
    "pekerjaan": "pemulung",
    "pelapor": "pendamping",
    "nama_pelapor": "Rina",
    "hubungan": "pendamping disabilitas",
    "persetujuan": "y",
    "telepon": "0812 3456 7890",
    "saluran": "telepon",
    "email": "",
    "uraian": "Desil 1 menurut RT, tinggal sendiri, tidak ada penghasilan tetap.",
}


def token(client, path):
    return parse(client.get(path)).select_one("input[name=csrf_token]")["value"]
