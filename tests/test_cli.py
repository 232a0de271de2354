"""The offline console and `check`, run as a newcomer would run them."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATA_DIR", "DATABASE_URL")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_define_json_finds_zhalu(tmp_path):
    result = run("define", "炸炉", "--json", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["status"] == "found"
    assert payload["term"]["id"] == "zhalu" and payload["term"]["term"] == "炸炉"


def test_define_prints_a_readable_card():
    result = run("define", "炸炉")
    assert result.returncode == 0, result.stderr
    assert "炸炉" in result.stdout and "来源" in result.stdout


def test_define_miss_reports_status():
    result = run("define", "qxzjvkw", "--json")
    assert json.loads(result.stdout) == {"status": "not_found", "term": None, "suggestions": []}


def test_check_passes_on_shipped_data():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_check_names_file_and_line_of_a_syntax_error(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "zz-broken.yaml").write_text("- id: x\n  term: [oops\n", encoding="utf-8")
    result = run("check", "--data-dir", str(data))
    assert result.returncode != 0
    assert "zz-broken.yaml:" in result.stderr and "YAML syntax error" in result.stderr


def test_running_without_a_token_is_one_clear_line(tmp_path):
    result = run("run", cwd=tmp_path, env={"PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_define_takes_a_query_that_looks_like_a_flag():
    result = run("define", "--ar", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["term"]["term"] == "--ar"


def test_define_takes_a_parameter_with_its_value():
    result = run("define", "--stylize", "250")
    assert result.returncode != 2, result.stderr
    assert "--stylize" in result.stdout and "usage:" not in result.stderr


def test_define_into_a_closed_pipe_exits_quietly():
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_DIR", "DATABASE_URL")}
    proc = subprocess.Popen([sys.executable, "-m", "bot", "define", "炸炉"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head -1` that has already gone
    stderr = proc.communicate(timeout=120)[1].decode()
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert stderr == ""


def test_help_shows_examples_exit_codes_and_environment():
    result = run("--help")
    assert result.returncode == 0
    for needle in ("examples:", "define --stylize 250", "exit codes:", "environment", "DISCORD_TOKEN",
                   "DATA_DIR", "LOG_FORMAT", "HEALTH_FILE", "backup", "health"):
        assert needle in result.stdout, needle


def test_check_and_define_ignore_settings_only_the_bot_needs(tmp_path):
    unrelated = {"TIMEZONE": "Mars/Olympus", "LOG_LEVEL": "LOUD", "LOG_FORMAT": "xml", "DEV_GUILD_ID": "my-server"}
    checked = run("check", env=unrelated)
    assert checked.returncode == 0, checked.stderr
    defined = run("define", "炸炉", "--json", env=unrelated)
    assert defined.returncode == 0, defined.stderr
    ran = run("run", cwd=tmp_path, env={"PYTHONPATH": str(REPO), **unrelated})
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1


def test_check_output_is_one_line():
    result = run("check")
    assert result.stderr == ""
    assert len(result.stdout.strip().splitlines()) == 1
