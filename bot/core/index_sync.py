"""Keep this process's search index in step with writes made by other processes (PostgreSQL).

Triggers (migrations_postgres/0799_change_feed.sql) announce each committed change to `terms` and
`hidden_terms` on the channel `liandan_changes`, as ids only. One dedicated connection listens (a
pooled connection stops listening once released); each announcement re-reads that one term, so the
index always ends at what the database holds, whatever order announcements come in. Announcements
made while the listening connection is down are lost, so after reconnecting (and listening again)
the whole index is rebuilt from the tables.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

log = logging.getLogger(__name__)
CHANNEL = "liandan_changes"
RECONNECT_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)
_CHECK_EVERY = 0.5  # seconds between checks that the listening connection is alive


class IndexSync:
    def __init__(self, glossary, url: str):
        self.glossary = glossary
        self.url = url
        self.resyncs = 0  # full rebuilds after a lost connection (for logs and tests)
        self._conn: asyncpg.Connection | None = None
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self._listen()
        self._task = asyncio.create_task(self._run(), name="liandan-index-sync")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=5)  # never wait forever on a listener that won't stop
            self._task = None
        if self._conn is not None and not self._conn.is_closed():
            try:
                await asyncio.wait_for(self._conn.close(), 5)
            except TimeoutError:
                self._conn.terminate()
        self._conn = None

    @property
    def listener_pid(self) -> int | None:
        return self._conn.get_server_pid() if self._conn is not None else None

    async def _listen(self) -> None:
        conn = await asyncpg.connect(self.url, server_settings={"application_name": "liandan-index-sync"})
        await conn.add_listener(CHANNEL, self._on_notify)
        self._conn = conn

    def _on_notify(self, conn, pid: int, channel: str, payload: str) -> None:
        self._queue.put_nowait(payload)

    async def _run(self) -> None:
        while True:
            try:
                payload = await asyncio.wait_for(self._queue.get(), timeout=_CHECK_EVERY)
            except TimeoutError:
                if self._conn is None or self._conn.is_closed():
                    await self._reconnect()
                continue
            try:
                await self.apply(payload)
            except Exception:
                log.exception("could not apply change %r; rebuilding the index", payload)
                await self._resync()

    async def _reconnect(self) -> None:
        log.warning("lost the connection that listens for other processes' writes; reconnecting")
        for attempt in range(10_000):
            try:
                await self._listen()
                break
            except (OSError, asyncpg.PostgresError) as exc:
                delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
                log.warning("index sync: reconnect failed (%s); next try in %.1f s", exc, delay)
                await asyncio.sleep(delay)
        await self._resync()

    async def _resync(self) -> None:
        """Everything announced while nobody listened is lost: rebuild from the tables."""
        while not self._queue.empty():
            self._queue.get_nowait()
        await self.glossary.rebuild_index()
        self.resyncs += 1
        log.info("search index rebuilt from the database (resync %d)", self.resyncs)

    async def apply(self, payload: str) -> None:
        kind, _, rest = payload.partition(":")
        if kind == "t":
            uid = int(rest.split(":")[0])
            stored = await self.glossary.store.get(uid)
            if stored is not None and not stored.deleted:
                self.glossary.upsert(stored)
            else:
                self.glossary.forget(uid)
        elif kind == "h":
            op, guild, slug = rest.split(":", 2)
            if op == "+":
                self.glossary.index.hide(int(guild), slug)
            else:
                self.glossary.index.unhide(int(guild), slug)
