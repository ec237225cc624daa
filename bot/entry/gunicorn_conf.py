"""gunicorn settings for `claimbot serve`: load once in the master, build each worker before it serves.

``preload_app``: the master assembles the app (the spaCy pipeline, the schema check, the Bolt app) before
it opens its socket, so nothing listens before it can answer, and the workers share the pipeline's
memory (copy-on-write). ``post_worker_init``: each worker starts its runtime (its own connections, job
threads, clocks) before it accepts its first request, with the app's log lines on stderr (bot/logs.py);
``worker_exit`` closes it.
"""

from __future__ import annotations

import logging
import os
import signal
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
    worker.wsgi.start()


def worker_exit(server: Any, worker: Any) -> None:
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "close") and not app.close():
        logging.shutdown()
        os._exit(0)  # a job thread still runs a slow page; its shares are released, don't wait for it
