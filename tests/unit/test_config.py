import tempfile
from pathlib import Path

import pytest

from portal.config import PRODUCTION_REQUIRED, ConfigError, load_config
from portal.core.signing import make_demo_pkcs12

_KEYS = Path(tempfile.mkdtemp(prefix="sigap-config-test-"))
(_KEYS / "letters.p12").write_bytes(make_demo_pkcs12(b"kata-sandi-kunci"))

# What production needs besides the defaults (README, "Production"); memory:// given on purpose.
BASE = {
    "SECRET_KEY": "x",
    "NIK_HMAC_KEY": "y",
    "PUBLIC_BASE_URL": "https://sigap.bekasikota.go.id",
    "DATABASE_URL": "postgresql://sigap@db/sigap",
    "RATELIMIT_STORAGE_URI": "memory://",
    "TASK_QUEUE_URL": "redis://127.0.0.1:6379/1",
    "FILE_STORE": "database",
    "LETTER_SIGNING_P12": str(_KEYS / "letters.p12"),
    "LETTER_SIGNING_PASSPHRASE": "kata-sandi-kunci",
}


def test_secret_key_is_required_outside_development(tmp_path: Path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path, environ={})


def test_the_nik_key_is_required_outside_development_and_is_not_the_secret_key(tmp_path: Path):
    with pytest.raises(ConfigError, match="NIK_HMAC_KEY is required outside development"):
        load_config(tmp_path, environ={"SECRET_KEY": "x"})
    with pytest.raises(ConfigError, match="NIK_HMAC_KEY must not be the same as SECRET_KEY"):
        load_config(tmp_path, environ={**BASE, "SECRET_KEY": "x", "NIK_HMAC_KEY": "x"})
    development = load_config(tmp_path, environ={"SIGAP_ENV": "development"})
    assert development["NIK_HMAC_KEY"] != development["SECRET_KEY"] and len(development["NIK_HMAC_KEY"]) > 40


def test_development_gets_a_persistent_random_key(tmp_path: Path):
    first = load_config(tmp_path, environ={"SIGAP_ENV": "development"})["SECRET_KEY"]
    second = load_config(tmp_path, environ={"SIGAP_ENV": "development"})["SECRET_KEY"]
    assert first == second and len(first) > 40


