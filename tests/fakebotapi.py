"""A fake Telegram Bot API server for end-to-end tests of the bot.

Why: the real Bot API is unreachable from tests (and must never be hit by them), and mocking
``telegram.Bot`` methods skips the parts that break in production: PTB's request encoding, its
``de_json`` parsing of the answers, long polling, update offsets, error mapping (403/429/400) and
file downloads. This server speaks the real wire protocol on 127.0.0.1, so the bot under test
runs unchanged; it only gets different ``base_url``/``base_file_url``::

    with FakeBotAPI() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.user_message("xin chào", user_id=42)
        sent = await api.wait_sent_async(1, chat_id=42)

Where the real API rejects something that bots commonly get wrong, the fake rejects it the same
way (``strict=True``, the default), so the tests catch it before users do: unknown chats, HTML
with unsupported tags or a bare ``<``, MarkdownV2 with unescaped reserved characters, texts over
4096 characters, ``callback_data`` over 64 bytes, editing with identical content ("message is not
modified"), answering a callback query twice, two bot instances polling at once (409).

Everything runs in one stdlib ``ThreadingHTTPServer`` in a daemon thread; all state is guarded by
one ``threading.Condition`` so the test thread, the server threads and the asyncio loop of the
bot can all read it. Times are ``time.monotonic()`` seconds (key ``t``), so tests can measure
update-to-reply latency.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = ["ApiError", "FakeBotAPI"]

# Parameters whose form-encoded value is a JSON document (PTB json-encodes nested objects).
_JSON_FIELDS = frozenset(
    "reply_markup reply_parameters entities caption_entities allowed_updates commands scope "
    "link_preview_options media results menu_button permissions options explanation_entities reaction "
    "input_message_content prices button text_entities question_entities".split()
)
_INT_FIELDS = frozenset(
    "chat_id from_chat_id message_id offset limit reply_to_message_id user_id message_thread_id "
    "cache_time until_date max_connections".split()
)
_BOOL_PREFIXES = ("disable_", "is_", "has_", "allow_", "protect_", "show_", "drop_", "can_", "revoke_")
_INT_RE = re.compile(r"-?\d+")

_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
# The update types delivered when allowed_updates is empty/unset (the Bot API's default).
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_MAX_TEXT = 4096
_MAX_CAPTION = 1024
_MAX_CALLBACK_ANSWER = 200
_MAX_DOWNLOAD = 20 * 1024 * 1024

_HTML_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji tg-time".split()
)
_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
_HTML_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {"*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough", "||": "Spoiler"}

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}")
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """An error answer of the Bot API; raise it from a custom handler (see ``set_handler``)."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _no_end(kind: str, text: str, index: int) -> ApiError:
    return _bad(f"can't parse entities: Can't find end of {kind} at byte offset {_byte_offset(text, index)}")


