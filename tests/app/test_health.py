"""`GET /healthz` for load balancers: 200 when the process is up and its database answers, else 503."""

from __future__ import annotations

import json
from typing import Any

from bot.config import Settings
from bot.entry.web import ClaimbotWSGI, database_problem
from bot.services import Services

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
