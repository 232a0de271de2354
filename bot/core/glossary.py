"""The lookup service: shipped YAML → SQLite → search index → terms, per server."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.core import fulltext, fulltext_backfill, index_snapshot
from bot.core.card import Card, build_card
from bot.core.db import Database, open_database
from bot.core.i18n import ZH
from bot.core.loader import parse_data_files, raw_digest, read_data_files
from bot.core.matcher import Mention, TermMatcher, find_mentions
from bot.core.memory import cycle_collector_paused, release_free_memory
from bot.core.models import SHIPPED, Term
from bot.core.normalize import normalize
from bot.core.search import IndexEntry, SearchIndex
from bot.core.store import StoredTerm, SyncReport, TermStore, stored_raw_digest

log = logging.getLogger(__name__)

CHOICE_PREFIX = "id:"  # autocomplete values name a term exactly, never by a shared alias
CHOICE_NAME_LIMIT = 100
AUTOCOMPLETE_LIMIT = 25
SUGGESTION_LIMIT = 5


@dataclass(frozen=True, slots=True)
class Candidate:
    """A "did you mean" candidate for a lookup that found nothing certain."""

    slug: str
    term: str
    en: str

    @property
    def label(self) -> str:
        return choice_label(self.term, self.en)


@dataclass(frozen=True, slots=True)
class LookupResult:
    status: Literal["found", "suggestions", "not_found"]
    term: StoredTerm | None = None
    suggestions: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    value: str


def choice_label(term: str, en: str) -> str:
    label = term if not en or en == term else f"{term} · {en}"
    return label if len(label) <= CHOICE_NAME_LIMIT else label[: CHOICE_NAME_LIMIT - 1] + "…"


def choice_value(slug: str) -> str:
    return CHOICE_PREFIX + slug


class Glossary:
    def __init__(self, db: Database, store: TermStore, index: SearchIndex):
        self.db = db
        self.store = store
        self.index = index
        self._matchers: dict[int, TermMatcher] = {}  # guild (0: shipped) → its terms' matcher
        self.fulltext: fulltext.FullTextBackend = fulltext.backend_for(db)
        self._backfill: asyncio.Task | None = None
        self._stopping = False

    @classmethod
    async def open(cls, database_path: str | Path, data_dir: str | Path, *,
                   defer_fulltext_from: int = fulltext_backfill.DEFER_FROM) -> tuple[Glossary, SyncReport]:
        """Sync data/ into the database, then index it.

        When data/ is byte-for-byte what the last sync stored, nothing is parsed at all. Otherwise
        it is validated in full before anything is written, so a broken file changes no term.
        A sync adding `defer_fulltext_from` terms or more leaves /search's tables to
        `start_fulltext_backfill` (fulltext_backfill.py).
        """
        files = read_data_files(data_dir)
        digest = raw_digest(files)
        with cycle_collector_paused():
            # Parsed before the database opens: a broken file stops everything before any write.
            terms = None if stored_raw_digest(database_path) == digest else parse_data_files(files)
        del files  # the raw bytes are not needed past here (tens of MB at scale)
        db = await open_database(database_path)
        try:
            store = TermStore(db, defer_fulltext_from=defer_fulltext_from)
            await store.rekey_if_stale()  # before the sync, which writes current keys anyway
            if terms is None:
                report = SyncReport(skipped=True, unchanged=await store.count())
            else:
                with cycle_collector_paused():
                    report = await store.sync_shipped(terms, raw_digest=digest)
            glossary = cls(db, store, SearchIndex())
            if isinstance(glossary.fulltext, fulltext.SqliteFullText):
                glossary.fulltext.unindexed_after = await fulltext_backfill.unindexed_after(db)
            await glossary.rebuild_index()
            await glossary._follow_other_processes()
        except BaseException:
            await db.close()
            raise
        return glossary, report

    async def close(self) -> None:
        self._stopping = True
        if self._backfill is not None:
            await asyncio.wait([self._backfill])  # at most one batch: it checks _stopping between them
        if getattr(self, "_sync", None) is not None:
            await self._sync.stop()
        await self.db.close()

    @property
    def fulltext_pending(self) -> bool:
        """/search's tables still lack terms a large first start left to the backfill."""
        return getattr(self.fulltext, "unindexed_after", None) is not None

    def start_fulltext_backfill(self) -> asyncio.Task | None:
        """Write the /search rows start-up left out, in the background (once; None if none are left)."""
        backend = self.fulltext
        if not isinstance(backend, fulltext.SqliteFullText) or backend.unindexed_after is None:
            return self._backfill
        if self._backfill is None and not self._stopping:
            self._backfill = asyncio.create_task(self._index_fulltext(backend), name="fulltext-backfill")
        return self._backfill

    async def _index_fulltext(self, backend: fulltext.SqliteFullText) -> None:
        """Batch after batch until none is left or the glossary closes (it resumes at the next start)."""
        started = asyncio.get_running_loop().time()
        try:
            while backend.unindexed_after is not None and not self._stopping:
                backend.unindexed_after = await fulltext_backfill.index_batch(self.db, backend.unindexed_after)
        except Exception:  # /search keeps scanning the rest; the next start tries again
            log.exception("writing the /search index failed")
            return
        if backend.unindexed_after is None:
            log.info("/search index complete in %.1f s", asyncio.get_running_loop().time() - started)

    async def _follow_other_processes(self) -> None:
        """On PostgreSQL other bot processes may write too: follow their changes (index_sync.py)."""
        if getattr(self.db, "dialect", "sqlite") == "postgresql":
            from bot.core.index_sync import IndexSync

            self._sync = IndexSync(self, self.db.url)
            await self._sync.start()

    async def rebuild_index(self) -> None:
        """The index as saved at the database's current generation, or built from the database."""
        looked_up = self.index.lookups()  # kept across the rebuild: they come from lookup_counts, not terms
        generation = await self.store.index_generation()
        path = index_snapshot.snapshot_path(getattr(self.db, "path", None))  # SQLite only
        if path is not None and await self.store.count_active() > index_snapshot.MAX_TERMS:
            path = None  # past this size the saved index costs more memory than its speed is worth
        index = index_snapshot.load(path, generation) if path and generation else None
        if index is None:
            index = await self._build_index()
            if path and generation:
                index_snapshot.save(path, generation, index)
        else:
            self.index = index
            self._matchers = {}
            for entry in index.entries():
                self._matcher(entry.guild_id).add(entry.uid)
        self.index = index
        for guild_id, counts in looked_up.items():
            index.set_lookups(guild_id, counts)
        release_free_memory()

    async def _build_index(self) -> SearchIndex:
        """The index from the database: terms, then what each server has hidden."""
        index = SearchIndex(expected_terms=await self.store.count_active())
        self._matchers = {}
        with index.bulk_load():
            async for entry, keys in self.store.index_rows():
                index.add(entry, keys)
                self._matcher(entry.guild_id).add(entry.uid)
        for guild_id, slug in await self.store.hidden():
            index.hide(guild_id, slug)
        return index

    def _matcher(self, guild_id: int) -> TermMatcher:
        matcher = self._matchers.get(guild_id)
        if matcher is None:
            matcher = self._matchers[guild_id] = TermMatcher(lambda uid: self.index.names_of(uid))
        return matcher

    # --- keeping the index and matchers in step with writes (used by moderation) ---
    def upsert(self, stored: StoredTerm) -> None:
        self.index.add(stored.index_entry(), stored.keys)
        self._matcher(stored.term.guild_id).add(stored.uid)

    def drop(self, stored: StoredTerm) -> None:
        self.index.remove(stored.uid)
        self._matcher(stored.term.guild_id).discard(stored.uid)

    def forget_guild(self, guild_id: int, uids: list[int], hidden: list[str]) -> None:
        """A purged server (privacy.py): its terms leave the index and matcher, its hidden shipped terms return."""
        for uid in uids:
            self.index.remove(uid)
        for slug in hidden:
            self.index.unhide(guild_id, slug)
        self.index.set_lookups(guild_id, {})
        self._matchers.pop(guild_id, None)

    def forget(self, uid: int) -> None:
        """Drop a term known only by uid (removed, or written elsewhere and gone)."""
        entry = self.index.get(uid)
        if entry is not None:
            self.index.remove(uid)
            self._matcher(entry.guild_id).discard(uid)

    async def search_text(self, query: str, guild_id: int = SHIPPED) -> list[IndexEntry]:
        """/search: terms whose name, aliases, summary, definition or example contain the query."""
        uids = await fulltext.search(self.fulltext, query, guild_id, lambda q: self._name_hits(q, guild_id))
        return self.index.visible_entries(uids, guild_id)

    def _name_hits(self, query: str, guild_id: int) -> list[int]:
        """Terms whose name or alias contains the query: exact name first, as search ranks them."""
        return [entry.uid for entry in self.index.containing(query, guild_id=guild_id, limit=AUTOCOMPLETE_LIMIT)]

    async def summaries(self, uids: list[int]) -> dict[int, str]:
        return await self.store.summaries(uids)

    def _visible_entry(self, uid: int, guild_id: int) -> IndexEntry | None:
        entry = self.index.get(uid)
        return entry if entry is not None and self.index.visible_uid(entry.slug, guild_id) == uid else None

    async def category_counts(self, guild_id: int = SHIPPED) -> Counter[str]:
        rows = await self.store.catalogue(guild_id)
        return Counter(category for uid, category, _ in rows if self._visible_entry(uid, guild_id))

    async def browse(self, guild_id: int, category: str, order: str = "name",
                     lookups: Mapping[str, int] | None = None) -> list[IndexEntry]:
        """A category's terms this server can see: by name, newest first, or "popular": most looked
        up in this server first (`lookups`: slug → count), then by priority and name."""
        rows = await self.store.catalogue(guild_id, category)
        found = [(entry, created) for uid, _, created in rows if (entry := self._visible_entry(uid, guild_id))]
        found.sort(key=lambda pair: (normalize(pair[0].term), pair[0].uid))
        if order == "newest":
            found.sort(key=lambda pair: (pair[1], pair[0].uid), reverse=True)
        elif order == "popular":
            counts = lookups or {}
            found.sort(key=lambda pair: (-counts.get(pair[0].slug, 0), -pair[0].priority))  # stable: then name
        return [entry for entry, _ in found]

    def _mention_matchers(self, guild_id: int) -> list[TermMatcher]:
        return [self._matcher(SHIPPED)] + ([self._matcher(guild_id)] if guild_id != SHIPPED else [])

    async def prepare_mentions(self, guild_id: int = SHIPPED) -> None:
        """Build what `mentions` needs here without stalling the event loop (after a write, or at first use)."""
        for matcher in self._mention_matchers(guild_id):
            await matcher.prepare()

    def mentions(self, text: str, guild_id: int = SHIPPED) -> list[tuple[Mention, IndexEntry]]:
        """Every term visible in this server that the text mentions, in order of appearance."""
        matchers = self._mention_matchers(guild_id)
        found = find_mentions(text, matchers, lambda uid: bool(self._visible_entry(uid, guild_id)))
        return [(m, entry) for m in found if (entry := self.index.get(m.uid)) is not None]

    # --- reads: what a server can see is the index's to say ---
    def visible_uid(self, slug: str, guild_id: int) -> int | None:
        return self.index.visible_uid(slug, guild_id)

    def visible_slugs(self, guild_id: int) -> set[str]:
        return self.index.visible_slugs(guild_id)

    def pool_version(self, guild_id: int) -> tuple[int, int, int]:
        """Changes whenever visible_slugs(guild_id) may have changed."""
        return self.index.pool_version(guild_id)

    async def by_slug(self, slug: str, guild_id: int) -> StoredTerm | None:
        uid = self.visible_uid(slug, guild_id)
        return await self.store.get(uid) if uid is not None else None

    async def define(self, query: str, guild_id: int = SHIPPED) -> LookupResult:
        query = query.strip()
        if query.startswith(CHOICE_PREFIX):
            picked = await self.by_slug(query[len(CHOICE_PREFIX):], guild_id)
            if picked is not None:
                return LookupResult("found", picked)
            query = query[len(CHOICE_PREFIX):]
        if not query:
            return LookupResult("not_found")
        resolution = self.index.resolve(query, guild_id=guild_id)
        if resolution.status == "found" and resolution.hit is not None:
            stored = await self.store.get(resolution.hit.entry.uid)
            if stored is not None:
                return LookupResult("found", stored)
        suggestions = [
            Candidate(h.entry.slug, h.entry.term, h.entry.en)
            for h in resolution.suggestions[:SUGGESTION_LIMIT]
        ]
        return LookupResult("suggestions" if suggestions else "not_found", None, suggestions)

    def complete(self, query: str, guild_id: int = SHIPPED) -> list[Choice]:
        """Autocomplete: synchronous and index-only, since it runs on every keystroke."""
        query = query.strip()
        if query.startswith(CHOICE_PREFIX):
            query = query[len(CHOICE_PREFIX):]
        if query:
            entries: list[IndexEntry] = [
                h.entry for h in self.index.search(query, guild_id=guild_id, limit=AUTOCOMPLETE_LIMIT)
            ]
        else:
            entries = self.index.popular(guild_id=guild_id, limit=AUTOCOMPLETE_LIMIT)
        seen: set[str] = set()
        choices = []
        for entry in entries:
            if entry.slug in seen:
                continue
            seen.add(entry.slug)
            choices.append(Choice(choice_label(entry.term, entry.en), choice_value(entry.slug)))
        return choices[:AUTOCOMPLETE_LIMIT]

    async def related_names(self, term: Term, guild_id: int) -> list[tuple[str, str]]:
        """(slug, display name) of the related terms visible in this server."""
        out = []
        for slug in term.related:
            uid = self.visible_uid(slug, guild_id)
            entry = self.index.get(uid) if uid is not None else None
            if entry is not None:
                out.append((slug, entry.term))
        return out

    async def card(self, stored: StoredTerm, guild_id: int, *, lang: str = ZH, header: str = "") -> Card:
        related = [name for _, name in await self.related_names(stored.term, guild_id)]
        return build_card(stored.term, lang=lang, related_names=related, header=header)
