"""Check the understanding corpus and the held-back rules questions; print the counts per intent.

    python tests/data/understanding/validate.py            # check, print the table, exit 1 on any problem
    python tests/data/understanding/validate.py --readme   # also rewrite the table in README.md

Not part of the bot and not a test: it checks the data a benchmark reads (bench_understanding), so
that a label error shows up here rather than as a puzzling figure. Run from the project root with the
project's venv: it reads the sample rules base to check that every cited article exists.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
ROOT = DATA.parent.parent
sys.path.insert(0, str(ROOT))

PARTS = {"tune": ("tune.jsonl", "t"), "heldout": ("heldout.jsonl", "h")}

INTENTS = (
    "hours.log", "hours.ask_amount", "hours.query", "hours.summary", "hours.undo", "hours.edit",
    "report.create", "report.create_anonymous", "report.accept", "report.progress", "report.close", "report.rate",
    "report.show", "report.mine", "report.category", "report.reroute", "report.list", "report.stats",
    "ledger.mine", "ledger.task", "ledger.close", "ledger.board", "ledger.from_report", "ledger.reopen", "ledger.recheck",
    "rules.ask", "rules.decline", "offtopic", "smalltalk", "help", "clarify",
    "lesson.today", "lesson.done", "lesson.stats", "quiz.answer", "quiz.practice", "quiz.leaderboard",
    "dash.link", "jobs.control", "bind.code",
)
PEOPLE = {"张伟": "cadre", "李娜": "grid_worker", "王建国": "leader", "林晓雯": "admin", "unregistered": None}
# What an unknown sender may do at all (the router lets them report, follow and rate, and bind).
UNREGISTERED_INTENTS = {"report.create", "report.create_anonymous", "report.show", "report.mine", "report.rate",
                        "bind.code", "smalltalk", "offtopic"}
# Intents whose command is limited to some roles, or whose service refuses a person who is not the owner.
MAY_REFUSE = {"hours.summary", "report.reroute", "report.stats", "ledger.board", "ledger.from_report", "ledger.close",
              "lesson.stats", "jobs.control"}
LEADERS_ONLY = {"hours.summary", "report.reroute", "report.stats", "ledger.board", "ledger.from_report", "lesson.stats"}
ADMINS_ONLY = {"jobs.control"}

REQUIRED = ("id", "as", "text", "intent", "stores", "before")
OPTIONAL = ("expect", "refused", "note")
STORES_OF = {  # intent → the only stores shape it may carry (besides null)
    "hours.log": "hours", "hours.edit": "edit_hours", "report.create": "report", "report.create_anonymous": "report",
    "report.rate": "rating", "lesson.done": "lesson_done", "quiz.answer": "quiz_answer",
}
MUST_STORE = {"hours.edit", "report.create", "report.create_anonymous", "report.rate", "lesson.done", "quiz.answer"}

TODAY = date(2026, 11, 18)  # the bench's frozen clock: Wednesday 2026-11-18 15:00 Asia/Shanghai
OLDEST = date(2026, 10, 1)  # entries may go back to the previous month, no further

# Messages quoted in issue 12 (and the brief for this corpus): they get their own conversation tests
# and must not be in the held-back part.
QUOTED = {
    "匿名反映 便民服务中心窗口工作人员上班时间玩手机，群众排队半小时没人理",
    "随手拍 社区服务站下午3点就关门了，办事群众等了2小时", "投诉 安居社区网格员入户走访只待了5分钟就走了",
    "朋友结婚我能随礼多少", "群众硬塞给我一个红包 没推掉 咋整", "服务对象请吃饭能去吗", "收了群众一箱苹果怎么办",
    "单位的打印纸可以拿回家给孩子用吗", "能不能在上班时间去接孩子", "能收红包吗", "昨天晚上巡逻1个半钟头",
    "今天上午入户走访了8户，大概用了三个多小时", "这个月还差多少", "还差几个小时", "上个月时长", "改成2小时",
    "服务3小时，改成2小时", "你好", "谢谢", "在吗", "👍", "已学 第二十课", "学完了👌", "本月排行榜", "B吧",
    "明天会下雨吗？", "帮我写个年终总结可以吗", "红烧肉怎么做", "评价 #7 满意", "立项 #5", "分类 #9 工作纪律",
    "我的时长 上个月", "我的时长 2026-10", "时长统计", "时长统计 全部", "定时任务", "本月时长",
    # the brief's examples
    "投诉 窗口的人让我等了一个钟头", "下沉服务时长怎么算", "刚才登记错了 应该是3小时", "写错了是昨天的", "3小时",
    "楼道灯坏了2天了 修了3个小时", "选c", "我觉得是A",
}
NEAR = 0.6  # character-bigram Jaccard at or above this across the split counts as a near-duplicate
NEAR_MIN_CHARS = 8  # shorter texts are command forms ("受理 5"); they are listed, not failed


def bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    x, y = bigrams(a), bigrams(b)
    return len(x & y) / len(x | y)


def near_pairs(texts, others) -> list[tuple[str, str]]:
    """Every (text, other) pair at least NEAR alike; each text's bigrams are computed once."""
    theirs = [(other, bigrams(other)) for other in others]
    found = []
    for text in texts:
        mine = bigrams(text)
        for other, their in theirs:
            # Jaccard ≥ NEAR needs the smaller set to hold at least NEAR of the larger: most pairs stop here.
            if min(len(mine), len(their)) >= NEAR * max(len(mine), len(their)) and len(mine & their) >= NEAR * len(mine | their):
                found.append((text, other))
    return found


class Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def fail(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


def article_refs():
    """'stem#label' → the sample article, and an analyzer without synonyms (for paraphrase honesty)."""
    from handlers.rules.demo import sample_articles, sample_documents
    from handlers.rules.search import Analyzer, article_terms, parse_lexicon

    titles = {d.key: d.title for d in sample_documents()}
    by_title = {(a.title, a.label.rstrip("、.")): a for a in sample_articles()}
    refs = {f"{key}#{label}": by_title[(title, label)] for key, title in titles.items()
            for (t, label) in by_title if t == title}
    stop = (ROOT / "handlers" / "rules" / "data" / "stopwords.txt").read_text(encoding="utf-8")
    plain = Analyzer(parse_lexicon("", stop))
    return refs, plain, article_terms


def check_stores(c: Checker, where: str, intent: str, stores, refused: bool) -> None:
    if stores is None:
        if intent in MUST_STORE and not refused:
            c.fail(where, f"{intent} must say what it stores")
        return
    if not isinstance(stores, dict) or not stores:
        c.fail(where, f"stores must be null or an object: {stores!r}")
        return
    if refused:
        c.fail(where, "a refused message stores nothing")
    shape = STORES_OF.get(intent)
    keys = set(stores)
    if shape is None:
        c.fail(where, f"{intent} stores nothing, got {stores!r}")
        return
    if shape == "hours":
        if keys != {"hours", "day"}:
            c.fail(where, f"hours entry needs exactly hours and day: {stores!r}")
            return
    elif shape == "edit_hours":
        if keys not in ({"edit_hours"}, {"edit_hours", "day"}):
            c.fail(where, f"an edit is edit_hours (and day when the day changes): {stores!r}")
            return
    elif keys != {shape}:
        c.fail(where, f"{intent} stores {{{shape!r}: …}}, got {stores!r}")
        return
    for key in ("hours", "edit_hours"):
        if key in stores:
            value = stores[key]
            if not isinstance(value, float) or not 0 < value <= 12:
                c.fail(where, f"{key} must be a float in (0, 12]: {value!r}")
    if "day" in stores:
        try:
            day = date.fromisoformat(stores["day"])
        except (TypeError, ValueError):
            c.fail(where, f"day is not an ISO date: {stores['day']!r}")
        else:
            if not OLDEST <= day <= TODAY:
                c.fail(where, f"day {day} is outside what may be logged ({OLDEST}..{TODAY})")
    if shape == "report":
        anon = stores["report"].get("anonymous") if isinstance(stores["report"], dict) else None
        if anon is not (intent == "report.create_anonymous"):
            c.fail(where, f"{intent} must store report.anonymous={intent == 'report.create_anonymous'}")
    if shape == "rating" and stores["rating"] not in ("满意", "不满意"):
        c.fail(where, f"rating is 满意 or 不满意: {stores['rating']!r}")
    if shape == "lesson_done" and stores["lesson_done"] is not True:
        c.fail(where, "lesson_done must be true")
    if shape == "quiz_answer" and not re.fullmatch(r"[A-H]+|[TF]", str(stores["quiz_answer"])):
        c.fail(where, f"quiz_answer is sorted option letters or T/F: {stores['quiz_answer']!r}")
    elif shape == "quiz_answer" and stores["quiz_answer"] != "".join(sorted(set(stores["quiz_answer"]))):
        c.fail(where, f"quiz_answer letters must be distinct and sorted: {stores['quiz_answer']!r}")


def load_part(c: Checker, part: str, refs) -> list[dict]:
    name, prefix = PARTS[part]
    path = HERE / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{name}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            c.fail(where, f"not JSON ({exc})")
            continue
        if not isinstance(row, dict):
            c.fail(where, "not an object")
            continue
        missing = [k for k in REQUIRED if k not in row]
        extra = [k for k in row if k not in REQUIRED + OPTIONAL]
        if missing or extra:
            c.fail(where, f"missing {missing} / unknown {extra}")
            continue
        where = f"{name}:{number} {row['id']}"
        if not re.fullmatch(prefix + r"\d{4,5}", str(row["id"])):
            c.fail(where, f"id must be {prefix}NNNN or {prefix}NNNNN")
        if row["as"] not in PEOPLE:
            c.fail(where, f"unknown person {row['as']!r}")
        if not isinstance(row["text"], str) or not row["text"].strip():
            c.fail(where, "empty text")
        if row["intent"] not in INTENTS:
            c.fail(where, f"unknown intent {row['intent']!r}")
            continue
        if not isinstance(row["before"], list) or not all(isinstance(b, str) and b.strip() for b in row["before"]):
            c.fail(where, "before must be a list of texts")
        refused = row.get("refused", False)
        if refused not in (True, False) or ("refused" in row and refused is not True):
            c.fail(where, "refused, when present, is true")
        if refused and row["intent"] not in MAY_REFUSE:
            c.fail(where, f"{row['intent']} is never refused")
        role = PEOPLE.get(row["as"])
        if row["intent"] in LEADERS_ONLY and role in ("cadre", "grid_worker") and not refused:
            c.fail(where, f"{row['intent']} from a {role} must be marked refused")
        if row["intent"] in ADMINS_ONLY and role != "admin" and not refused:
            c.fail(where, f"{row['intent']} from a non-admin must be marked refused")
        if refused and row["intent"] in LEADERS_ONLY and role in ("leader", "admin"):
            c.fail(where, "leaders and admins are not refused this")
        if row["as"] == "unregistered" and row["intent"] not in UNREGISTERED_INTENTS:
            c.fail(where, f"an unregistered sender cannot use {row['intent']}")
        check_stores(c, where, row["intent"], row["stores"], refused)
        if row["intent"] == "rules.ask":
            expect = row.get("expect")
            if not expect or not isinstance(expect, list):
                c.fail(where, "rules.ask needs expect")
            else:
                for ref in expect:
                    if ref not in refs:
                        c.fail(where, f"no sample article {ref!r}")
        elif "expect" in row:
            c.fail(where, "only rules.ask carries expect")
        row["_where"] = where
        rows.append(row)
    return rows


def check_rules_toml(c: Checker, refs, plain, article_terms, corpus_texts: dict[str, str]) -> dict[str, int]:
    path = DATA / "rules_heldout.toml"
    questions = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    seen_eval = [q["text"] for q in tomllib.loads((DATA / "rules_eval.toml").read_text(encoding="utf-8"))["q"]]
    kinds = Counter()
    texts = set()
    for n, q in enumerate(questions, 1):
        where = f"rules_heldout.toml q{n} {q.get('text', '')!r}"
        if set(q) - {"text", "expect", "kind"} or "text" not in q or "kind" not in q:
            c.fail(where, "keys are text, expect, kind")
            continue
        kinds[q["kind"]] += 1
        if q["kind"] not in ("direct", "paraphrase", "none"):
            c.fail(where, f"unknown kind {q['kind']!r}")
        if bool(q.get("expect")) != (q["kind"] != "none"):
            c.fail(where, "expect is present exactly when kind is not none")
        if q["text"] in texts:
            c.fail(where, "duplicate")
        texts.add(q["text"])
        for ref in q.get("expect", []):
            if ref not in refs:
                c.fail(where, f"no sample article {ref!r}")
        if q.get("expect") and q["expect"][0] in refs:
            shared = set(plain.terms(q["text"])) & set(article_terms(plain, refs[q["expect"][0]]))
            if q["kind"] == "paraphrase" and shared:
                c.fail(where, f"marked paraphrase but shares {sorted(shared)} with its article")
            if q["kind"] == "direct" and not shared:
                c.fail(where, "marked direct but shares no word with its article: it is a paraphrase")
        for other in seen_eval:
            if similarity(q["text"], other) >= NEAR:
                c.fail(where, f"too close to rules_eval.toml {other!r}")
        for other, part in corpus_texts.items():
            if similarity(q["text"], other) >= NEAR:
                c.fail(where, f"too close to {part} {other!r}")
    total = len(questions)
    if total < 60:
        c.fail("rules_heldout.toml", f"only {total} questions, want at least 60")
    share = kinds["none"] / total if total else 0
    if not 0.15 <= share <= 0.25:
        c.fail("rules_heldout.toml", f"{share:.0%} of kind none, want about 20%")
    return dict(kinds)


def table(rows_by_part: dict[str, list[dict]]) -> str:
    counts = {p: Counter(r["intent"] for r in rows) for p, rows in rows_by_part.items()}
    total = {p: len(rows) for p, rows in rows_by_part.items()}
    lines = ["| intent | tune | heldout | all |", "| --- | ---: | ---: | ---: |"]
    for intent in INTENTS:
        t, h = counts["tune"][intent], counts["heldout"][intent]
        lines.append(f"| {intent} | {t} | {h} | {t + h} |")
    stored = {p: sum(1 for r in rows if r["stores"] is not None) for p, rows in rows_by_part.items()}
    context = {p: sum(1 for r in rows if r["before"]) for p, rows in rows_by_part.items()}
    refused = {p: sum(1 for r in rows if r.get("refused")) for p, rows in rows_by_part.items()}
    lines.append(f"| **all** | **{total['tune']}** | **{total['heldout']}** | **{total['tune'] + total['heldout']}** |")
    lines.append(f"| of which store something | {stored['tune']} | {stored['heldout']} | {stored['tune'] + stored['heldout']} |")
    lines.append(f"| of which have `before` | {context['tune']} | {context['heldout']} | {context['tune'] + context['heldout']} |")
    lines.append(f"| of which refused | {refused['tune']} | {refused['heldout']} | {refused['tune'] + refused['heldout']} |")
    by_person = {p: Counter(r["as"] for r in rows) for p, rows in rows_by_part.items()}
    people = " · ".join(f"{name} {by_person['tune'][name]}/{by_person['heldout'][name]}" for name in PEOPLE)
    return "\n".join(lines) + f"\n\nSenders (tune/heldout): {people}."


def main() -> int:
    c = Checker()
    refs, plain, article_terms = article_refs()
    rows_by_part = {part: load_part(c, part, refs) for part in PARTS}

    ids = Counter(r["id"] for rows in rows_by_part.values() for r in rows)
    for key, n in ids.items():
        if n > 1:
            c.fail(key, f"id used {n} times")
    # The same message may appear twice only with different context (before) or sender.
    keys = Counter((r["as"], r["text"], tuple(r["before"])) for rows in rows_by_part.values() for r in rows)
    for (who, text, before), n in keys.items():
        if n > 1:
            c.fail(text, f"duplicated {n} times for {who} with the same context")

    for r in rows_by_part["heldout"]:
        if r["text"] in QUOTED:
            c.fail(r["_where"], "quoted in issue 12 or the brief: belongs in tune (it has its own conversation test)")

    eval_texts = [q["text"] for q in tomllib.loads((DATA / "rules_eval.toml").read_text(encoding="utf-8"))["q"]]
    for r in rows_by_part["heldout"]:
        if r["intent"].startswith("rules."):
            for other in eval_texts:
                if similarity(r["text"], other) >= NEAR:
                    c.fail(r["_where"], f"too close to rules_eval.toml {other!r}")

    short_pairs = []
    for h in rows_by_part["heldout"]:
        for t in rows_by_part["tune"]:
            if h["text"] == t["text"] and h["before"] != t["before"]:
                continue  # the same short reply in another context is a different test
            s = similarity(h["text"], t["text"])
            if s >= NEAR:
                if min(len(h["text"]), len(t["text"])) >= NEAR_MIN_CHARS:
                    c.fail(h["_where"], f"near-duplicate ({s:.2f}) of {t['_where']} {t['text']!r}")
                else:
                    short_pairs.append(f"{h['text']!r} ~ {t['text']!r}")

    corpus_rules = {r["text"]: part for part, rows in rows_by_part.items() for r in rows if r["intent"].startswith("rules.")}
    kinds = check_rules_toml(c, refs, plain, article_terms, corpus_rules)

    # Both parts should carry the same mix of intents: every intent in both, shares within a few points.
    counts = {p: Counter(r["intent"] for r in rows) for p, rows in rows_by_part.items()}
    for intent in INTENTS:
        t, h = counts["tune"][intent], counts["heldout"][intent]
        if not t or not h:
            c.fail(intent, f"must be in both parts (tune {t}, heldout {h})")
    total = sum(len(rows) for rows in rows_by_part.values())
    if total < 650:
        c.fail("corpus", f"{total} messages, want at least 650")
    share = len(rows_by_part["heldout"]) / total
    held = len(rows_by_part["heldout"])
    # The split was made 60/40; later tuning rounds added to the tuning part only (the held-back part
    # stays as written, unseen), so its share falls as they come: what matters is that it stays big
    # enough to measure (400 messages: one message is a quarter of a point).
    if held < 400 or share > 0.45:
        c.fail("corpus", f"heldout has {held} messages ({share:.0%} of the corpus), want at least 400 and at most 45%")

    text = table(rows_by_part)
    print(text)
    print(f"\nrules_heldout.toml: {sum(kinds.values())} questions, " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if short_pairs:
        print(f"\nshort command forms in both parts ({len(short_pairs)}), allowed: " + "; ".join(short_pairs[:40]))
    if "--readme" in sys.argv:
        readme = HERE / "README.md"
        body = readme.read_text(encoding="utf-8")
        start, end = "<!-- counts:start -->", "<!-- counts:end -->"
        head, rest = body.split(start, 1)
        _, tail = rest.split(end, 1)
        kinds_line = f"\n\n`rules_heldout.toml`: {sum(kinds.values())} questions — " + ", ".join(
            f"{k} {v}" for k, v in sorted(kinds.items()))
        readme.write_text(f"{head}{start}\n{text}{kinds_line}\n{end}{tail}", encoding="utf-8")
    if c.problems:
        print(f"\n{len(c.problems)} problem(s):")
        for p in c.problems:
            print("  " + p)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
