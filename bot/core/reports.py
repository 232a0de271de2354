"""Readers' reports that a card is wrong (the 报错 button under every card).

Reports on a server's own terms go to that server's moderators; reports on built-in terms are
kept for the glossary's maintainers, who read them with `python -m bot reports`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.db import Database
from bot.core.normalize import strip_hidden
from bot.core.text import clip

MAX_NOTE = 500


@dataclass(frozen=True, slots=True)
class ShippedReport:
    slug: str
    count: int
    notes: list[str]


class Reports:
    def __init__(self, db: Database):
        self.db = db

    async def add(self, guild_id: int, user_id: int, slug: str, *, shipped: bool, note: str, now: datetime) -> bool:
        """Record a report; False if this person already reported this term today (nothing changes)."""
        text = clip(strip_hidden(note).strip(), MAX_NOTE)
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO term_reports (guild_id, slug, shipped, user_id, day, note) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (guild_id, user_id, slug, day) DO NOTHING",
                (guild_id, slug, int(shipped), user_id, now.date().isoformat(), text),
            )
            return cursor.rowcount == 1

    async def shipped(self, limit_notes: int = 5) -> list[ShippedReport]:
        """Reports on built-in terms, most reported first, each with its latest notes."""
        rows = await self.db.fetchall(
            "SELECT slug, note FROM term_reports WHERE shipped = 1 ORDER BY slug, created_at DESC"
        )
        grouped: dict[str, list[str]] = {}
        for row in rows:
            grouped.setdefault(row["slug"], []).append(row["note"])
        reports = [ShippedReport(slug, len(notes), notes[:limit_notes]) for slug, notes in grouped.items()]
        return sorted(reports, key=lambda r: (-r.count, r.slug))
