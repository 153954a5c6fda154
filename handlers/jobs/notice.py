"""Job kinds that need no capability of their own."""

from __future__ import annotations

from collections.abc import Iterator

from bot.message import Reply, ToGroup
from scheduler.jobs import JobRun


def notice(run: JobRun) -> Iterator[Reply]:
    """Push the job's fixed `text` to its groups (e.g. the quarterly 居民议事日 notice)."""
    text = run.spec().text.strip()
    if not text:
        return
    for group in run.groups:
        yield Reply(text, to=ToGroup(group.id), dedupe_key=run.key(f"g{group.id}"))
