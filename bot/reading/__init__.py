"""Floor 1: a link or a file to article text (URLs, the guarded fetcher, trafilatura, inputs)."""
