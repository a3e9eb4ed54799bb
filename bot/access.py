"""Who may ask, and how fast: pure logic, no Telegram types, so it is tested directly."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from bot.settings import BotSettings


@dataclass(frozen=True)
class Access:
    """Allow-lists from the settings. Admins are always allowed."""

    users: frozenset[int]
    chats: frozenset[int]
    admins: frozenset[int]
    open_to_all: bool = False

    @classmethod
    def from_settings(cls, s: BotSettings) -> Access:
        """Build from bot settings."""
        return cls(s.allowed_users, s.allowed_chats, s.admins, s.open_to_all)

    def allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """A user may ask if open to all, listed, an admin, or writing in an allowed chat."""
        if self.open_to_all:
            return True
        return (user_id in self.users) or (user_id in self.admins) or (chat_id in self.chats)

    def is_admin(self, user_id: int | None) -> bool:
        """Admins may add and remove documents."""
        return user_id in self.admins


@dataclass
class RateLimiter:
    """Sliding one-minute window per user."""

    per_minute: int = 20
    window: float = 60.0
    _seen: dict[int, deque[float]] = field(default_factory=dict)

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Record a question and say whether it is within the limit."""
        now = time.monotonic() if now is None else now
        q = self._seen.setdefault(user_id, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        if len(q) >= self.per_minute:
            return False
        q.append(now)
        return True
