"""`GET /healthz` for load balancers: 200 when the process is up and its database answers, else 503."""

from __future__ import annotations

import gc
import io
import json
import sys
import threading
import time
from typing import Any
from wsgiref.util import setup_testing_defaults

from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from bot.entry.web import ClaimbotWSGI, database_problem
from bot.services import Services
from bot.slack_standin import SlackStandin
from tests.plugins.app import SIGNING_SECRET, app_settings

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/claimbot"  # nothing listens on port 1


def call(app: ClaimbotWSGI, path: str, method: str = "GET") -> tuple[str, dict[str, Any]]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen["status"] = status

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method}, start_response))
    return seen["status"], json.loads(body)


def test_a_worker_that_has_not_built_its_runtime_is_not_ready() -> None:
    app = ClaimbotWSGI(Settings(_env_file=None, database_url=UNREACHABLE))
    assert call(app, "/healthz") == ("503 Service Unavailable", {"ok": False, "problem": "starting"})


def test_a_database_that_does_not_answer_is_reported_without_its_url(fresh_db_url: str) -> None:
    down = Services.create(Settings(_env_file=None, database_url=UNREACHABLE), check_schema=False)
    up = Services.create(Settings(_env_file=None, database_url=fresh_db_url))
    try:
        problem = database_problem(down)
        assert problem is not None and problem.startswith("database unreachable")
        assert "127.0.0.1" not in problem and "postgres@" not in problem
        assert database_problem(up) is None
    finally:
        down.close()
        up.close()


def test_the_preloaded_app_crosses_a_fork_with_no_thread_and_no_connection(
    fresh_db_url: str, standin: SlackStandin, nlp: Any
) -> None:
    """What gunicorn's master assembles before it forks starts nothing and holds no connection; the worker
    starts it, and only then does it answer healthy."""
    app = ClaimbotWSGI(app_settings(fresh_db_url, standin))
    threads = {t.name for t in threading.enumerate()}
    gc.unfreeze()  # whatever an earlier test's runtime froze
    app.preload()
    try:
        # the pipeline, the lexicons and the app are out of the collector's reach: a full collection
        # during a burst walks only what came since, not a pause of every thread (services.settle_heap)
        assert gc.get_freeze_count() > 100_000
        assert len(gc.get_objects()) < 1_000
        runtime = app._runtime
        assert runtime is not None and not runtime.started
        assert {t.name for t in threading.enumerate()} == threads
        assert runtime.services.engine.pool.checkedout() == 0
        assert runtime.services.engine.pool.checkedin() == 0
        assert call(app, "/healthz") == ("503 Service Unavailable", {"ok": False, "problem": "starting"})
        sys.setswitchinterval(0.005)  # Python's default, whatever an earlier test's runtime set
        app.start()
        assert {"claimbot-resume", "claimbot-digests"} <= {t.name for t in threading.enumerate()}
        # the ack and search threads get the GIL back within 1 ms while an analysis runs in the process
        assert sys.getswitchinterval() <= 0.001
        assert call(app, "/healthz") == ("200 OK", {"ok": True})
    finally:
        app.close()


def test_a_preloaded_worker_answers_before_its_runtime_has_started(
    fresh_db_url: str, standin: SlackStandin, nlp: Any
) -> None:
    """gunicorn starts a worker's runtime beside its first requests: the app the master built answers a
    signed request from Slack (here its URL check) without waiting for the clocks and the sweep."""
    app = ClaimbotWSGI(app_settings(fresh_db_url, standin))
    app.preload()
    try:
        body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"}).encode()
        ts = str(int(time.time()))
        signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=ts, body=body)
        environ = {
            "PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts,
            "HTTP_X_SLACK_SIGNATURE": signature,
        }  # fmt: skip
        setup_testing_defaults(environ)
        seen: dict[str, str] = {}
        answer = b"".join(app(environ, lambda status, headers: seen.update(status=status)))
        assert (seen["status"], b"c-123" in answer) == ("200 OK", True), answer
        assert app._runtime is not None and not app._runtime.started
    finally:
        app.close()
