"""A rate limiter for bulk sends: evenly spaced starts, and never more than the receiver allows
in any window, whatever happens to requests on the way.

Discord allows a bot 50 requests per second across all routes; bulk sends (the daily posts) go
through one of these. Two rules, both needed:

- Starts are spaced `per / rate` apart and at most `rate` start in any window of `per` (a
  sliding window of the last `rate` starts): the steady pace, with room under the receiver's
  limit for the bot's other requests.
- A request counts against a `ceiling` from its start until `per` after its response. A request
  reaches the receiver after it starts and before its response comes back, so however delays on
  the way (a busy event loop at either end, the network) bunch requests together, no window of
  `per` at the receiver can see more than `ceiling` of them. Proof: take the last-started request
  of those that arrive in a window [x, x + per); each of the others started before it and was
  answered at or after x, later than its start minus `per`, so it was still counted when it
  started. Slow responses therefore slow the sends down rather than let them pile up.

The clock and sleep are injectable, so tests count starts and arrivals on simulated time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable

CATCH_UP = 2


class SlidingWindowLimiter:
    def __init__(self, rate: int, per: float = 1.0, *, ceiling: int | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        if rate < 1 or per <= 0:
            raise ValueError("rate must be at least 1 and per positive")
        self.rate, self.per = rate, per
        self.ceiling = max(ceiling or rate, rate)
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()  # the last `rate` starts
        self._next = float("-inf")  # the earliest the next start may be, for even spacing
        self._lock = asyncio.Lock()
        self._in_flight = 0  # slots started and not yet ended
        self._ended: deque[float] = deque()  # when slots ended, for `per` after each
        self._an_end = asyncio.Event()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Make one request inside this: it waits its turn, and counts until `per` after it ends."""
        await self.acquire()
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
            self._ended.append(self._clock())
            self._an_end.set()

    async def acquire(self) -> None:
        """Wait for this caller's turn; callers go first come, first served.

        On its own this spaces starts; a request made in `slot()` is also held to the ceiling."""
        async with self._lock:
            await self._wait_under_ceiling()
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
            # up, but by at most CATCH_UP slots at once: the caps above hold either way.
            interval = self.per / self.rate
            self._next = max(planned + interval, at - CATCH_UP * interval)

    async def _wait_under_ceiling(self) -> None:
        """Until fewer than `ceiling` slots are in flight or ended within the last `per`. Room found
        here stays while this caller sleeps for its spacing: it holds the lock, so nothing starts,
        and an ending slot only moves from in flight to ended."""
        while True:
            now = self._clock()
            ended = self._ended
            while ended and ended[0] <= now - self.per:
                ended.popleft()
            if self._in_flight + len(ended) < self.ceiling:
                return
            if ended:
                await self._sleep(ended[0] + self.per - now)
                ended.popleft()  # gone from the window now, even if the timer woke a hair early
            else:  # every counted slot is still in flight: wait for one to end
                self._an_end.clear()
                await self._an_end.wait()
