"""Floor 6: Slack's Web API (clients per workspace, calls with retries), links in messages, redaction."""
