from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

VALID_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture
def clean_env(monkeypatch):
    for key in ("DISCORD_TOKEN", "DATABASE_URL", "DATA_DIR", "DEV_GUILD_ID", "LOG_LEVEL", "TIMEZONE",
                "LOG_FORMAT", "HEALTH_FILE", "METRICS_PORT", "METRICS_HOST"):
        # setenv first so teardown also removes whatever a .env file loaded during the test.
        monkeypatch.setenv(key, "")
        monkeypatch.delenv(key)
    return monkeypatch


def test_defaults_match_the_documented_ones(clean_env):
    settings = load_settings(env_file=None)
    assert settings.database_path == Path("var/glossary.db")
    assert settings.data_dir.is_absolute() and any(settings.data_dir.glob("*.yaml"))  # shipped, from any folder
    assert settings.log_format == "text"
    assert settings.heartbeat_path == Path("var/heartbeat")
    assert settings.timezone == "Asia/Shanghai"
    assert settings.dev_guild_id is None
    assert settings.token is None
    assert settings.metrics_port is None  # the metrics endpoint is off unless asked for


def test_metrics_endpoint_is_configured_by_port_and_host(clean_env):
    clean_env.setenv("METRICS_PORT", "9108")
    clean_env.setenv("METRICS_HOST", "127.0.0.1")
    settings = load_settings(env_file=None)
    assert (settings.metrics_port, settings.metrics_host) == (9108, "127.0.0.1")
    clean_env.delenv("METRICS_HOST")
    assert load_settings(env_file=None).metrics_host == "0.0.0.0"


def test_dotenv_file_is_read(clean_env, tmp_path):
    env = tmp_path / ".env"
    env.write_text(f"DISCORD_TOKEN={VALID_TOKEN}\nDEV_GUILD_ID=42\nTIMEZONE=Europe/Berlin\n")
    settings = load_settings(env_file=env)
    assert settings.require_token() == VALID_TOKEN
    assert settings.dev_guild_id == 42
    assert settings.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("key", "value", "needle"),
    [
        ("DATABASE_URL", "mysql://x", "sqlite:///"),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
        ("METRICS_PORT", "prometheus", "METRICS_PORT"),
        ("METRICS_PORT", "70000", "METRICS_PORT"),
    ],
)
def test_bad_settings_give_one_clear_line(clean_env, key, value, needle):
    clean_env.setenv(key, value)
    with pytest.raises(ConfigError) as exc:
        load_settings(env_file=None)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("token", [None, "", "Bot abc", '"quoted.token.value"'])
def test_missing_or_malformed_token_is_refused(clean_env, token):
    if token is not None:
        clean_env.setenv("DISCORD_TOKEN", token)
    with pytest.raises(ConfigError, match="DISCORD_TOKEN"):
        load_settings(env_file=None).require_token()


def test_postgres_url_is_kept_whole_and_a_bad_url_hides_its_password(clean_env):
    url = "postgresql://liandan:secret@db.internal:5432/liandan?host=/run/postgresql"
    clean_env.setenv("DATABASE_URL", url)
    assert load_settings(env_file=None).database_path == url
    clean_env.setenv("DATABASE_URL", "mysql://u:hunter2@h/db")
    with pytest.raises(ConfigError) as exc:
        load_settings(env_file=None)
    assert "hunter2" not in str(exc.value)
