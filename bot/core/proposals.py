"""Members' proposals of new terms (/suggestterm), reviewed by moderators."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.card import Card, build_card
from bot.core.db import Database
from bot.core.i18n import ZH
from bot.core.models import Category, Term
from bot.core.moderation import term_from_input


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    guild_id: int
    user_id: int
    payload: dict  # the proposed term, data/ schema
    status: str

    def term(self) -> Term:
        return Term(**{**self.payload, "category": Category(self.payload["category"]), "guild_id": self.guild_id})

    def preview(self, lang: str = ZH) -> Card:
        return build_card(self.term(), lang=lang)


class Proposals:
    def __init__(self, db: Database):
        self.db = db

    async def create(self, guild_id: int, user_id: int, raw: dict) -> Proposal:
        term = term_from_input(guild_id, {**raw, "id": "suggested"})
        payload = term.to_dict()
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO suggestions (guild_id, user_id, payload) VALUES (?, ?, ?) RETURNING id",
                (guild_id, user_id, json.dumps(payload, ensure_ascii=False)),
            )
            proposal_id = (await cursor.fetchone())[0]
        return Proposal(proposal_id, guild_id, user_id, payload, "pending")

    async def get(self, proposal_id: int) -> Proposal | None:
        row = await self.db.fetchone("SELECT * FROM suggestions WHERE id = ?", (proposal_id,))
        if row is None:
            return None
        return Proposal(row["id"], row["guild_id"], row["user_id"], json.loads(row["payload"]), row["status"])

    async def decide(self, proposal_id: int, status: str, moderator_id: int) -> bool:
        """Mark a pending proposal; False if someone already decided it."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE suggestions SET status = ?, decided_by = ? WHERE id = ? AND status = 'pending'",
                (status, moderator_id, proposal_id),
            )
            return cursor.rowcount == 1
