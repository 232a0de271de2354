"""A server's own glossary: add, edit, remove, restore, history and revert.

Every write is one transaction. A server's names live in `term_names`, whose primary key
(guild, normalised name) makes concurrent adds of one name end with exactly one winner.
Shipped terms are never written: editing one creates the server's override (same slug),
removing one hides it for that server only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.core.glossary import Glossary
from bot.core.loader import validate_fields
from bot.core.models import SHIPPED, Term
from bot.core.normalize import normalize
from bot.core.pinyin import lazy_pinyin
from bot.core.store import TERM_COLUMNS, StoredTerm, row_to_stored, term_values

_SLUG_CHARS = re.compile(r"[^a-z0-9]+")


class TermError(Exception):
    """A user-facing refusal; `key` and `values` select the translated message."""

    def __init__(self, key: str, **values: Any):
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class Revision:
    id: int
    slug: str
    action: str
    actor_id: int
    snapshot: dict | None
    created_at: str


def server_source(guild_id: int) -> str:
    return f"server:{guild_id}"


def term_from_input(guild_id: int, raw: dict) -> Term:
    """Validate user input with the same schema as data/; raise TermError listing the problems."""
    raw = {k: v for k, v in raw.items() if v not in (None, "")}
    raw.setdefault("sources", [server_source(guild_id)])
    problems: list[str] = []
    term = validate_fields(raw, lambda field, message: problems.append(f"{field}: {message}"))
    if term is None:
        raise TermError("mod.invalid", problems="\n".join(problems))
    term.guild_id = guild_id
    return term


def slug_base(name: str) -> str:
    ascii_form = "-".join(lazy_pinyin(normalize(name)))
    return _SLUG_CHARS.sub("-", ascii_form.lower()).strip("-")[:40] or "term"


class GuildGlossary:
    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self.db = glossary.db
        self.store = glossary.store

    # --- reads -----------------------------------------------------------------------
    async def own_row(self, guild_id: int, slug: str) -> StoredTerm | None:
        row = await self.db.fetchone(
            f"SELECT {TERM_COLUMNS} FROM terms WHERE guild_id = ? AND slug = ?", (guild_id, slug)
        )
        return row_to_stored(row) if row else None

    async def own_terms(self, guild_id: int) -> list[StoredTerm]:
        rows = await self.db.fetchall(
            f"SELECT {TERM_COLUMNS} FROM terms WHERE guild_id = ? AND deleted_at IS NULL ORDER BY slug", (guild_id,)
        )
        return [row_to_stored(r) for r in rows]

    async def restorable(self, guild_id: int) -> list[tuple[str, str]]:
        """(slug, name) that /restoreterm can bring back: removed own terms, hidden shipped terms,
        and shipped terms this server overrides (restoring gives back the original). One query."""
        rows = await self.db.fetchall(
            "SELECT slug, term FROM terms WHERE guild_id = :g AND deleted_at IS NOT NULL"
            " UNION SELECT h.slug, t.term FROM hidden_terms h JOIN terms t ON t.guild_id = 0 AND t.slug = h.slug"
            "  WHERE h.guild_id = :g"
            " UNION SELECT o.slug, o.term FROM terms o JOIN terms s ON s.guild_id = 0 AND s.slug = o.slug"
            "  WHERE o.guild_id = :g AND o.deleted_at IS NULL"
            " ORDER BY term",
            {"g": guild_id},
        )
        return [(r["slug"], r["term"]) for r in rows]

    async def shipped_update(self, guild_id: int, slug: str) -> str | None:
        """When the built-in original of a term this server overrides changed after the server's
        last edit, the time of that change (so moderators see what moved under them)."""
        row = await self.db.fetchone(
            "SELECT s.updated_at FROM terms s JOIN terms o ON o.guild_id = ? AND o.slug = s.slug"
            " WHERE s.guild_id = 0 AND s.slug = ? AND o.deleted_at IS NULL AND s.updated_at > o.updated_at",
            (guild_id, slug),
        )
        return row["updated_at"] if row else None

    async def history(self, guild_id: int, slug: str) -> list[Revision]:
        rows = await self.db.fetchall(
            "SELECT * FROM term_revisions WHERE guild_id = ? AND slug = ? ORDER BY id DESC", (guild_id, slug)
        )
        return [Revision(r["id"], r["slug"], r["action"], r["actor_id"],
                         json.loads(r["snapshot"]) if r["snapshot"] else None, r["created_at"]) for r in rows]

    # --- writes ----------------------------------------------------------------------
    async def add(self, guild_id: int, raw: dict, actor_id: int, *, action: str = "create") -> StoredTerm:
        term = term_from_input(guild_id, {**raw, "id": "new"})
        term.id = await self._free_slug(guild_id, term.term)
        # A new term must be a new row: two moderators adding one name get one row, not one overwrite.
        return (await self.write_many(guild_id, [term], actor_id, action, new_rows=True, check_names=True))[0]

    async def edit(self, guild_id: int, slug: str, values: dict, actor_id: int, *, action: str = "edit") -> StoredTerm:
        """Apply the term form's values. Editing a shipped term makes this server's own version of it,
        which keeps the original's links and sources and adds this server as a source."""
        current = await self.glossary.by_slug(slug, guild_id)
        if current is None:
            raise TermError("mod.not_found", name=slug)
        before = current.term
        sources = before.sources if before.guild_id == guild_id else [*before.sources, server_source(guild_id)]
        merged = {**before.to_dict(), **values, "id": slug, "related": before.related, "sources": sources[-5:]}
        return await self._write(guild_id, term_from_input(guild_id, merged), actor_id, action)

    async def remove(self, guild_id: int, slug: str, actor_id: int) -> str:
        """Soft-delete the server's version and hide a shipped one; returns the removed name."""
        own = await self.own_row(guild_id, slug)
        shipped = await self.own_row(SHIPPED, slug)
        if (own is None or own.deleted) and (shipped is None or not self._visible_shipped(guild_id, slug)):
            raise TermError("mod.not_found", name=slug)
        name = (own.term.term if own and not own.deleted else shipped.term.term)  # type: ignore[union-attr]
        async with self.db.transaction() as conn:
            if own is not None and not own.deleted:
                await conn.execute(f"UPDATE terms SET deleted_at = {self.db.NOW} WHERE uid = ?",
                                   (own.uid,))
                await conn.execute("DELETE FROM term_names WHERE uid = ?", (own.uid,))
            if shipped is not None:
                await conn.execute("INSERT INTO hidden_terms (guild_id, slug) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                   (guild_id, slug))
            await self._revision(conn, guild_id, slug, "remove", actor_id, None)
        if own is not None and not own.deleted:
            self.glossary.drop(own)
        if shipped is not None:
            self.glossary.index.hide(guild_id, slug)
        return name

    async def restore(self, guild_id: int, slug: str, actor_id: int) -> StoredTerm:
        """Bring a term back: the shipped original if the server had hidden or overridden it,
        otherwise the server's own removed term."""
        own = await self.own_row(guild_id, slug)
        shipped = await self.own_row(SHIPPED, slug)
        hidden = await self.db.fetchone("SELECT 1 FROM hidden_terms WHERE guild_id = ? AND slug = ?", (guild_id, slug))
        if shipped is not None and (hidden or (own is not None and not own.deleted)):
            async with self.db.transaction() as conn:
                await conn.execute("DELETE FROM hidden_terms WHERE guild_id = ? AND slug = ?", (guild_id, slug))
                if own is not None and not own.deleted:
                    await conn.execute(
                        f"UPDATE terms SET deleted_at = {self.db.NOW} WHERE uid = ?", (own.uid,)
                    )
                    await conn.execute("DELETE FROM term_names WHERE uid = ?", (own.uid,))
                await self._revision(conn, guild_id, slug, "restore", actor_id, shipped.term.to_dict())
            if own is not None and not own.deleted:
                self.glossary.drop(own)
            self.glossary.index.unhide(guild_id, slug)
            return shipped
        if own is not None and own.deleted:
            return await self._write(guild_id, own.term, actor_id, "restore")
        raise TermError("mod.nothing_to_restore", name=slug)

    async def revert(self, guild_id: int, revision_id: int, actor_id: int) -> StoredTerm | None:
        row = await self.db.fetchone(
            "SELECT * FROM term_revisions WHERE id = ? AND guild_id = ?", (revision_id, guild_id)
        )
        if row is None:
            raise TermError("mod.no_revision")
        if row["snapshot"] is None:
            await self.remove(guild_id, row["slug"], actor_id)
            return None
        snapshot = json.loads(row["snapshot"])
        return await self._write(guild_id, term_from_input(guild_id, snapshot), actor_id, "revert")

    # --- the one write path ------------------------------------------------------------
    async def _write(self, guild_id: int, term: Term, actor_id: int, action: str) -> StoredTerm:
        return (await self.write_many(guild_id, [term], actor_id, action, check_names=True))[0]

    async def write_many(
        self, guild_id: int, terms: list[Term], actor_id: int, action: str, *,
        new_rows: bool = False, check_names: bool = False,
    ) -> list[StoredTerm]:
        """Insert or update the server's rows, their names and revisions, all in one transaction.

        check_names: refuse names of visible shipped terms (the server's own names are the database's job).
        """
        if check_names:
            for term in terms:
                await self.check_shipped_names(guild_id, term)
        uids = []
        try:
            async with self.db.transaction() as conn:
                for term in terms:
                    uid = await self._upsert_row(conn, term_values(term), self.db.NOW, insert_only=new_rows)
                    await conn.execute("DELETE FROM term_names WHERE uid = ?", (uid,))
                    for norm in dict.fromkeys(k for k in (normalize(n) for n in term.names) if k):
                        await conn.execute("INSERT INTO term_names (guild_id, norm, uid) VALUES (?, ?, ?)",
                                           (guild_id, norm, uid))
                    await conn.execute("DELETE FROM hidden_terms WHERE guild_id = ? AND slug = ?", (guild_id, term.id))
                    await self._revision(conn, guild_id, term.id, action, actor_id, term.to_dict())
                    uids.append(uid)
        except self.db.IntegrityError:
            raise await self._name_taken(guild_id, terms) from None
        written = []
        for term, uid in zip(terms, uids, strict=True):
            stored = await self.store.get(uid)
            assert stored is not None
            self.glossary.index.unhide(guild_id, term.id)
            self.glossary.upsert(stored)
            written.append(stored)
        return written

    @staticmethod
    async def _upsert_row(conn, values: dict, now: str, *, insert_only: bool = False) -> int:
        on_conflict = "" if insert_only else (
            " ON CONFLICT (guild_id, slug) DO UPDATE SET "
            + ", ".join(f"{k} = excluded.{k}" for k in values if k not in ("guild_id", "slug"))
            + f", deleted_at = NULL, updated_at = {now}"
        )
        cursor = await conn.execute(
            f"INSERT INTO terms ({', '.join(values)}) VALUES ({', '.join(':' + k for k in values)})"
            f"{on_conflict} RETURNING uid",
            values,
        )
        row = await cursor.fetchone()
        return int(row[0])

    @staticmethod
    async def _revision(conn, guild_id: int, slug: str, action: str, actor_id: int, snapshot: dict | None) -> None:
        await conn.execute(
            "INSERT INTO term_revisions (guild_id, slug, action, actor_id, snapshot) VALUES (?, ?, ?, ?, ?)",
            (guild_id, slug, action, actor_id, json.dumps(snapshot, ensure_ascii=False) if snapshot else None),
        )

    async def _name_taken(self, guild_id: int, terms: list[Term]) -> TermError:
        for term, name in ((t, n) for t in terms for n in t.names):
            row = await self.db.fetchone(
                "SELECT t.term, t.slug FROM term_names n JOIN terms t ON t.uid = n.uid"
                " WHERE n.guild_id = ? AND n.norm = ?",
                (guild_id, normalize(name)),
            )
            if row is not None and row["slug"] != term.id:
                return TermError("mod.name_taken", name=name, owner=row["term"])
        # Two terms in one batch share a name (an import file that repeats itself).
        return TermError("mod.name_taken", name=terms[-1].term, owner=terms[0].term)

    async def check_shipped_names(self, guild_id: int, term: Term) -> None:
        """Refuse a name that a visible shipped term owns. A name this server's version of the term
        already had stays allowed, so a shipped update that adopts it never locks the server out."""
        own = await self.own_row(guild_id, term.id)
        kept = {normalize(n) for n in own.term.names} if own is not None and not own.deleted else set()
        for name in term.names:
            if normalize(name) in kept:
                continue
            for owner in self.glossary.index.exact_owners(name, guild_id=guild_id):
                if owner.guild_id == SHIPPED and owner.slug != term.id:
                    raise TermError("mod.name_taken", name=name, owner=owner.term)

    def _visible_shipped(self, guild_id: int, slug: str) -> bool:
        return self.glossary.visible_uid(slug, guild_id) is not None

    async def _free_slug(self, guild_id: int, name: str) -> str:
        base = slug_base(name)
        taken = {r["slug"] for r in await self.db.fetchall(
            "SELECT slug FROM terms WHERE guild_id IN (?, ?) AND slug LIKE ?", (guild_id, SHIPPED, base + "%")
        )}
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug
