"""Every refused file is named: two photos refused for two reasons are two messages (the trial
found the second one dropped without a word), and the file that passed is kept."""

from __future__ import annotations

import io

from PIL import Image

from tests.factories import make_nik
from tests.helpers import csrf_token, parse


def photo(size: tuple[int, int], *, noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 64).convert("RGB") if noise else Image.new("RGB", size, "white")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_each_refused_file_has_its_own_message_and_the_good_one_is_kept(client):
    client.post("/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": "terlewat"})
    too_big = b"\xff\xd8\xff\xe0" + b"0" * (15 * 1024 * 1024)  # over the 15 MB a photo may have
    details = {
        "csrf_token": csrf_token(client, "/pengaduan/baru/rincian"),
        "nik": make_nik(),
        "nama": "Siti Aminah",
        "kelurahan": "32.75.01.1001",
        "pelapor": "sendiri",
        "telepon": "0812-3456-7890",
        "saluran": "whatsapp",
        "uraian": "Pedagang kaki lima, desil 2, belum terdaftar.",
        "lampiran": [
            (io.BytesIO(too_big), "besar-satu.jpg"),
            (io.BytesIO(too_big), "besar-dua.jpg"),
            (io.BytesIO(photo((400, 300))), "kecil.jpg"),
        ],
    }
    response = client.post("/pengaduan/baru/rincian", data=details, content_type="multipart/form-data")
    assert response.status_code == 400
    page = parse(response)
    summary = [li.get_text(" ", strip=True) for li in page.select(".error-summary li")]
    assert any("besar-satu.jpg" in line for line in summary) and any("besar-dua.jpg" in line for line in summary)
    inline = page.select_one("#lampiran-error").get_text(" ", strip=True)
    assert "besar-satu.jpg" in inline and "besar-dua.jpg" in inline
    assert "kecil.jpg" in page.select_one("ul.files").get_text()
