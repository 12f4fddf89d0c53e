"""The offline verifier (/verifikasi/luring) as a field officer uses it: the page saved to a
file, opened from file:// with the network off, a QR text pasted. The city's seal verifies; a
changed coverage date, a key the page does not know, a signature by another key under the city's
kid, and a letter issued outside its certificate's validity are refused (docs/letters-signing.md).
Where the browser reads QR codes itself (BarcodeDetector), the camera fills the field."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from pathlib import Path

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from playwright.sync_api import Page, expect

from portal.core.signing import SigningKey, load_pkcs12, make_demo_pkcs12
from portal.letters.documents.seal import LetterFacts, seal
from portal.letters.services.codes import display_code, new_code
from tests.helpers.browser import assert_no_axe_violations, horizontal_overflow

pytestmark = pytest.mark.browser

VALID = "Tanda tangan sah"
FORGED = "Tanda tangan tidak cocok: isi QR diubah atau palsu"


def facts(**changes) -> LetterFacts:
    today = datetime.now(UTC).date()
    values = {
        "number": "500.15.1/0042-Disnaker/VII/2026",
        "code": new_code(),
        "masked_name": "B*** S******",
        "masked_kpj": "2601****1234",
        "programs": ("JKK", "JKM"),
        "mulai": date(today.year, 1, 1),
        "selesai": date(today.year, 12, 31),
        "issued_on": today,
    }
    return LetterFacts(**{**values, **changes})


def key_file(folder: Path, name: str, **kwargs) -> Path:
    path = folder / name
    path.write_bytes(make_demo_pkcs12(b"rahasia", **kwargs))
    return path


def sealed_link(base: str, letter: LetterFacts, key: SigningKey) -> str:
    return f"{base}/verifikasi/{display_code(letter.code)}#{seal(letter, key)}"


def changed_coverage(text: str) -> str:
    """The same seal with the coverage's end moved a year on: payload re-encoded, signature kept."""
    head, sealed = text.split("SG1:")
    raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    message = cbor2.loads(raw)
    protected, unprotected, payload, signature = message.value
    facts = cbor2.loads(payload)
    facts[7] += 10000
    forged = cbor2.CBORTag(18, [protected, unprotected, cbor2.dumps(facts), signature])
    return head + "SG1:" + base64.urlsafe_b64encode(cbor2.dumps(forged)).rstrip(b"=").decode()


def signed_under_kid(letter_text: str, kid: bytes, other: SigningKey) -> str:
    """The payload of a genuine seal signed again (COSE written here with cbor2 and cryptography,
    not by seal()) by `other` under `kid`."""
    head, sealed = letter_text.split("SG1:")
    payload = cbor2.loads(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))).value[2]
    protected = cbor2.dumps({1: -7, 4: kid})
    signed = cbor2.dumps(["Signature1", protected, b"", payload])
    r, s = decode_dss_signature(other.private_key.sign(signed, ec.ECDSA(hashes.SHA256())))
    message = cbor2.CBORTag(18, [protected, {}, payload, r.to_bytes(32, "big") + s.to_bytes(32, "big")])
    return head + "SG1:" + base64.urlsafe_b64encode(cbor2.dumps(message)).rstrip(b"=").decode()


@pytest.fixture
def city(live_server, tmp_path, monkeypatch) -> tuple[SigningKey, SigningKey]:
    """The live portal signs with a demo key of this test (returned first); an older one (second)
    is in its bundle of certificates used before."""
    current = key_file(tmp_path, "kota.p12")
    old = load_pkcs12(
        key_file(tmp_path, "lama.p12", now=datetime(2020, 1, 2, tzinfo=UTC), years=3).read_bytes(), b"rahasia"
    )
    (tmp_path / "lama.pem").write_text(old.certificate.pem)
    config = live_server.app.config
    monkeypatch.setitem(config, "LETTER_SIGNING_P12", str(current))
    monkeypatch.setitem(config, "LETTER_SIGNING_PASSPHRASE", "rahasia")
    monkeypatch.setitem(config, "LETTER_SIGNING_CERTS", str(tmp_path / "lama.pem"))
    key = load_pkcs12(current.read_bytes(), b"rahasia")
    return key, old


def saved_copy(page: Page, folder: Path) -> Path:
    """What "Save page as" keeps: the page as the portal sent it (it needs nothing else)."""
    response = page.goto("/verifikasi/luring")
    assert response is not None and response.ok
    path = folder / "pemeriksa-surat-sigap.html"
    path.write_bytes(response.body())
    return path


def offline_page(new_context, browser_errors, path: Path) -> tuple[Page, list[str]]:
    context = new_context()
    asked: list[str] = []

    def nothing_but_the_file(route):
        asked.append(route.request.url)
        if route.request.url.startswith("file:"):
            route.fallback()
        else:
            route.abort("internetdisconnected")

    context.route("**/*", nothing_but_the_file)
    context.set_offline(True)
    page = browser_errors.watch(context.new_page())
    page.goto(path.as_uri())
    return page, asked


