"""Which servers this process answers for when the bot runs as several shard processes.

Discord sends all of a server's events to shard `(guild_id >> 22) % shard_count`. A process
started with SHARD_COUNT=4 SHARD_IDS=0,1 runs shards 0 and 1; per-server background work (the
term of the day) runs only in the process that owns the server's shard. Ownership is a routing
choice, not the guarantee: the daily claim in the database still decides if two processes were
misconfigured to run the same shard.
"""

from __future__ import annotations

from dataclasses import dataclass


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class ShardPlan:
    count: int | None = None  # None: discord.py decides, one process runs every shard
    ids: tuple[int, ...] | None = None  # None: every shard of `count`

    def owns(self, guild_id: int) -> bool:
        if not self.count or self.ids is None:
            return True
        return shard_of(guild_id, self.count) in self.ids


def parse_shards(count_text: str, ids_text: str) -> ShardPlan:
    """SHARD_COUNT and SHARD_IDS as written in the environment; ValueError with one clear line."""
    if not count_text:
        if ids_text:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards across all processes).")
        return ShardPlan()
    if not count_text.isdigit() or int(count_text) < 1:
        raise ValueError(f"SHARD_COUNT must be a whole number of at least 1, got {count_text!r}.")
    count = int(count_text)
    if not ids_text:
        return ShardPlan(count)
    parts = [p.strip() for p in ids_text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"SHARD_IDS must be shard numbers separated by commas, e.g. 0,1; got {ids_text!r}.")
    ids = tuple(sorted(set(map(int, parts))))
    if ids[-1] >= count:
        raise ValueError(f"SHARD_IDS {ids_text!r} names a shard outside 0…{count - 1} (SHARD_COUNT={count}).")
    return ShardPlan(count, ids)
