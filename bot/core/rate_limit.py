"""A sliding-window rate limiter: never more than `rate` starts in any window of `per` seconds.

Discord allows a bot 50 requests per second across all routes; bulk sends (the daily posts) go
through one of these so they stay under it with room for everything else the bot does.
The clock and sleep are injectable, so tests count starts per window on simulated time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class SlidingWindowLimiter:
    def __init__(self, rate: int, per: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        if rate < 1 or per <= 0:
            raise ValueError("rate must be at least 1 and per positive")
        self.rate, self.per = rate, per
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more start keeps every window of `per` seconds at `rate` or fewer."""
        async with self._lock:  # first come, first served; one waiter computes at a time
            now = self._clock()
            starts = self._starts
            while starts and starts[0] + self.per <= now:
                starts.popleft()
            if len(starts) < self.rate:
                starts.append(now)
                return
            free_at = starts[0] + self.per  # when the oldest start leaves the window
            await self._sleep(free_at - now)
            starts.popleft()
            starts.append(max(self._clock(), free_at))  # a timer waking a hair early still counts as free_at
