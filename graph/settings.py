"""One settings object, read from the environment (prefix-free names, documented in README)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.proxies import Network, networks


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
    # Complexity caps, checked before validation (graph/api/complexity.py; README "Complexity
    # caps" says how the defaults were measured).
    max_directives: int = 50
    max_selections: int = Field(
        default=500,
        description="Fields and fragments a document selects, a fragment counted wherever "
        "it is spread",
    )
    max_selection_set_fields: int = Field(
        default=100,
        description="Fields one selection set merges (its own, inline fragments', and each "
        "spread fragment's once)",
    )
    max_merge_comparisons: int = Field(
        default=500,
        description="Pairs of same-named fields, and of fragments, meeting in one selection "
        "set, summed over the document (validation compares each pair)",
    )
    planned_execution: bool = Field(
        default=True,
        description="Run queries the planner covers as batched plans instead of field by field",
    )
    fast_lane: bool = Field(
        default=True,
        description="Answer queries already parsed, validated, priced and planned without "
        "Strawberry's per-request machinery",
    )
    planner_strict: bool = Field(
        default=False,
        description="Answer with an error when the planner raises unexpectedly, instead of "
        "falling back to standard execution (on in the test suite, so a planner bug fails)",
    )
    max_query_cost: int = Field(
        default=50_000,
        description="Refuse operations whose answer could cost more than this (objects plus KiB)",
    )
    max_answer_bytes: int = Field(
        default=32 * 1024 * 1024,
        description="Refuse operations whose answer could take more bytes than this",
    )
    max_search_chars: int = 200
    max_search_terms: int = 16
    search_count_limit: int = Field(
        default=10_000,
        description="Search counts and facets stop here (totalCountIsExact then says false)",
    )

    # Budgets: cost units per client per window (Redis-backed when REDIS_URL is set).
    rate_limit_cost: int | None = Field(
        default=None,
        description="Cost units per client per window; 0 turns budgets off; unset means "
        "500,000 on PostgreSQL and off on SQLite",
    )
    rate_limit_window_s: int = 60
    redis_url: str = Field(default="", description="redis://host:port/db for shared budgets")
    trust_forwarded_for: bool = Field(
        default=False,
        description="Take the caller's address from X-Forwarded-For, when the request comes "
        "from a proxy in FORWARDED_ALLOW_IPS",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1,::1",
        description="The proxies (IP addresses and CIDR blocks, comma-separated) whose "
        "X-Forwarded-For is believed when TRUST_FORWARDED_FOR is on",
    )
    health_timeout_s: float = 2.0
    max_body_chars: int = 100_000
    max_request_bytes: int = 10_000_000
    load_demo_on_empty: bool = True
    log_level: str = "INFO"
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The API's public base URL, for links in mails (confirm, unsubscribe)",
    )
    post_url_template: str = Field(
        default="https://www.denoffentlige.dk/{post}",
        description="A post's public page, for mails, feeds and sitemaps: {relay} and {post} "
        "are slugs",
    )
    preview_url_template: str = Field(
        default="",
        description="A preview link's address: {relay}, {post} (slugs) and {token}; empty "
        "means POST_URL_TEMPLATE with ?preview={token}",
    )
    feed_items: int = Field(
        default=50,
        ge=1,
        le=500,
        description="Entries per feed document: a feed's newest posts, and each archive page "
        "of older ones (1 to 500)",
    )
    secret_key: str = Field(
        default="", description="Signs newsletter links; when empty, a random key kept in the DB"
    )

    # The response cache for anonymous queries, and persisted queries.
    response_cache: bool = Field(default=True, description="Cache anonymous query answers")
    cache_max_entries: int = 20_000
    cache_max_bytes: int = 128 * 1024 * 1024
    cache_control: str = Field(
        default="public, max-age=0, must-revalidate",
        description="Cache-Control on anonymous GET answers (CDNs revalidate with the ETag)",
    )
    cache_tag_header: str = Field(
        default="Cache-Tag", description="Header listing an answer's content tags for purges"
    )
    apq_only_known: bool = Field(
        default=False, description="Anonymous callers may run only the named operations"
    )

    # Jobs (procrastinate on PostgreSQL, in-process on SQLite).
    serve_runs_jobs: bool | None = Field(
        default=None, description="Run jobs inside `graph serve`; unset means only on SQLite"
    )
    worker_concurrency: int = 4
    worker_poll_s: float = 1.0
    worker_heartbeat_s: float = 10.0
    stalled_after_s: float = 30.0
    job_retention_hours: int = 24 * 14
    # Surviving the database: job retries on lost connections, and the sweep for due work.
    job_retry_base_s: float = 1.0
    job_retry_cap_s: float = 300.0

    # Webhooks.
    webhook_timeout_s: float = 10.0
    webhook_retry_base_s: float = 5.0
    webhook_retry_cap_s: float = 3600.0
    webhook_give_up_after_s: float = 86_400.0
    webhook_allow_private: bool = Field(
        default=False, description="Allow webhook URLs on loopback, link-local or private nets"
    )

    # Mail (newsletter, baton).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: str = Field(default="none", description="none, starttls or tls")
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_s: float = 30.0
    mail_from: str = "Stafetten <stafet@localhost>"
    mail_retry_base_s: float = 30.0
    mail_retry_cap_s: float = 3600.0
    baton_reminder_days: int = 3

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        networks(value)  # a typo must stop the server, not trust nobody (or everybody)
        return value

    @property
    def trusted_proxies(self) -> tuple[Network, ...]:
        """FORWARDED_ALLOW_IPS as networks."""
        return networks(self.forwarded_allow_ips)

    def post_url(self, relay_slug: str, post_slug: str) -> str:
        """A post's page on the site, from POST_URL_TEMPLATE."""
        return self.post_url_template.format(relay=relay_slug, post=post_slug)

    @property
    def budget_per_window(self) -> int:
        """Cost units per client and window; 0 when budgets are off."""
        if self.rate_limit_cost is not None:
            return max(0, self.rate_limit_cost)
        return 0 if self.database_url.startswith("sqlite") else DEFAULT_RATE_LIMIT_COST


# Budgets on PostgreSQL unless configured: per client and minute, about 80 uncached
# RelaysWithPosts answers (6,332 each), 7,700 PostPages (65), or 500,000 cached answers.
DEFAULT_RATE_LIMIT_COST = 500_000


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
