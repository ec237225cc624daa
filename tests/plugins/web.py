"""Fixtures for the web area."""
