"""Fixtures for the app area."""
