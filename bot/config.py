"""Settings from the environment and an optional .env file.

`load_settings` reads everything the bot needs to run. The console commands read only what
they use (`data_dir_setting`, `database_setting`, `health_file_setting`), so a bad TIMEZONE or
LOG_LEVEL, which matters only to the running bot, never stops `define`, `check` or `backup`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot.core.shards import ShardPlan, parse_shards

DEFAULT_DATABASE_URL = "sqlite:///var/glossary.db"
HEARTBEAT_NAME = "heartbeat"
LOG_FORMATS = ("text", "json")
_LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}
# Bot tokens are three base64url parts joined by dots; this catches pasting mistakes
# (quotes, a "Bot " prefix, a client secret) before we ever talk to Discord.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{20,}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None
    database_path: Path | str  # a SQLite file, or a postgresql:// URL
    data_dir: Path
    dev_guild_id: int | None
    log_level: str
    timezone: str
    log_format: str = "text"
    health_file: Path | None = None
    metrics_port: int | None = None  # Prometheus endpoint; None keeps it off
    metrics_host: str = "0.0.0.0"  # all interfaces, for containers; 127.0.0.1 keeps it on the machine
    shards: ShardPlan = field(default_factory=ShardPlan)  # SHARD_COUNT / SHARD_IDS; unset: one process

    @property
    def heartbeat_path(self) -> Path:
        return self.health_file or default_health_file(self.database_path)

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("DISCORD_TOKEN is not set: put it in .env (see .env.example).")
        if not _TOKEN_SHAPE.match(self.token):
            raise ConfigError(
                "DISCORD_TOKEN does not look like a bot token: copy it from the Developer "
                "Portal → Bot → Reset Token, without quotes or a 'Bot ' prefix."
            )
        return self.token


def database_path_from_url(url: str) -> Path | str:
    """SQLite's file (a Path), or a PostgreSQL URL kept as it is (a str, any libpq URL)."""
    if url.startswith(("postgresql://", "postgres://")):
        return url
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ConfigError(
            "DATABASE_URL must look like sqlite:///path/to/file.db or postgresql://user:pass@host:port/db,"
            f" got {_redacted(url)!r}."
        )
    return Path(url[len(prefix):])


def _redacted(url: str) -> str:
    """A URL fit for an error message: any password replaced."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def default_health_file(database_path: Path | str) -> Path:
    """The heartbeat lives next to the database, so one volume holds all the bot's state
    (with PostgreSQL, in var/ of the working directory)."""
    if isinstance(database_path, str):
        return Path("var") / HEARTBEAT_NAME
    return database_path.parent / HEARTBEAT_NAME


def shipped_data_dir() -> Path:
    """The glossary inside the installed package (bot/_data in a wheel), else the checkout's data/."""
    packaged = resources.files("bot") / "_data"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def load_env(env_file: str | os.PathLike[str] | None = ".env") -> None:
    if env_file is not None:
        load_dotenv(env_file, override=False)


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def data_dir_setting() -> Path:
    """DATA_DIR overrides the glossary that ships with the package."""
    return Path(_env("DATA_DIR")) if _env("DATA_DIR") else shipped_data_dir()


def database_setting() -> Path | str:
    return database_path_from_url(_env("DATABASE_URL") or DEFAULT_DATABASE_URL)


def health_file_setting() -> Path:
    return Path(_env("HEALTH_FILE")) if _env("HEALTH_FILE") else default_health_file(database_setting())


def _log_level() -> str:
    level = _env("LOG_LEVEL").upper() or "INFO"
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(sorted(_LOG_LEVELS))}, got {level!r}.")
    return level


def _log_format() -> str:
    fmt = _env("LOG_FORMAT").lower() or "text"
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be text or json, got {fmt!r}.")
    return fmt


def _timezone() -> str:
    timezone = _env("TIMEZONE") or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {timezone!r} is not an IANA time zone such as Asia/Shanghai.") from None
    return timezone


def _metrics_port() -> int | None:
    port = _env("METRICS_PORT")
    if port and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise ConfigError(f"METRICS_PORT must be a port number from 1 to 65535, got {port!r}.")
    return int(port) if port else None


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    """Everything the running bot needs, each setting validated with one clear line on error."""
    load_env(env_file)
    dev_guild = _env("DEV_GUILD_ID")
    if dev_guild and not dev_guild.isdigit():
        raise ConfigError(f"DEV_GUILD_ID must be a server id (digits only), got {dev_guild!r}.")
    return Settings(
        token=_env("DISCORD_TOKEN") or None,
        database_path=database_setting(),
        data_dir=data_dir_setting(),
        dev_guild_id=int(dev_guild) if dev_guild else None,
        log_level=_log_level(),
        timezone=_timezone(),
        log_format=_log_format(),
        health_file=Path(_env("HEALTH_FILE")) if _env("HEALTH_FILE") else None,
        metrics_port=_metrics_port(),
        metrics_host=_env("METRICS_HOST") or "0.0.0.0",
        shards=_shards(),
    )


def _shards() -> ShardPlan:
    try:
        return parse_shards(_env("SHARD_COUNT"), _env("SHARD_IDS"))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
