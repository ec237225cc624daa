"""Tests for the local Slack stand-in and the signed-request sender."""
