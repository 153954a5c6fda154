"""How well the bot understands what cadres type: the understanding corpus, run through the real bot.

    python -m bench.bench_understanding                  # tune and heldout, then the held-back rules questions
    python -m bench.bench_understanding --part tune --misses
    python -m bench.bench_understanding --ids t0001,t0390 --verbose

Each message of tests/data/understanding/{tune,heldout}.jsonl is sent as its person through
App.handle on a fresh copy of the demo street (SQLite, a temporary file), with the clock frozen at
the corpus's Wednesday 2026-11-18 15:00 Asia/Shanghai, after the state it needs (its `before`
messages; a closed ticket of the sender's for a rating, a ticket assigned to the handler for 受理,
today's lesson delivered, an open quiz question). The router's observer says which command took the
message (or that the bot asked back); the database says what was stored. Printed per part:

- intent accuracy: the command that handled the message is the labelled intent's. rules.ask and
  rules.decline count as one intent ("rules": the question reached the rules), and the strict
  figure, where an answered question must be labelled rules.ask and a declined one rules.decline,
  follows (it depends on retrieval, not on understanding);
- wrongly stored: messages after which the database holds data of a kind the label does not
  expect (an hours entry from a complaint, a ticket from a question, anything from a message that
  must store nothing) — the figure that must be 0; and stored with wrong values (3 h for 2 h);
- the confusion between capabilities, and with --misses every wrong message.

Then rules hit@1 (the first article found is an expected one) and the decline rate (questions no
article covers, declined) on tests/data/rules_heldout.toml, against the sample knowledge base.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from bot.app import App
from bot.clock import ManualClock
from bot.db import make_engine, transaction
from bot.demo import load_demo
from bot.message import Incoming
from bot.models import Person
from bot.router import Observation
from bot.text import normalize
from handlers.composition import build_app, config_from_dict, upgrade_schema
from handlers.hours.models import HourEntry
from handlers.lessons import service as lessons
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery
from handlers.quiz.models import Question, QuestionKind, QuizAnswer, QuizPractice
from handlers.reports import service as reports
from handlers.reports.models import Report, ReportEvent, ReportStatus
from handlers.rules.answer import answer
from handlers.rules.demo import sample_articles, sample_documents, sample_outcomes, sample_questions
from handlers.rules.search import build_index, load_lexicon
from handlers.rules.settings import RulesConfig

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PARTS = {"tune": DATA / "understanding" / "tune.jsonl", "heldout": DATA / "understanding" / "heldout.jsonl"}
RULES_HELDOUT = DATA / "rules_heldout.toml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 15, 0, tzinfo=SHANGHAI)
VISITOR = "visitor-1"  # the console id of the corpus's "unregistered" sender
EXTRA_TICKETS = 60  # tickets #1…#60 exist, so every ticket number the corpus names can be set up

# The command that handles each intent (the router's observer names the command).
COMMAND_INTENT = {
    "帮助": "help", "寒暄": "smalltalk", "规定问答": "rules", "规定外": "offtopic",
    "我的时长": "hours.query", "时长统计": "hours.summary", "撤销": "hours.undo", "改时长": "hours.edit",
    "服务": "hours.log",
    "随手拍": "report.create", "匿名反映": "report.create_anonymous", "受理": "report.accept", "进展": "report.progress",
    "办结": "report.close", "评价": "report.rate", "查询反映": "report.show", "我的反映": "report.mine",
    "分类": "report.category", "转办": "report.reroute", "反映列表": "report.list", "反映统计": "report.stats",
    "我的任务": "ledger.mine", "任务详情": "ledger.task", "销号": "ledger.close", "台账": "ledger.board",
    "立项": "ledger.from_report", "反弹": "ledger.reopen", "巩固": "ledger.recheck",
    "今日微课": "lesson.today", "学习打卡": "lesson.done", "学习情况": "lesson.stats",
    "quiz-answer": "quiz.answer", "答题": "quiz.practice", "排行榜": "quiz.leaderboard",
    "看板": "dash.link", "定时任务": "jobs.control", "绑定": "bind.code", "绑定群": "bind.code",
}
STORE_KINDS = ("hours", "edit_hours", "report", "rating", "lesson_done", "quiz_answer")
_TICKET = re.compile(r"#\s*(\d+)|(?:受理|进展|办结|评价|查询|分类|转办|看下|查一下)\s*(\d+)|(?<![\d楼栋])(\d+)\s*号(?![楼院])")
_LESSON_NUMBER = re.compile(r"第?\s*([0-9一二三四五六七八九十百]+)\s*课|^(?:已学|打卡)\s*(\d+)")


@dataclass
class Outcome:
    row: dict
    intent: str  # what the bot did, in the corpus's intent names ("clarify", "none" …)
    refused: bool
    stored: list[dict]  # what the message stored, in the corpus's `stores` shapes
    deleted: int
    replies: list[str]
    seconds: float

    @property
    def expected(self) -> str:
        return _merge_rules(self.row["intent"])

    @property
    def right(self) -> bool:
        return _merge_rules(self.intent) == self.expected

    @property
    def strictly_right(self) -> bool:
        return self.intent == self.row["intent"]

    @property
    def wrongly_stored(self) -> bool:
        """Data of a kind the label does not expect (or any data when it expects none)."""
        want = self.row["stores"]
        kinds = {next(iter(item)) for item in self.stored}
        if self.deleted and self.row["intent"] != "hours.undo":
            return True
        if not want:
            return bool(kinds)
        allowed = set(want) & set(STORE_KINDS)
        return bool(kinds - allowed)

    @property
    def stored_right(self) -> bool:
        want = self.row["stores"]
        if not want:
            return not self.stored
        return len(self.stored) == 1 and _same(self.stored[0], want)


def _merge_rules(intent: str) -> str:
    return "rules" if intent in ("rules.ask", "rules.decline") else intent


def _same(got: dict, want: dict) -> bool:
    for key, value in want.items():
        if isinstance(value, float):
            if not isinstance(got.get(key), (int, float)) or abs(got[key] - value) > 0.01:
                return False
        elif got.get(key) != value:
            return False
    return set(got) == set(want)


# --- the street ---------------------------------------------------------------------------------


def config_for(url: str):
    return config_from_dict({"database": {"url": url}})


def build_template(folder: Path) -> Path:
    path = folder / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    engine.dispose()
    app = build_app(config_for(f"sqlite:///{path}"), clock=ManualClock(NOW))
    load_demo(app)
    with transaction(app.sessions) as session:
        # More tickets, so every number the corpus names exists; each message's setup shapes the one it needs.
        reporter = reports.Reporter(session.get(Person, 40), "console", "40")
        while (session.scalar(select(Report.id).order_by(Report.id.desc()).limit(1)) or 0) < EXTRA_TICKETS:
            reports.create_report(session, app.config, reporter, "安居社区3栋门口路面坑洼 雨天积水", anonymous=False,
                                  now=NOW - timedelta(days=3))
    with app.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app.engine.dispose()
    return path


def person_named(session, name: str) -> Person | None:
    if name == "unregistered":
        return None
    return session.scalars(select(Person).where(Person.name == name)).one()


def sender_of(app: App, name: str) -> str:
    with app.sessions() as session:
        person = person_named(session, name)
        return VISITOR if person is None else str(person.id)


def set_up(app: App, row: dict) -> None:
    """The state the message assumes (corpus README): tickets, lessons, an open question."""
    intent, text = row["intent"], normalize(row["text"] + " " + " ".join(row["before"]))  # ＃15 is #15
    now = NOW.astimezone(ZoneInfo("UTC"))
    with transaction(app.sessions) as session:
        person = person_named(session, row["as"])
        found = _TICKET.search(text)
        number = int(found.group(1) or found.group(2) or found.group(3)) if found else None
        if number is not None and intent.startswith("report."):
            report = session.get(Report, number)
            other = session.get(Person, 60)
            if intent in ("report.rate", "report.show"):
                _make_reporter(report, person)
            elif person is not None:
                report.reporter_id, report.reporter_channel, report.reporter_sender = other.id, "console", str(other.id)
                report.assignee_id = person.id
            if intent == "report.rate" or (intent == "report.show" and "满意" in row["text"]):
                report.status, report.accepted_at, report.closed_at = ReportStatus.closed.value, now - timedelta(hours=5), now - timedelta(hours=2)
                report.rated_at = report.rating = None
            elif intent == "report.accept":
                report.status, report.accepted_at = ReportStatus.pending.value, None
            elif intent in ("report.progress", "report.close", "report.category", "report.reroute"):
                report.status, report.accepted_at = ReportStatus.accepted.value, now - timedelta(hours=5)
        if intent == "lesson.done" and person is not None:
            group_id = lessons.lesson_group_id(session, person)
            if group_id is not None:
                today = lessons.deliver(session, group_id, NOW.date(), job="morning_lesson", now=now)
                wanted = {today.lesson_id} if today else set()
                named = _LESSON_NUMBER.search(row["text"])
                if named:
                    raw = named.group(1) or named.group(2)
                    import cn2an

                    lesson_id = int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))
                    if session.get(Lesson, lesson_id) is not None:
                        wanted.add(lesson_id)
                        if not lessons.was_delivered(session, group_id, lesson_id):
                            taken = set(session.scalars(select(LessonDelivery.day).where(LessonDelivery.group_id == group_id)))
                            day = next(NOW.date() - timedelta(days=n) for n in range(1, 60) if NOW.date() - timedelta(days=n) not in taken)
                            session.add(LessonDelivery(group_id=group_id, lesson_id=lesson_id, day=day, job="morning_lesson",
                                                       created_at=now - timedelta(days=(NOW.date() - day).days)))
                session.execute(delete(LessonConfirmation).where(
                    LessonConfirmation.person_id == person.id, LessonConfirmation.lesson_id.in_(wanted)))
        if intent == "quiz.answer" and person is not None and row["stores"]:
            # An open practice question of the kind the answer fits (答题 in `before` then shows it again).
            choice = row["stores"]["quiz_answer"]
            kind = QuestionKind.judge if choice in ("T", "F") else QuestionKind.multiple if len(choice) > 1 else QuestionKind.single
            answered = select(QuizAnswer.question_id).where(QuizAnswer.person_id == person.id)
            question = session.scalars(select(Question).where(Question.kind == kind.value, Question.active.is_(True),
                                                               Question.id.not_in(answered)).order_by(Question.id)).first()
            window = timedelta(minutes=app.config.quiz.practice_window_minutes)
            session.add(QuizPractice(person_id=person.id, question_id=question.id, started_at=now, closes_at=now + window))


def _make_reporter(report: Report, person: Person | None) -> None:
    if person is None:
        report.reporter_id, report.reporter_channel, report.reporter_sender = None, "console", VISITOR
    else:
        report.reporter_id, report.reporter_channel, report.reporter_sender = person.id, "console", str(person.id)


# --- what was stored ------------------------------------------------------------------------------


def snapshot(app: App) -> dict:
    with app.sessions() as session:
        return {
            "hours": {e.id: (e.person_id, e.day, float(e.hours)) for e in session.scalars(select(HourEntry))},
            "reports": {r.id: r.anonymous for r in session.scalars(select(Report))},
            "rated": {e.id: bool((e.detail or {}).get("satisfied"))
                      for e in session.scalars(select(ReportEvent).where(ReportEvent.action == "rated"))},
            "lessons": {c.id for c in session.scalars(select(LessonConfirmation))},
            "answers": {a.id: a.choice for a in session.scalars(select(QuizAnswer))},
        }


def stored_between(before: dict, after: dict) -> tuple[list[dict], int]:
    stored: list[dict] = []
    for entry_id, (_, day, hours) in after["hours"].items():
        old = before["hours"].get(entry_id)
        if old is None:
            stored.append({"hours": hours, "day": day.isoformat()})
        elif old[1:] != (day, hours):
            item = {"edit_hours": hours}
            if old[1] != day:
                item["day"] = day.isoformat()
            stored.append(item)
    deleted = len(set(before["hours"]) - set(after["hours"]))
    stored += [{"report": {"anonymous": anonymous}} for rid, anonymous in after["reports"].items() if rid not in before["reports"]]
    stored += [{"rating": "满意" if ok else "不满意"} for eid, ok in after["rated"].items() if eid not in before["rated"]]
    stored += [{"lesson_done": True} for cid in after["lessons"] - before["lessons"]]
    stored += [{"quiz_answer": choice} for aid, choice in after["answers"].items() if aid not in before["answers"]]
    return stored, deleted


# --- one message --------------------------------------------------------------------------------


def intent_of(observation: Observation | None, replies: list[str]) -> str:
    if observation is None:
        return "none"
    if observation.stage == "clarify":
        return "clarify"
    if observation.command is None:
        return "none" if observation.stage != "unregistered" else "unregistered"
    intent = COMMAND_INTENT.get(observation.command, observation.command)
    if intent == "hours.log" and any(observation.groups.get(doubt) for doubt in ("vague", "missing", "team_total")):
        return "hours.ask_amount"
    if intent == "report.create" and observation.groups.get("anonymous"):
        return "report.create_anonymous"
    if intent == "rules":
        text = "\n".join(replies)
        if text.startswith("这个我帮不上"):
            return "offtopic"
        return "rules.ask" if "依据" in text else "rules.decline"
    return intent


def run_one(template: Path, folder: Path, row: dict) -> Outcome:
    path = folder / "work.db"
    shutil.copy(template, path)
    clock = ManualClock(NOW)
    app = build_app(config_for(f"sqlite:///{path}"), clock=clock)
    try:
        set_up(app, row)
        sender = sender_of(app, row["as"])
        counter = 0

        def send(text: str) -> list[str]:
            nonlocal counter
            counter += 1
            message = Incoming(channel="console", sender=sender, timestamp=clock.now(), text=text, message_id=f"b{counter}")
            rows = app.handle(message)
            clock.advance(seconds=20)
            return [r.text for r in rows if r.target == sender]

        for earlier in row["before"]:
            send(earlier)
        seen: list[Observation] = []
        app.router.observer = seen.append
        before = snapshot(app)
        started = time.perf_counter()
        replies = send(row["text"])
        seconds = time.perf_counter() - started
        stored, deleted = stored_between(before, snapshot(app))
        observation = seen[-1] if seen else None
        intent = intent_of(observation, replies)
        if intent == "report.create" and any(item.get("report", {}).get("anonymous") for item in stored):
            intent = "report.create_anonymous"  # 随手拍 with 不要写我名字 in it files it anonymously
        return Outcome(row, intent, bool(observation and observation.refused), stored, deleted, replies, seconds)
    finally:
        app.engine.dispose()


# --- the figures --------------------------------------------------------------------------------


def capability(intent: str) -> str:
    return intent.split(".")[0]


def report_part(name: str, outcomes: list[Outcome], show_misses: bool) -> None:
    total = len(outcomes)
    right = sum(o.right for o in outcomes)
    strict = sum(o.strictly_right for o in outcomes)
    wrong_store = [o for o in outcomes if o.wrongly_stored]
    should_store = [o for o in outcomes if o.row["stores"]]
    store_ok = sum(o.stored_right for o in should_store)
    wrong_values = [o for o in outcomes if not o.wrongly_stored and not o.stored_right and o.stored]
    refused_ok = sum(o.refused for o in outcomes if o.row.get("refused"))
    refused_all = sum(1 for o in outcomes if o.row.get("refused"))
    print(f"== {name}: {total} messages")
    print(f"   intent accuracy {right / total:.3f} ({right}/{total}; rules.ask+rules.decline as one)   "
          f"strict {strict / total:.3f} ({strict}/{total})")
    print(f"   wrongly stored {len(wrong_store)}   stored with wrong values {len(wrong_values)}   "
          f"stored right {store_ok}/{len(should_store)}   refused politely {refused_ok}/{refused_all}")
    per_intent: dict[str, list[int]] = {}
    for o in outcomes:
        per_intent.setdefault(o.expected, [0, 0])
        per_intent[o.expected][0] += o.right
        per_intent[o.expected][1] += 1
    weak = [f"{k} {v[0]}/{v[1]}" for k, v in sorted(per_intent.items()) if v[0] < v[1]]
    print(f"   intents below 100%: {', '.join(weak) if weak else 'none'}")
    confusion = Counter((capability(o.expected), capability(_merge_rules(o.intent))) for o in outcomes if not o.right)
    if confusion:
        print("   confusion (labelled → taken as: count): " + ", ".join(f"{a}→{b}: {n}" for (a, b), n in confusion.most_common()))
    slow = sorted(o.seconds for o in outcomes)
    print(f"   per message: median {slow[len(slow) // 2] * 1000:.0f} ms, max {slow[-1] * 1000:.0f} ms")
    if show_misses:
        for o in outcomes:
            if not o.right or o.wrongly_stored or not o.stored_right:
                flags = []
                if not o.right:
                    flags.append(f"intent {o.row['intent']} → {o.intent}")
                if o.wrongly_stored or not o.stored_right:
                    flags.append(f"stores {json.dumps(o.row['stores'], ensure_ascii=False)} → {json.dumps(o.stored, ensure_ascii=False)}")
                reply = " / ".join(o.replies)[:90].replace("\n", " ")
                print(f"   {o.row['id']} {o.row['as']}「{o.row['text']}」 {'; '.join(flags)}  ⇒ {reply}")


def rules_figures() -> None:
    titles = {d.key: d.title for d in sample_documents()}
    data = tomllib.loads(RULES_HELDOUT.read_text(encoding="utf-8"))
    settings = RulesConfig()
    index = build_index(sample_articles(), load_lexicon(), sample_questions(), sample_outcomes())
    answerable = [q for q in data["q"] if q.get("expect")]
    none = [q for q in data["q"] if not q.get("expect")]
    hit1 = answered = 0
    for q in answerable:
        expected = {(titles[ref.split("#", 1)[0]], ref.split("#", 1)[1].rstrip("、.．")) for ref in q["expect"]}
        hits = index.search(q["text"], top_k=3)
        hit1 += bool(hits) and (hits[0].article.title, hits[0].article.label.rstrip("、.．")) in expected
        answered += answer(index, q["text"], settings).covered
    declined = sum(not answer(index, q["text"], settings).covered for q in none)
    print(f"== rules_heldout.toml: {len(answerable)} answerable, {len(none)} not covered (sample base, {len(index)} articles)")
    print(f"   hit@1 {hit1 / len(answerable):.3f} ({hit1}/{len(answerable)})   "
          f"answered {answered / len(answerable):.3f}   declines {declined / len(none):.3f} ({declined}/{len(none)})")


def load(part: str) -> list[dict]:
    path = PARTS[part] if part in PARTS else Path(part)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("tune", "heldout", "both"), default="both")
    parser.add_argument("--ids", default="", help="only these message ids, comma-separated")
    parser.add_argument("--intents", default="", help="only messages whose intent starts with one of these, comma-separated")
    parser.add_argument("--misses", action="store_true", help="list every message handled or stored wrongly")
    parser.add_argument("--verbose", action="store_true", help="print every message with its replies")
    parser.add_argument("--no-rules", action="store_true", help="skip the rules hit@1 and declines")
    parser.add_argument("--file", default="", help="a corpus file of your own (same format) instead of the parts")
    args = parser.parse_args()
    parts = ("tune", "heldout") if args.part == "both" else (args.part,)
    if args.file:
        parts = (args.file,)
    wanted = {i.strip() for i in args.ids.split(",") if i.strip()}
    prefixes = tuple(i.strip() for i in args.intents.split(",") if i.strip())
    with tempfile.TemporaryDirectory(prefix="bench-understanding-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        template = build_template(folder)
        print(f"demo street built in {time.perf_counter() - started:.1f} s; clock {NOW:%Y-%m-%d %H:%M %Z}")
        for part in parts:
            rows = [r for r in load(part) if (not wanted or r["id"] in wanted) and (not prefixes or r["intent"].startswith(prefixes))]
            if not rows:
                continue
            outcomes = []
            for row in rows:
                outcome = run_one(template, folder, row)
                outcomes.append(outcome)
                if args.verbose:
                    mark = "✓" if outcome.right and outcome.stored_right else "✗"
                    print(f"{mark} {row['id']} {row['as']}「{row['text']}」 {row['intent']} → {outcome.intent} "
                          f"stored {json.dumps(outcome.stored, ensure_ascii=False)}")
                    for reply in outcome.replies:
                        print("     " + reply.replace("\n", "\n     "))
            report_part(part, outcomes, args.misses)
    if not args.no_rules and not wanted and not prefixes and not args.file:
        rules_figures()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
