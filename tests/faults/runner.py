"""claimbot in HTTP mode in a process of its own, for tests that kill it (``python -m tests.faults.runner``).

Argument: JSON with ``database_url``, ``slack_api_url`` and ``lease_seconds``. Prints the events URL on
stdout once it serves, then runs until killed. It wires what a runtime runs: the app, the in-process
queue (resuming left-behind shares at start) and the periodic sweep, as build_runtime starts them.
"""

from __future__ import annotations

import json
import logging
import sys
import threading

from bot.config import Settings
from bot.entry.runtime import build_runtime
from bot.entry.web import serve_in_thread
from tests.plugins.app import CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET


def main() -> None:
    options = json.loads(sys.argv[1])
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    lease = float(options["lease_seconds"])
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=options["database_url"],
        slack_api_url=options["slack_api_url"],
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        allow_private_urls=True,
        fetch_timeout=60,
        workers=2,
        share_lease_seconds=lease,
        resume_interval_seconds=lease / 4,
        resume_grace_seconds=5,
    )
    runtime = build_runtime(settings, run_scheduler=False)
    with serve_in_thread(runtime) as url:
        print(url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
