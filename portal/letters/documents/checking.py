"""A letter PDF checked as an independent reader would (`flask letters verify FILE.pdf`): its
PAdES signature with pyHanko's validator against the certificates the city has used, and the
seal of the QR code printed on its first page (rendered with poppler's pdftoppm, read with
zxing-cpp), each on its own: a file whose bytes changed fails the first, a forged QR the second."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from portal.core.signing import DEMO_MARK, CityCertificate
from portal.letters.documents.seal import Checked, SealRefused, check


@dataclass(frozen=True, slots=True)
class PdfSignature:
    valid: bool  # intact, made by the certificate's key, and by a certificate the city has used
    signer: str = ""
    demo: bool = False
    problem: str = ""


def check_pdf_signature(pdf: bytes, certificates: list[CityCertificate]) -> PdfSignature:
    with warnings.catch_warnings():  # pyHanko imports cryptography's deprecated DSA
        warnings.simplefilter("ignore")
        from asn1crypto import x509
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as error:  # pyHanko raises its own errors for a file that is no PDF
        return PdfSignature(valid=False, problem=f"bukan PDF yang terbaca: {error}")
    if not signatures:
        return PdfSignature(valid=False, problem="tidak ada tanda tangan elektronik")
    roots = [x509.Certificate.load(c.certificate.public_bytes(Encoding.DER)) for c in certificates]
    # pyHanko validates through asyncio.run(): in a thread of its own (see pades.sign_stream)
    with ThreadPoolExecutor(1, thread_name_prefix="pades-check") as checking:
        status = checking.submit(validate_pdf_signature, signatures[-1], ValidationContext(trust_roots=roots)).result()
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    demo = DEMO_MARK in signer
    if not status.intact:
        return PdfSignature(valid=False, signer=signer, demo=demo, problem="isi berkas berubah setelah ditandatangani")
    if not (status.valid and status.trusted):
        return PdfSignature(valid=False, signer=signer, demo=demo, problem="bukan sertifikat Pemerintah Kota Bekasi")
    return PdfSignature(valid=True, signer=signer, demo=demo)


class QrUnreadable(RuntimeError):
    pass


def qr_text(pdf: bytes, *, dpi: int = 200) -> str:
    """The text of the QR code on the first page, as a phone's camera would read the print."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise QrUnreadable("pdftoppm (poppler-utils) tidak terpasang")
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="sigap-verify-") as folder:
        source = Path(folder) / "surat.pdf"
        source.write_bytes(pdf)
        command = [pdftoppm, "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(source), str(Path(folder) / "hal")]
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603 (poppler)
        pages = sorted(Path(folder).glob("hal*.png"))
        if done.returncode != 0 or not pages:
            raise QrUnreadable("halaman pertama tidak bisa digambar")
        with Image.open(pages[0]) as image:
            found = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    if not found:
        raise QrUnreadable("tidak ada kode QR di halaman pertama")
    return found[0]


def check_qr(pdf: bytes, certificates: list[CityCertificate]) -> tuple[str, Checked | SealRefused | QrUnreadable]:
    try:
        text = qr_text(pdf)
    except QrUnreadable as error:
        return "", error
    try:
        return text, check(text, certificates)
    except SealRefused as error:
        return text, error
