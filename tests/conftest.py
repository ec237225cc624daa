"""Shared fixtures come from plugin modules, one per area, so each area keeps its own file."""

pytest_plugins = [
    "tests.plugins.db",
    "tests.plugins.nlp",
    "tests.plugins.web",
    "tests.plugins.app",
]
