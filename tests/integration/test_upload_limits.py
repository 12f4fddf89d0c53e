"""What one upload may cost (security test finding 2, "images starve the workers"): the number of
files is checked before any file is read, images are refused by the dimensions in their header
before any pixel is decoded, big JPEGs are decoded at a reduced scale and kept at most 3200 pixels
long, and checking a file that needs more than its CPU allowance is stopped, with a plain message,
while the worker goes on. On every upload path: the complaint form, the officers' assisted
filing, and the answer on the tracking page."""

# ruff: noqa: S603 (this venv's Python)
import io
import os
import struct
import subprocess
import sys
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from portal.complaints.labels import error_message
from portal.complaints.services.attachments import LIMITS, AttachmentError, clean_upload
from portal.core.bounded import Limits
from portal.extensions import db
from portal.models import Attachment, ComplaintStatus
from portal.web.settings import attachment_store
from tests.factories import account, complaint, sign_in
from tests.helpers import assistance as assisted
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import details, officer_moves, start, track

NOT_A_JPEG = b"\xff\xd8\xff\xe0 not really a jpeg"


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"ATTACHMENT_DIR": str(tmp_path / "lampiran"), "UPLOAD_CHECK_SLOTS": 2}


def errors(response) -> str:
    return parse(response).select_one(".error-summary").get_text(" ", strip=True)


def png(size, color="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height, with no pixel data at all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def jpeg(size, **options) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "JPEG", **options)
    return out.getvalue()


def stored_files() -> list[Attachment]:
    return db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).all()


def test_files_beyond_the_limit_are_not_even_read(client):
    start(client)
    response = details(client, files=[(io.BytesIO(NOT_A_JPEG), f"foto{n}.jpg") for n in range(4)])
    assert response.status_code == 400
    said = errors(response)
    assert "Pilih paling banyak 3 berkas sekaligus; Anda memilih 4" in said
    assert "tidak bisa dibaca" not in said  # no file was opened: only the count is known
    assert stored_files() == []


def test_the_count_includes_the_files_already_in_the_draft(client):
    start(client)
    small = [(io.BytesIO(png((8, 8))), f"kk{n}.png") for n in range(2)]
    assert details(client, files=small).status_code == 303
    response = details(client, files=[(io.BytesIO(NOT_A_JPEG), f"foto{n}.jpg") for n in range(2)])
    assert response.status_code == 400
    said = errors(response)
    assert "Sudah terunggah 2 (kk0.png, kk1.png), jadi Anda bisa menambah 1 lagi (Anda memilih 2)" in said
    assert "tidak bisa dibaca" not in said
    assert len(stored_files()) == 2


def test_an_officer_filing_for_a_resident_has_the_same_count_first(client):
    sign_in(client, account())
    assisted.start(client)
    response = assisted.details(client, lampiran=[(io.BytesIO(NOT_A_JPEG), f"foto{n}.jpg") for n in range(5)])
    assert response.status_code == 400
    assert "Anda memilih 5." in errors(response) and "tidak bisa dibaca" not in errors(response)


def test_an_answer_on_the_tracking_page_has_the_same_count_first(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim foto KK.")
    track(client, case.reference, code)
    response = client.post(
        "/pengaduan/lacak/kasus/jawab",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/pengaduan/lacak/kasus"),
            "jawaban": "Terlampir.",
            "lampiran": [(io.BytesIO(NOT_A_JPEG), f"foto{n}.jpg") for n in range(4)],
        },
    )
    assert response.status_code == 400
    said = parse(response).get_text(" ", strip=True)
    assert "Anda memilih 4." in said and "tidak bisa dibaca" not in said


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        (png((5000, 4000)), "5000 × 4000 piksel (paling besar 16 juta piksel)"),  # a real 20 MP PNG
        (png_header_only(6300, 6300), "6300 × 6300 piksel (paling besar 16 juta piksel)"),  # the header alone
        (png_header_only(100_000, 100_000), "(lebih dari 16 juta piksel)"),  # so big that Pillow says it first
        (jpeg((5000, 4500), progressive=True), "5000 × 4500 piksel (paling besar 20 juta piksel)"),  # 3× the work
    ],
    ids=["png 20 MP", "png header 40 MP", "png header 10 GP", "progressive jpeg 22.5 MP"],
)
def test_an_image_too_large_is_refused_by_its_header_with_what_to_do(client, data, shown):
    start(client)
    response = details(client, files=[(io.BytesIO(data), "scan.png")])
    assert response.status_code == 400
    said = errors(response)
    assert f"Foto scan.png terlalu besar{'' if shown.startswith('(') else ':'} {shown}" in said
    assert "Foto ulang dengan resolusi lebih rendah" in said
    assert stored_files() == []


def test_a_scanned_page_and_a_phone_photo_still_pass(client, app):
    scan = png((3307, 4677))  # A4 at 400 dpi
    photo = jpeg((4000, 3000), quality=92)  # a 12 MP phone photo
    start(client)
    response = details(client, files=[(io.BytesIO(scan), "kk.png"), (io.BytesIO(photo), "ktp.jpg")])
    assert response.status_code == 303
    kept = {r.original_name: r for r in stored_files()}
    with Image.open(attachment_store().open(kept["kk.png"].storage_key)) as image:
        assert image.format == "PNG" and image.size == (3307, 4677)  # a PNG keeps every pixel
    with Image.open(attachment_store().open(kept["ktp.jpg"].storage_key)) as image:
        assert image.format == "JPEG" and image.size == (3200, 2400)


