"""The PAdES signature of a letter PDF (PAdES-B-B, /ETSI.CAdES.detached), made with pyHanko by the
city's key (portal.core.signing): any PDF checker shows the file is the one the city signed, and
one changed byte breaks it. An invisible signature: the printed letter proves itself by its QR
code's seal (portal.letters.documents.seal)."""

from __future__ import annotations

import functools
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

from portal.core.signing import SigningKey

FIELD = "TandaTanganSIGAP"


@functools.cache
def _signer(pkcs12: bytes, passphrase: bytes | None):  # pyHanko's SimpleSigner
    with warnings.catch_warnings():  # pyHanko imports cryptography's DSA, deprecated there
        warnings.simplefilter("ignore")
        from pyhanko.sign import signers
    signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[], passphrase=passphrase)
    if signer is None:
        raise ValueError("pyHanko could not read the PKCS#12 data")
    return signer


def sign_stream(source: BinaryIO, output: BinaryIO, key: SigningKey) -> None:
    """Sign the PDF in `source` into `output` (an incremental update: the letter's bytes stay as
    they were, the signature is appended). pyHanko signs through asyncio.run(), which refuses to
    run where an event loop is running (a caller's own, e.g. Playwright's in a test process), so
    it signs in a short-lived thread of its own, joined before this returns."""
    with ThreadPoolExecutor(1, thread_name_prefix="pades") as signing:
        signing.submit(_sign, source, output, key).result()


def _sign(source: BinaryIO, output: BinaryIO, key: SigningKey) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
    writer = IncrementalPdfFileWriter(source, strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Surat keterangan kepesertaan SIGAP",
        location="Kota Bekasi",
    )
    signers.sign_pdf(writer, metadata, signer=_signer(key.pkcs12, key.passphrase), output=output)


def sign_pdf(pdf: bytes, key: SigningKey) -> bytes:
    output = io.BytesIO()
    sign_stream(io.BytesIO(pdf), output, key)
    return output.getvalue()
