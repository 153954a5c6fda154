"""Sliding-window pacing on the app's clock.

WeCom drops what exceeds its per-member and per-robot limits without an error, so the channel asks
before every send. A message that may not go yet stays pending in the outbox (the outbox is the
queue, and it survives restarts) and is offered again on the next delivery round.
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime, timedelta

from bot.clock import Clock


class Pacer:
    """At most `count` sends per `seconds` for each key, for every (count, seconds) in `limits`."""

    def __init__(self, clock: Clock, limits: tuple[tuple[int, float], ...]) -> None:
        if not limits:
            raise ValueError("a pacer needs at least one limit")
        self.clock = clock
        self.limits = tuple((count, timedelta(seconds=seconds)) for count, seconds in limits)
        self._longest = max(window for _, window in self.limits)
        self._sent: dict[str, deque[datetime]] = defaultdict(deque)
        self._blocked_until: dict[str, datetime] = {}

    def _prune(self, key: str, now: datetime) -> deque[datetime]:
        times = self._sent[key]
        while times and times[0] <= now - self._longest:
            times.popleft()
        return times

    def room(self, key: str) -> int:
        """How many sends to `key` may go right now."""
        now = self.clock.now()
        blocked = self._blocked_until.get(key)
        if blocked is not None:
            if now < blocked:
                return 0
            del self._blocked_until[key]
        times = self._prune(key, now)
        free = []
        for count, window in self.limits:
            used = sum(1 for t in times if t > now - window)
            free.append(count - used)
        return max(0, min(free))

    def take(self, key: str, n: int = 1) -> bool:
        """Record `n` sends to `key` if they fit now; otherwise record nothing and say no."""
        if n > self.room(key):
            return False
        now = self.clock.now()
        self._sent[key].extend([now] * n)
        return True

    def block(self, key: str, seconds: float) -> None:
        """WeCom said "too often" (45009/45033): send nothing to `key` for a while."""
        until = self.clock.now() + timedelta(seconds=seconds)
        self._blocked_until[key] = max(until, self._blocked_until.get(key, until))


# Per member per app: 30 a minute and 1000 an hour (docs 90236/90454).
MEMBER_LIMITS = ((30, 60.0), (1000, 3600.0))
# Per group robot: 20 a minute.
ROBOT_LIMITS = ((20, 60.0),)
# Per app group chat: each member gets at most 200 a minute from one app.
APPCHAT_LIMITS = ((200, 60.0),)
# A minute-level block lifts after about a minute.
BACKOFF_SECONDS = 60.0
