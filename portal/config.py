"""Settings from the environment, read and checked once when the app starts. Nothing secret lives in code.

Every SIGAP variable (README, "Production") is a field of `Settings` under its own name, typed: a
typo ("PROGRAM_QUOTA=11.666", "RATELIMIT_ENABLED=ture", "PUBLIC_BASE_URL=sigap.go.id") stops the
start with a ConfigError that names the variable, not a traceback at some later request. An empty
variable counts as unset. The environment is handed in as a mapping (os.environ when the app
starts), so that tests and the letters' worker never depend on the process's own environment.
Flask's `app.config` gets the checked values under the same names.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    HttpUrl,
    NonNegativeInt,
    PositiveInt,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from portal.core.workdays import parse_dates

HTMX_CDN_URL = "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"
HTMX_CDN_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


class ConfigError(RuntimeError):
    pass


def days_by_category(value: str) -> dict[str, int]:
    """ "informasi=5,data_salah=10" → {"informasi": 5, "data_salah": 10}; a typo stops the start,
    not every filing later. Raises ValueError (the Settings field adds the variable's name)."""
    from portal.complaints.models.complaint import ComplaintCategory

    categories = [c.value for c in ComplaintCategory]
    days: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (value or "").split(","))):
        category, _sep, number = part.partition("=")
        category = category.strip()
        if category not in categories:
            raise ValueError(f"unknown category {category!r}; use one of {', '.join(categories)}")
        number = number.strip()
        if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= 365:
            raise ValueError(f"{part!r} needs a number of working days from 1 to 365, e.g. informasi=5")
        days[category] = int(number)
    return days


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _dates(value: Any) -> Any:
    """ "2026-11-23, 2026-11-24" → the dates (CUTI_BERSAMA); anything else is left to the type."""
    if not isinstance(value, str):
        return value
    try:
        return tuple(parse_dates(value))
    except ValueError as error:
        raise ValueError(f"needs dates YYYY-MM-DD separated by commas ({error})") from None


def _rate_limit(value: str) -> str:
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError as error:
        raise ValueError(f"is not a rate limit like '10 per hour;30 per day' ({error})") from None
    return value


def _public_url(value: str) -> str:
    TypeAdapter(HttpUrl).validate_python(value)  # http(s), a host; kept as written, without the last /
    return value.rstrip("/")


