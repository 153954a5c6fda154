"""Scheduled quiz work: push a question to each target group (每日一题)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from bot.db import transaction
from bot.message import Reply, ToGroup
from handlers.quiz import service
from handlers.quiz.texts import question_reply
from scheduler.jobs import JobRun


def cards_enabled(config) -> bool:
    mode = config.quiz.cards
    return mode == "on" or (mode == "auto" and config.wecom.enabled)


def quiz_push(run: JobRun) -> Iterator[Reply]:
    """Each target group gets its next question; members answer within the configured window."""
    config = run.app.config
    now = run.app.clock.now()
    window = timedelta(minutes=config.quiz.answer_window_minutes)
    replies: list[Reply] = []
    with transaction(run.app.sessions) as session:
        for group in run.groups:
            push = service.push_question(session, group.id, job=run.name, occurrence=run.occurrence, now=now, window=window)
            if push is None:
                continue
            replies.append(
                question_reply(
                    push.question,
                    heading="【每日一题】",
                    task_id=f"quiz_p{push.id}",
                    cards=cards_enabled(config),
                    to=ToGroup(group.id),
                    closes_at=push.closes_at,
                    tz=config.tz,
                    dedupe_key=run.key(f"g{group.id}"),
                )
            )
    yield from replies
