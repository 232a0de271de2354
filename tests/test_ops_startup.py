"""Start-up when Discord can't be reached, and the log it writes: one line per retry, no traceback,
no colour codes in captured output, JSON lines on request, no voice-support warnings."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.startup import BACKOFF_CAP_SECONDS, backoff_delay

REPO = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz012345"
RETRY_LINE = "cannot reach Discord"


def test_backoff_doubles_from_one_second_and_is_capped_at_a_minute():
    assert [backoff_delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert backoff_delay(10_000) == BACKOFF_CAP_SECONDS


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: bind, note the number, close."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_until_retried(tmp_path: Path, retries: int, **env: str) -> list[str]:
    """Start the bot against a closed port, wait for `retries` retry lines, stop it, return its stderr lines."""
    port = closed_port()
    inherited = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    full_env = {**inherited, "DISCORD_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db",
                "DATA_DIR": str(REPO / "data"), "PYTHONPATH": str(REPO), "DEV_GUILD_ID": "",
                "LIANDAN_TEST_API_BASE": f"http://127.0.0.1:{port}/api/v10",
                "LIANDAN_TEST_GATEWAY_URL": f"ws://127.0.0.1:{port}/gateway", **env}
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.launch"], cwd=tmp_path, env=full_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 90  # a generous bound on a slow machine, not a timing assertion
    try:
        while sum(RETRY_LINE in line for line in lines) < retries and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
    finally:
        proc.kill()
        rest = proc.communicate(timeout=30)[1]
    return lines + rest.splitlines()


def test_unreachable_discord_is_retried_with_one_line_each_and_no_traceback(tmp_path):
    lines = run_until_retried(tmp_path, retries=2)
    text = "\n".join(lines)
    retries = [line for line in lines if RETRY_LINE in line]
    assert len(retries) >= 2, text
    assert "retrying in 1 s" in retries[0] and "retrying in 2 s" in retries[1]
    assert "Traceback" not in text
    assert "\x1b[" not in text  # captured output carries no colour codes
    assert "PyNaCl" not in text and "davey" not in text and "voice" not in text


def test_log_format_json_writes_one_json_object_per_line(tmp_path):
    lines = run_until_retried(tmp_path, retries=1, LOG_FORMAT="json")
    records = [json.loads(line) for line in lines if line.strip()]
    assert records, "no log lines"
    retry = next(r for r in records if RETRY_LINE in r["message"])
    assert retry["level"] == "WARNING" and retry["logger"] == "bot" and "time" in retry


@pytest.mark.parametrize(("value", "accepted"), [("json", True), ("JSON", True), ("xml", False)])
def test_log_format_setting_is_checked_by_run(monkeypatch, value, accepted):
    from bot.config import ConfigError, load_settings

    monkeypatch.setenv("LOG_FORMAT", value)
    if accepted:
        assert load_settings(env_file=None).log_format == "json"
    else:
        with pytest.raises(ConfigError, match="LOG_FORMAT"):
            load_settings(env_file=None)