def check(page: Page, text: str):
    field = page.get_by_label("Isi kode QR atau tautannya")
    field.fill(text)
    page.get_by_role("button", name="Periksa tanda tangan").click()
    result = page.locator("#hasil section")
    expect(result).to_be_visible()
    return result


def test_a_saved_copy_checks_a_letter_with_the_network_off(
    page: Page, new_context, browser_errors, city, live_server, tmp_path
):
    key, old = city
    path = saved_copy(page, tmp_path)
    offline, asked = offline_page(new_context, browser_errors, path)
    base = live_server.app.config["PUBLIC_BASE_URL"]
    letter = facts()
    genuine = sealed_link(base, letter, key)

    result = check(offline, genuine)
    expect(result).to_have_attribute("data-state", "sah-demo")
    expect(result.get_by_role("heading", level=2)).to_contain_text(VALID)
    expect(result.locator("[data-demo]")).to_contain_text("bukan oleh Pemerintah Kota Bekasi")
    summary = result.locator(".summary")
    for shown in (
        letter.number,
        display_code(letter.code),
        "B*** S******",
        "2601****1234",
        "Jaminan Kecelakaan Kerja (JKK)",
        "Jaminan Kematian (JKM)",
        f"31 Desember {letter.selesai.year}",
    ):
        expect(summary).to_contain_text(shown)
    expect(result.get_by_role("link", name="lihat status surat ini di portal SIGAP")).to_have_attribute(
        "href", f"{base}/verifikasi/{display_code(letter.code)}"
    )
    expect(offline.locator("#hasil")).to_have_attribute("aria-live", "polite")
    # The seal alone (as a scanner app may give it) verifies too.
    expect(check(offline, seal(letter, key))).to_have_attribute("data-state", "sah-demo")

    # Coverage date changed and re-encoded: refused, and no fact of it is shown.
    forged = check(offline, changed_coverage(genuine))
    expect(forged).to_have_attribute("data-state", "ditolak")
    expect(forged.get_by_role("heading", level=2)).to_have_text(FORGED)
    expect(forged).not_to_contain_text(letter.number)

    # A key the page does not know.
    stranger = load_pkcs12(key_file(tmp_path, "calo.p12").read_bytes(), b"rahasia")
    unknown = check(offline, sealed_link(base, letter, stranger))
    expect(unknown).to_have_attribute("data-reason", "unknown_key")
    expect(unknown.get_by_role("heading", level=2)).to_contain_text("kunci yang tidak dikenal")
    # The same COSE_Sign1 written by other code (cbor2 + cryptography) with the city's key verifies;
    # by another key claiming the city's kid, it does not.
    expect(check(offline, signed_under_kid(genuine, key.certificate.kid, key))).to_have_attribute(
        "data-state", "sah-demo"
    )
    claimed = check(offline, signed_under_kid(genuine, key.certificate.kid, stranger))
    expect(claimed).to_have_attribute("data-reason", "bad_signature")
    # A link whose code is not the signed one.
    other_code = sealed_link(base, letter, key).replace(display_code(letter.code), display_code(new_code()))
    expect(check(offline, other_code)).to_have_attribute("data-reason", "code_mismatch")
    # Rubbish, a cut-off text, an old letter without a seal.
    expect(check(offline, genuine[:-20])).to_have_attribute("data-state", "ditolak")
    expect(check(offline, "SG1:%%%")).to_have_attribute("data-reason", "unreadable")
    expect(check(offline, f"{base}/verifikasi/{display_code(letter.code)}")).to_have_attribute("data-reason", "no_seal")

    # Key rotation: a letter of the old key's years verifies, one dated after them does not.
    old_letter = facts(issued_on=date(2021, 6, 1), mulai=date(2021, 1, 1), selesai=date(2021, 12, 31))
    expect(check(offline, sealed_link(base, old_letter, old))).to_have_attribute("data-state", "sah-demo")
    late = facts(issued_on=date(2024, 6, 1))
    expect(check(offline, sealed_link(base, late, old))).to_have_attribute("data-reason", "outside_validity")

    assert [url for url in asked if not url.startswith("file:")] == []
    assert horizontal_overflow(offline)["scrollWidth"] <= 360
    assert_no_axe_violations(offline)
    offline.context.close()


