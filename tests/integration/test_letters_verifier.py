"""The city's certificates and the offline verifier (docs/letters-signing.md): /verifikasi/kunci.json,
/verifikasi/sertifikat.pem, /verifikasi/luring as parsed HTML, the explanation on /verifikasi,
and the QR text through a real image and a real decoder (segno → PNG → zxing-cpp)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
import segno
import zxingcpp
from cryptography import x509
from PIL import Image

from portal.core.signing import kid_of, load_pkcs12, make_demo_pkcs12
from portal.letters.documents.seal import LetterFacts, check, seal
from portal.letters.services.codes import display_code, new_code
from portal.web.settings import city_certificates, signing_key
from tests.helpers import parse
from tests.helpers.hostile import assert_handled

PASSPHRASE = "rahasia kota"  # noqa: S105 (a test key's)


@pytest.fixture(scope="session")
def key_files(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("signing")
    current = folder / "kota.p12"
    current.write_bytes(make_demo_pkcs12(PASSPHRASE.encode()))
    old = load_pkcs12(make_demo_pkcs12(b"", now=datetime(2020, 1, 2, tzinfo=UTC), years=3), None)
    bundle = folder / "lama.pem"
    bundle.write_text(old.certificate.pem)
    return {"p12": current, "bundle": bundle, "old": old}


@pytest.fixture
def app_config(key_files) -> dict:
    return {
        "LETTER_SIGNING_P12": str(key_files["p12"]),
        "LETTER_SIGNING_PASSPHRASE": PASSPHRASE,
        "LETTER_SIGNING_CERTS": str(key_files["bundle"]),
    }


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_keys_list_every_certificate_the_city_used(client, key_files):
    response = client.get("/verifikasi/kunci.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    keys = response.get_json()["keys"]
    current = load_pkcs12(key_files["p12"].read_bytes(), PASSPHRASE.encode())
    old = key_files["old"]
    assert [k["kid"] for k in keys] == [old.certificate.kid.hex(), current.certificate.kid.hex()]  # oldest first
    for entry, key in zip(keys, (old, current), strict=True):
        assert set(entry) == {"kid", "subject", "not_before", "not_after", "demo", "jwk"}
        assert len(entry["kid"]) == 16 and entry["demo"] is True and "DEMO" in entry["subject"]
        assert date.fromisoformat(entry["not_before"]) == key.certificate.not_before.date()
        assert date.fromisoformat(entry["not_after"]) == key.certificate.not_after.date()
        jwk = entry["jwk"]
        assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and "d" not in jwk
        numbers = key.private_key.public_key().public_numbers()
        assert int.from_bytes(b64url(jwk["x"]), "big") == numbers.x and len(b64url(jwk["x"])) == 32
        assert int.from_bytes(b64url(jwk["y"]), "big") == numbers.y and len(b64url(jwk["y"])) == 32
    assert keys[0]["not_before"] == "2020-01-01"


def test_the_certificates_download_as_one_pem_bundle(client, key_files):
    response = client.get("/verifikasi/sertifikat.pem")
    assert response.status_code == 200 and response.mimetype == "application/x-pem-file"
    assert response.headers["Content-Disposition"] == 'attachment; filename="sertifikat-sigap-kota-bekasi.pem"'
    certificates = x509.load_pem_x509_certificates(response.data)
    assert [kid_of(c).hex() for c in certificates] == [
        k["kid"] for k in client.get("/verifikasi/kunci.json").get_json()["keys"]
    ]
    assert b"PRIVATE" not in response.data


def test_the_offline_verifier_is_one_self_contained_page(client):
    response = client.get("/verifikasi/luring")
    assert response.status_code == 200
    page = parse(response)
    assert page.html["lang"] == "id"
    assert page.select_one("meta[name=viewport]")["content"] == "width=device-width, initial-scale=1"
    # Nothing fetched: no stylesheet, script, image or frame from anywhere; every link absolute.
    assert page.select("link[rel=stylesheet], script[src], iframe, object, img:not([src^='data:'])") == []
    assert [link["href"] for link in page.select("link[href]")] == ["data:,"]
    for link in page.select("a[href]"):
        assert urlsplit(link["href"]).scheme in {"http", "https"}, link
    # The embedded keys are the published ones.
    embedded = json.loads(page.select_one("script#kunci-kota[type='application/json']").string)
    assert embedded == client.get("/verifikasi/kunci.json").get_json()
    assert len(page.select("[data-kid]")) == 2
    # The inline script and style run under the page's own policy: their hashes, nothing else.
    (script,) = page.select("script:not([type])")
    (style,) = page.select("style")
    policy = response.headers["Content-Security-Policy"]

    def csp_hash(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"script-src {csp_hash(script.string)};" in policy and f"style-src {csp_hash(style.string)};" in policy
    assert "connect-src 'none'" in policy and "unsafe" not in policy
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    # Accessible: a labelled field, a live region for the result, words for a browser without JS.
    field = page.select_one("textarea#isi-qr")
    assert page.select_one("label[for=isi-qr]").get_text(strip=True) == "Isi kode QR atau tautannya"
    assert field["aria-describedby"] == "isi-qr-petunjuk" and page.select_one("#isi-qr-petunjuk")
    assert page.select_one("#hasil")["aria-live"] == "polite"
    assert page.select_one("form#periksa").has_attr("hidden")  # shown by the script only
    noscript = page.select_one("noscript").get_text(" ", strip=True)
    assert "memerlukan JavaScript" in noscript and "http://127.0.0.1:5000/verifikasi" in noscript
    words = json.loads(page.select_one("script#kata").string)
    assert words["refusals"]["bad_signature"] == "Tanda tangan tidak cocok: isi QR diubah atau palsu"
    assert words["valid"] == "Tanda tangan sah — surat ini dibuat oleh Pemerintah Kota Bekasi"
    assert words["months"][0] == "Januari" and words["online_base"] == "http://127.0.0.1:5000/verifikasi"


def test_the_offline_verifier_passes_the_hostile_input_checks(client):
    """Its inline script is its own (named by hash in its policy); nothing typed reaches a script."""
    for query in ({}, {"lang": "<script>alert(1)</script>"}, {"kode": "</script><script>alert(1)</script>"}):
        page = assert_handled(client.get("/verifikasi/luring", query_string=query))
        assert page is not None and "alert(1)" not in str(page)


def test_the_offline_verifier_in_english(client):
    page = parse(client.get("/verifikasi/luring?lang=en"))
    assert page.html["lang"] == "en"
    assert page.select_one("h1").get_text(strip=True) == "Offline letter checker"
    words = json.loads(page.select_one("script#kata").string)
    assert words["months"][0] == "January"
    assert words["refusals"]["bad_signature"] == "The signature does not match: the QR content was changed or forged"


def test_the_verification_page_explains_both_signatures(client):
    page = parse(client.get("/verifikasi"))
    section = page.select_one("section.signatures")
    text = section.get_text(" ", strip=True)
    assert "Pada berkas PDF." in text and "Pada kode QR." in text and "tanpa sinyal" in text
    assert section.select_one("a[href='/verifikasi/luring']").get_text(strip=True) == "Pemeriksa surat tanpa sinyal"
    assert section.select_one("a[href='/verifikasi/sertifikat.pem']").has_attr("download")
    assert section.select_one("a[href='/verifikasi/kunci.json']")


def test_the_settings_give_the_key_and_every_certificate(app, key_files):
    key = signing_key()
    assert key.certificate.kid == load_pkcs12(key_files["p12"].read_bytes(), PASSPHRASE.encode()).certificate.kid
    assert [c.kid for c in city_certificates()] == [key_files["old"].certificate.kid, key.certificate.kid]


def letter_facts() -> LetterFacts:
    return LetterFacts(
        number="500.15.1/11666-Disnaker/XII/2026",
        code=new_code(),
        masked_name="N******* M*******",
        masked_kpj="2601****1234",
        programs=("JKK", "JKM"),
        mulai=date(2026, 1, 1),
        selesai=date(2026, 12, 31),
        issued_on=datetime.now(UTC).date(),
    )


def test_the_qr_text_survives_an_image_and_a_real_decoder(app):
    facts = letter_facts()
    text = f"https://sigap.bekasikota.go.id/verifikasi/{display_code(facts.code)}#{seal(facts, signing_key())}"
    qr = segno.make(text, error="m")
    out = io.BytesIO()
    qr.save(out, kind="png", scale=4, border=4)
    image = Image.open(io.BytesIO(out.getvalue()))
    (found,) = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found.text == text
    assert check(found.text, city_certificates()).facts == facts
    modules = qr.symbol_size(border=0)[0]
    print(f"\nQR text {len(text)} characters: version {qr.version}, {modules} modules, error {qr.error}")
    assert qr.version <= 14
