"""The environment a claimbot process started against the stand-in reads its Settings from."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def claimbot_env(database_url: str, slack_api_url: str, **settings: str) -> dict[str, str]:
    """This shell's environment without any claimbot or Slack setting of its own, plus ``settings``:
    a subprocess (`claimbot run`, `serve`, `celery worker`) sees only what the caller chose."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CLAIMBOT_", "SLACK_")) and k not in ("DATABASE_URL", "PORT")
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=database_url,
        CLAIMBOT_SLACK_API_URL=slack_api_url,
    )
    env.update(settings)
    return env
