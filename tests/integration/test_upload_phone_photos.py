"""Phone photos as phones take them (issue 18, point 12): a photo over 5 MB is taken (it is
re-encoded and downscaled before it is kept), up to 15 MB, and the limits are told in words; a HEIC
from an iPhone is taken and kept as a JPEG without its EXIF; choosing more files at once than the
form takes says just that, not "remove other attachments" when there are none."""

from __future__ import annotations

import io

import pillow_heif
import pytest
import sqlalchemy as sa
from PIL import Image

from portal.complaints.services.attachments import MAX_IMAGE_BYTES, MAX_PDF_BYTES
from portal.extensions import db
from portal.models import Attachment
from portal.web.settings import attachment_store
from tests.factories import account, sign_in
from tests.helpers import assistance as assisted
from tests.helpers import parse
from tests.helpers.complaints import details, start


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"ATTACHMENT_DIR": str(tmp_path / "lampiran")}


def stored_files() -> list[Attachment]:
    return db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()


def errors(response) -> str:
    return parse(response).select_one(".error-summary").get_text(" ", strip=True)


def noisy_jpeg(size: tuple[int, int], quality: int = 95) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def heic(size: tuple[int, int], exif: Image.Exif | None = None) -> bytes:
    """A real HEIC, written by libheif's encoder (pillow-heif) as an iPhone's camera writes one."""
    pillow_heif.register_heif_opener()  # (the portal registers it too, for reading)
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    picture.save(out, "HEIF", quality=70, exif=exif.tobytes() if exif is not None else None)
    return out.getvalue()


def test_a_phone_photo_over_5_mb_is_taken_and_kept_smaller(client, app):
    photo = noisy_jpeg((3000, 2500))  # a noisy 7.5 MP photo at quality 95: well over 5 MB
    assert 5 * 1024 * 1024 < len(photo) < MAX_IMAGE_BYTES
    start(client)
    assert details(client, files=[(io.BytesIO(photo), "foto-ktp.jpg")]).status_code == 303
    (record,) = stored_files()
    assert record.content_type == "image/jpeg" and record.original_name == "foto-ktp.jpg"
    assert record.size < len(photo)  # re-encoded at quality 88


def test_a_heic_from_an_iphone_is_taken_and_kept_as_a_jpeg_without_its_exif(client):
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # make
    data = heic((640, 480), exif)
    assert data[4:12] == b"ftypheic"
    start(client)
    response = details(client, files=[(io.BytesIO(data), "IMG_0412.HEIC")])
    assert response.status_code == 303, errors(response)
    (record,) = stored_files()
    assert record.content_type == "image/jpeg" and record.original_name == "IMG_0412.jpg"
    kept = attachment_store().read_bytes(record.storage_key)
    assert kept.startswith(b"\xff\xd8\xff") and b"KameraRahasia" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG" and image.size == (640, 480) and image.getexif() == {}


def test_a_heif_brand_other_than_heic_is_read_too(client):
    data = bytearray(heic((64, 48)))
    data[8:12] = b"mif1"  # the generic HEIF brand some phones write
    start(client)
    assert details(client, files=[(io.BytesIO(bytes(data)), "foto.heif")]).status_code == 303
    assert stored_files()[0].content_type == "image/jpeg"


def test_a_photo_over_15_mb_is_refused_with_the_limit_in_words(client):
    start(client)
    too_big = b"\xff\xd8\xff\xe0" + b"0" * MAX_IMAGE_BYTES
    response = details(client, files=[(io.BytesIO(too_big), "besar.jpg")])
    assert response.status_code == 400
    assert "Berkas besar.jpg lebih dari 15 MB" in errors(response)
    assert stored_files() == []


def test_a_pdf_keeps_its_5_mb_limit_and_is_told_so(client):
    start(client)
    too_big = b"%PDF-1.4\n" + b"0" * MAX_PDF_BYTES + b"\n%%EOF\n"
    response = details(client, files=[(io.BytesIO(too_big), "kk.pdf")])
    assert response.status_code == 400
    said = errors(response)
    assert "PDF kk.pdf lebih dari 5 MB" in said and "foto boleh sampai 15 MB" in said


def test_the_form_says_the_limits_and_offers_heic(client):
    start(client)
    page = parse(client.get("/pengaduan/baru/rincian"))
    field = page.select_one("input[type=file][name=lampiran]")
    assert "image/heic" in field["accept"] and ".heic" in field["accept"]
    hint = page.select_one(f"#{field['aria-describedby'].split()[0]}").get_text(" ", strip=True)
    assert "Paling banyak 3 berkas" in hint and "HEIC" in hint
    assert "paling besar 15 MB" in hint and "PDF paling besar 5 MB" in hint


def test_four_files_at_once_with_none_sent_says_so_and_not_remove_others(client):
    start(client)
    four = [(io.BytesIO(heic((32, 32))), f"foto{n}.heic") for n in range(4)]
    response = details(client, files=four)
    assert response.status_code == 400
    said = errors(response)
    assert "Pilih paling banyak 3 berkas sekaligus; Anda memilih 4" in said
    assert "Hapus" not in said and "Sudah ada" not in said
    assert stored_files() == []


def test_an_officer_choosing_four_files_at_once_is_told_the_same(client):
    sign_in(client, account())
    assisted.start(client)
    four = [(io.BytesIO(heic((32, 32))), f"foto{n}.heic") for n in range(4)]
    response = assisted.details(client, lampiran=four)
    assert response.status_code == 400
    said = errors(response)
    assert "Pilih paling banyak 3 berkas sekaligus; Anda memilih 4" in said and "Hapus" not in said


def test_files_kept_from_before_are_named_when_there_is_no_room(client):
    """The trial's case: a photo attached to a pungli report not sent, the category changed, then
    four files chosen. The message names the file already there, and how to remove it."""
    start(client, "pungli")
    details(client, files=[(io.BytesIO(heic((64, 48))), "IMG_0412.HEIC")])  # refused for other fields, kept
    assert [f.original_name for f in stored_files()] == ["IMG_0412.jpg"]
    start(client, "lainnya")
    four = [(io.BytesIO(heic((32, 32))), f"foto{n}.heic") for n in range(4)]
    said = errors(details(client, files=four))
    assert "Sudah terunggah 1 (IMG_0412.jpg), jadi Anda bisa menambah 2 lagi (Anda memilih 4)" in said
    assert "tombol “Hapus”" in said
