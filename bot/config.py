"""Settings from the environment and an optional .env file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

DEFAULT_DATABASE_URL = "sqlite:///var/glossary.db"
_LOG_LEVELS = {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}
# Bot tokens are three base64url parts joined by dots; this catches pasting mistakes
# (quotes, a "Bot " prefix, a client secret) before we ever talk to Discord.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{20,}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None
    database_path: Path
    data_dir: Path
    dev_guild_id: int | None
    log_level: str
    timezone: str

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("DISCORD_TOKEN is not set: put it in .env (see .env.example).")
        if not _TOKEN_SHAPE.match(self.token):
            raise ConfigError(
                "DISCORD_TOKEN does not look like a bot token: copy it from the Developer "
                "Portal → Bot → Reset Token, without quotes or a 'Bot ' prefix."
            )
        return self.token


def database_path_from_url(url: str) -> Path:
    """Only SQLite for now; the URL form leaves room for other back ends."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ConfigError(f"DATABASE_URL must look like sqlite:///path/to/file.db, got {url!r}.")
    return Path(url[len(prefix):])


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    if env_file is not None:
        load_dotenv(env_file, override=False)
    env = os.environ

    dev_guild = env.get("DEV_GUILD_ID", "").strip()
    if dev_guild and not dev_guild.isdigit():
        raise ConfigError(f"DEV_GUILD_ID must be a server id (digits only), got {dev_guild!r}.")

    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(sorted(_LOG_LEVELS))}, got {level!r}.")

    timezone = env.get("TIMEZONE", "Asia/Shanghai").strip() or "Asia/Shanghai"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {timezone!r} is not an IANA time zone such as Asia/Shanghai.") from None

    return Settings(
        token=env.get("DISCORD_TOKEN", "").strip() or None,
        database_path=database_path_from_url(env.get("DATABASE_URL", DEFAULT_DATABASE_URL).strip()),
        data_dir=Path(env.get("DATA_DIR", "data").strip() or "data"),
        dev_guild_id=int(dev_guild) if dev_guild else None,
        log_level=level,
        timezone=timezone,
    )
