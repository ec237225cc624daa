"""HTTP mode: the WSGI application gunicorn serves (`gunicorn 'bot.web:wsgi_app()'`)."""

from __future__ import annotations

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings
from bot.runtime import Runtime, build_runtime


def wsgi_handler(runtime: Runtime) -> SlackRequestHandler:
    """Events, commands, interactions at /slack/events; OAuth at /slack/install and /slack/oauth_redirect."""
    return SlackRequestHandler(runtime.app)


def wsgi_app(settings: Settings | None = None) -> SlackRequestHandler:
    """Factory for gunicorn: settings from the environment, one runtime per worker process."""
    return wsgi_handler(build_runtime(settings or Settings()))
