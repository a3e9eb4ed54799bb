"""Who may ask, where, what they may see, and how fast: pure logic, no Telegram types, so it is
tested directly. app.py applies it once per update (a handler at group -1), never per handler."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from bot.settings import BotSettings

LEVEL_ORDER = ("noi-bo", "mat", "toi-mat", "tuyet-mat")  # as index/ingest/levels.py orders them


@dataclass(frozen=True)
class Access:
    """Allow-lists from the settings. Admins are always allowed and cleared for every level."""

    users: frozenset[int]
    chats: frozenset[int]
    admins: frozenset[int]
    open_to_all: bool = False
    group_needs_both: bool = True
    upload_chats: frozenset[int] = frozenset()
    cleared: dict[str, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, s: BotSettings) -> Access:
        """Build from bot settings."""
        return cls(
            s.allowed_users,
            s.allowed_chats,
            s.admins,
            s.open_to_all,
            s.group_access == "both",
            s.upload_chats,
            s.cleared,
        )

    def _user_ok(self, user_id: int | None) -> bool:
        return user_id is not None and (user_id in self.users or user_id in self.admins)

    def allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """May ask. In a private chat (chat id = user id) the user must be listed; in a group the user
        AND the group (or, with DOCBOT_GROUP_ACCESS=either, one of them), since every member reads the
        answer. A reminder (no user) needs its chat: the user for a private chat, the group's listing."""
        if self.open_to_all:
            return True
        private = chat_id is None or (chat_id > 0 and (user_id is None or chat_id == user_id))
        if private:
            return self._user_ok(user_id if user_id is not None else chat_id)
        chat_ok = chat_id in self.chats
        if user_id is None:
            return chat_ok
        if self.group_needs_both:
            return chat_ok and self._user_ok(user_id)
        return chat_ok or self._user_ok(user_id)

    def is_admin(self, user_id: int | None) -> bool:
        """Admins may add and remove documents."""
        return user_id in self.admins

    def may_upload(self, user_id: int | None, chat_id: int | None, private: bool) -> bool:
        """An admin, in private chat with the bot or in a group listed in DOCBOT_UPLOAD_CHATS."""
        return self.is_admin(user_id) and (private or chat_id in self.upload_chats)

    def _cleared_for(self, ident: int | None, level: str) -> bool:
        if ident is None:
            return False
        if ident in self.admins:
            return True
        start = LEVEL_ORDER.index(level)
        return any(ident in self.cleared.get(lv, frozenset()) for lv in LEVEL_ORDER[start:])

    def clearance(self, user_id: int | None, chat_id: int | None) -> str:
        """The highest access level this user in this chat may see ("" = public documents only).
        In a group both the user (when known) and the group must be cleared: the group reads it."""
        private = chat_id is None or (chat_id > 0 and (user_id is None or chat_id == user_id))
        best = ""
        for level in LEVEL_ORDER:
            if private:
                ok = self._cleared_for(user_id if user_id is not None else chat_id, level)
            else:
                ok = self._cleared_for(chat_id, level) and (user_id is None or self._cleared_for(user_id, level))
            if ok:
                best = level
        return best


@dataclass
class RateLimiter:
    """Sliding one-minute window per user (questions and button presses count alike)."""

    per_minute: int = 20
    window: float = 60.0
    _seen: dict[int, deque[float]] = field(default_factory=dict)

    def allow(self, user_id: int, now: float | None = None) -> bool:
        """Record a request and say whether it is within the limit."""
        now = time.monotonic() if now is None else now
        q = self._seen.setdefault(user_id, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        if len(q) >= self.per_minute:
            return False
        q.append(now)
        return True
