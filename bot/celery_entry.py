"""Entry point for the Celery CLI only: `celery -A bot.celery_entry worker` / `beat` (settings from env)."""

from bot.config import Settings
from bot.worker import create_celery

app = create_celery(Settings())
