from pathlib import Path

import pytest

from portal.config import ConfigError, load_config


def test_secret_key_is_required_outside_development(tmp_path: Path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(tmp_path, environ={})


def test_the_nik_key_is_required_outside_development_and_is_not_the_secret_key(tmp_path: Path):
    with pytest.raises(ConfigError, match="NIK_HMAC_KEY is required outside development"):
        load_config(tmp_path, environ={"SECRET_KEY": "x"})
    with pytest.raises(ConfigError, match="NIK_HMAC_KEY must not be the same as SECRET_KEY"):
        load_config(tmp_path, environ={"SECRET_KEY": "x", "NIK_HMAC_KEY": "x"})
    development = load_config(tmp_path, environ={"SIGAP_ENV": "development"})
    assert development["NIK_HMAC_KEY"] != development["SECRET_KEY"] and len(development["NIK_HMAC_KEY"]) > 40


def test_development_gets_a_persistent_random_key(tmp_path: Path):
    first = load_config(tmp_path, environ={"SIGAP_ENV": "development"})["SECRET_KEY"]
    second = load_config(tmp_path, environ={"SIGAP_ENV": "development"})["SECRET_KEY"]
    assert first == second and len(first) > 40


def test_database_url_defaults_to_sqlite_in_instance_and_accepts_postgres(tmp_path: Path):
    env = {"SECRET_KEY": "x", "NIK_HMAC_KEY": "y"}
    assert load_config(tmp_path, environ=env)["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    pg = load_config(tmp_path, environ={**env, "DATABASE_URL": "postgres://u@h/db"})
    assert pg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_rate_limits_can_be_turned_off_for_benchmarks(tmp_path: Path):
    config = load_config(tmp_path, environ={"SECRET_KEY": "x", "NIK_HMAC_KEY": "y", "RATELIMIT_ENABLED": "0"})
    assert config["RATELIMIT_ENABLED"] is False


def test_htmx_url_override_drops_the_default_sri(tmp_path: Path):
    config = load_config(tmp_path, environ={"SECRET_KEY": "x", "NIK_HMAC_KEY": "y", "HTMX_URL": "/static/htmx.js"})
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

    env = {"SECRET_KEY": "x", "NIK_HMAC_KEY": "y"}
    assert load_config(tmp_path, environ=env)["UPLOAD_CHECK_SLOTS"] == max(1, (os.cpu_count() or 2) // 2)
    assert load_config(tmp_path, environ={**env, "UPLOAD_CHECK_SLOTS": "3"})["UPLOAD_CHECK_SLOTS"] == 3
    for wrong in ("0", "-1", "dua", "1.5"):
        with pytest.raises(ConfigError, match="UPLOAD_CHECK_SLOTS"):
            load_config(tmp_path, environ={**env, "UPLOAD_CHECK_SLOTS": wrong})
