"""Slack listeners: parse the payload, call bot/ and storage/, respond."""
