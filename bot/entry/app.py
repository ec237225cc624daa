"""The Bolt App factory: settings and a WebClient in, a wired app out.

Entrypoints (Socket Mode, gunicorn, tests, the demo) pick the transport; behaviour lives in handlers/.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.jobs.queue import InProcessQueue, JobQueue
from bot.jobs.shares import process_shares
from bot.services import Services
from bot.slack import redaction
from bot.slack.installations import ClaimbotInstallationStore
from bot.slack.ops import SlackClients, make_web_client
from handlers.deps import AppDeps

logger = logging.getLogger(__name__)

BOT_SCOPES = [
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:read",
    "mpim:history",
    "mpim:read",
    "reactions:write",
    "users:read",
]


class SlackConfigError(Exception):
    """The Slack credentials present don't make a runnable app; the message says what to set."""


class _EnvTokenNotice(logging.Filter):
    """Drop Bolt's "As you gave client as well, token will be unused." at start.

    Bolt's App falls back to os.environ["SLACK_BOT_TOKEN"] whenever no ``token`` argument is given (an
    empty one too), then warns that the client's token wins. We always give it a client built from our
    settings (the API URL, the retry handlers, the same token), so on every start that warning is noise;
    passing no client would lose the API URL. Only that one record, only on Bolt's logger, is dropped.
    """

    message = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.message


def bolt_logger() -> logging.Logger:
    """Bolt's framework logger, without the notice above."""
    log = logging.getLogger("bot.slack")
    if not any(isinstance(f, _EnvTokenNotice) for f in log.filters):
        log.addFilter(_EnvTokenNotice())
    return log


def installation_store(services: Services) -> SQLAlchemyInstallationStore:
    return ClaimbotInstallationStore(services)


def build_deps(services: Services, queue: JobQueue | None = None) -> AppDeps:
    """Clients per workspace plus a queue whose jobs post with them."""
    settings = services.settings
    store = installation_store(services) if settings.slack_client_id else None
    clients = SlackClients(settings, store)
    if queue is None:
        queue = InProcessQueue(lambda ids: process_shares(services, clients, ids), workers=settings.workers)
    return AppDeps(services=services, clients=clients, queue=queue)


def create_app(deps: AppDeps, *, client: WebClient | None = None, socket_mode: bool = False) -> App:
    """One workspace with SLACK_BOT_TOKEN, or any number through OAuth with SLACK_CLIENT_ID/SECRET."""
    from handlers import register
    from handlers.events.guard import malformed_event_guard

    settings = deps.services.settings
    redaction.install(
        s.get_secret_value() if s else None
        for s in (
            settings.slack_bot_token,
            settings.slack_app_token,
            settings.slack_signing_secret,
            settings.slack_client_secret,
        )
    )
    oauth = bool(settings.slack_client_id and settings.slack_client_secret)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    # Bolt takes a single workspace's token from the client it is given.
    client = client or make_web_client(settings, None if oauth else token)
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    if not socket_mode and not secret:
        raise SlackConfigError("HTTP mode needs SLACK_SIGNING_SECRET to check that requests come from Slack")
    kwargs: dict[str, Any] = {
        "name": "claimbot",
        "client": client,
        "signing_secret": secret or "",
        "logger": bolt_logger(),
        # Bolt's authorization reads body["event"] before any app middleware: a malformed one must stop first.
        "before_authorize": malformed_event_guard,
    }
    if oauth:
        store = deps.clients.installation_store or installation_store(deps.services)
        client_secret = settings.slack_client_secret.get_secret_value()
        kwargs["installation_store"] = store
        kwargs["installation_store_bot_only"] = True
        # The cache spares an auth.test per request; Bolt's default authorize leaves it off.
        kwargs["authorize"] = InstallationStoreAuthorize(
            installation_store=store,
            client_id=settings.slack_client_id,
            client_secret=client_secret,
            logger=logging.getLogger("bot.slack"),
            bot_only=True,
            cache_enabled=True,
            client=client,
        )
        kwargs["oauth_settings"] = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=client_secret,
            scopes=BOT_SCOPES,
            installation_store=store,
            installation_store_bot_only=True,
            state_store=SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=deps.services.engine),
        )
    elif not token:
        raise SlackConfigError(
            "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth installs)"
        )
    app = App(**kwargs)
    app.error(_on_error)
    register(app, deps)
    return app


def _on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse | None:
    """Log for the operator; Slack gets a plain 500 and the user never sees a traceback."""
    kind = body.get("type") or body.get("command") or "request"
    logger.error("unhandled error in %s: %r", kind, error, exc_info=error)
    return None