def test_a_big_photo_is_decoded_reduced_and_kept_at_most_3200_pixels_without_exif(client):
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    exif[0x0112] = 6  # taken sideways: "rotate 90° to show"
    photo = jpeg((8000, 6000), quality=80, exif=exif)  # 48 MP
    start(client)
    assert details(client, files=[(io.BytesIO(photo), "rumah.jpg")]).status_code == 303
    (record,) = stored_files()
    stored = attachment_store().read_bytes(record.storage_key)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (2400, 3200)  # upright, at most 3200 long
        assert image.getexif() == {} and b"KameraRahasia" not in stored


def test_a_progressive_jpeg_with_too_many_scans_is_refused_before_decoding(client):
    photo = jpeg((64, 64), progressive=True)
    last_scan = photo.rindex(b"\xff\xda")
    many_scans = photo[:last_scan] + photo[last_scan:-2] * 40 + b"\xff\xd9"  # the last scan 40 times over
    start(client)
    response = details(client, files=[(io.BytesIO(many_scans), "foto.jpg")])
    assert response.status_code == 400
    assert "Berkas foto.jpg terlalu rumit untuk diperiksa" in errors(response)


def test_checking_a_file_is_stopped_at_its_cpu_allowance_and_the_worker_goes_on(app):
    data = png((4000, 4000))  # allowed; about 0.2 s of CPU to check
    with app.test_request_context():
        tight = Limits(cpu_seconds=0.01, memory_bytes=LIMITS.memory_bytes, wall_seconds=LIMITS.wall_seconds)
        with pytest.raises(AttachmentError) as refused:
            clean_upload(data=data, filename="berat.png", limits=tight)
        assert "Berkas berat.png terlalu rumit untuk diperiksa" in error_message(refused.value)
        assert clean_upload(data=data, filename="berat.png").content_type == "image/png"  # the real allowance


MEMORY_CHECK = """
import io, sys
from PIL import Image
from portal import create_app
from portal.complaints.labels import error_message
from portal.complaints.services.attachments import LIMITS, AttachmentError, clean_upload
from portal.core.bounded import Limits
buffer = io.BytesIO()
Image.new("RGB", (4000, 4000), "white").save(buffer, "PNG")  # 48 MB of pixels once decoded
app = create_app({"SECRET_KEY": "x", "NIK_HMAC_KEY": "y", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.test_request_context():
    small = Limits(cpu_seconds=LIMITS.cpu_seconds, memory_bytes=32 * 1024 * 1024, wall_seconds=LIMITS.wall_seconds)
    try:
        clean_upload(data=buffer.getvalue(), filename="besar.png", limits=small)
        print("stored")
    except AttachmentError as refused:
        print(error_message(refused))
    print(clean_upload(data=buffer.getvalue(), filename="besar.png").content_type)  # the real allowance
"""


def test_checking_a_file_is_stopped_at_its_memory_allowance():
    """In a fresh interpreter: the allowance comes on top of what the process has mapped, and a
    test process that has run hundreds of tests has heap to spare that a child could reuse."""
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "SIGAP_ENV": "testing"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    refused, stored = done.stdout.strip().splitlines()[-2:]
    assert "Berkas besar.png terlalu rumit untuk diperiksa" in refused
    assert stored == "image/png"


@contextmanager
def every_check_slot_held_by_another_process(app):
    """Another process (as another worker would) holds every upload-check place of the machine."""
    slots = Path(app.instance_path) / "upload-check-slots"
    slots.mkdir(parents=True, exist_ok=True)
    paths = [str(slots / f"slot-{n}") for n in range(app.config["UPLOAD_CHECK_SLOTS"])]
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import fcntl, sys\n"
                "held = [open(p, 'a') for p in sys.argv[1:]]\n"
                "[fcntl.flock(f, fcntl.LOCK_EX) for f in held]\n"
                "print('held', flush=True)\n"
                "sys.stdin.read()\n"
            ),
        ]
        + paths,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_uploads_never_take_every_worker_and_a_busy_machine_keeps_what_was_typed(client, app):
    start(client)
    typed = "Saya buruh cuci, desil 1, tetapi belum terdaftar."
    with every_check_slot_held_by_another_process(app):
        response = details(client, files=[(io.BytesIO(NOT_A_JPEG), "foto.jpg")], uraian=typed)
        assert response.status_code == 503
        said = errors(response)
        assert "Banyak berkas sedang diperiksa saat ini. Isian Anda sudah tersimpan" in said
        assert "tidak bisa dibaca" not in said  # not read: it waited for a place, none came
        assert parse(response).select_one("textarea[name=uraian]").get_text(strip=True) == typed
        assert details(client, uraian=typed).status_code == 303  # without files: no place needed
    assert stored_files() == []
    start(client)
    assert details(client, files=[(io.BytesIO(png((8, 8))), "kk.png")], uraian=typed).status_code == 303  # freed
    assert len(stored_files()) == 1
