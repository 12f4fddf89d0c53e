"""Keys at start: what development makes for itself in the instance folder (a session key, a
NIK HMAC key, a demo signing certificate), and the check that a given signing key opens."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from portal.core.signing import SigningKeyError, load_pkcs12, make_demo_pkcs12, read_certificates

SIGNING_KEY_MISSING = (
    "LETTER_SIGNING_P12 is required outside development: the PKCS#12 file of the city's key and "
    "certificate that signs every letter (docs/letters-signing.md). Set LETTER_SIGNING_P12 and "
    "LETTER_SIGNING_PASSPHRASE."
)


class ConfigError(RuntimeError):
    """A setting is wrong or missing: the message names it (raised by portal.config too)."""


def dev_secret_key(instance_path: Path, name: str = "dev-secret-key") -> str:
    """A random key kept in instance/ so development sessions (and check-log hashes) survive restarts."""
    key_file = instance_path / name
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def demo_signing_key(instance_path: Path) -> str:
    """development and tests: a self-signed demo certificate in the instance folder, made once."""
    path = instance_path / "demo-signing.p12"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(make_demo_pkcs12(b""))
        os.replace(partial, path)
    return str(path)


def check_signing_key(p12: str | None, passphrase_text: str | None, bundle: str | None) -> None:
    """The key opens with its passphrase and can seal: found at start, not at the first letter."""
    path = Path(p12 or "")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"LETTER_SIGNING_P12: {path} cannot be read ({error.strerror}).") from None
    passphrase = passphrase_text.encode() if passphrase_text else None
    try:
        load_pkcs12(data, passphrase)
    except SigningKeyError as error:
        raise ConfigError(f"LETTER_SIGNING_P12 / LETTER_SIGNING_PASSPHRASE: {error}.") from None
    if bundle:
        try:
            read_certificates(Path(bundle).read_bytes())
        except (OSError, ValueError) as error:
            raise ConfigError(f"LETTER_SIGNING_CERTS: {bundle} is no PEM bundle ({error}).") from None