def test_database_url_defaults_to_sqlite_in_instance_and_accepts_postgres(tmp_path: Path):
    development = load_config(tmp_path, environ={"SIGAP_ENV": "development"})
    assert development["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sigap.sqlite3'}"
    pg = load_config(tmp_path, environ={**BASE, "DATABASE_URL": "postgres://u@h/db"})
    assert pg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_rate_limits_can_be_turned_off_for_benchmarks(tmp_path: Path):
    config = load_config(tmp_path, environ={**BASE, "RATELIMIT_ENABLED": "0"})
    assert config["RATELIMIT_ENABLED"] is False


def test_htmx_url_override_drops_the_default_sri(tmp_path: Path):
    config = load_config(tmp_path, environ={**BASE, "HTMX_URL": "/static/htmx.js"})
    assert config["HTMX_URL"] == "/static/htmx.js" and config["HTMX_SRI"] == ""


def test_targets_per_category_are_read_and_checked_at_start(tmp_path: Path):
    env = {
        "SIGAP_ENV": "development",
        "SLA_VERIFY_DAYS_BY_CATEGORY": "informasi=1, pungli=2",
        "SLA_RESOLVE_DAYS_BY_CATEGORY": "informasi=5,data_salah=10,",
    }
    config = load_config(tmp_path, environ=env)
    assert config["SLA_VERIFY_DAYS_BY_CATEGORY"] == {"informasi": 1, "pungli": 2}
    assert config["SLA_RESOLVE_DAYS_BY_CATEGORY"] == {"informasi": 5, "data_salah": 10}
    for wrong, message in [
        ("informsi=5", "unknown category 'informsi'"),
        ("informasi=lima", "from 1 to 365"),
        ("informasi=0", "from 1 to 365"),
        ("informasi=²", "from 1 to 365"),
        ("informasi", "from 1 to 365"),
    ]:
        with pytest.raises(ConfigError, match=message):
            load_config(tmp_path, environ={**env, "SLA_RESOLVE_DAYS_BY_CATEGORY": wrong})


def test_upload_check_slots_default_to_half_the_cores_and_are_checked_at_start(tmp_path: Path):
    import os

    env = BASE
    assert load_config(tmp_path, environ=env)["UPLOAD_CHECK_SLOTS"] == max(1, (os.cpu_count() or 2) // 2)
    assert load_config(tmp_path, environ={**env, "UPLOAD_CHECK_SLOTS": "3"})["UPLOAD_CHECK_SLOTS"] == 3
    for wrong in ("0", "-1", "dua", "1.5"):
        with pytest.raises(ConfigError, match="UPLOAD_CHECK_SLOTS"):
            load_config(tmp_path, environ={**env, "UPLOAD_CHECK_SLOTS": wrong})


@pytest.mark.parametrize(
    ("name", "wrong", "message"),
    [
        ("PROGRAM_QUOTA", "11.666", "PROGRAM_QUOTA: '11.666' Input should be a valid integer"),
        ("NIK_LOCKOUT_MINUTES", "15m", "NIK_LOCKOUT_MINUTES: '15m' Input should be a valid integer"),
        ("SMTP_PORT", "70000", "SMTP_PORT: '70000' Input should be less than or equal to 65535"),
        ("STATS_CACHE_SECONDS", "-1", "STATS_CACHE_SECONDS: '-1' Input should be greater than or equal to 0"),
        ("RATELIMIT_ENABLED", "ture", "RATELIMIT_ENABLED: 'ture' Input should be a valid boolean"),
        ("SMTP_STARTTLS", "2", "SMTP_STARTTLS: '2' Input should be a valid boolean"),
        ("PUBLIC_BASE_URL", "sigap.bekasikota.go.id", "PUBLIC_BASE_URL: 'sigap.bekasikota.go.id' Input should be"),
        (
            "PUBLIC_BASE_URL",
            "ftp://sigap.bekasikota.go.id",
            "PUBLIC_BASE_URL: 'ftp://sigap.bekasikota.go.id' URL scheme",
        ),
        ("DATABASE_URL", "sigap@db/sigap", "DATABASE_URL: 'sigap@db/sigap' is not a database URL"),
        ("RATELIMIT_SIGN_IN", "10 per minit", "RATELIMIT_SIGN_IN: '10 per minit' is not a rate limit"),
        ("CUTI_BERSAMA", "2026-11-23,2026-13-01", "CUTI_BERSAMA: '2026-11-23,2026-13-01' needs dates YYYY-MM-DD"),
        ("SIGAP_ENV", "develop", "SIGAP_ENV: 'develop' Input should be 'production', 'development' or 'testing'"),
        ("SLA_VERIFY_DAYS", "0", "SLA_VERIFY_DAYS: '0' Input should be greater than or equal to 1"),
        ("CHECK_LOG_RETENTION_DAYS", "0", "CHECK_LOG_RETENTION_DAYS: '0' Input should be greater than or equal to 1"),
        ("CHECK_LOG_RETENTION_DAYS", "1 tahun", "CHECK_LOG_RETENTION_DAYS: '1 tahun' Input should be a valid integer"),
        ("CHECK_LOG_RETENTION_DAYS", "40000", "CHECK_LOG_RETENTION_DAYS: '40000' Input should be less than or equal"),
    ],
)
def test_a_wrong_value_stops_the_start_naming_the_variable(tmp_path: Path, name, wrong, message):
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, environ={**BASE, name: wrong})
    assert str(raised.value).startswith(message)


def test_every_wrong_variable_is_named_at_once_and_secrets_are_not_repeated(tmp_path: Path):
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, environ={**BASE, "PROGRAM_QUOTA": "banyak", "SMTP_PORT": "dua lima"})
    assert "PROGRAM_QUOTA: 'banyak'" in str(raised.value) and "SMTP_PORT: 'dua lima'" in str(raised.value)


