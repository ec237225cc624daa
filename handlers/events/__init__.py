"""Event subscriptions: messages with links, mentions, App Home, uninstalls."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from handlers.events.guard import ignore_other_events, malformed_event_guard
from handlers.events.home import make_home_handler
from handlers.events.mentions import make_mention_handler
from handlers.events.messages import make_message_handler
from handlers.events.uninstall import register_uninstall

if TYPE_CHECKING:
    from slack_bolt import App

    from handlers.deps import AppDeps


def register(app: App, deps: AppDeps) -> None:
    app.middleware(malformed_event_guard)
    app.event("message")(make_message_handler(deps))
    app.event("app_mention")(make_mention_handler(deps))
    app.event("app_home_opened")(make_home_handler(deps))
    register_uninstall(app, deps)
    app.event(re.compile(".*"))(ignore_other_events)  # last: only events no listener above took
