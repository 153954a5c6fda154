"""Scheduler job kinds for reports (registered in scheduler.jobs.JOB_KINDS)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.db import transaction
from bot.message import Reply
from handlers.reports.reminders import overdue_notices

if TYPE_CHECKING:
    from scheduler.jobs import JobRun


def reports_overdue(run: JobRun) -> list[Reply]:
    """Nudge whoever is late on a ticket (run hourly in the daytime)."""
    with transaction(run.app.sessions) as session:
        return overdue_notices(session, run.app.config, run.occurrence, key=run.key)
