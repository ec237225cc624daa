"""slack_sdk's OAuth tables (installations, bots, OAuth states), described by slack_sdk itself.

The Bolt app keeps multi-workspace installations on our database through slack_sdk's SQLAlchemy stores.
Their tables are created by our migrations like every other table (not by `create_tables()` at start-up),
and `alembic check` compares them with the definitions of the installed slack_sdk, so an upgrade of
slack_sdk that changes them shows up as a needed migration.
"""

from __future__ import annotations

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

metadata = sa.MetaData()
installations = SQLAlchemyInstallationStore.build_installations_table(
    metadata, SQLAlchemyInstallationStore.default_installations_table_name
)
bots = SQLAlchemyInstallationStore.build_bots_table(
    metadata, SQLAlchemyInstallationStore.default_bots_table_name
)
oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    metadata, SQLAlchemyOAuthStateStore.default_table_name
)
