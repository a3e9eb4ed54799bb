"""Delivery you can count on: every call to the Bot API goes through ``RetryingRequest``.

A call is retried, a bounded number of times with doubling backoff, when it surely did not take
effect (the connection could not be made, Telegram answered 5xx) and, for calls that are safe to
repeat, when its outcome is unknown (the response was lost or timed out after the request went
out). A 429 is waited out for its ``retry_after``. Sending a message twice is not safe to repeat in
general, but losing an answer is worse than showing it twice, so answers are repeated too; a caller
that must not send twice (a reminder, which has its own lease: bot/reminders.py) wraps the call in
``at_most_once()`` and gets ``OutcomeUnknown`` instead of a repeat.

Why here and not around each call: PTB routes every method through ``BaseRequest.do_request``, so
one place covers replies, edits, button answers, chat actions and file downloads alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections.abc import Iterator

import httpx
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

log = logging.getLogger("docbot.delivery")

_AT_MOST_ONCE: contextvars.ContextVar[bool] = contextvars.ContextVar("docbot_at_most_once", default=False)
# Methods whose repetition creates a second message; the rest (edits, chat actions, button answers,
# getFile) repeat harmlessly.
CREATING = frozenset({"sendmessage", "senddocument", "sendphoto", "copymessage", "forwardmessage"})
# After a lost response, a repeat of these may be refused because the first one worked: that is success.
_ALREADY_DONE = ("message is not modified", "query is too old", "query id is invalid")
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteError, httpx.WriteTimeout)
_UNKNOWN = (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError)


class OutcomeUnknown(NetworkError):
    """The request went out and no answer came back: it may or may not have taken effect."""


@contextlib.contextmanager
def at_most_once() -> Iterator[None]:
    """Within this block a call whose outcome is unknown is not repeated (raises OutcomeUnknown)."""
    token = _AT_MOST_ONCE.set(True)
    try:
        yield
    finally:
        _AT_MOST_ONCE.reset(token)


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries (see the module docstring)."""

    def __init__(self, attempts: int = 4, backoff: float = 0.5, max_retry_after: float = 30, **kwargs):
        super().__init__(**kwargs)
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_retry_after = max_retry_after

    async def do_request(self, url: str, method: str, request_data=None, **timeouts) -> tuple[int, bytes]:  # type: ignore[override]
        """One Bot API call, repeated while it is worth it."""
        api_method = url.rsplit("/", 1)[-1].lower()
        creates = api_method in CREATING
        unknown_before = False
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                code, payload = await self._once(url, method, request_data, timeouts)
            except NetworkError as exc:
                cause = exc.__cause__
                if isinstance(cause, _UNKNOWN):
                    if creates and _AT_MOST_ONCE.get():
                        raise OutcomeUnknown(f"{api_method}: {cause.__class__.__name__}") from cause
                    unknown_before = True
                elif not isinstance(cause, _NOT_SENT):
                    raise
                if last:
                    raise
                log.warning("%s: %s, thử lại lần %d", api_method, cause.__class__.__name__, attempt + 1)
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if code == 429:
                wait = _retry_after(payload)
                if last or wait is None or wait > self.max_retry_after:
                    return code, payload
                log.warning("%s: 429, chờ %.1f giây", api_method, wait)
                await asyncio.sleep(wait)
                continue
            if code >= 500:
                if last:
                    return code, payload
                log.warning("%s: lỗi máy chủ %d, thử lại lần %d", api_method, code, attempt + 1)
                await asyncio.sleep(delay)
                delay *= 2
                continue
            if code == 400 and unknown_before and _already_done(payload):
                return 200, b'{"ok": true, "result": true}'
            return code, payload
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(self, url, method, request_data, timeouts) -> tuple[int, bytes]:
        return await super().do_request(url, method, request_data, **timeouts)


def _retry_after(payload: bytes) -> float | None:
    try:
        return float(json.loads(payload)["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return None


def _already_done(payload: bytes) -> bool:
    try:
        text = str(json.loads(payload).get("description", "")).lower()
    except ValueError:
        return False
    return any(x in text for x in _ALREADY_DONE)