def _parse_html(text: str) -> str:
    """Validate Telegram-flavoured HTML like the real API does and return the plain text.

    Why: ``parse_mode=HTML`` with ``<br>``, an unknown tag, an unclosed tag or a bare ``<`` from
    quoted document text is rejected by Telegram with 400; a fake that accepts it hides the bug.
    """
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            end = text.find(">", i)
            if end < 0:
                raise _bad(f"can't parse entities: Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _bad(f"can't parse entities: Unexpected end tag at byte offset {_byte_offset(text, i)}")
                if name and name != stack[-1]:
                    raise _bad(
                        f"can't parse entities: Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                        f'expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                match = _HTML_NAME_RE.match(inner)
                name = match.group(0).lower() if match else ""
                if name not in _HTML_TAGS:
                    raise _bad(
                        f'can\'t parse entities: Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                    )
                stack.append(name)
            i = end + 1
        elif ch == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            if match is None:
                out.append(ch)
                i += 1
                continue
            ref = match.group(1)
            if ref.startswith(("#x", "#X")):
                out.append(chr(int(ref[2:], 16)))
            elif ref.startswith("#"):
                out.append(chr(int(ref[1:])))
            else:
                out.append(_HTML_ENTITIES.get(ref.lower(), match.group(0)))
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        raise _bad(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    return "".join(out)


def _parse_markdown_v2(text: str) -> str:
    """Validate MarkdownV2 escaping like the real API does and return the plain text.

    Why: an unescaped ``.``, ``-``, ``(`` or ``!`` in a MarkdownV2 message is the most common way a
    PTB bot fails in production; Telegram answers 400 "Character '.' is reserved ...".
    """
    out: list[str] = []
    open_markers: dict[str, int] = {}
    i, n = 0, len(text)
    link_open: int | None = None

    def reserved(pos: int) -> ApiError:
        return _bad(
            f"can't parse entities: Character '{text[pos]}' is reserved and must be escaped with the preceding '\\'"
        )

    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n:
                out.append(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            while end > 0 and text[end - 1] == "\\":
                end = text.find("```", end + 1)
            if end < 0:
                raise _no_end("Pre entity", text, i)
            body = text[i + 3 : end]
            if "\n" in body and not body.startswith("\n"):
                body = body.split("\n", 1)[1]  # first line is the language
            out.append(body.replace("\\`", "`").replace("\\\\", "\\"))
            i = end + 3
            continue
        if ch == "`":
            end = i + 1
            while end < n and text[end] != "`":
                end += 2 if text[end] == "\\" else 1
            if end >= n:
                raise _no_end("Code entity", text, i)
            out.append(text[i + 1 : end].replace("\\`", "`").replace("\\\\", "\\"))
            i = end + 1
            continue
        marker = None
        if text.startswith("||", i):
            marker = "||"
        elif text.startswith("__", i):
            marker = "__"
        elif ch in "*_~":
            marker = ch
        if marker is not None:
            if marker in open_markers:
                del open_markers[marker]
            else:
                open_markers[marker] = i
            i += len(marker)
            continue
        if ch == "[":
            if link_open is not None:
                raise reserved(i)
            link_open = i
            i += 1
            continue
        if ch == "]":
            if link_open is None:
                raise reserved(i)
            link_open = None
            if i + 1 < n and text[i + 1] == "(":
                end = i + 2
                while end < n and text[end] != ")":
                    end += 2 if text[end] == "\\" else 1
                if end >= n:
                    raise _no_end("a URL", text, i)
                i = end + 1
            else:
                i += 1
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote
            continue
        if ch == "!" and i + 1 < n and text[i + 1] == "[":
            i += 1  # custom emoji
            continue
        if ch in _MDV2_RESERVED:
            raise reserved(i)
        out.append(ch)
        i += 1
    if link_open is not None:
        raise _no_end("TextUrl entity", text, link_open)
    if open_markers:
        marker, pos = min(open_markers.items(), key=lambda kv: kv[1])
        raise _bad(
            f"can't parse entities: Can't find end of {_MDV2_MARKERS[marker]} entity at byte offset "
            f"{_byte_offset(text, pos)}"
        )
    return "".join(out)


def _auto_entities(text: str) -> list[dict[str, Any]]:
    """Entities the Telegram client would attach: bot_command for /commands, mention for @names.

    Why: PTB's ``CommandHandler`` and ``filters.COMMAND`` only look at entities, not at the text,
    so a fake message without them would never reach the bot's command handlers.
    """
    entities: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []
    for match in _COMMAND_RE.finditer(text):
        taken.append(match.span())
        entities.append(
            {
                "type": "bot_command",
                "offset": _utf16_len(text[: match.start()]),
                "length": _utf16_len(match.group(0)),
            }
        )
    for match in _MENTION_RE.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        entities.append(
            {
                "type": "mention",
                "offset": _utf16_len(text[: match.start()]),
                "length": _utf16_len(match.group(0)),
            }
        )
    entities.sort(key=lambda e: e["offset"])
    return entities


@dataclass
class _Update:
    update_id: int
    kind: str
    payload: dict[str, Any]
    chat_id: int | None
    user_id: int | None
    message_id: int | None
    queued_at: float
    delivered_at: float | None = None
    delivered_count: int = 0
    replied_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        latency = None
        if self.replied_at is not None and self.delivered_at is not None:
            latency = self.replied_at - self.delivered_at
        return {
            "update_id": self.update_id,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "user_id": self.user_id,
            "message_id": self.message_id,
            "queued_at": self.queued_at,
            "delivered_at": self.delivered_at,
            "delivered_count": self.delivered_count,
            "replied_at": self.replied_at,
            "latency": latency,
            "payload": self.payload,
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, api: FakeBotAPI, address: tuple[str, int]):
        self.api = api
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        with self.connections_lock:
            self.connections.add(sock)
        return sock, addr

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut keep-alive connections so no handler thread outlives the test."""
        with self.connections_lock:
            conns = list(self.connections)
            self.connections.clear()
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive like the real API: httpx pools connections, so HTTP/1.0 would mean one TCP
    # connection per call and a very different timing profile.
    protocol_version = "HTTP/1.1"
    server_version = "FakeBotAPI/1.0"
    # Headers and body are written separately; with Nagle on, delayed ACKs add ~40 ms per call.
    disable_nagle_algorithm = True
    timeout = 60
    server: _Server

    def do_POST(self) -> None:  # http.server naming
        self.server.api._handle(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request stderr logging
        return

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            # The client gave up (e.g. PTB cancelled a long poll on shutdown); nothing to do.
            self.close_connection = True


def _parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Split multipart/form-data into text fields and file parts, byte-exactly.

    Why not ``email``/``cgi``: ``cgi`` is gone in 3.13 and the ``email`` parser re-encodes
    non-ASCII file names; uploads must round-trip byte for byte.
    """
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        raise _bad("multipart request without boundary")
    delimiter = b"--" + match.group(1).encode("latin-1")
    fields: dict[str, Any] = {}
    files: dict[str, dict[str, Any]] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        head, _, content = part.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        params = dict(re.findall(r'(\w+\*?)="?([^";]*)"?', disposition))
        name = params.get("name")
        if name is None:
            continue
        filename = params.get("filename")
        if "filename*" in params:
            filename = unquote(params["filename*"].split("''", 1)[-1])
        if filename is None:
            fields[name] = content.decode("utf-8")
        else:
            files[name] = {
                "filename": filename,
                "content_type": headers.get("content-type", "application/octet-stream"),
                "content": content,
            }
    return fields, files


def _normalize(params: dict[str, Any]) -> dict[str, Any]:
    """Turn the wire strings back into the types the Bot API documents for each parameter."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise _bad(f"can't parse {key} JSON object") from exc
            elif key in _INT_FIELDS and _INT_RE.fullmatch(value):
                value = int(value)
            elif key == "timeout":
                value = float(value) if value else 0.0
            elif key.startswith(_BOOL_PREFIXES) and value in ("true", "false", "True", "False"):
                value = value.lower() == "true"
        out[key] = value
    return out


class FakeBotAPI:
    """In-process fake of https://api.telegram.org for one bot token (see the module docstring).

    Test-side methods are thread-safe and may be called from the test thread or from inside the
    bot's event loop. Blocking waits (``wait_for``, ``wait_sent``, ``wait_idle``) must not be
    called from the thread running the bot's loop (they would freeze the bot they wait for); use
    the ``*_async`` twins there.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "docbot_test_bot",
        bot_first_name: str = "DocBot",
        group_privacy: bool = True,
        strict: bool = True,
    ):
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.group_privacy = group_privacy
        self.strict = strict
        self.host = "127.0.0.1"  # tests must never listen beyond loopback

        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

        self._update_ids = itertools.count(10_001)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._queue: list[_Update] = []  # not yet confirmed by offset
        self._updates: dict[int, _Update] = {}  # every update ever queued
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0

        self._calls: list[dict[str, Any]] = []
        self._sent: list[dict[str, Any]] = []
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._message_update: dict[tuple[int, int], int] = {}  # user message -> update_id
        self._formats: dict[tuple[int, int], tuple[Any, ...]] = {}  # for "message is not modified"
        self._files: dict[str, dict[str, Any]] = {}
        self._file_paths: dict[str, str] = {}
        self._callbacks: dict[str, dict[str, Any]] = {}
        self._blocked: set[int] = set()
        self._failures: dict[str, list[tuple[int, float | None, str | None]]] = {}
        self._delays: dict[str, float] = {}
        self._faults: dict[str, list[tuple[str, float]]] = {}  # method -> ("drop"|"lost"|"slow", seconds)
        self._custom: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None

        self._methods: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "close": lambda p: True,
            "logOut": lambda p: True,
            "setMyDescription": lambda p: True,
            "setMyShortDescription": lambda p: True,
            "setMyName": lambda p: True,
            "setChatMenuButton": lambda p: True,
        }
        self._canonical = {name.lower(): name for name in self._methods}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeBotAPI:
        """Bind a free port on 127.0.0.1 (port 0, so parallel test runs never collide) and serve."""
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _Server(self, (self.host, 0))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeBotAPI", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wake blocked long polls so no thread lingers past the test."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotAPI is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url``; PTB appends ``{token}/{method}``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url``; PTB appends ``{token}/{file_path}``."""
        return f"http://{self.host}:{self.port}/file/bot"

    # ------------------------------------------------------------------ test-side: behaviour

    def block_chat(self, chat_id: int, *, notify: bool = False) -> None:
        """Make every call aimed at ``chat_id`` fail with 403, as after the user blocked the bot.

        With ``notify=True`` also queue the ``my_chat_member`` update Telegram sends then.
        """
        with self._cond:
            self._blocked.add(chat_id)
            if notify and chat_id in self._chats:
                chat = self._chats[chat_id]
                user = self._users.get(chat_id) or {"id": chat_id, "is_bot": False, "first_name": "User"}
                payload = {
                    "chat": chat,
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"user": self.bot_user, "status": "member"},
                    "new_chat_member": {"user": self.bot_user, "status": "kicked", "until_date": 0},
                }
                self._enqueue("my_chat_member", payload, chat_id=chat_id, user_id=user["id"])
            self._cond.notify_all()

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.discard(chat_id)

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: float | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"`` = any) fail with ``status``.

        429 answers carry ``parameters.retry_after`` (default 1 s; PTB raises ``RetryAfter``);
        5xx answers become ``NetworkError`` in PTB. Fractional ``retry_after`` keeps tests fast;
        the real API only sends integers.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._cond:
            self._failures.setdefault(method.lower(), []).extend([(status, retry_after, description)] * times)

    def drop_next(self, method: str, times: int = 1, *, after: bool = False) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without an answer.

        ``after=False``: before handling (the call has no effect, as when a proxy drops it);
        ``after=True``: after handling (the call took effect and its response was lost: a message is
        really sent). PTB sees ``NetworkError`` (httpx.RemoteProtocolError) in both cases: a client
        cannot tell them apart, which is the point of the test.
        """
        with self._cond:
            self._faults.setdefault(method.lower(), []).extend([("lost" if after else "drop", 0.0)] * times)

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds`` (handled before the
        wait, like a loaded server whose answer is late)."""
        with self._cond:
            self._faults.setdefault(method.lower(), []).extend([("slow", seconds)] * times)

    def forge_update(self, kind: str, body: dict[str, Any]) -> int:
        """Queue an update Telegram would never send as such (``queue_update`` under a clearer name
        for security tests: forged callback data, edited captions, files in other chats)."""
        return self.queue_update({kind: body})

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer every call of ``method`` (``"*"`` = any) only after ``seconds``: for timeout tests."""
        with self._cond:
            self._delays[method.lower()] = seconds

    def set_handler(self, method: str, handler: Callable[[dict[str, Any]], Any]) -> None:
        """Serve ``method`` with ``handler(params) -> result`` (raise ``ApiError`` for errors).

        Why: the bot may start using a method this fake does not know; unknown methods get 404,
        which PTB turns into ``InvalidToken`` - a confusing failure better replaced by a stub.
        """
        with self._cond:
            self._custom[method.lower()] = handler

    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        *,
        title: str | None = None,
        first_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """Make a chat known, as if its user had started the bot (unknown chats get 400)."""
        with self._cond:
            if chat_id not in self._chats:
                chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
                if chat_type == "private":
                    chat["first_name"] = first_name or f"User {chat_id}"
                    if username:
                        chat["username"] = username
                else:
                    chat["title"] = title or f"Group {chat_id}"
                self._chats[chat_id] = chat
            return self._chats[chat_id]

    def register_file(
        self,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
    ) -> str:
        """Serve ``content`` through getFile + download; returns its ``file_id``."""
        with self._cond:
            return self._register_file(content, file_name, mime_type, file_size)["file_id"]

    # ------------------------------------------------------------------ test-side: updates

    def user_message(
        self,
        text: str,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
        reply_to_bot: bool = False,
        entities: list[dict[str, Any]] | None = None,
        *,
        reply_to_message_id: int | None = None,
        title: str | None = None,
        language_code: str = "vi",
    ) -> int | None:
        """Queue a text message from a user; returns its update_id.

        ``entities`` default to what a Telegram client would add (see ``_auto_entities``).
        ``reply_to_bot`` makes it a reply to the bot's latest message in the chat. In groups with
        ``group_privacy`` on (the real default) a message that is neither a command, nor a
        mention of the bot, nor a reply to it is not delivered to the bot, and None is returned.
        """
        with self._cond:
            message = self._user_message_base(user_id, chat_id, chat_type, first_name, username, title, language_code)
            message["text"] = text
            ents = _auto_entities(text) if entities is None else entities
            if ents:
                message["entities"] = ents
            chat_id = message["chat"]["id"]
            reply = self._reply_target(chat_id, reply_to_bot, reply_to_message_id)
            if reply is not None:
                message["reply_to_message"] = reply
            if (
                chat_type in ("group", "supergroup")
                and self.group_privacy
                and not self._privacy_allows(text, ents, reply)
            ):
                return None
            return self._store_user_message(message)

    def group_message(
        self,
        text: str,
        user_id: int = 1001,
        chat_id: int = -1001234567890,
        chat_type: str = "supergroup",
        title: str = "Nhóm thử nghiệm",
        **kwargs: Any,
    ) -> int | None:
        """``user_message`` in a group (None when privacy mode keeps it from the bot)."""
        return self.user_message(text, user_id=user_id, chat_id=chat_id, chat_type=chat_type, title=title, **kwargs)

    def user_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        file_size: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        username: str | None = None,
    ) -> int:
        """Queue a document upload; the bytes are then served via getFile and download.

        ``file_size`` overrides the reported size, to test the 20 MB getFile limit cheaply.
        """
        with self._cond:
            message = self._user_message_base(user_id, chat_id, chat_type, first_name, username, None, "vi")
            info = self._register_file(content, file_name, mime_type, file_size)
            message["document"] = {
                k: info[k] for k in ("file_id", "file_unique_id", "file_name", "mime_type", "file_size")
            }
            if caption is not None:
                message["caption"] = caption
                ents = _auto_entities(caption)
                if ents:
                    message["caption_entities"] = ents
            return self._store_user_message(message)

    def callback_query(self, chat_id: int, user_id: int, message_id: int, data: str) -> str:
        """Queue a press on an inline button of bot message ``message_id``; returns the query id."""
        with self._cond:
            user = self._user(user_id, None, None, "vi")
            chat = self._chats.get(chat_id) or self.add_chat(chat_id, "private" if chat_id > 0 else "supergroup")
            message = self._messages.get((chat_id, message_id))
            if message is None:  # a button on a message this fake never saw: invent it
                message = {
                    "message_id": message_id,
                    "from": self.bot_user,
                    "chat": chat,
                    "date": int(time.time()),
                    "text": "…",
                }
                self._messages[(chat_id, message_id)] = message
            query_id = f"cbq{next(self._callback_ids)}"
            payload = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": f"ci{chat_id}",
                "data": data,
            }
            update_id = self._enqueue("callback_query", payload, chat_id=chat_id, user_id=user_id)
            self._callbacks[query_id] = {"update_id": update_id, "answered": None}
            self._cond.notify_all()
            return query_id

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue any raw Update JSON, e.g. ``{"edited_message": {...}}``: the escape hatch.

        A fresh ``update_id`` is always assigned (a given one is replaced), so offsets stay sane.
        """
        with self._cond:
            kind = next(k for k in update if k != "update_id")
            body = update[kind]
            chat = body.get("chat") or (body.get("message") or {}).get("chat") or {}
            user = body.get("from") or {}
            update_id = self._enqueue(kind, body, chat_id=chat.get("id"), user_id=user.get("id"))
            self._cond.notify_all()
            return update_id

    # ------------------------------------------------------------------ test-side: inspection

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Every API call received (also failed ones): method, params, t, status, result/error."""
        with self._cond:
            return [dict(c) for c in self._calls if method is None or c["method"].lower() == method.lower()]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Successful sendMessage/sendDocument/editMessage* calls, oldest first.

        Each record: method, chat_id, message_id, text (as sent, markup included), plain_text (as
        Telegram shows it), parse_mode, reply_markup, reply_to_message_id, document, caption, t,
        update_id (the user update it answers, if any) and latency (seconds since that update
        was handed out by getUpdates).
        """
        with self._cond:
            return [dict(s) for s in self._sent if chat_id is None or s["chat_id"] == chat_id]

    def updates(self) -> list[dict[str, Any]]:
        """Every queued update with queued_at, delivered_at, delivered_count, replied_at, latency."""
        with self._cond:
            return [u.as_dict() for u in self._updates.values()]

    def latency(self, update_id: int) -> float | None:
        """Seconds from handing the update out in getUpdates to the first reply linked to it."""
        with self._cond:
            return self._updates[update_id].as_dict()["latency"]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current state (after edits) of a message in a chat, as the API would return it."""
        with self._cond:
            msg = self._messages.get((chat_id, message_id))
            return json.loads(json.dumps(msg)) if msg is not None else None

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """Commands the bot registered with setMyCommands for a scope/language."""
        with self._cond:
            return list(self._commands.get(self._commands_key(scope, language_code), []))

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed through getUpdates' offset (0 after a clean shutdown)."""
        with self._cond:
            return len(self._queue)

    # ------------------------------------------------------------------ test-side: waiting

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool] | str, timeout: float = 10, count: int = 1
    ) -> list[dict[str, Any]]:
        """Block until ``count`` calls match ``predicate`` (or a method name); return them."""
        match = self._call_matcher(predicate)
        return self._wait(lambda: [dict(c) for c in self._calls if match(c)], count, timeout, f"calls {predicate!r}")

    def wait_sent(self, n: int = 1, chat_id: int | None = None, timeout: float = 10) -> list[dict[str, Any]]:
        """Block until at least ``n`` messages were sent/edited (to ``chat_id``); return them all."""
        return self._wait(lambda: self._sent_matching(chat_id), n, timeout, f"sent(chat_id={chat_id})")

    def wait_idle(self, quiet: float = 0.2, timeout: float = 10) -> None:
        """Block until no call other than getUpdates arrived for ``quiet`` seconds.

        Why: "answered exactly once" needs proof that no late duplicate is still on its way.
        """
        self._ensure_not_in_loop()
        deadline = time.monotonic() + timeout
        while True:
            remaining = self._idle_remaining(quiet)
            if remaining <= 0:
                return
            if time.monotonic() + remaining > deadline:
                raise AssertionError(f"bot still busy after {timeout}s; last calls: {self._summary_calls()}")
            time.sleep(remaining)

    async def wait_for_async(
        self, predicate: Callable[[dict[str, Any]], bool] | str, timeout: float = 10, count: int = 1
    ) -> list[dict[str, Any]]:
        """``wait_for`` for code running on the bot's event loop (yields to it while waiting)."""
        match = self._call_matcher(predicate)
        return await self._wait_async(
            lambda: [dict(c) for c in self._calls if match(c)], count, timeout, f"calls {predicate!r}"
        )

    async def wait_sent_async(
        self, n: int = 1, chat_id: int | None = None, timeout: float = 10
    ) -> list[dict[str, Any]]:
        """``wait_sent`` for code running on the bot's event loop."""
        return await self._wait_async(lambda: self._sent_matching(chat_id), n, timeout, f"sent(chat_id={chat_id})")

    async def wait_idle_async(self, quiet: float = 0.2, timeout: float = 10) -> None:
        """``wait_idle`` for code running on the bot's event loop."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = self._idle_remaining(quiet)
            if remaining <= 0:
                return
            if time.monotonic() + remaining > deadline:
                raise AssertionError(f"bot still busy after {timeout}s; last calls: {self._summary_calls()}")
            await asyncio.sleep(remaining)

    # ------------------------------------------------------------------ waiting internals

    @staticmethod
    def _call_matcher(predicate: Callable[[dict[str, Any]], bool] | str) -> Callable[[dict[str, Any]], bool]:
        if isinstance(predicate, str):
            name = predicate.lower()
            return lambda c: c["method"].lower() == name
        return predicate

    def _sent_matching(self, chat_id: int | None) -> list[dict[str, Any]]:
        return [dict(s) for s in self._sent if chat_id is None or s["chat_id"] == chat_id]

    def _idle_remaining(self, quiet: float) -> float:
        with self._cond:
            busy = [c for c in self._calls if c["method"] != "getUpdates"]
            in_flight = any(c["status"] is None for c in busy)
            last = max((c["t"] for c in busy), default=0.0)
        if in_flight:
            return min(quiet, 0.02)
        return last + quiet - time.monotonic()

    @staticmethod
    def _ensure_not_in_loop() -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        raise RuntimeError(
            "blocking wait called from a running event loop: it would freeze the bot it waits for; "
            "use the *_async variant (await api.wait_sent_async(...))"
        )

    def _wait(
        self, collect: Callable[[], list[dict[str, Any]]], n: int, timeout: float, what: str
    ) -> list[dict[str, Any]]:
        self._ensure_not_in_loop()
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = collect()
                if len(found) >= n:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_message(what, n, found, timeout))
                self._cond.wait(remaining)

    async def _wait_async(
        self, collect: Callable[[], list[dict[str, Any]]], n: int, timeout: float, what: str
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                found = collect()
            if len(found) >= n:
                return found
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(what, n, found, timeout))
            await asyncio.sleep(0.005)

    def _timeout_message(self, what: str, n: int, found: list[dict[str, Any]], timeout: float) -> str:
        shown = [
            {k: f.get(k) for k in ("method", "chat_id", "message_id", "text", "status", "params") if k in f}
            for f in found[-10:]
        ]
        return (
            f"timed out after {timeout}s waiting for {n} {what}; got {len(found)}: {shown}\n"
            f"last calls: {self._summary_calls()}"
        )

    def _summary_calls(self, last: int = 15) -> list[str]:
        with self._cond:
            calls = [c for c in self._calls if not (c["method"] == "getUpdates" and c.get("result") == [])]
            out = []
            for c in calls[-last:]:
                params = {k: v for k, v in c["params"].items() if k not in ("reply_markup",)}
                err = f" -> {c['status']} {c.get('error')}" if c["status"] != 200 else ""
                out.append(f"{c['method']}({params}){err}")
            return out

    # ------------------------------------------------------------------ update internals

    def _user(self, user_id: int, first_name: str | None, username: str | None, language_code: str) -> dict:
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User {user_id}"}
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            self._users[user_id] = user
        return user

    def _user_message_base(
        self,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        first_name: str | None,
        username: str | None,
        title: str | None,
        language_code: str,
    ) -> dict[str, Any]:
        user = self._user(user_id, first_name, username, language_code)
        if chat_type == "private":
            chat_id = user_id if chat_id is None else chat_id
            chat = self.add_chat(chat_id, "private", first_name=user["first_name"], username=user.get("username"))
        else:
            if chat_id is None:
                raise ValueError("a group message needs a chat_id")
            chat = self.add_chat(chat_id, chat_type, title=title)
        return {"message_id": next(self._message_ids), "from": user, "chat": chat, "date": int(time.time())}

    def _reply_target(self, chat_id: int, reply_to_bot: bool, reply_to_message_id: int | None) -> dict | None:
        if reply_to_message_id is not None:
            target = self._messages.get((chat_id, reply_to_message_id))
            if target is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat_id}")
        elif reply_to_bot:
            bot_msgs = [m for (c, _), m in self._messages.items() if c == chat_id and m["from"]["id"] == self.bot_id]
            if bot_msgs:
                target = bot_msgs[-1]
            else:  # nothing to reply to yet: invent an earlier bot message
                target = {
                    "message_id": next(self._message_ids),
                    "from": self.bot_user,
                    "chat": self._chats[chat_id],
                    "date": int(time.time()),
                    "text": "…",
                }
                self._messages[(chat_id, target["message_id"])] = target
        else:
            return None
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _privacy_allows(self, text: str, entities: list[dict[str, Any]], reply: dict | None) -> bool:
        if reply is not None and reply["from"]["id"] == self.bot_id:
            return True
        utf16 = text.encode("utf-16-le")
        for ent in entities:
            piece = utf16[2 * ent["offset"] : 2 * (ent["offset"] + ent["length"])].decode("utf-16-le")
            if ent["type"] == "mention" and piece[1:].lower() == self.bot_username.lower():
                return True
            if ent["type"] == "bot_command":
                _, _, target = piece.partition("@")
                if not target or target.lower() == self.bot_username.lower():
                    return True
        return False

    def _store_user_message(self, message: dict[str, Any]) -> int:
        chat_id = message["chat"]["id"]
        self._messages[(chat_id, message["message_id"])] = message
        update_id = self._enqueue(
            "message",
            message,
            chat_id=chat_id,
            user_id=message["from"]["id"],
            message_id=message["message_id"],
        )
        self._message_update[(chat_id, message["message_id"])] = update_id
        self._cond.notify_all()
        return update_id

    def _enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        chat_id: int | None,
        user_id: int | None,
        message_id: int | None = None,
    ) -> int:
        update_id = next(self._update_ids)
        payload = json.loads(json.dumps(payload))  # as Telegram sends it now, whatever edits follow
        record = _Update(
            update_id,
            kind,
            {"update_id": update_id, kind: payload},
            chat_id,
            user_id,
            message_id,
            time.monotonic(),
        )
        self._queue.append(record)
        self._updates[update_id] = record
        return update_id

    def _register_file(
        self, content: bytes, file_name: str | None, mime_type: str | None, file_size: int | None
    ) -> dict[str, Any]:
        n = next(self._file_ids)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        info: dict[str, Any] = {
            "file_id": f"BQACAgIAAxkBAAI{n:06d}",
            "file_unique_id": f"AgAD{n:06d}",
            "file_size": len(content) if file_size is None else file_size,
            "file_path": f"documents/file_{n}{suffix}",
            "content": content,
        }
        if file_name is not None:
            info["file_name"] = file_name
        if mime_type is not None:
            info["mime_type"] = mime_type
        self._files[info["file_id"]] = info
        self._file_paths[info["file_path"]] = info["file_id"]
        return info

    # ------------------------------------------------------------------ HTTP

    def _handle(self, req: _Handler) -> None:
        try:
            body = req.read_body()
        except (OSError, ValueError):
            req.close_connection = True
            return
        url = urlsplit(req.path)
        path = unquote(url.path)
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith("/file/bot"):
            self._handle_download(req, path[len(file_prefix) :] if path.startswith(file_prefix) else None)
            return
        api_prefix = f"/bot{self.token}/"
        if not path.startswith(api_prefix):
            status = 401 if path.startswith("/bot") and path.count("/") == 2 else 404
            description = "Unauthorized" if status == 401 else "Not Found"
            req.reply(status, json.dumps({"ok": False, "error_code": status, "description": description}).encode())
            return
        raw_method = path[len(api_prefix) :]
        method = self._canonical.get(raw_method.lower(), raw_method)
        with self._cond:
            queue = self._faults.get(method.lower())
            fault = queue.pop(0) if queue else None
        if fault is not None and fault[0] == "drop":
            with self._cond:
                self._calls.append({"method": method, "params": {}, "t": time.monotonic(), "status": "dropped"})
                self._cond.notify_all()
            req.close_connection = True
            return
        record: dict[str, Any] = {
            "method": method,
            "params": {},
            "t": time.monotonic(),
            "wall": time.time(),
            "http_method": req.command,
            "status": None,
        }
        try:
            params = self._decode_params(req, url.query, body)
            record["params"] = params
        except ApiError as exc:
            params = None
            error: ApiError | None = exc
        else:
            error = None
        with self._cond:
            self._calls.append(record)
            self._cond.notify_all()
        status, payload = self._dispatch(method, params, error, record)
        with self._cond:
            record["status"] = status
            if payload.get("ok"):
                record["result"] = payload["result"]
            else:
                record["error"] = payload.get("description")
            self._cond.notify_all()
        if fault is not None and fault[0] == "lost":
            with self._cond:
                record["response"] = "lost"
            req.close_connection = True
            return
        if fault is not None and fault[0] == "slow":
            time.sleep(fault[1])
        req.reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def _decode_params(self, req: _Handler, query: str, body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        ctype = req.headers.get("Content-Type", "")
        files: dict[str, dict[str, Any]] = {}
        if body:
            if ctype.startswith("application/json"):
                try:
                    data = json.loads(body)
                except ValueError as exc:
                    raise _bad("can't parse JSON object") from exc
                if not isinstance(data, dict):
                    raise _bad("JSON object expected")
                params.update(data)
            elif ctype.startswith("multipart/form-data"):
                fields, files = _parse_multipart(ctype, body)
                params.update(fields)
            else:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        params = _normalize(params)
        for name, part in files.items():  # attach://name references, or the part itself
            refs = [k for k, v in params.items() if v == f"attach://{name}"]
            for key in refs:
                params[key] = part
            if not refs:
                params[name] = part
        return params

    def _dispatch(
        self, method: str, params: dict[str, Any] | None, error: ApiError | None, record: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        key = method.lower()
        with self._cond:
            delay = self._delays.get(key, self._delays.get("*", 0.0))
        if delay:
            time.sleep(delay)
        try:
            if error is not None:
                raise error
            assert params is not None
            with self._cond:
                queue = self._failures.get(key) or self._failures.get("*")
                failure = queue.pop(0) if queue else None
            if failure is not None:
                raise self._injected(*failure)
            with self._cond:
                custom = self._custom.get(key)
            handler = custom or self._methods.get(method)
            if handler is None:
                raise ApiError(404, "Not Found")
            if handler == self._get_updates:
                result = handler(params)  # waits on the condition itself; payloads are snapshots
            else:
                with self._cond:
                    # Snapshot under the lock: stored messages keep changing with later edits.
                    result = json.loads(json.dumps(handler(params)))
                    self._cond.notify_all()
            return 200, {"ok": True, "result": result}
        except ApiError as exc:
            return exc.code, exc.body()
        except Exception as exc:  # a bug in the fake or a custom handler: tell the test, not a hang
            return 500, {"ok": False, "error_code": 500, "description": f"FakeBotAPI handler error: {exc!r}"}

    @staticmethod
    def _injected(status: int, retry_after: float | None, description: str | None) -> ApiError:
        if status == 429:
            ra: float = retry_after if retry_after is not None else 1
            ra_out: int | float = int(ra) if float(ra).is_integer() else ra
            return ApiError(429, description or f"Too Many Requests: retry after {ra_out}", {"retry_after": ra_out})
        defaults = {
            400: "Bad Request",
            403: "Forbidden",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }
        return ApiError(status, description or defaults.get(status, "Error"))

    def _handle_download(self, req: _Handler, file_path: str | None) -> None:
        record = {
            "method": "download",
            "params": {"file_path": file_path},
            "t": time.monotonic(),
            "wall": time.time(),
            "http_method": req.command,
            "status": None,
        }
        with self._cond:
            self._calls.append(record)
            file_id = self._file_paths.get(file_path or "")
            content = self._files[file_id]["content"] if file_id else None
            record["status"] = 200 if content is not None else 404
            self._cond.notify_all()
        if content is None:
            req.reply(404, json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}).encode())
        else:
            req.reply(200, content, "application/octet-stream")

    # ------------------------------------------------------------------ methods

    def _get_me(self, p: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.group_privacy,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _allowed(self, record: _Update) -> bool:
        if not self._allowed_updates:
            return record.kind not in _OPT_IN_UPDATES
        return record.kind in self._allowed_updates

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling as the real API does it.

        offset confirms (drops) older updates; a negative offset keeps only the last -offset;
        ``timeout`` blocks until an update arrives; allowed_updates persists across calls; a newer
        getUpdates ends an older still-waiting one with 409, as two competing bot instances get.
        """
        offset = p.get("offset")
        limit = max(1, min(100, int(p.get("limit") or 100)))
        timeout = float(p.get("timeout") or 0)
        with self._cond:
            if self.webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                    "to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()
            if "allowed_updates" in p:
                self._allowed_updates = list(p["allowed_updates"] or [])
            if isinstance(offset, int):
                if offset < 0:
                    self._queue = self._queue[offset:]
                else:
                    self._queue = [u for u in self._queue if u.update_id >= offset]
            deadline = time.monotonic() + timeout
            while True:
                if generation != self._poll_generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only one "
                        "bot instance is running",
                    )
                ready = [u for u in self._queue if self._allowed(u)][:limit]
                remaining = deadline - time.monotonic()
                if ready or self._stopping or remaining <= 0:
                    break
                self._cond.wait(remaining)
            now = time.monotonic()
            for u in ready:
                if u.delivered_at is None:
                    u.delivered_at = now
                u.delivered_count += 1
            self._cond.notify_all()
            return [u.payload for u in ready]

    def _delete_webhook(self, p: dict[str, Any]) -> bool:
        self.webhook = None
        if p.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _set_webhook(self, p: dict[str, Any]) -> bool:
        url = p.get("url") or ""
        if not url:
            self.webhook = None
        elif not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        else:
            self.webhook = dict(p)
        if p.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook and self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _commands_key(scope: dict[str, Any] | None, language_code: str | None) -> tuple[str, str]:
        scope = scope or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code or ""

    def _set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list) else "commands must be an array")
        for cmd in commands:
            if not _COMMAND_NAME_RE.fullmatch(str(cmd.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(p.get("scope"), p.get("language_code"))] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self._commands.get(self._commands_key(p.get("scope"), p.get("language_code")), []))

    def _delete_my_commands(self, p: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(p.get("scope"), p.get("language_code")), None)
        return True

    def _target_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int):
            raise _bad("chat not found")
        if chat_id in self._blocked:
            chat = self._chats.get(chat_id, {"type": "private"})
            if chat["type"] == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict:
                raise _bad("chat not found")
            chat = self.add_chat(chat_id, "private" if chat_id > 0 else "supergroup")
        return chat

    def _format(self, text: str, parse_mode: str | None, limit: int, what: str) -> str:
        if parse_mode is None or not self.strict:
            plain = text
        elif parse_mode.upper() == "HTML":
            plain = _parse_html(text)
        elif parse_mode == "MarkdownV2":
            plain = _parse_markdown_v2(text)
        elif parse_mode == "Markdown":
            plain = text
        else:
            raise _bad(f"unsupported parse_mode {parse_mode!r}")
        if self.strict:
            if what == "message" and not plain.strip():
                raise _bad("message text is empty")
            if _utf16_len(plain) > limit:
                raise _bad("message is too long" if what == "message" else "message caption is too long")
        return plain

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if self.strict and "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    if "callback_data" in button:
                        data = button["callback_data"]
                        if not 1 <= len(str(data).encode("utf-8")) <= 64:
                            raise _bad("BUTTON_DATA_INVALID")
                    if "url" in button and not re.match(r"(https?|tg)://", str(button["url"])):
                        raise _bad("BUTTON_URL_INVALID")
                    if not str(button.get("text", "")).strip():
                        raise _bad("text buttons are unallowed in the inline keyboard")
        return markup

    def _reply_to_id(self, p: dict[str, Any], chat_id: int) -> int | None:
        reply_to = p.get("reply_to_message_id")
        allow_missing = bool(p.get("allow_sending_without_reply"))
        params = p.get("reply_parameters")
        if isinstance(params, dict):
            reply_to = params.get("message_id", reply_to)
            allow_missing = bool(params.get("allow_sending_without_reply", allow_missing))
            chat_id = params.get("chat_id", chat_id)
        if reply_to is None:
            return None
        if (chat_id, reply_to) not in self._messages:
            if allow_missing or not self.strict:
                return None
            raise _bad("message to be replied not found")
        return reply_to

    def _new_bot_message(
        self, chat: dict[str, Any], markup: dict[str, Any] | None, reply_to: int | None, **content: Any
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
            **{k: v for k, v in content.items() if v is not None},
        }
        if reply_to is not None:
            target = self._messages[(chat["id"], reply_to)]
            message["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
        # Message.reply_markup is InlineKeyboardMarkup only: the API never echoes reply keyboards.
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _link_update(self, chat_id: int, reply_to: int | None, now: float) -> _Update | None:
        """Which user update a reply answers: the one replied to, else the oldest unanswered one.

        Why FIFO: PTB's ``reply_text`` does not quote in private chats by default, so most replies
        carry no reply_to_message_id; a bot that handles a chat's updates in order answers them
        in order.
        """
        if reply_to is not None:
            update_id = self._message_update.get((chat_id, reply_to))
            if update_id is not None:
                return self._updates[update_id]
        for u in self._updates.values():
            if (
                u.chat_id == chat_id
                and u.kind == "message"
                and u.delivered_at is not None
                and u.replied_at is None
                and u.delivered_at <= now
            ):
                return u
        return None

    def _record_sent(
        self,
        method: str,
        chat_id: int,
        message: dict[str, Any],
        p: dict[str, Any],
        reply_to: int | None,
        **extra: Any,
    ) -> None:
        now = time.monotonic()
        linked = self._link_update(chat_id, reply_to, now) if method in ("sendMessage", "sendDocument") else None
        if linked is not None and linked.replied_at is None:
            linked.replied_at = now
        latency = None
        if linked is not None and linked.delivered_at is not None:
            latency = now - linked.delivered_at
        self._sent.append(
            {
                "method": method,
                "chat_id": chat_id,
                "message_id": message["message_id"],
                "text": p.get("text"),
                "plain_text": message.get("text"),
                "parse_mode": p.get("parse_mode"),
                "reply_markup": p.get("reply_markup"),
                "reply_to_message_id": reply_to,
                "t": now,
                "update_id": linked.update_id if linked is not None else None,
                "latency": latency,
                "params": p,
                **extra,
            }
        )

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(p)
        text = p.get("text")
        if text is None:
            raise _bad("message text is empty")
        plain = self._format(str(text), p.get("parse_mode"), _MAX_TEXT, "message")
        markup = self._check_markup(p.get("reply_markup"))
        reply_to = self._reply_to_id(p, chat["id"])
        message = self._new_bot_message(chat, markup, reply_to, text=plain)
        self._formats[(chat["id"], message["message_id"])] = (text, p.get("parse_mode"), markup)
        self._record_sent("sendMessage", chat["id"], message, p, reply_to)
        return message

    def _editable(self, p: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
        if p.get("inline_message_id"):
            return None
        chat = self._target_chat(p)
        message = self._messages.get((chat["id"], p.get("message_id")))
        if message is None:
            raise _bad("message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        return chat, message

    def _not_modified(self) -> ApiError:
        return _bad(
            "message is not modified: specified new message content and reply markup are exactly the same "
            "as a current content and reply markup of the message"
        )

    def _edit_message_text(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        text = p.get("text")
        if text is None:
            raise _bad("text must be non-empty")
        plain = self._format(str(text), p.get("parse_mode"), _MAX_TEXT, "message")
        # As in the real API: editing the text without reply_markup removes the inline keyboard.
        markup = self._check_markup(p.get("reply_markup"))
        target = self._editable(p)
        if target is None:
            return True
        chat, message = target
        key = (chat["id"], message["message_id"])
        new_format = (text, p.get("parse_mode"), markup)
        if self.strict and self._formats.get(key) == new_format:
            raise self._not_modified()
        self._formats[key] = new_format
        message["text"] = plain
        message["edit_date"] = int(time.time())
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        self._record_sent("editMessageText", chat["id"], message, p, None)
        return message

    def _edit_message_reply_markup(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        markup = self._check_markup(p.get("reply_markup"))
        target = self._editable(p)
        if target is None:
            return True
        chat, message = target
        key = (chat["id"], message["message_id"])
        old = self._formats.get(key, (message.get("text"), None, message.get("reply_markup")))
        if self.strict and old[2] == markup:
            raise self._not_modified()
        self._formats[key] = (old[0], old[1], markup)
        message["edit_date"] = int(time.time())
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        self._record_sent("editMessageReplyMarkup", chat["id"], message, p, None)
        return message

    def _delete_message(self, p: dict[str, Any]) -> bool:
        chat = self._target_chat(p)
        if self._messages.pop((chat["id"], p.get("message_id")), None) is None:
            raise _bad("message to delete not found")
        return True

    def _answer_callback_query(self, p: dict[str, Any]) -> bool:
        query = self._callbacks.get(str(p.get("callback_query_id")))
        if query is None or query["answered"] is not None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if self.strict and len(str(p.get("text") or "")) > _MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        now = time.monotonic()
        query["answered"] = now
        update = self._updates[query["update_id"]]
        if update.replied_at is None:
            update.replied_at = now
        return True

    def _send_chat_action(self, p: dict[str, Any]) -> bool:
        self._target_chat(p)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _send_document(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self._target_chat(p)
        doc = p.get("document")
        if isinstance(doc, dict) and "content" in doc:
            info = self._register_file(doc["content"], doc.get("filename"), doc.get("content_type"), None)
        elif isinstance(doc, str) and doc in self._files:
            info = self._files[doc]
        elif isinstance(doc, str) and re.match(r"https?://", doc):
            info = self._register_file(b"", doc.rsplit("/", 1)[-1] or "file", None, None)
        else:
            raise _bad("wrong file identifier/HTTP URL specified" if doc else "there is no document in the request")
        caption = p.get("caption")
        plain_caption = None
        if caption is not None:
            plain_caption = self._format(str(caption), p.get("parse_mode"), _MAX_CAPTION, "caption")
        markup = self._check_markup(p.get("reply_markup"))
        reply_to = self._reply_to_id(p, chat["id"])
        document = {
            k: info[k] for k in ("file_id", "file_unique_id", "file_name", "mime_type", "file_size") if k in info
        }
        message = self._new_bot_message(chat, markup, reply_to, document=document, caption=plain_caption or None)
        self._record_sent(
            "sendDocument",
            chat["id"],
            message,
            p,
            reply_to,
            document={**document, "content": info["content"]},
            caption=caption,
        )
        return message

    def _get_file(self, p: dict[str, Any]) -> dict[str, Any]:
        info = self._files.get(str(p.get("file_id")))
        if info is None:
            raise _bad("invalid file_id")
        if info["file_size"] > _MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {k: info[k] for k in ("file_id", "file_unique_id", "file_size", "file_path")}
