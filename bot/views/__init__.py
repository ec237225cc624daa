"""Floor 5: what Slack and the terminal show (cards, Block Kit, Slack's limits); pure functions."""
