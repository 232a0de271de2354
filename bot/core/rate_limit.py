"""A rate limiter for bulk sends: evenly spaced starts, and never more than `rate` in any window.

Discord allows a bot 50 requests per second across all routes; bulk sends (the daily posts) go
through one of these so they stay under it with room for everything else the bot does. Starts
are spaced `per / rate` apart rather than let through in bursts, so jitter on the way to Discord
can't bunch a whole window's requests into the next one; a sliding window of the last `rate`
starts is the hard cap on top. The clock and sleep are injectable, so tests count starts per
window on simulated time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

CATCH_UP = 2


class SlidingWindowLimiter:
    def __init__(self, rate: int, per: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        if rate < 1 or per <= 0:
            raise ValueError("rate must be at least 1 and per positive")
        self.rate, self.per = rate, per
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()  # the last `rate` starts
        self._next = float("-inf")  # the earliest the next start may be, for even spacing
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for this caller's turn; callers go first come, first served."""
        async with self._lock:
            now = self._clock()
            starts = self._starts
            free_at = starts[0] + self.per if len(starts) >= self.rate else now
            planned = max(now, self._next, free_at)
            at = planned
            if planned > now:
                await self._sleep(planned - now)
                at = max(self._clock(), planned)  # a timer waking a hair early still counts as planned
            if len(starts) >= self.rate:
                starts.popleft()
            starts.append(at)
            # The next slot follows the planned one, so a late wake-up (a busy event loop) is made
            # up, but by at most CATCH_UP slots at once: the cap above holds either way.
            interval = self.per / self.rate
            self._next = max(planned + interval, at - CATCH_UP * interval)
