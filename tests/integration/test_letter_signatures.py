"""Issue 17: a letter from /surat and a batch both carry a PAdES signature that independent
checkers accept (poppler's pdfsig, pyHanko's validator) and that shows the city's certificate;
one changed byte breaks it. The QR code's seal is tested in test_letters_pdf.py."""

from __future__ import annotations

import io
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.factories import account, person, sign_in
from tests.helpers import parse
from tests.integration.test_letters import ask_for_letter, remember_check
from tests.integration.test_letters_officer_batch import KEL, token, wait_until_finished

PDFSIG = shutil.which("pdfsig")
needs_pdfsig = pytest.mark.skipif(PDFSIG is None, reason="pdfsig (poppler-utils) is not installed")


@pytest.fixture
def app_config(tmp_path):
    return {"LETTER_BATCH_DIR": str(tmp_path / "batches")}


def pdfsig(pdf: bytes, folder: Path) -> str:
    path = folder / "surat.pdf"
    path.write_bytes(pdf)
    command = [PDFSIG or "pdfsig", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)  # noqa: S603 (poppler's pdfsig)  # noqa: S603
    return done.stdout + done.stderr


def pyhanko_status(pdf: bytes, certificate_pem: str):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from asn1crypto import pem, x509
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

    _, _, der = pem.unarmor(certificate_pem.encode())
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)])
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    with ThreadPoolExecutor(1) as elsewhere:  # asyncio.run() inside: not where Playwright's loop runs
        return elsewhere.submit(validate_pdf_signature, signature, context).result()


def one_byte_changed(pdf: bytes) -> bytes:
    at = pdf.index(b"/Title")  # inside the signed range, in the letter itself
    return pdf[:at] + b"/Titlf" + pdf[at + 6 :]


def _city_pem(app) -> str:
    from portal.web.settings import signing_key

    with app.test_request_context():
        return signing_key().certificate.pem


@needs_pdfsig
def test_a_letter_from_surat_is_signed_and_one_changed_byte_breaks_it(app, client, tmp_path):
    someone = person()
    remember_check(client, someone)
    ask_for_letter(client)
    pdf = client.get("/surat/unduh").data
    checked = pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in checked and "Total document signed" in checked
    assert "ETSI.CAdES.detached" in checked and "DEMO penandatangan surat SIGAP" in checked
    status = pyhanko_status(pdf, _city_pem(app))
    assert status.intact and status.valid and status.trusted
    assert "DEMO" in status.signing_cert.subject.human_friendly
    broken = one_byte_changed(pdf)
    assert "Signature is Valid." not in pdfsig(broken, tmp_path)
    assert not pyhanko_status(broken, _city_pem(app)).intact
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text()  # still an ordinary, readable letter


@needs_pdfsig
def test_a_batch_is_signed_as_one_document(app, client, tmp_path):
    for name in ("Yuni Lestari", "Ahmad Saputra"):
        person(nama=name, kelurahan_code=KEL)
    sign_in(client, account("supervisor"))
    started = client.post("/petugas/surat-massal", data={"csrf_token": token(client), "wilayah": f"kelurahan:{KEL}"})
    done = wait_until_finished(client, started.headers["Location"])
    pdf = client.get(done.select_one("a[href$='/unduh']")["href"]).data
    checked = pdfsig(pdf, tmp_path)
    assert "Signature is Valid." in checked and "Total document signed" in checked
    status = pyhanko_status(pdf, _city_pem(app))
    assert status.intact and status.valid and status.trusted
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert "Signature is Valid." not in pdfsig(one_byte_changed(pdf), tmp_path)
    assert parse(client.get("/petugas/surat-massal")).select_one("tbody tr") is not None


@needs_pdfsig
def test_flask_letters_verify_checks_both_signatures_and_tells_the_current_state(app, client, tmp_path):
    someone = person()
    remember_check(client, someone)
    ask_for_letter(client)
    pdf = client.get("/surat/unduh").data
    good = tmp_path / "surat.pdf"
    good.write_bytes(pdf)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["letters", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert "Tanda tangan PDF: SAH" in result.output and "Segel kode QR: SAH" in result.output
    assert "sertifikat DEMO" in result.output and "Keadaan sekarang: berlaku" in result.output
    broken = tmp_path / "rusak.pdf"
    broken.write_bytes(one_byte_changed(pdf))
    result = runner.invoke(args=["letters", "verify", str(broken)])
    assert result.exit_code == 1 and "Tanda tangan PDF: TIDAK SAH (isi berkas berubah" in result.output
    assert "Segel kode QR: SAH" in result.output  # the printed QR is still the city's