def test_the_page_online_checks_a_letter_under_its_own_policy(page: Page, city, live_server):
    """Served by the portal: the inline script runs under the page's CSP (a hash, no 'unsafe-inline')."""
    key, _old = city
    response = page.goto("/verifikasi/luring")
    policy = response.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy and "connect-src 'none'" in policy
    expect(page.locator("noscript")).to_have_count(1)
    result = check(page, sealed_link(live_server.app.config["PUBLIC_BASE_URL"], facts(), key))
    expect(result).to_have_attribute("data-state", "sah-demo")
    expect(
        page.get_by_role("button", name="Pindai dengan kamera")
    ).to_be_hidden()  # no BarcodeDetector on desktop Linux
    assert_no_axe_violations(page)


def test_without_javascript_no_form_that_cannot_work_is_shown(new_context, live_server, city):
    """(The <noscript> words are checked in tests/integration/test_letters_verifier.py: Chromium
    with scripts switched off by Playwright still parses <noscript> as if they ran.)"""
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/verifikasi/luring")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemeriksa surat tanpa sinyal")
    expect(page.get_by_label("Isi kode QR atau tautannya")).to_be_hidden()
    expect(page.get_by_role("button", name="Periksa tanda tangan")).to_be_hidden()
    context.close()


# A phone's Chromium as far as the page can tell: BarcodeDetector reads the given text from the
# camera, which is a canvas here.
FAKE_CAMERA = """(text) => {
    window.BarcodeDetector = class {
        static async getSupportedFormats() { return ["qr_code", "ean_13"]; }
        constructor(options) { this.options = options; }
        async detect(source) { return source.readyState >= 2 ? [{format: "qr_code", rawValue: text}] : []; }
    };
    navigator.mediaDevices.getUserMedia = async (constraints) => {
        window.__askedCamera = constraints;
        const canvas = document.createElement("canvas");
        canvas.width = 64; canvas.height = 64;
        const draw = () => { canvas.getContext("2d").fillRect(0, 0, 64, 64); requestAnimationFrame(draw); };
        draw();
        return canvas.captureStream(10);
    };
}"""


def test_where_the_browser_reads_qr_codes_the_camera_fills_the_field(new_context, browser_errors, city, live_server):
    key, _old = city
    text = sealed_link(live_server.app.config["PUBLIC_BASE_URL"], facts(), key)
    context = new_context()
    context.add_init_script(script=f"({FAKE_CAMERA})({text!r})")
    page = browser_errors.watch(context.new_page())
    page.goto(f"{live_server.url}/verifikasi/luring")
    page.get_by_role("button", name="Pindai dengan kamera").click()
    result = page.locator("#hasil section")
    expect(result).to_have_attribute("data-state", "sah-demo")
    expect(page.get_by_label("Isi kode QR atau tautannya")).to_have_value(text)
    assert page.evaluate("window.__askedCamera.video.facingMode") == "environment"
    expect(page.locator("video")).to_be_hidden()  # the camera is let go once a code is read
    expect(page.get_by_role("button", name="Pindai dengan kamera")).to_be_visible()
    context.close()


def test_the_qr_of_a_printed_letter_verifies_offline_and_a_forged_one_does_not(
    page: Page, new_context, browser_errors, city, live_server, tmp_path
):
    """Issue 17's "Done when": a real letter PDF, its first page printed as pdftoppm draws it,
    the QR read with zxing-cpp, checked in the saved page with the network off."""
    import shutil
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    import sqlalchemy as sa
    import zxingcpp
    from PIL import Image

    from portal.extensions import db
    from portal.letters.documents.render import letter_pdf_response
    from portal.letters.services.letters import issue_letter
    from portal.roster.models.person import Person, PersonStatus

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")

    def letter_pdf() -> bytes:
        someone = db.session.scalar(sa.select(Person).where(Person.status == PersonStatus.AKTIF).limit(1))
        letter = issue_letter(session=db.session, person_id=someone.id)
        db.session.commit()
        with live_server.app.test_request_context():
            return letter_pdf_response(letter).get_data()

    # pyHanko signs with asyncio.run(): not in this thread, where Playwright's event loop runs
    with ThreadPoolExecutor(1) as elsewhere:
        (tmp_path / "surat.pdf").write_bytes(elsewhere.submit(live_server.run, letter_pdf).result())
    pdf, out = str(tmp_path / "surat.pdf"), str(tmp_path / "hal")
    command = ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", pdf, out]
    subprocess.run(command, check=True, timeout=120)  # noqa: S603, S607 (poppler's pdftoppm)
    with Image.open(next(tmp_path.glob("hal*.png"))) as printed:
        (scanned,) = [r.text for r in zxingcpp.read_barcodes(printed) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert "#SG1:" in scanned

    offline, asked = offline_page(new_context, browser_errors, saved_copy(page, tmp_path))
    expect(check(offline, scanned)).to_contain_text(VALID)
    expect(check(offline, changed_coverage(scanned))).to_contain_text(FORGED)
    assert all(url.startswith("file:") for url in asked)
