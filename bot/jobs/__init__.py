"""Floor 8: work that outlives a request: intake, the queue, the share job, digests and their clock."""
