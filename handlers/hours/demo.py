"""The demo street's service hours this month: uneven, so the summaries have something to show."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.demo import DEMO_CADRE
from bot.models import Person, Role
from handlers.hours.models import HourEntry


def load_demo_hours(session: Session, app, today: date) -> None:
    """Some hours this month for everyone but the admin and the demo cadre."""
    rng = random.Random(20251120)
    notes = ("入户走访搬迁户", "政策宣传", "环境整治", "矛盾调解", "帮办代办", "安全巡查", "就业信息收集")
    first = today.replace(day=1)
    created = datetime.combine(today, time(8, 0), tzinfo=app.config.tz)
    people = session.scalars(select(Person).where(Person.role != Role.admin.value).order_by(Person.id)).all()
    for person in people:
        if person.name == DEMO_CADRE:
            continue  # leave the demo cadre's month empty so a newcomer sees their own entries clearly
        days = (today - first).days
        for _ in range(rng.randint(0, 6)):
            if days <= 0:
                break
            day = first + timedelta(days=rng.randint(0, days - 1))
            hours = rng.choice((1, 1.5, 2, 2.5, 3, 4))
            session.add(
                HourEntry(person_id=person.id, day=day, hours=hours, note=rng.choice(notes), created_at=created, source="demo")
            )
