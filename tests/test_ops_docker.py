"""The Dockerfile, .dockerignore and requirements.lock, read statically (CI has no Docker engine)."""

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, args = line.strip().partition(" ")
            found.append((keyword.upper(), args.strip()))
    return found


def args_of(keyword: str) -> list[str]:
    return [args for kw, args in instructions() if kw == keyword]


def words(args: str) -> list[str]:
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def test_base_image_is_pinned_to_a_full_python_311_version():
    (base,) = args_of("FROM")
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base), base


def test_healthcheck_runs_python_m_bot_health():
    (check,) = args_of("HEALTHCHECK")
    command = words(check.split(" CMD ", 1)[1])
    assert command == ["python", "-m", "bot", "health"]


def test_runs_as_a_non_root_user_who_owns_the_volume():
    users = args_of("USER")
    assert users and users[-1] not in ("root", "0") and not users[-1].startswith("0:")
    assert any("/app/var" in words(v) for v in args_of("VOLUME"))
    assert any(f"chown {users[-1]}:{users[-1]} /app/var" in run for run in args_of("RUN"))


def test_dependencies_install_from_the_lock_before_the_code_is_copied():
    order = [f"{kw} {args}" for kw, args in instructions()]
    lock_install = next(i for i, line in enumerate(order) if line.startswith("RUN") and "requirements.lock" in line)
    code_copy = next(i for i, line in enumerate(order) if re.match(r"COPY bot\b", line))
    assert lock_install < code_copy


def dockerignored(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; a pattern matching a folder covers what's inside."""
    ignored = False
    for raw in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        regex = re.escape(pattern.lstrip("!")).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            ignored = not negate
    return ignored


@pytest.mark.parametrize("path", [".env", ".env.production", ".git/HEAD", ".venv/bin/python", ".ci-venv/bin/pip",
                                  "var/glossary.db", "bot/__pycache__/client.cpython-311.pyc", ".pytest_cache/v",
                                  ".ruff_cache/x", "glossary.db-wal"])
def test_dockerignore_keeps_secrets_and_local_state_out(path):
    assert dockerignored(path)


@pytest.mark.parametrize("path", ["bot/client.py", "bot/core/migrations/0001_terms.sql", "data/midjourney.yaml",
                                  "data/README.md", "pyproject.toml", "README.md", "requirements.lock"])
def test_dockerignore_keeps_what_the_build_copies(path):
    assert not dockerignored(path)


def locked() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned with ==: {line}"
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_lock_pins_every_dependency_within_pyproject_ranges():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = locked()
    assert "liandan" not in pins
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in requirements.lock"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} is outside {req.specifier}"


def test_ci_installs_from_the_lock():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"pip install .*-[cr] requirements\.lock", ci)
