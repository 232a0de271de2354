"""The log handler the running bot installs: JSON lines on request, plain text with no colour off a terminal."""

import io
import json
import logging

from bot.logs import make_handler


def emit(handler: logging.Handler, level: int, message: str, *args, exc: BaseException | None = None) -> None:
    logger = logging.getLogger("bot.test_ops_logs")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        if exc is None:
            logger.log(level, message, *args)
        else:
            try:
                raise exc
            except type(exc):
                logger.log(level, message, *args, exc_info=True)
    finally:
        logger.removeHandler(handler)


def test_json_format_is_one_parseable_object_per_line_with_chinese_kept():
    out = io.StringIO()
    handler = make_handler("json", out)
    emit(handler, logging.WARNING, "查询 %s 未找到", "炸芦")
    emit(handler, logging.ERROR, "interaction failed", exc=ValueError("boom\nsecond line"))
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == "查询 炸芦 未找到" and first["level"] == "WARNING"
    assert first["logger"] == "bot.test_ops_logs" and first["time"].endswith("+00:00")
    assert "炸芦" in lines[0]  # readable, not \\u escapes
    assert "ValueError: boom" in second["exception"]


def test_text_format_off_a_terminal_has_no_colour_codes():
    out = io.StringIO()
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        emit(make_handler("text", out), level, "level %d", level)
    text = out.getvalue()
    assert "\x1b[" not in text
    assert "WARNING  bot.test_ops_logs: level 30" in text
