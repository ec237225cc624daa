"""HTTP mode: the WSGI application gunicorn serves (`gunicorn 'bot.web:wsgi_app()'`).

``serve_in_thread`` runs the same WSGI app on a local thread: the demo, the latency bench and the
end-to-end tests talk to it over real HTTP, as Slack talks to gunicorn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings
from bot.runtime import Runtime, build_runtime


def wsgi_handler(runtime: Runtime) -> SlackRequestHandler:
    """Events, commands, interactions at /slack/events; OAuth at /slack/install and /slack/oauth_redirect."""
    return SlackRequestHandler(runtime.app)


def wsgi_app(settings: Settings | None = None) -> SlackRequestHandler:
    """Factory for gunicorn: settings from the environment, one runtime per worker process."""
    return wsgi_handler(build_runtime(settings or Settings()))


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@contextmanager
def serve_in_thread(runtime: Runtime, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the app locally; yields the events URL (``http://127.0.0.1:PORT/slack/events``)."""
    server = make_server(
        host, port, wsgi_handler(runtime), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="claimbot-http", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}/slack/events"
    finally:
        server.shutdown()
        server.server_close()
