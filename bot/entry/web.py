"""HTTP mode: the WSGI application gunicorn serves (`claimbot serve`, see bot/entry/gunicorn_conf.py).

``serve_in_thread`` runs the same WSGI app on a local thread: the demo, the latency bench and the
end-to-end tests talk to it over real HTTP, as Slack talks to gunicorn.

Under gunicorn the master assembles everything slow (the spaCy pipeline, the schema check, the Bolt app)
before it listens; each worker, after fork, opens its own connections and starts its own threads before
it takes its first request. So the first request is answered as fast as the hundredth.
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

from bot import logs
from bot.config import Settings
from bot.entry.runtime import Runtime, assemble_runtime
from bot.pipeline import warm_up
from bot.services import Services, settle_heap, shared_pipeline

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
        """Everything slow, before gunicorn listens and forks: the spaCy pipeline (seconds to load,
        read-only after, shared by the workers' memory), the schema check and the Bolt app (Slack's
        auth.test), and a sample page's analysis (bot/pipeline.py:warm_up); then the heap is settled
        (services.settle_heap). No thread is started and no connection is kept: neither may cross a fork."""
        warm_up(shared_pipeline(self.settings.spacy_model))
        with self._lock:
            self._runtime = assemble_runtime(self.settings)
            self._runtime.services.engine.dispose()  # each worker opens its own connections
            self._handler = wsgi_handler(self._runtime)
        settle_heap()

    def start(self) -> None:
        """Start this process's runtime: its clocks, its job threads, the sweep of work left behind."""
        with self._lock:
            if self._runtime is None:
                self._runtime = assemble_runtime(self.settings)
                self._handler = wsgi_handler(self._runtime)
            self._runtime.start()

    def close(self) -> bool:
        """On the worker's way out (SIGTERM): jobs in flight finish or give their shares back; False when
        a job thread still runs (its shares are free: the process need not wait for it)."""
        with self._lock:
            finished = True
            if self._runtime is not None:
                finished = self._runtime.stop(self.settings.shutdown_grace_seconds)
                self._runtime = self._handler = None
            return finished

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._health(start_response)
        if self._handler is None:  # not preloaded (a server other than `claimbot serve`): build it now
            self.start()
        assert self._handler is not None
        return self._handler(environ, start_response)

    def _health(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        """200 when this process is up and its database answers, else 503 (the body says which)."""
        runtime = self._runtime
        if runtime is None or not runtime.started:
            problem: str | None = "starting"
        else:
            problem = database_problem(runtime.services)
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
    settings = settings or Settings()
    logs.configure(settings.log_level, settings.log_format)  # the master's own lines: loading, checks
    app = ClaimbotWSGI(settings)
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
