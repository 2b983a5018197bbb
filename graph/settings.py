"""One settings object, read from the environment (prefix-free names, documented in README)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime configuration; every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite://graph.sqlite3",
        description="Tortoise URL: sqlite://PATH or psycopg://user@host:port/db",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_page_size: int = 100
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    health_timeout_s: float = 2.0
    max_body_chars: int = 100_000
    max_request_bytes: int = 10_000_000
    load_demo_on_empty: bool = True
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
