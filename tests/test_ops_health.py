"""`python -m bot health`: exit 0 with a fresh heartbeat, 1 with a stale or missing one, one line either way."""

import os
import subprocess
import sys
import time
from pathlib import Path

from bot.health import write_heartbeat

REPO = Path(__file__).resolve().parent.parent


def health(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("HEALTH_FILE", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "bot", "health"], cwd=tmp_path,
                          env={**base, "PYTHONPATH": str(REPO), **env}, capture_output=True, text=True, timeout=60)


def test_fresh_heartbeat_is_healthy(tmp_path):
    beat = tmp_path / "hb"
    write_heartbeat(beat)
    result = health(tmp_path, HEALTH_FILE=str(beat))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok") and len(result.stdout.strip().splitlines()) == 1


def test_stale_heartbeat_is_unhealthy_with_the_reason(tmp_path):
    beat = tmp_path / "hb"
    write_heartbeat(beat, now=time.time() - 300)
    result = health(tmp_path, HEALTH_FILE=str(beat))
    assert result.returncode == 1
    assert "last heartbeat" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_heartbeat_is_unhealthy_and_defaults_to_the_database_folder(tmp_path):
    result = health(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/state/glossary.db")
    assert result.returncode == 1
    assert "no heartbeat" in result.stderr and str(tmp_path / "state" / "heartbeat") in result.stderr


def test_health_ignores_settings_only_the_bot_needs(tmp_path):
    beat = tmp_path / "hb"
    write_heartbeat(beat)
    result = health(tmp_path, HEALTH_FILE=str(beat), TIMEZONE="Mars/Olympus", LOG_LEVEL="LOUD", DISCORD_TOKEN="")
    assert result.returncode == 0, result.stderr
