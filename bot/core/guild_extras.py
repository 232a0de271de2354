"""Per-server extras around the glossary: lookup gaps, YAML export/import and suggestions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml

from bot.core.db import Database
from bot.core.loader import GlossaryError, parse_documents
from bot.core.models import Term
from bot.core.moderation import GuildGlossary, TermError, term_from_input
from bot.core.normalize import normalize

MAX_QUERY = 100


class Gaps:
    """Counts of /define queries that found nothing, per server. Only the normalised query is kept."""

    def __init__(self, db: Database):
        self.db = db

    async def record(self, guild_id: int, query: str) -> None:
        key = normalize(query)[:MAX_QUERY]
        if not key or not guild_id:
            return
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO lookup_misses (guild_id, query) VALUES (?, ?)"
                " ON CONFLICT (guild_id, query) DO UPDATE SET count = count + 1",
                (guild_id, key),
            )

    async def top(self, guild_id: int, limit: int = 15) -> list[tuple[str, int]]:
        rows = await self.db.fetchall(
            "SELECT query, count FROM lookup_misses WHERE guild_id = ? ORDER BY count DESC, query LIMIT ?",
            (guild_id, limit),
        )
        return [(r["query"], r["count"]) for r in rows]


async def export_yaml(guilds: GuildGlossary, guild_id: int) -> str:
    terms = [s.term.to_dict() for s in await guilds.own_terms(guild_id)]
    return yaml.safe_dump(terms, allow_unicode=True, sort_keys=False, width=100)


@dataclass
class ImportPlan:
    added: list[Term] = field(default_factory=list)
    changed: list[Term] = field(default_factory=list)
    unchanged: list[Term] = field(default_factory=list)

    @property
    def writes(self) -> list[Term]:
        return self.added + self.changed


async def plan_import(guilds: GuildGlossary, guild_id: int, filename: str, text: str) -> ImportPlan:
    """Validate an uploaded file (errors name line and field) and diff it against the server's terms."""
    known = frozenset(guilds.glossary.visible_slugs(guild_id))
    try:
        terms = parse_documents([(filename, text)], known_ids=known)
    except GlossaryError as exc:
        raise TermError("mod.import_invalid", problems="\n".join(map(str, exc.problems[:15]))) from None
    current = {s.term.id: s.term for s in await guilds.own_terms(guild_id)}
    plan = ImportPlan()
    for term in terms:
        term.guild_id = guild_id
        before = current.get(term.id)
        if before is None:
            plan.added.append(term)
        elif before.to_dict() == term.to_dict() and before.priority == term.priority:
            plan.unchanged.append(term)
        else:
            plan.changed.append(term)
    return plan


async def apply_import(guilds: GuildGlossary, guild_id: int, plan: ImportPlan, actor_id: int) -> int:
    """Write every added or changed term; names clash-checked like any other write."""
    for term in plan.writes:
        checked = term_from_input(guild_id, term.to_dict())
        guilds._check_shipped_names(guild_id, checked, keep_slug=checked.id)
    await guilds.write_many(guild_id, plan.writes, actor_id, "import")
    return len(plan.writes)


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    guild_id: int
    user_id: int
    payload: dict
    status: str


class Suggestions:
    def __init__(self, db: Database):
        self.db = db

    async def create(self, guild_id: int, user_id: int, raw: dict) -> Suggestion:
        term = term_from_input(guild_id, {**raw, "id": "suggested"})
        payload = term.to_dict()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO suggestions (guild_id, user_id, payload) VALUES (?, ?, ?)",
                (guild_id, user_id, json.dumps(payload, ensure_ascii=False)),
            )
            suggestion_id = cursor.lastrowid
        return Suggestion(suggestion_id, guild_id, user_id, payload, "pending")

    async def get(self, suggestion_id: int) -> Suggestion | None:
        row = await self.db.fetchone("SELECT * FROM suggestions WHERE id = ?", (suggestion_id,))
        if row is None:
            return None
        return Suggestion(row["id"], row["guild_id"], row["user_id"], json.loads(row["payload"]), row["status"])

    async def decide(self, suggestion_id: int, status: str, moderator_id: int) -> bool:
        """Mark a pending suggestion; False if someone already decided it."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE suggestions SET status = ?, decided_by = ? WHERE id = ? AND status = 'pending'",
                (status, moderator_id, suggestion_id),
            )
            return cursor.rowcount == 1
