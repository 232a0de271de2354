"""compose.yaml, read statically (CI has no Docker engine): PostgreSQL and two shard processes."""

import re
from pathlib import Path

import yaml

from bot.core.shards import parse_shards

REPO = Path(__file__).resolve().parent.parent


def compose() -> dict:
    # The file uses a YAML merge key (<<: *shard); SafeLoader resolves it.
    return yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))


def shards() -> dict[str, dict]:
    return {name: s for name, s in compose()["services"].items() if "SHARD_IDS" in s.get("environment", {})}


def test_postgres_keeps_its_data_on_a_volume_is_health_checked_and_utf8():
    pg = compose()["services"]["postgres"]
    assert any(v.endswith(":/var/lib/postgresql/data") and not v.startswith(("/", ".")) for v in pg["volumes"])
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert "UTF8" in pg["environment"]["POSTGRES_INITDB_ARGS"] and "UTF-8" in pg["environment"]["POSTGRES_INITDB_ARGS"]


def test_shard_processes_cover_every_shard_once_and_wait_for_a_healthy_database():
    found = shards()
    assert len(found) == 2
    ids = []
    for service in found.values():
        env = service["environment"]
        plan = parse_shards(env["SHARD_COUNT"].replace("${SHARD_COUNT:-2}", "2"), env["SHARD_IDS"])
        ids += plan.ids
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["healthcheck"]["test"] == ["CMD", "python", "-m", "bot", "health"]
        assert service["env_file"] == ".env"
    assert sorted(ids) == [0, 1]


def test_no_secret_is_written_in_the_file():
    text = (REPO / "compose.yaml").read_text(encoding="utf-8")
    assert not re.search(r"DISCORD_TOKEN\s*[:=]", text)  # it comes from .env
    for url in re.findall(r"postgresql://[^\s\"']+", text):
        assert ":${POSTGRES_PASSWORD}@" in url
    assert compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
