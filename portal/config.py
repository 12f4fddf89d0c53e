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
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    NonNegativeInt,
    PositiveInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from portal import config_channels, config_keys
from portal import config_values as parse
from portal.config_contact import DEMO_CONTACT, EMAIL, check_contact
from portal.config_keys import ConfigError

HTMX_CDN_URL = "https://cdn.jsdelivr.net/npm/htmx.org@2.0.11/dist/htmx.min.js"
HTMX_CDN_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


Flag = Annotated[bool, BeforeValidator(parse.stripped)]
RateLimit = Annotated[str, BeforeValidator(parse.stripped), Field(min_length=1)]
WorkingDays = Annotated[int, Field(ge=1, le=365)]
Text = Annotated[str, BeforeValidator(parse.stripped), Field(min_length=3, max_length=300)]
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

    SIGAP_ENV: Annotated[Literal["production", "development", "testing"], BeforeValidator(parse.mode)] = "production"
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
    HTMX_URL: Annotated[str, BeforeValidator(parse.stripped)] = HTMX_CDN_URL  # or "self": portal/static's copy
    HTMX_SRI: str = HTMX_CDN_SRI
    PROXY_FIX_X_FOR: NonNegativeInt = 0
    SESSION_COOKIE_SECURE: Flag = True
    PROGRAM_QUOTA: PositiveInt = 11666
    # The year's premium budget in rupiah: 11,666 people x Rp 16,800 x 12 months = Rp 2,351,865,600,
    # rounded up. Compared on /statistik with the premiums of active participants in PROGRAM_BUDGET_YEAR.
    PROGRAM_BUDGET: NonNegativeInt = 2_352_000_000
    PROGRAM_BUDGET_YEAR: Annotated[int, Field(ge=2000, le=2100)] | None = None  # None: this year
    STATS_CACHE_SECONDS: NonNegativeInt = 60  # age of the shared /statistik snapshot before a recount
    CHECK_LOG_RETENTION_DAYS: Annotated[int, Field(ge=1, le=36_500)] = 365  # then purged nightly (status_check.tasks)
    NIK_LOCKOUT_FAILURES: PositiveInt = 5
    NIK_LOCKOUT_MINUTES: PositiveInt = 15
    # Where files live (portal.core.files): "local", folders on this machine (one node only), or
    # "database", the portal's own database (every node and consumer reaches them; in its backups).
    FILE_STORE: Annotated[Literal["local", "database"], BeforeValidator(parse.mode)] = "local"
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
    CUTI_BERSAMA: Annotated[tuple[date, ...], BeforeValidator(parse.dates)] = ()
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
    CONTACT_OFFICE: Text = DEMO_CONTACT["CONTACT_OFFICE"]
    CONTACT_ADDRESS: Text = DEMO_CONTACT["CONTACT_ADDRESS"]
    CONTACT_PHONE: Annotated[str, BeforeValidator(parse.stripped)] = DEMO_CONTACT["CONTACT_PHONE"]
    CONTACT_WHATSAPP: Annotated[str, BeforeValidator(parse.stripped)] | None = DEMO_CONTACT["CONTACT_WHATSAPP"]
    CONTACT_EMAIL: Annotated[str, BeforeValidator(parse.stripped), Field(pattern=EMAIL)] | None = None
    CONTACT_DAYS: Annotated[str, BeforeValidator(parse.stripped)] = DEMO_CONTACT["CONTACT_DAYS"]
    CONTACT_HOURS: Annotated[str, BeforeValidator(parse.stripped)] = DEMO_CONTACT["CONTACT_HOURS"]
    # SMS through Kannel's smsbox (docs/kannel.md); unset: no SMS is sent
    SMS_SENDSMS_URL: Annotated[str, BeforeValidator(parse.stripped)] | None = None
    SMS_USERNAME: str | None = None
    SMS_PASSWORD: str | None = None
    SMS_SENDER: str = "SIGAP"
    SMS_GATEWAY_TOKEN: str | None = None  # in Kannel's dlr-url and sms-service get-url: only Kannel may post
    # WhatsApp Business Cloud API (docs/whatsapp.md); unset: no WhatsApp is sent
    WHATSAPP_API_BASE: str = "https://graph.facebook.com/v21.0"
    WHATSAPP_PHONE_NUMBER_ID: Annotated[str, BeforeValidator(parse.stripped)] | None = None
    WHATSAPP_ACCESS_TOKEN: str | None = None
    WHATSAPP_APP_SECRET: str | None = None  # checks X-Hub-Signature-256 of every webhook
    WHATSAPP_VERIFY_TOKEN: str | None = None  # the webhook subscription's handshake
    WHATSAPP_TEMPLATES: Annotated[dict[str, str], BeforeValidator(config_channels.templates)] = dict(
        config_channels.DEFAULT_WHATSAPP_TEMPLATES
    )
    WHATSAPP_TEMPLATE_LANGUAGE: str = "id"
    # A case waiting for the resident's answer: a reminder after this many working days, closed
    # with a notice after that many
    # An appeal ("belum puas") is decided within this many working days, by a supervisor other than
    # the one who concluded the case; a case reopened on appeal gets as many again
    APPEAL_REVIEW_DAYS: WorkingDays = 10
    INFO_REMINDER_DAYS: WorkingDays = 5
    INFO_CLOSE_DAYS: WorkingDays = 10
    # The city's signing key for letters (docs/letters-signing.md): a PKCS#12 file (EC P-256) and its
    # passphrase; earlier certificates as a PEM bundle so older letters still verify
    LETTER_SIGNING_P12: Annotated[str, BeforeValidator(parse.stripped)] | None = None
    LETTER_SIGNING_PASSPHRASE: str | None = None
    LETTER_SIGNING_CERTS: Annotated[str, BeforeValidator(parse.stripped)] | None = None
    # Open311 publishes a complaint this many days after it was filed, with its dates as days only
    OPEN311_DELAY_DAYS: Annotated[int, Field(ge=0, le=90)] = 7

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
                values["HTMX_SRI"] = HTMX_CDN_SRI if "HTMX_URL" not in values else ""  # self: computed
            if "SESSION_COOKIE_SECURE" not in values:  # development runs on http://127.0.0.1
                mode = parse.mode(values.get("SIGAP_ENV", "production"))
                values["SESSION_COOKIE_SECURE"] = mode not in {"development", "testing"}
        return values

    @model_validator(mode="after")
    def _channels_complete(self) -> Settings:
        config_channels.check_channels(self.model_dump())
        if self.INFO_CLOSE_DAYS <= self.INFO_REMINDER_DAYS:
            raise ValueError("INFO_CLOSE_DAYS must be more than INFO_REMINDER_DAYS")
        return self

    @field_validator("SLA_VERIFY_DAYS_BY_CATEGORY", "SLA_RESOLVE_DAYS_BY_CATEGORY", mode="before")
    @classmethod
    def _days_by_category(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            value = ",".join(f"{category}={days}" for category, days in value.items())
        return parse.days_by_category(value) if isinstance(value, str) else value

    @field_validator(*RATE_LIMITS)
    @classmethod
    def _limits(cls, value: str) -> str:
        return parse.rate_limit(value)

    @field_validator("HTMX_URL")
    @classmethod
    def _htmx_url(cls, value: str) -> str:
        if value == "self" or value.startswith("/") or value.startswith("https://") or value.startswith("http://"):
            return value
        raise ValueError("needs 'self' (the copy shipped with the portal), a path on this site or an https:// URL")

    @field_validator("CONTACT_PHONE", "CONTACT_WHATSAPP", "CONTACT_DAYS", "CONTACT_HOURS")
    @classmethod
    def _contact(cls, value: str | None, info: ValidationInfo) -> str | None:
        return check_contact(info.field_name or "", value)

    @field_validator("PUBLIC_BASE_URL")
    @classmethod
    def _public_base_url(cls, value: str) -> str:
        return parse.public_url(value)

    @field_validator("TASK_QUEUE_URL")
    @classmethod
    def _task_queue(cls, value: str) -> str:
        return parse.task_queue_url(value)

    @field_validator("DATABASE_URL")
    @classmethod
    def _database(cls, value: str) -> str:
        return parse.database_url(value)

    @property
    def development(self) -> bool:
        return self.SIGAP_ENV in {"development", "testing"}

    @property
    def demo_contact(self) -> bool:
        """Some contact detail is still the demo value: the pages say so (never a made-up office)."""
        demo = ("CONTACT_ADDRESS", "CONTACT_PHONE", "CONTACT_WHATSAPP")  # what a resident acts on
        return any(getattr(self, name) == DEMO_CONTACT[name] for name in demo)

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
        secret = name.endswith(("KEY", "PASSWORD", "TOKEN", "SECRET", "PASSPHRASE"))
        shown = "" if not isinstance(given, str | int | float) or secret else f"{given!r} "
        lines.append(f"{name}: {shown}{cause or problem['msg']}")
    return "; ".join(lines)


# Settings whose default is only right on a laptop (one process, one machine, http://127.0.0.1):
# in production (SIGAP_ENV unset or "production") each must be set on purpose, or the app does
# not start. What each default would do in production, and what to set instead.
PRODUCTION_REQUIRED: dict[str, str] = {
    "PUBLIC_BASE_URL": (
        "the portal's public address, printed on every letter and in its QR code (letters keep their "
        "gap-free numbers once made, so a wrong address cannot be taken back); the default is "
        "http://127.0.0.1:5000. Set e.g. PUBLIC_BASE_URL=https://sigap.bekasikota.go.id"
    ),
    "DATABASE_URL": (
        "the default is a SQLite file in this machine's instance folder ({instance}), which a second "
        "server never sees. Set e.g. DATABASE_URL=postgresql://sigap@db/sigap"
    ),
    "RATELIMIT_STORAGE_URI": (
        "the default memory:// counts in each worker's own memory, so 4 workers on 2 servers let "
        "a client through 8 times the limit. Set e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 "
        "(memory:// only for a single worker on a single server)"
    ),
    "TASK_QUEUE_URL": (
        "the default is a SQLite file in this machine's instance folder ({instance}), a queue that the "
        "workers of another server never see. Set e.g. TASK_QUEUE_URL=redis://127.0.0.1:6379/1 "
        "(sqlite:///PATH only when every web server and worker runs on this one machine)"
    ),
    "FILE_STORE": (
        "the default `local` keeps residents' files, roster uploads and letter batches in this machine's "
        "folders, which another server never sees. Set FILE_STORE=database (files in the portal's "
        "database), or FILE_STORE=local when everything runs on this one machine"
    ),
}


def _missing_in_production(given: set[str], instance_path: Path) -> list[str]:
    return [
        f"{name} is required in production: {why.format(instance=instance_path)}"
        for name, why in PRODUCTION_REQUIRED.items()
        if name not in given
    ]


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
    given = {name for name in fields if env.get(name, "") != ""}
    given |= {name for name, value in (overrides or {}).items() if name in fields and value != ""}
    values.update({name: env[name] for name in fields if env.get(name, "") != ""})
    values.update({name: value for name, value in (overrides or {}).items() if name in fields and value != ""})
    settings = _checked(Settings, values)
    if "SQLALCHEMY_DATABASE_URI" in (overrides or {}):  # a test's or a script's own database
        given.add("DATABASE_URL")

    keys: dict[str, str] = {}
    missing: list[str] = []
    if not settings.SECRET_KEY:
        if settings.development:
            keys["SECRET_KEY"] = config_keys.dev_secret_key(instance_path)
        else:
            missing.append("SECRET_KEY is required outside development. Set SECRET_KEY.")
    if not settings.NIK_HMAC_KEY:
        if settings.development:
            keys["NIK_HMAC_KEY"] = config_keys.dev_secret_key(instance_path, "dev-nik-hmac-key")
        else:
            missing.append(
                "NIK_HMAC_KEY is required outside development: the key of the HMAC that stands for a NIK "
                "in the check log and lockouts, kept apart from SECRET_KEY (rotating one must not change "
                "the other). Set NIK_HMAC_KEY."
            )
    if not settings.LETTER_SIGNING_P12:
        if settings.development:
            keys["LETTER_SIGNING_P12"] = config_keys.demo_signing_key(instance_path)
        else:
            missing.append(config_keys.SIGNING_KEY_MISSING)
    if not settings.development:
        missing += _missing_in_production(given, instance_path)
    if missing:  # every missing variable at once, one line each
        raise ConfigError("\n".join([*missing, "(For a local run on a laptop: SIGAP_ENV=development.)"]))
    if keys:
        settings = settings.model_copy(update=keys)
    if settings.NIK_HMAC_KEY == settings.SECRET_KEY:
        raise ConfigError("NIK_HMAC_KEY must not be the same as SECRET_KEY: give it a key of its own.")
    config_keys.check_signing_key(
        settings.LETTER_SIGNING_P12, settings.LETTER_SIGNING_PASSPHRASE, settings.LETTER_SIGNING_CERTS
    )
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
            # Three phone photos of up to 15 MB each (complaints.services.attachments) and the form.
            "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
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