def test_values_are_typed_and_empty_means_unset(tmp_path: Path):
    from datetime import date

    env = {
        **BASE,
        "PROGRAM_QUOTA": "40",
        "RATELIMIT_ENABLED": " off ",
        "SMTP_STARTTLS": "yes",
        "CUTI_BERSAMA": "2026-11-23, 2026-11-24",
        "PUBLIC_BASE_URL": "https://sigap.bekasikota.go.id/",
        "PROGRAM_BUDGET_YEAR": "",
        "SMTP_USERNAME": "",
        "ATTACHMENT_DIR": "",
        "SIGAP_ENV": " Production ",
    }
    config = load_config(tmp_path, environ=env)
    assert config["PROGRAM_QUOTA"] == 40 and config["RATELIMIT_ENABLED"] is False and config["SMTP_STARTTLS"] is True
    assert config["CUTI_BERSAMA"] == (date(2026, 11, 23), date(2026, 11, 24))
    assert config["PUBLIC_BASE_URL"] == "https://sigap.bekasikota.go.id"
    assert config["PROGRAM_BUDGET_YEAR"] is None and config["SMTP_USERNAME"] is None
    assert config["ATTACHMENT_DIR"] == str(tmp_path / "attachments")
    assert config["SIGAP_ENV"] == "production" and config["SESSION_COOKIE_SECURE"] is True


def test_overrides_are_checked_like_the_environment(tmp_path: Path):
    config = load_config(tmp_path, {"PROGRAM_QUOTA": 40, "TESTING": True}, environ={**BASE, "PROGRAM_QUOTA": "9"})
    assert config["PROGRAM_QUOTA"] == 40 and config["TESTING"] is True
    with pytest.raises(ConfigError, match="SLA_RESOLVE_DAYS_BY_CATEGORY: unknown category 'informsi'"):
        load_config(tmp_path, {"SLA_RESOLVE_DAYS_BY_CATEGORY": {"informsi": 5}}, environ=BASE)


