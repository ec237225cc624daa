"""Entry point for the Celery CLI only: `celery -A bot.entry.celery_entry worker` / `beat` (settings from
env)."""

from bot.config import Settings
from bot.entry.worker import create_celery

app = create_celery(Settings(), graceful_stop=True)
