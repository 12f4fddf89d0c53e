"""A resident's upload in a process of its own, for tests/integration/test_attachment_purge.py:
starts a complaint, says "ready", waits for a line on standard input, then sends the details
step with one photo (the file is written, then its row inserted and committed). The test kills
it between the two. Configured from the environment like the portal (DATABASE_URL,
ATTACHMENT_DIR, SECRET_KEY)."""

import io
import re
import sys

from PIL import Image

from portal import create_app

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def main() -> None:
    app = create_app({"RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    client = app.test_client()
    started = client.post(
        "/pengaduan/baru", data={"csrf_token": token(client, "/pengaduan/baru"), "kategori": "terlewat"}
    )
    assert started.status_code == 303, started.status_code
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(photo, "JPEG")
    form = {
        "csrf_token": token(client, "/pengaduan/baru/rincian"),
        "nik": sys.argv[1],
        "nama": "Siti Aminah",
        "kelurahan": "32.75.01.1001",
        "pelapor": "sendiri",
        "telepon": "0812-3456-7890",
        "saluran": "whatsapp",
        "uraian": "Saya pedagang kaki lima, desil 2, tetapi tidak terdaftar.",
        "lampiran": [(io.BytesIO(photo.getvalue()), "ktp.jpg")],
    }
    print("ready", flush=True)
    sys.stdin.readline()
    sent = client.post("/pengaduan/baru/rincian", data=form, content_type="multipart/form-data")
    print("sent", sent.status_code, flush=True)


if __name__ == "__main__":
    main()
