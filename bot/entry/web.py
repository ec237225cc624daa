"""HTTP mode: the WSGI application gunicorn serves (`claimbot serve`, see bot/entry/gunicorn_conf.py).

``serve_in_thread`` runs the same WSGI app on a local thread: the demo, the latency bench and the
end-to-end tests talk to it over real HTTP, as Slack talks to gunicorn.

Under gunicorn the master loads what is slow and safe to share across fork (the imports and the spaCy
pipeline) before it listens; each worker builds its own runtime (database pool, Bolt app, job threads)
before it takes its first request. So the first request is answered as fast as the hundredth.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import sqlalchemy as sa
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import Settings
from bot.entry.runtime import Runtime, build_runtime
from bot.services import Services, shared_pipeline
from storage import db

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


def wsgi_handler(runtime: Runtime) -> SlackRequestHandler:
    """Events, commands, interactions at /slack/events; OAuth at /slack/install and /slack/oauth_redirect."""
    return SlackRequestHandler(runtime.app)


class ClaimbotWSGI:
    """Slack's endpoints through Bolt, and ``GET /healthz`` for load balancers; one runtime per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runtime: Runtime | None = None
        self._handler: SlackRequestHandler | None = None
        self._lock = threading.Lock()

    def preload(self) -> None:
        """What every worker shares after fork: the spaCy pipeline (seconds to load, read-only after) and
        the migration scripts' head (each worker checks its database against it)."""
        shared_pipeline(self.settings.spacy_model)
        db.head_revision()

    def start(self) -> None:
        """Build this process's runtime (after fork: threads and connections never cross a fork)."""
        with self._lock:
            if self._runtime is None:
                self._runtime = build_runtime(self.settings)
                self._handler = wsgi_handler(self._runtime)

    def close(self) -> None:
        with self._lock:
            if self._runtime is not None:
                self._runtime.close()
                self._runtime = self._handler = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._health(start_response)
        if self._handler is None:
            self.start()
        assert self._handler is not None
        return self._handler(environ, start_response)

    def _health(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        """200 when this process is up and its database answers, else 503 (the body says which)."""
        runtime = self._runtime
        problem = "starting" if runtime is None else database_problem(runtime.services)
        status = "200 OK" if problem is None else "503 Service Unavailable"
        body = json.dumps({"ok": problem is None, **({"problem": problem} if problem else {})}).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def database_problem(services: Services) -> str | None:
    """None if the database answers a trivial query now, else a short reason (no URL, no secrets)."""
    try:
        with services.reading() as session:
            session.execute(sa.text("SELECT 1"))
    except Exception as exc:
        logger.warning("health check: database unreachable (%s)", type(exc).__name__)
        return f"database unreachable ({type(exc).__name__})"
    return None


def wsgi_app(settings: Settings | None = None) -> ClaimbotWSGI:
    """Factory for gunicorn: settings from the environment; the runtime is built in each worker."""
    app = ClaimbotWSGI(settings or Settings())
    app.preload()
    return app


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
