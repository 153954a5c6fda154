"""Scheduler job kinds for the ledger (registered in scheduler.jobs.JOB_KINDS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.db import transaction
from bot.message import Reply
from handlers.ledger.reminders import due_reminders

if TYPE_CHECKING:
    from scheduler.jobs import JobRun


def ledger_reminders(run: JobRun) -> list[Reply]:
    """Deadline reminders, overdue nudges and escalations, monthly prompts and 回头看 (run daily)."""
    with transaction(run.app.sessions) as session:
        return due_reminders(session, run.app.config, run.occurrence, key=run.key)
