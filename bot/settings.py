"""Telegram-side settings (environment or .env): token, API base URLs, who may ask, limits."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdSet = Annotated[frozenset[int], NoDecode]


class BotSettings(BaseSettings):
    """Settings of the Telegram bot. Id lists are comma-separated numbers."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    token: str | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    # A deployment may run its own Bot API server (which also lifts the 20 MB download limit).
    api_base_url: str = Field("https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL")
    file_base_url: str = Field("https://api.telegram.org/file/bot", validation_alias="TELEGRAM_FILE_BASE_URL")
    allowed_users: IdSet = Field(frozenset(), validation_alias="DOCBOT_ALLOWED_USERS")
    allowed_chats: IdSet = Field(frozenset(), validation_alias="DOCBOT_ALLOWED_CHATS")
    admins: IdSet = Field(frozenset(), validation_alias="DOCBOT_ADMINS")
    # Internal documents are not public by default: nobody may ask until ids are configured,
    # unless this is explicitly set.
    open_to_all: bool = Field(False, validation_alias="DOCBOT_OPEN_TO_ALL")
    questions_per_minute: int = Field(20, validation_alias="DOCBOT_QUESTIONS_PER_MINUTE")
    max_question_chars: int = Field(1000, validation_alias="DOCBOT_MAX_QUESTION_CHARS")
    # Outgoing flood control (Telegram allows about 30 messages/s overall, 20/min per group);
    # 0 turns the limiter off, e.g. against a local test server.
    telegram_rate: float = Field(30, validation_alias="DOCBOT_TELEGRAM_RATE")
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
        return tuple(sorted({int(x) for x in self.remind_days.split(",") if x.strip()}, reverse=True))

    @field_validator("allowed_users", "allowed_chats", "admins", mode="before")
    @classmethod
    def _ids(cls, value: object) -> frozenset[int]:
        if value is None or value == "":
            return frozenset()
        if isinstance(value, str):
            return frozenset(int(x) for x in value.replace(";", ",").split(",") if x.strip())
        return frozenset(int(x) for x in value)  # type: ignore[union-attr]
