"""Settings from the environment. Nothing secret lives in code."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HTMX_CDN_URL = "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"
HTMX_CDN_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


class ConfigError(RuntimeError):
    pass


def days_by_category(value: str, name: str) -> dict[str, int]:
    """ "informasi=5,data_salah=10" → {"informasi": 5, "data_salah": 10}; a typo stops the start,
    not every filing later."""
    from portal.complaints.models.complaint import ComplaintCategory

    categories = [c.value for c in ComplaintCategory]
    days: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (value or "").split(","))):
        category, _sep, number = part.partition("=")
        category = category.strip()
        if category not in categories:
            raise ConfigError(f"{name}: unknown category {category!r}; use one of {', '.join(categories)}")
        number = number.strip()
        if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= 365:
            raise ConfigError(f"{name}: {part!r} needs a number of working days from 1 to 365, e.g. informasi=5")
        days[category] = int(number)
    return days


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(env, name: str, default: int) -> int:
    value = env.get(name, "").strip() or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name}: {value!r} must be a whole number of at least 1")
    return int(value)


def _dev_secret_key(instance_path: Path, name: str = "dev-secret-key") -> str:
    """A random key kept in instance/ so development sessions (and check-log hashes) survive restarts."""
    key_file = instance_path / name
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path, overrides: dict | None = None, environ: dict[str, str] | None = None) -> dict:
    """Settings from the environment, then `overrides` (tests, scripts) on top."""
    env = os.environ if environ is None else environ
    overrides = overrides or {}
    mode = env.get("SIGAP_ENV", "production").strip().lower()
    development = mode in {"development", "testing"}

    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if not development:
            raise ConfigError(
                "SECRET_KEY is required outside development. Set SECRET_KEY, or SIGAP_ENV=development for a local run."
            )
        secret_key = _dev_secret_key(instance_path)

    nik_hmac_key = overrides.get("NIK_HMAC_KEY") or env.get("NIK_HMAC_KEY")
    if not nik_hmac_key:
        if not development:
            raise ConfigError(
                "NIK_HMAC_KEY is required outside development: the key of the HMAC that stands for a NIK "
                "in the check log and lockouts, kept apart from SECRET_KEY (rotating one must not change "
                "the other). Set NIK_HMAC_KEY, or SIGAP_ENV=development for a local run."
            )
        nik_hmac_key = _dev_secret_key(instance_path, "dev-nik-hmac-key")
    if nik_hmac_key == secret_key:
        raise ConfigError("NIK_HMAC_KEY must not be the same as SECRET_KEY: give it a key of its own.")

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'sigap.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    settings = {
        "SIGAP_ENV": mode,
        "SECRET_KEY": secret_key,
        "NIK_HMAC_KEY": nik_hmac_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A database error logged with its statement must not carry the NIKs, names and phone
        # numbers bound to it (they would reach the log of every 500).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": mode != "development"},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # A limit store that is down (Redis restarting) must not break the forms or turn a committed
        # filing into an error page: each worker counts in its own memory until the store is back
        # (Flask-Limiter checks it again with a growing pause), and a store that fails during the
        # answer (the limit headers) is logged, not raised. docs/security.md argues the choice.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # A store that does not answer is given up on quickly (redis-py waits for ever by default).
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_STATUS_CHECK": env.get("RATELIMIT_STATUS_CHECK", "20 per minute;200 per day"),
        "HTMX_URL": env.get("HTMX_URL", HTMX_CDN_URL),
        "HTMX_SRI": env.get("HTMX_SRI", HTMX_CDN_SRI if "HTMX_URL" not in env else ""),
        "PROXY_FIX_X_FOR": int(env.get("PROXY_FIX_X_FOR", "0")),
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), not development),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60,
        # Over 20 hours (WCAG 2.2.1): a form left open for a long time still sends what was typed.
        "WTF_CSRF_TIME_LIMIT": 60 * 60 * 24,
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "LANGUAGES": ["id", "en"],
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 200_000,
        "PROGRAM_QUOTA": int(env.get("PROGRAM_QUOTA", "11666")),
        # The year's premium budget in rupiah: 11,666 people x Rp 16,800 x 12 months = Rp 2,351,865,600,
        # rounded up. Compared on /statistik with the premiums of active participants in PROGRAM_BUDGET_YEAR.
        "PROGRAM_BUDGET": int(env.get("PROGRAM_BUDGET", "2352000000")),
        # None: this year
        "PROGRAM_BUDGET_YEAR": int(env["PROGRAM_BUDGET_YEAR"]) if env.get("PROGRAM_BUDGET_YEAR") else None,
        # age of the shared /statistik snapshot before a recount
        "STATS_CACHE_SECONDS": int(env.get("STATS_CACHE_SECONDS", "60")),
        "NIK_LOCKOUT_FAILURES": int(env.get("NIK_LOCKOUT_FAILURES", "5")),
        "NIK_LOCKOUT_MINUTES": int(env.get("NIK_LOCKOUT_MINUTES", "15")),
    }
    settings.update(
        {
            "ATTACHMENT_DIR": env.get("ATTACHMENT_DIR") or str(instance_path / "attachments"),
            # uploads checked at once on this machine (each in a bounded child); the other workers
            # stay free for everyone else. Default: half the cores.
            "UPLOAD_CHECK_SLOTS": _count(env, "UPLOAD_CHECK_SLOTS", max(1, (os.cpu_count() or 2) // 2)),
            "LETTER_BATCH_DIR": env.get("LETTER_BATCH_DIR") or str(instance_path / "letter-batches"),
            "CUTI_BERSAMA": env.get("CUTI_BERSAMA", ""),
            "ROSTER_REJECTS_DIR": env.get("ROSTER_REJECTS_DIR") or str(instance_path / "rejects"),
            "ROSTER_UPLOAD_MAX_BYTES": int(env.get("ROSTER_UPLOAD_MAX_BYTES", str(300 * 1024 * 1024))),
            "SLA_VERIFY_DAYS": int(env.get("SLA_VERIFY_DAYS", "3")),
            "SLA_RESOLVE_DAYS": int(env.get("SLA_RESOLVE_DAYS", "14")),
            # e.g. "informasi=5,data_salah=10": working days to verify / to answer, per category
            "SLA_VERIFY_DAYS_BY_CATEGORY": days_by_category(
                env.get("SLA_VERIFY_DAYS_BY_CATEGORY", ""), "SLA_VERIFY_DAYS_BY_CATEGORY"
            ),
            "SLA_RESOLVE_DAYS_BY_CATEGORY": days_by_category(
                env.get("SLA_RESOLVE_DAYS_BY_CATEGORY", ""), "SLA_RESOLVE_DAYS_BY_CATEGORY"
            ),
            # working days ahead that make an open complaint "due soon" (queue filter, /petugas/sla)
            "SLA_DUE_SOON_DAYS": int(env.get("SLA_DUE_SOON_DAYS", "2")),
            # working days to contact someone who asked for assistance (/bantuan)
            "ASSISTANCE_CONTACT_DAYS": int(env.get("ASSISTANCE_CONTACT_DAYS", "3")),
            "RATELIMIT_COMPLAINTS": env.get("RATELIMIT_COMPLAINTS", "10 per hour;30 per day"),
            "RATELIMIT_COMPLAINT_STEPS": env.get("RATELIMIT_COMPLAINT_STEPS", "60 per hour;300 per day"),
            "RATELIMIT_TRACKING": env.get("RATELIMIT_TRACKING", "30 per minute"),
            "RATELIMIT_SIGN_IN": env.get("RATELIMIT_SIGN_IN", "10 per minute;100 per day"),
            "LETTER_NUMBER_PATTERN": env.get("LETTER_NUMBER_PATTERN", "500.15.1/{seq}-Disnaker/{roman_month}/{year}"),
            "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            "SMTP_HOST": env.get("SMTP_HOST", "127.0.0.1"),
            "SMTP_PORT": int(env.get("SMTP_PORT", "25")),
            "SMTP_SENDER": env.get("SMTP_SENDER", "SIGAP Kota Bekasi <sigap@bekasikota.go.id>"),
            "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
            "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
            "SMTP_STARTTLS": _flag(env.get("SMTP_STARTTLS"), False),
        }
    )
    settings["HASH_PROFILE"] = "test" if mode == "testing" else "standard"
    settings.update(overrides)
    if settings["HASH_PROFILE"] != "standard" and mode != "testing":
        raise ConfigError("HASH_PROFILE other than 'standard' is for SIGAP_ENV=testing only.")
    return settings
