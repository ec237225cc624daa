"""Where OAuth installations are kept: slack_sdk's SQLAlchemy store, on our database.

Saving an installation is how a workspace (re)installs the app: one that uninstalled within its grace
period (bot/jobs/retention.py) keeps its data, so the save lifts the workspace's uninstall mark.
"""

from __future__ import annotations

import logging

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.services import Services
from storage import retention

logger = logging.getLogger(__name__)


class ClaimbotInstallationStore(SQLAlchemyInstallationStore):
    def __init__(self, services: Services) -> None:
        super().__init__(client_id=services.settings.slack_client_id or "", engine=services.engine)
        self._services = services

    def save(self, installation: Installation) -> None:
        super().save(installation)
        team = installation.team_id
        if not team:
            return
        with self._services.transaction() as session:
            again = retention.unmark_uninstalled(session, team)
        if again:
            logger.info("workspace %s installed again within its grace period: its data stays", team)
