"""Log output for the running bot: plain text, colour only on a terminal, or JSON lines.

discord.py's own setup colours its log whenever it thinks it runs in Docker, tty or not, which
fills `docker logs` and log files with escape codes; here colour needs a real terminal.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import ClassVar, TextIO

from discord.voice_client import VoiceClient

TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
TEXT_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message[, exception]."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


class ColourFormatter(logging.Formatter):
    """The text format with the level name coloured, for a person watching a terminal."""

    COLOURS: ClassVar[dict[int, str]] = {
        logging.DEBUG: "\x1b[2m", logging.INFO: "\x1b[34m", logging.WARNING: "\x1b[33m",
        logging.ERROR: "\x1b[31m", logging.CRITICAL: "\x1b[41m",
    }

    def formatMessage(self, record: logging.LogRecord) -> str:
        colour = self.COLOURS.get(record.levelno, "")
        text = super().formatMessage(record)
        return text.replace(record.levelname, f"{colour}{record.levelname}\x1b[0m", 1) if colour else text


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def make_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    """A handler for stream (stderr by default) in the given format."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    elif _is_terminal(handler.stream):
        handler.setFormatter(ColourFormatter(TEXT_FORMAT, TEXT_DATE_FORMAT))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT, TEXT_DATE_FORMAT))
    return handler


def silence_voice_warnings() -> None:
    """The bot never joins voice: don't warn at start that PyNaCl / davey are missing."""
    VoiceClient.warn_nacl = False
    VoiceClient.warn_dave = False


def setup_logging(level: str, log_format: str, stream: TextIO | None = None) -> None:
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(make_handler(log_format, stream))
    root.setLevel(getattr(logging, level))
    silence_voice_warnings()
