"""Fixtures for the nlp area."""
