"""A server's terms as YAML: export, and import as a validated dry run before any write."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import yaml

from bot.core.loader import GlossaryError, parse_documents
from bot.core.models import Term
from bot.core.moderation import GuildGlossary, TermError


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
        # Off the event loop: the guarded loader and the upload cap keep the worst case small.
        terms = await asyncio.to_thread(parse_documents, [(filename, text)], known_ids=known)
    except GlossaryError as exc:
        raise TermError("mod.import_invalid", problems="\n".join(map(str, exc.problems[:15]))) from None
    current = {s.term.id: s.term for s in await guilds.own_terms(guild_id)}
    plan = ImportPlan()
    for term in terms:
        term.guild_id = guild_id
        await guilds.check_shipped_names(guild_id, term)  # a clash is refused in the dry run, not at confirm
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
    await guilds.write_many(guild_id, plan.writes, actor_id, "import", check_names=True)
    return len(plan.writes)
