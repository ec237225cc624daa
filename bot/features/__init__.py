"""Floor 7: what users ask for directly: search, App Home, channel settings."""
