"""The demo street's question bank (written for this project) and this month's quiz history.

The history is the street's last few quiz pushes before today, pushed by the job's own service
function at the times they would have happened, and answers checked and scored by the answer
path's rule (bulk-inserted: the demo loads in every test and in the README's first command).
Participation differs by unit on purpose, so the dashboard and 排行榜 have something to show.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from bot.audit import record
from bot.message import ToGroup
from bot.models import OutboundMessage, Person
from bot.demo import bulk_insert, history_people, unit_rates
from scheduler.history import group_push, past_runs
from handlers.lessons.service import GroupIndex
from handlers.quiz import service
from handlers.quiz.importer import parse_file, store
from handlers.quiz.jobs import cards_enabled
from handlers.quiz.models import FALSE, TRUE, Question, QuestionKind, QuizAnswer
from handlers.quiz.texts import question_reply

DEMO_FILE = Path(__file__).parent / "data" / "demo_questions.csv"

# Only the last few pushes: the demo's 每日一题 started late in the month.
PUSHES = 3
LOW_UNITS = {"青山社区": 0.3, "综合执法队": 0.4, "碧水社区": 0.5}
ANSWER_SHARE = 0.75  # of the pushes a taking-part person answers


def load_demo_questions(session: Session, app, today: date) -> None:
    store(session, parse_file(DEMO_FILE), app.clock.now(), actor="demo")


def load_demo_quiz_history(session: Session, app, today: date) -> None:
    runs = past_runs(session, app, "quiz_push", today)[-PUSHES:]
    if not runs:
        return
    config = app.config
    window = timedelta(minutes=config.quiz.answer_window_minutes)
    # Answers come while the question is open; a long window still leaves them on the push's day.
    span = int(min(window, timedelta(hours=6)).total_seconds()) - 1
    now = app.clock.now()
    cards = cards_enabled(config)
    rng = random.Random(20261109)
    taking_part = unit_rates(session, rng, LOW_UNITS)
    index = GroupIndex.load(session)
    people = _taking_part(history_people(session), taking_part, rng)
    skill = {p.id: rng.uniform(0.5, 0.92) for p in people}
    pushes: list[dict] = []
    answers: list[dict] = []
    answered: set[tuple[int, int]] = set()
    for past in runs:
        opened = {}
        for group in past.groups:
            push = service.push_question(
                session, group.id, job=past.run.name, occurrence=past.run.occurrence, now=past.run.occurrence, window=window
            )
            if push is None:
                continue
            opened[group.id] = push
            reply = question_reply(
                push.question,
                heading="【每日一题】",
                task_id=f"quiz_p{push.id}",
                cards=cards,
                to=ToGroup(group.id),
                closes_at=push.closes_at,
                tz=config.tz,
            )
            pushes.append(group_push(past.run, group, reply.text, reply.kind, reply.payload))
        for person in people:
            push = opened.get(index.group_for(person))
            if push is None or rng.random() >= ANSWER_SHARE:
                continue
            question = push.question
            choice = question.answer if rng.random() < skill[person.id] else wrong_choice(question, rng)
            answered_at = push.opened_at + timedelta(seconds=rng.randint(min(60, span), span))
            if service.check_choice(question, choice) is not None or (person.id, question.id) in answered:
                continue  # what the answer path would refuse is not stored here either
            if answered_at >= now:
                continue
            answered.add((person.id, question.id))
            answers.append(
                dict(
                    person_id=person.id,
                    question_id=question.id,
                    unit_id=person.unit_id,
                    push_id=push.id,
                    practice_id=None,
                    choice=choice,
                    correct=choice == question.answer,  # as service.score decides
                    answered_at=answered_at,
                    via="card" if cards else "text",
                )
            )
    bulk_insert(session, OutboundMessage, pushes)
    # One row per answer, as service.score writes them, inserted together: scoring them one
    # by one (a query, a flush and an audit row each) would make the demo load seconds slower.
    bulk_insert(session, QuizAnswer, answers)
    record(session, "demo", "quiz_history_loaded", "quiz_question", None, {"pushes": len(pushes), "answers": len(answers)},
           at=app.clock.now())


def _taking_part(people: list[Person], shares: dict[int, float], rng: random.Random) -> list[Person]:
    """Each unit's share of its people, drawn exactly: a unit of seven is too small to leave it to chance."""
    by_unit: dict[int, list[Person]] = {}
    for person in people:
        if person.unit_id is not None:
            by_unit.setdefault(person.unit_id, []).append(person)
    chosen: list[Person] = []
    for unit_id, members in by_unit.items():
        chosen += rng.sample(members, round(shares[unit_id] * len(members)))
    return sorted(chosen, key=lambda p: p.id)


def wrong_choice(question: Question, rng: random.Random) -> str:
    """A wrong answer of the kind people give: the other verdict, another option, one too few or many."""
    kind = question.kind_enum
    if kind == QuestionKind.judge:
        return FALSE if question.answer == TRUE else TRUE
    ids = [o["id"] for o in question.options]
    others = [i for i in ids if i not in question.answer]
    if kind == QuestionKind.single:
        return rng.choice(others)
    right = set(question.answer)
    if not others and len(right) <= 2:
        return question.answer  # no wrong choice of this kind exists
    if len(right) > 2 and (not others or rng.random() < 0.5):
        right.discard(rng.choice(sorted(right)))
    else:
        right.add(rng.choice(others))
    return "".join(sorted(right))
