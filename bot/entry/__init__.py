"""Floor 10 (top): the processes (Bolt app factory, runtime, HTTP, CLI, demo, Celery); the only
modules that import handlers/."""
