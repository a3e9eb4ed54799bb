"""Telegram-side settings (environment or .env): token, API base URLs, who may ask, limits.

A careless value stops the bot with one Vietnamese line naming the variable and the form it
expects (``SettingsError``), never a traceback; an empty value means the default.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdSet = Annotated[frozenset[int], NoDecode]
_ID_SEP = re.compile(r"[\s,;]+")


class SettingsError(ValueError):
    """A setting that cannot be used; the message is one line for the operator."""


class BotSettings(BaseSettings):
    """Settings of the Telegram bot. Id lists are numbers separated by commas or spaces."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True)

    token: str | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    # A deployment may run its own Bot API server (which also lifts the 20 MB download limit).
    api_base_url: str = Field("https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL")
    file_base_url: str = Field("https://api.telegram.org/file/bot", validation_alias="TELEGRAM_FILE_BASE_URL")
    allowed_users: IdSet = Field(frozenset(), validation_alias="DOCBOT_ALLOWED_USERS")
    allowed_chats: IdSet = Field(frozenset(), validation_alias="DOCBOT_ALLOWED_CHATS")
    admins: IdSet = Field(frozenset(), validation_alias="DOCBOT_ADMINS")
    # Groups where admins may add documents by posting a file (in private chat they always may).
    upload_chats: IdSet = Field(frozenset(), validation_alias="DOCBOT_UPLOAD_CHATS")
    # In a group, "both": the user AND the group must be allowed (what is posted there is read by every
    # member); "either": one of them is enough (the behaviour before issue 15).
    group_access: Literal["both", "either"] = Field("both", validation_alias="DOCBOT_GROUP_ACCESS")
    # Users and chats cleared for documents with an access level; a higher level includes the lower.
    cleared_noi_bo: IdSet = Field(frozenset(), validation_alias="DOCBOT_CLEARED_NOI_BO")
    cleared_mat: IdSet = Field(frozenset(), validation_alias="DOCBOT_CLEARED_MAT")
    cleared_toi_mat: IdSet = Field(frozenset(), validation_alias="DOCBOT_CLEARED_TOI_MAT")
    cleared_tuyet_mat: IdSet = Field(frozenset(), validation_alias="DOCBOT_CLEARED_TUYET_MAT")
    # Internal documents are not public by default: nobody may ask until ids are configured,
    # unless this is explicitly set.
    open_to_all: bool = Field(False, validation_alias="DOCBOT_OPEN_TO_ALL")
    questions_per_minute: int = Field(20, ge=1, validation_alias="DOCBOT_QUESTIONS_PER_MINUTE")
    max_question_chars: int = Field(1000, ge=10, validation_alias="DOCBOT_MAX_QUESTION_CHARS")
    # Outgoing flood control (Telegram allows about 30 messages/s overall, 20/min per group);
    # 0 turns the limiter off, e.g. against a local test server.
    telegram_rate: float = Field(30, ge=0, validation_alias="DOCBOT_TELEGRAM_RATE")
    # Delivery (bot/delivery.py). Read timeout: Telegram answers sendMessage in well under a second
    # but takes several seconds when it is loaded; 25 s waits for a slow send instead of repeating it
    # (issue 15 asks for at least 20). 4 attempts with 0.5 s doubling backoff ride out a 5-second
    # outage of the API (0.5 + 1 + 2 + 4 s) without keeping a user waiting much longer than that.
    read_timeout: float = Field(25, ge=1, validation_alias="DOCBOT_READ_TIMEOUT")
    connect_timeout: float = Field(10, ge=1, validation_alias="DOCBOT_CONNECT_TIMEOUT")
    send_attempts: int = Field(4, ge=1, le=10, validation_alias="DOCBOT_SEND_ATTEMPTS")
    send_backoff: float = Field(0.5, ge=0, validation_alias="DOCBOT_SEND_BACKOFF")
    # A 429 asking to wait longer than this is not waited for (the call fails and is reported).
    max_retry_after: float = Field(30, ge=0, validation_alias="DOCBOT_MAX_RETRY_AFTER")
    # A reminder claimed but not confirmed for this long is sent once more, marked "nhắc lại": longer
    # than a send can take with every retry (4 × 25 s read timeout + backoff ≈ 110 s).
    remind_lease: float = Field(300, ge=0, validation_alias="DOCBOT_REMIND_LEASE")
    remind_days: str = Field("7,3,1,0", validation_alias="DOCBOT_REMIND_DAYS")
    remind_time: str = Field("08:00", validation_alias="DOCBOT_REMIND_TIME")  # Asia/Ho_Chi_Minh
    timezone: str = Field("Asia/Ho_Chi_Minh", validation_alias="DOCBOT_TIMEZONE")
    webhook_url: str | None = Field(None, validation_alias="DOCBOT_WEBHOOK_URL")
    webhook_listen: str = Field("0.0.0.0", validation_alias="DOCBOT_WEBHOOK_LISTEN")
    webhook_port: int = Field(8443, validation_alias="DOCBOT_WEBHOOK_PORT")
    webhook_secret: str | None = Field(None, validation_alias="DOCBOT_WEBHOOK_SECRET")

    @property
    def stages(self) -> tuple[int, ...]:
        """Reminder stages in days before the due date."""
        return tuple(sorted({int(x) for x in _ID_SEP.split(self.remind_days) if x}, reverse=True))

    @property
    def cleared(self) -> dict[str, frozenset[int]]:
        """Who is cleared for each access level (index/ingest/levels.py names)."""
        return {
            "noi-bo": self.cleared_noi_bo,
            "mat": self.cleared_mat,
            "toi-mat": self.cleared_toi_mat,
            "tuyet-mat": self.cleared_tuyet_mat,
        }

    @field_validator(
        "allowed_users",
        "allowed_chats",
        "admins",
        "upload_chats",
        "cleared_noi_bo",
        "cleared_mat",
        "cleared_toi_mat",
        "cleared_tuyet_mat",
        mode="before",
    )
    @classmethod
    def _ids(cls, value: object) -> frozenset[int]:
        if value is None or value == "":
            return frozenset()
        if isinstance(value, str):
            parts = [x for x in _ID_SEP.split(value.strip()) if x]
            bad = [x for x in parts if not re.fullmatch(r"-?[0-9]{1,20}", x)]
            if bad:
                raise ValueError(f"«{bad[0][:40]}» không phải mã số")
            return frozenset(int(x) for x in parts)
        return frozenset(int(x) for x in value)  # type: ignore[union-attr]

    @field_validator("remind_days")
    @classmethod
    def _days(cls, value: str) -> str:
        if not all(re.fullmatch(r"[0-9]{1,3}", x) for x in _ID_SEP.split(value.strip()) if x):
            raise ValueError("không phải danh sách số ngày")
        return value

    @field_validator("remind_time")
    @classmethod
    def _time(cls, value: str) -> str:
        m = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", value.strip())
        if not m:
            raise ValueError("không phải giờ:phút")
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("không có múi giờ này") from exc
        return value


