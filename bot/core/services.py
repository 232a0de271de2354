"""Every service the features share, built once per process and kept on the bot.

Cogs reach a service through `bot.services`, never through another cog.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.counters import BatchedWriter
from bot.core.daily_store import DailyStore
from bot.core.gaps import Gaps
from bot.core.glossary import Glossary
from bot.core.guild_settings import GuildSettingsStore
from bot.core.moderation import GuildGlossary
from bot.core.privacy import Privacy
from bot.core.proposals import Proposals
from bot.core.reports import Reports
from bot.core.stats import LookupStats


@dataclass(frozen=True, slots=True)
class Services:
    glossary: Glossary  # lookups, cards, the search index (and what each server can see)
    terms: GuildGlossary  # servers' own terms: writes, history, restore
    gaps: Gaps  # lookups that found nothing, counted in batches
    proposals: Proposals  # members' /suggestterm proposals
    settings: GuildSettingsStore  # per-server settings
    daily: DailyStore  # term-of-the-day schedule and ledger
    privacy: Privacy  # forgetting a server: 30 days after the bot leaves, or on request
    reports: Reports  # readers' 报错 reports of a wrong card
    counts: BatchedWriter  # everything counted on the lookup path, written in batches
    stats: LookupStats  # lookups per term and per day in each server: /glossary stats, popularity

    @classmethod
    def create(cls, glossary: Glossary) -> Services:
        db = glossary.db
        counts = BatchedWriter(db)
        gaps = Gaps(db, counts)
        return cls(
            glossary=glossary,
            terms=GuildGlossary(glossary),
            gaps=gaps,
            proposals=Proposals(db),
            settings=GuildSettingsStore(db),
            daily=DailyStore(db),
            privacy=Privacy(glossary, gaps),
            reports=Reports(db),
            counts=counts,
            stats=LookupStats(glossary, counts, gaps),
        )

    async def start(self) -> None:
        """Rank each server's empty autocomplete box by its lookups so far, then start writing counts."""
        await self.stats.load()
        self.counts.start()

    async def close(self) -> None:
        """Write what is still pending, then close the database."""
        await self.counts.stop()
        await self.glossary.close()