def test_the_app_does_not_start_with_a_wrong_value(tmp_path: Path, monkeypatch):
    from portal import create_app

    monkeypatch.setenv("PROGRAM_QUOTA", "11.666")
    with pytest.raises(ConfigError, match="PROGRAM_QUOTA"):
        create_app({**BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_domain_settings_come_from_the_checked_settings_and_follow_app_config(tmp_path: Path, monkeypatch):
    from portal import create_app
    from portal.web import settings

    monkeypatch.setenv("CUTI_BERSAMA", "2026-11-23")
    app = create_app({**BASE, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SMTP_PORT": "2525"})
    with app.app_context():
        assert settings.smtp_settings().port == 2525
        assert settings.work_calendar().extra_days_off == frozenset({__import__("datetime").date(2026, 11, 23)})
        checked = settings.current_settings()
        assert settings.current_settings() is checked  # nothing changed: nothing checked again
        app.config.update(SMTP_HOST="mail.example", SMTP_PORT=587)
        assert (settings.smtp_settings().host, settings.smtp_settings().port) == ("mail.example", 587)
        app.config["SLA_VERIFY_DAYS"] = 0
        with pytest.raises(ConfigError, match="SLA_VERIFY_DAYS"):
            settings.sla_targets()


def test_the_file_store_is_local_by_default_and_checked(tmp_path: Path):
    laptop = {**{k: v for k, v in BASE.items() if k != "FILE_STORE"}, "SIGAP_ENV": "development"}
    config = load_config(tmp_path, environ=laptop)
    assert config["FILE_STORE"] == "local" and config["FILE_DIR"] == str(tmp_path / "files")
    assert load_config(tmp_path, environ={**BASE, "FILE_STORE": " Database "})["FILE_STORE"] == "database"
    with pytest.raises(ConfigError, match="FILE_STORE: 's3' Input should be 'local' or 'database'"):
        load_config(tmp_path, environ={**BASE, "FILE_STORE": "s3"})


@pytest.mark.parametrize(
    ("name", "example"),
    [
        ("PUBLIC_BASE_URL", "PUBLIC_BASE_URL=https://sigap.bekasikota.go.id"),
        ("DATABASE_URL", "DATABASE_URL=postgresql://sigap@db/sigap"),
        ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0"),
        ("TASK_QUEUE_URL", "TASK_QUEUE_URL=redis://127.0.0.1:6379/1"),
    ],
)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_does_not_start_on_a_laptop_default(tmp_path: Path, name, example, how):
    """Each setting whose default only fits one process on one laptop stops a production start,
    named, with what to set; an empty variable counts as unset."""
    env = {key: value for key, value in BASE.items() if key != name}
    if how == "empty":
        env[name] = ""
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, environ=env)
    lines = str(raised.value).splitlines()
    assert lines[0].startswith(f"{name} is required in production: ") and f"Set e.g. {example}" in lines[0]
    assert lines[1:] == ["(For a local run on a laptop: SIGAP_ENV=development.)"]
    assert set(PRODUCTION_REQUIRED) == {
        "PUBLIC_BASE_URL",
        "DATABASE_URL",
        "RATELIMIT_STORAGE_URI",
        "TASK_QUEUE_URL",
        "FILE_STORE",
    }


def test_every_missing_production_setting_is_named_at_once(tmp_path: Path):
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path, environ={"SIGAP_ENV": "production"})
    named = [line.split(" ", 1)[0] for line in str(raised.value).splitlines()[:-1]]
    assert named == [
        "SECRET_KEY",
        "NIK_HMAC_KEY",
        "LETTER_SIGNING_P12",
        "PUBLIC_BASE_URL",
        "DATABASE_URL",
        "RATELIMIT_STORAGE_URI",
        "TASK_QUEUE_URL",
        "FILE_STORE",
    ]
    assert str(tmp_path) in str(raised.value)  # where the SQLite file would have gone


@pytest.mark.parametrize("mode", ["development", "testing"])
def test_development_and_tests_keep_the_laptop_defaults(tmp_path: Path, mode):
    config = load_config(tmp_path, environ={"SIGAP_ENV": mode})
    assert config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sigap.sqlite3'}"


def test_production_may_choose_one_machine_on_purpose(tmp_path: Path):
    """What is refused is the silent default, not the value: a single-worker portal on one machine
    may say so (the nginx test does)."""
    env = {**BASE, "DATABASE_URL": f"sqlite:///{tmp_path / 'sigap.sqlite3'}", "RATELIMIT_STORAGE_URI": "memory://"}
    config = load_config(tmp_path, environ=env)
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///") and config["RATELIMIT_STORAGE_URI"] == "memory://"
    # A script's or a test's own database (app.config's name) counts as DATABASE_URL given.
    without = {key: value for key, value in BASE.items() if key != "DATABASE_URL"}
    config = load_config(tmp_path, {"SQLALCHEMY_DATABASE_URI": "sqlite://"}, environ=without)
    assert config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_the_app_does_not_start_in_production_without_its_public_address(monkeypatch):
    from portal import create_app

    for name, value in BASE.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PUBLIC_BASE_URL")
    monkeypatch.delenv("SIGAP_ENV", raising=False)  # production unless said otherwise
    with pytest.raises(ConfigError, match="^PUBLIC_BASE_URL is required in production"):
        create_app()


def test_the_letters_key_is_required_in_production_and_checked_at_start(tmp_path: Path):
    without = {key: value for key, value in BASE.items() if key != "LETTER_SIGNING_P12"}
    with pytest.raises(ConfigError, match="LETTER_SIGNING_P12 is required outside development"):
        load_config(tmp_path, environ=without)
    with pytest.raises(ConfigError, match="LETTER_SIGNING_P12 / LETTER_SIGNING_PASSPHRASE: the PKCS#12 file cannot"):
        load_config(tmp_path, environ={**BASE, "LETTER_SIGNING_PASSPHRASE": "salah"})
    with pytest.raises(ConfigError, match="LETTER_SIGNING_P12: .* cannot be read"):
        load_config(tmp_path, environ={**BASE, "LETTER_SIGNING_P12": str(tmp_path / "tidak-ada.p12")})
    laptop = load_config(tmp_path, environ={"SIGAP_ENV": "development"})
    assert laptop["LETTER_SIGNING_P12"] == str(tmp_path / "demo-signing.p12")