# What each kind of value should look like, in the operator's words.
_EXPECTED = {
    "ids": "các mã số (số nguyên) cách nhau bởi dấu phẩy, ví dụ 1001,1002",
    "bool": "true hoặc false (hoặc 1/0)",
    "int": "một số nguyên",
    "float": "một số",
    "remind_days": "các số ngày cách nhau bởi dấu phẩy, ví dụ 7,3,1,0",
    "remind_time": "giờ:phút, ví dụ 08:00",
    "timezone": "tên múi giờ IANA, ví dụ Asia/Ho_Chi_Minh",
    "group_access": "both (cả người và nhóm phải được phép) hoặc either",
}


def _expected(model: type[BaseSettings], name: str) -> str:
    if name in _EXPECTED:
        return _EXPECTED[name]
    ann = str(model.model_fields[name].annotation)
    if "frozenset" in ann:
        return _EXPECTED["ids"]
    for key in ("bool", "int", "float"):
        if key in ann:
            return _EXPECTED[key]
    return "một giá trị hợp lệ"


def explain(exc: ValidationError, model: type[BaseSettings], prefix: str = "") -> str:
    """One Vietnamese line for the first bad setting: its variable, the expected form, the value."""
    err = exc.errors()[0]
    name = str(err["loc"][0]) if err.get("loc") else ""
    field = model.model_fields.get(name)
    if field is None:  # the error names the variable itself (an alias)
        match = [n for n, f in model.model_fields.items() if f.validation_alias == name]
        name = match[0] if match else name
        field = model.model_fields.get(name)
    var = field.validation_alias if field is not None and isinstance(field.validation_alias, str) else None
    var = var or f"{prefix}{name}".upper()
    value = str(err.get("input", ""))[:60]
    reason = str(err.get("ctx", {}).get("error", "")) if err.get("ctx") else ""
    detail = f" ({reason})" if reason and "không" in reason else ""
    expected = _expected(model, name) if field is not None else "một giá trị hợp lệ"
    return f"Cấu hình sai: {var}=«{value}»{detail}; cần {expected}."


def load_bot_settings(**values: object) -> BotSettings:
    """The settings, or SettingsError with one line naming the variable."""
    try:
        return BotSettings(**values)
    except ValidationError as exc:
        raise SettingsError(explain(exc, BotSettings)) from None