def _database_url(value: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://") :]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    try:
        make_url(value)
    except ArgumentError:
        raise ValueError("is not a database URL, e.g. postgresql://sigap@db/sigap") from None
    return value


def _task_queue_url(value: str) -> str:
    if value == "immediate" or value.startswith(("redis://", "rediss://", "unix://")):
        return value
    if value.startswith("sqlite:///") and len(value) > len("sqlite:///"):
        return value
    raise ValueError("needs sqlite:///PATH, redis://HOST:PORT/DB or immediate")


def _mode(value: Any) -> Any:
    return _stripped(value).lower() if isinstance(value, str) else value


Flag = Annotated[bool, BeforeValidator(_stripped)]
RateLimit = Annotated[str, BeforeValidator(_stripped), Field(min_length=1)]
WorkingDays = Annotated[int, Field(ge=1, le=365)]
RATE_LIMITS = (
    "RATELIMIT_STATUS_CHECK",
    "RATELIMIT_COMPLAINTS",
    "RATELIMIT_COMPLAINT_STEPS",
    "RATELIMIT_TRACKING",
    "RATELIMIT_SIGN_IN",
)


class Settings(BaseSettings):
    """Every SIGAP variable, checked; defaults that depend on the machine (the instance folder,
    the cores) are filled in by `read_settings` before the check."""

    # Only what read_settings hands in: never the process's environment behind its back.
    model_config = SettingsConfigDict(case_sensitive=True, extra="forbid", frozen=True)

    SIGAP_ENV: Annotated[Literal["production", "development", "testing"], BeforeValidator(_mode)] = "production"
    SECRET_KEY: str | None = None
    NIK_HMAC_KEY: str | None = None
    DATABASE_URL: str
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: Flag = True
    RATELIMIT_STATUS_CHECK: RateLimit = "20 per minute;200 per day"
    RATELIMIT_COMPLAINTS: RateLimit = "10 per hour;30 per day"
    RATELIMIT_COMPLAINT_STEPS: RateLimit = "60 per hour;300 per day"
    RATELIMIT_TRACKING: RateLimit = "30 per minute"
    RATELIMIT_SIGN_IN: RateLimit = "10 per minute;100 per day"
    HTMX_URL: str = HTMX_CDN_URL
    HTMX_SRI: str = HTMX_CDN_SRI
    PROXY_FIX_X_FOR: NonNegativeInt = 0
    SESSION_COOKIE_SECURE: Flag = True
    PROGRAM_QUOTA: PositiveInt = 11666
    # The year's premium budget in rupiah: 11,666 people x Rp 16,800 x 12 months = Rp 2,351,865,600,
    # rounded up. Compared on /statistik with the premiums of active participants in PROGRAM_BUDGET_YEAR.
    PROGRAM_BUDGET: NonNegativeInt = 2_352_000_000
    PROGRAM_BUDGET_YEAR: Annotated[int, Field(ge=2000, le=2100)] | None = None  # None: this year
    STATS_CACHE_SECONDS: NonNegativeInt = 60  # age of the shared /statistik snapshot before a recount
    NIK_LOCKOUT_FAILURES: PositiveInt = 5
    NIK_LOCKOUT_MINUTES: PositiveInt = 15
    # Where files live (portal.core.files): "local", folders on this machine (one node only), or
    # "database", the portal's own database (every node and consumer reaches them; in its backups).
    FILE_STORE: Annotated[Literal["local", "database"], BeforeValidator(_mode)] = "local"
    FILE_DIR: str  # the local store's folder for areas without a folder setting of their own
    ATTACHMENT_DIR: str  # the local store's folder of residents' files (the "attachments" area)
    # uploads checked at once on this machine (each in a bounded child); the other workers stay free
    UPLOAD_CHECK_SLOTS: PositiveInt
    LETTER_BATCH_DIR: str
    LETTER_BATCHES_AT_ONCE: PositiveInt = 1  # batches rendered at once, over all consumers; the rest wait
    # A part of a batch claimed longer ago than this is taken to be lost (its consumer killed) and
    # made again: far above the ~10 s one part takes.
    LETTER_PART_LEASE_SECONDS: Annotated[int, Field(ge=5)] = 120
    TASK_QUEUE_URL: str
    CUTI_BERSAMA: Annotated[tuple[date, ...], BeforeValidator(_dates)] = ()
    ROSTER_REJECTS_DIR: str
    ROSTER_UPLOAD_MAX_BYTES: PositiveInt = 300 * 1024 * 1024
    SLA_VERIFY_DAYS: WorkingDays = 3
    SLA_RESOLVE_DAYS: WorkingDays = 14
    # e.g. "informasi=5,data_salah=10": working days to verify / to answer, per category
    SLA_VERIFY_DAYS_BY_CATEGORY: dict[str, WorkingDays] = {}
    SLA_RESOLVE_DAYS_BY_CATEGORY: dict[str, WorkingDays] = {}
    SLA_DUE_SOON_DAYS: NonNegativeInt = 2  # working days ahead that make an open complaint "due soon"
    ASSISTANCE_CONTACT_DAYS: PositiveInt = 3  # working days to contact someone who asked for help
    LETTER_NUMBER_PATTERN: str = "500.15.1/{seq}-Disnaker/{roman_month}/{year}"  # checked by letters
    PUBLIC_BASE_URL: str = "http://127.0.0.1:5000"
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: Annotated[int, Field(ge=1, le=65535)] = 25
    SMTP_SENDER: str = "SIGAP Kota Bekasi <sigap@bekasikota.go.id>"
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS: Flag = False

    @classmethod
    def settings_customise_sources(  # pydantic-settings passes every source by name; only init is kept
        cls,
        settings_cls: type[BaseSettings],  # noqa: ARG003
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,  # noqa: ARG003
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)

    @model_validator(mode="before")
    @classmethod
    def _defaults_that_depend_on_others(cls, values: Any) -> Any:
        if isinstance(values, dict):
            if "HTMX_SRI" not in values:  # the CDN's hash is no use for another copy of htmx
                values["HTMX_SRI"] = HTMX_CDN_SRI if "HTMX_URL" not in values else ""
            if "SESSION_COOKIE_SECURE" not in values:  # development runs on http://127.0.0.1
                mode = _mode(values.get("SIGAP_ENV", "production"))
                values["SESSION_COOKIE_SECURE"] = mode not in {"development", "testing"}
        return values

    @field_validator("SLA_VERIFY_DAYS_BY_CATEGORY", "SLA_RESOLVE_DAYS_BY_CATEGORY", mode="before")
    @classmethod
    def _days_by_category(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            value = ",".join(f"{category}={days}" for category, days in value.items())
        return days_by_category(value) if isinstance(value, str) else value

    @field_validator(*RATE_LIMITS)
    @classmethod
    def _limits(cls, value: str) -> str:
        return _rate_limit(value)

    @field_validator("PUBLIC_BASE_URL")
    @classmethod
    def _public_base_url(cls, value: str) -> str:
        return _public_url(value)

    @field_validator("TASK_QUEUE_URL")
    @classmethod
    def _task_queue(cls, value: str) -> str:
        return _task_queue_url(value)

    @field_validator("DATABASE_URL")
    @classmethod
    def _database(cls, value: str) -> str:
        return _database_url(value)

    @property
    def development(self) -> bool:
        return self.SIGAP_ENV in {"development", "testing"}

    def revised(self, changes: Mapping[str, Any]) -> Settings:
        """These settings with some changed, checked again (a value changed in app.config)."""
        return _checked(type(self), {**self.model_dump(), **changes})


def _checked(settings_cls: type[Settings], values: Mapping[str, Any]) -> Settings:
    try:
        return settings_cls(**values)
    except ValidationError as error:
        raise ConfigError(_explain(error)) from None


def _explain(error: ValidationError) -> str:
    """One line per wrong variable: its name, what was given, and what is wanted."""
    lines = []
    for problem in error.errors(include_url=False):
        name = ".".join(str(part) for part in problem["loc"]) or "settings"
        cause = problem.get("ctx", {}).get("error") if problem["type"] == "value_error" else None
        given = problem["input"]
        shown = "" if not isinstance(given, str | int | float) or name.endswith(("KEY", "PASSWORD")) else f"{given!r} "
        lines.append(f"{name}: {shown}{cause or problem['msg']}")
    return "; ".join(lines)


def _dev_secret_key(instance_path: Path, name: str = "dev-secret-key") -> str:
    """A random key kept in instance/ so development sessions (and check-log hashes) survive restarts."""
    key_file = instance_path / name
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def read_settings(
    instance_path: Path, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """The SIGAP variables of `environ` (os.environ by default), `overrides` (tests, scripts) on top,
    checked. Raises ConfigError naming every wrong variable."""
    env = os.environ if environ is None else environ
    fields = Settings.model_fields
    values: dict[str, Any] = {
        "DATABASE_URL": f"sqlite:///{instance_path / 'sigap.sqlite3'}",
        "FILE_DIR": str(instance_path / "files"),
        "ATTACHMENT_DIR": str(instance_path / "attachments"),
        "UPLOAD_CHECK_SLOTS": max(1, (os.cpu_count() or 2) // 2),  # half the cores
        "LETTER_BATCH_DIR": str(instance_path / "letter-batches"),
        "ROSTER_REJECTS_DIR": str(instance_path / "rejects"),
        "TASK_QUEUE_URL": f"sqlite:///{instance_path / 'tasks.sqlite3'}",
    }
    values.update({name: env[name] for name in fields if env.get(name, "") != ""})
    values.update({name: value for name, value in (overrides or {}).items() if name in fields and value != ""})
    settings = _checked(Settings, values)

    keys: dict[str, str] = {}
    if not settings.SECRET_KEY:
        if not settings.development:
            raise ConfigError(
                "SECRET_KEY is required outside development. Set SECRET_KEY, or SIGAP_ENV=development for a local run."
            )
        keys["SECRET_KEY"] = _dev_secret_key(instance_path)
    if not settings.NIK_HMAC_KEY:
        if not settings.development:
            raise ConfigError(
                "NIK_HMAC_KEY is required outside development: the key of the HMAC that stands for a NIK "
                "in the check log and lockouts, kept apart from SECRET_KEY (rotating one must not change "
                "the other). Set NIK_HMAC_KEY, or SIGAP_ENV=development for a local run."
            )
        keys["NIK_HMAC_KEY"] = _dev_secret_key(instance_path, "dev-nik-hmac-key")
    if keys:
        settings = settings.model_copy(update=keys)
    if settings.NIK_HMAC_KEY == settings.SECRET_KEY:
        raise ConfigError("NIK_HMAC_KEY must not be the same as SECRET_KEY: give it a key of its own.")
    return settings


def flask_config(settings: Settings, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """app.config: every setting under its own name (DATABASE_URL as SQLALCHEMY_DATABASE_URI), Flask's
    and the extensions' fixed settings, then the overrides that are not SIGAP variables (TESTING…)."""
    mode = settings.SIGAP_ENV
    config: dict[str, Any] = {name: getattr(settings, name) for name in Settings.model_fields if name != "DATABASE_URL"}
    config.update(
        {
            "SQLALCHEMY_DATABASE_URI": settings.DATABASE_URL,
            # A database error logged with its statement must not carry the NIKs, names and phone
            # numbers bound to it (they would reach the log of every 500).
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": mode != "development"},
            "RATELIMIT_HEADERS_ENABLED": True,
            # A limit store that is down (Redis restarting) must not break the forms or turn a committed
            # filing into an error page: each worker counts in its own memory until the store is back
            # (Flask-Limiter checks it again with a growing pause), and a store that fails during the
            # answer (the limit headers) is logged, not raised. docs/security.md argues the choice.
            "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
            "RATELIMIT_SWALLOW_ERRORS": True,
            # A store that does not answer is given up on quickly (redis-py waits for ever by default).
            "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
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
            "HASH_PROFILE": "test" if mode == "testing" else "standard",
        }
    )
    config.update({name: value for name, value in (overrides or {}).items() if name not in Settings.model_fields})
    if config["HASH_PROFILE"] != "standard" and mode != "testing":
        raise ConfigError("HASH_PROFILE other than 'standard' is for SIGAP_ENV=testing only.")
    return config


def load_config(
    instance_path: Path, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """app.config from the environment, then `overrides` (tests, scripts) on top."""
    return flask_config(read_settings(instance_path, overrides, environ), overrides)
