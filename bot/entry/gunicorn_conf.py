"""gunicorn settings for `claimbot serve`: load once in the master; each worker serves it at once.

``preload_app``: the master assembles the app (the spaCy pipeline, the schema check, the Bolt app) before
it opens its socket, so nothing listens before it can answer, and the workers share the pipeline's
memory (copy-on-write). ``post_worker_init``: each worker starts its runtime (its own connections, job
threads, clocks) beside its first requests, with the app's log lines on stderr (bot/logs.py);
``worker_exit`` closes it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Any

preload_app = True
worker_class = "gthread"
# SIGTERM (systemd, Docker, a platform's deploy): workers finish what they hold, then exit; 10 s at most.
graceful_timeout = 10
# gunicorn 25+ opens one control socket per user ($HOME/.gunicorn/gunicorn.ctl): two `claimbot serve`
# on one machine would take it from each other, and claimbot has no use for gunicornc.
control_socket_disable = True


def when_ready(server: Any) -> None:
    # gunicorn stops at once on SIGINT (Ctrl-C, `kill -INT`): make it the same graceful stop as SIGTERM.
    server.handle_int = server.handle_term


def post_worker_init(worker: Any) -> None:
    from bot import logs

    signal.signal(signal.SIGINT, worker.handle_exit)  # a Ctrl-C reaches the workers too: stop gracefully

    settings = worker.wsgi.settings
    logs.configure(settings.log_level, settings.log_format)
    # A request needs only the app the master built; the runtime's clocks and its sweep of work left
    # behind (a database round trip or two, 40-60 ms) start beside the first requests, not before them.
    threading.Thread(target=_start_runtime, args=(worker,), name="claimbot-start", daemon=True).start()


def _start_runtime(worker: Any) -> None:
    try:
        worker.wsgi.start()
    except Exception:  # as when it ran before the first request: the worker stops and gunicorn replaces it
        logging.getLogger(__name__).exception("worker %d could not start its runtime; stopping", os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)


def worker_exit(server: Any, worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "close") and not app.close():
        logging.shutdown()
        os._exit(0)  # a job thread still runs a slow page; its shares are released, don't wait for it
