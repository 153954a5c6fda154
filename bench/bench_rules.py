"""Rules Q&A evaluation and latency benchmark.

    python bench/bench_rules.py [--filler 5000] [--repeat 3] [--quiet]

Runs each question set in tests/data against the sample knowledge base (handlers/rules/samples):
rules_eval.toml (the original evaluation), rules_dev.toml (issue 12's set of questions as cadres
type them, the one the retrieval is tuned on) and rules_check.toml (written after the tuning was
frozen and not tuned on at first; the rules helper of issue 12 tuned on it too) and rules_tune.toml (the
rules helper's own questions for issue 12, tuned on), rules_tune_check.toml (more of them, measured first, then
tuned on) and rules_tune_fresh.toml (the last of them, only measured); rules_round7.toml (a blind set written
by someone who never saw the code, tuned on in round 7) and rules_round7_fresh.toml (its twin, only measured);
rules_round8.toml (round 8's blind set, tuned on) and rules_round8_fresh.toml (its twin, only measured);
rules_round9.toml (round 9's blind set, tuned on) and rules_round9_fresh.toml (its twin, only measured);
rules_round10.toml (round 10's blind set, mostly questions no article covers; the decline rule was chosen
on it) and rules_round10_fresh.toml (its twin, only measured).
For each it prints

- hit@1: the bot answers and the first article it cites is an expected one;
- rank@1: the first article found is an expected one, answered or offered first (bench_understanding's
  "hit@1" on the held-back set);
- hit@3: an expected article is among the first three results (what numbered choices can offer);
- choices: the share of answerable questions that got numbered choices instead of an answer, and of
  those, how many offered a right article; wrong: answered with a wrong article first;
- declined: the share of not-covered questions that got no answer (a "no clear rule", numbered
  choices or "这个我帮不上" all count: none of them asserts a rule);
- p50/p95 latency of answering one question (segmentation, BM25, coverage, formatting; no LLM).

Then the off-topic sets (rules_offtopic.toml, tuned on, and rules_offtopic_check.toml, not): how many off-topic questions get "这个我帮不上" and how
many questions about conduct are still taken as questions about the rules; the resident memory of
this process once the sample index is built (the word dictionary, numpy and bm25s loaded); and the
same QA figures with the base padded to --filler articles of synthetic text drawn from
administrative vocabulary (which shares many words with the samples: 接待, 车辆, 会议, 报销, 标准,
居民 …). --mix 0.3 makes the filler adversarial: 30% of its words are then drawn from the sample
articles themselves, so random filler "mentions" 红包, 公车 or 礼金 and competes head-on with the real
articles.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handlers.rules.settings import RulesConfig  # noqa: E402
from handlers.rules.answer import answer  # noqa: E402
from handlers.rules.demo import sample_articles, sample_documents, sample_outcomes, sample_questions  # noqa: E402
from handlers.rules.search import IndexedArticle, RulesIndex, build_index, load_lexicon  # noqa: E402

DATA = ROOT / "tests" / "data"
_FIRST_SETS = {"eval": DATA / "rules_eval.toml", "dev": DATA / "rules_dev.toml", "check": DATA / "rules_check.toml",
               "tune": DATA / "rules_tune.toml", "tune-check": DATA / "rules_tune_check.toml",
               "fresh": DATA / "rules_tune_fresh.toml"}


def _round_sets() -> dict[str, Path]:
    """The blind rounds, in order: rules_roundN.toml as "roundN", its twin rules_roundN_fresh.toml as "roundN-fresh"."""
    numbers = sorted(int(p.stem.removeprefix("rules_round")) for p in DATA.glob("rules_round*.toml") if not p.stem.endswith("_fresh"))
    sets: dict[str, Path] = {}
    for n in numbers:
        sets[f"round{n}"] = DATA / f"rules_round{n}.toml"
        if (fresh := DATA / f"rules_round{n}_fresh.toml").exists():
            sets[f"round{n}-fresh"] = fresh
    return sets


SETS = {**_FIRST_SETS, **_round_sets()}


def outcome_group(set_name: str) -> str:
    """The `from` of a set's outcomes (handlers/rules/outcomes.py): a round's two halves, written together in
    one style, are one group, left out together when either is measured."""
    return set_name.removesuffix("-fresh")
OFFTOPIC_FILE = DATA / "rules_offtopic.toml"
OFFTOPIC_CHECK_FILE = DATA / "rules_offtopic_check.toml"
EVAL_FILE = SETS["eval"]

ADMIN_WORDS = (
    "加强 推进 落实 组织 领导 建设 制度 管理 工作 机制 考核 服务 社区 安全 生产 环境 卫生 教育 培训 档案 统计 财务 "
    "资金 项目 合同 审计 信访 应急 防汛 消防 食品 药品 医疗 养老 就业 社保 住房 物业 停车 道路 绿化 垃圾 污水 供水 "
    "用电 宣传 舆情 网络 信息 数据 保密 党建 党员 组织生活 民主评议 选举 换届 志愿者 妇联 共青团 工会 退役军人 "
    "残疾人 儿童 老年人 计划 方案 报告 总结 检查 督查 整改 台账 责任 部门 单位 人员 负责 及时 规范 程序 材料 "
    "登记 备案 公开 公示 评估 验收 维护 设施 设备 场所 活动 会议 通知 文件 办理 审核 批准 执行 监督 协调 配合 "
    "宣传栏 巡查 排查 隐患 预案 演练 值班 值守 汇报 通报 奖励 惩处 问责 年度 季度 每月 每周 工作日 街道 辖区 "
    "居民 群众 企业 商户 学校 医院 车辆 接待 采购 报销 补助 标准 费用 预算 决算 收入 支出 票据 印章 证明"
).split()


@dataclass(frozen=True)
class Question:
    text: str
    kind: str
    expect: tuple[tuple[str, str], ...]  # (title, label)


def load_questions(path: Path = EVAL_FILE) -> list[Question]:
    titles = {d.key: d.title for d in sample_documents()}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    questions = []
    for item in data["q"]:
        expect = []
        for ref in item.get("expect", []):
            key, label = ref.split("#", 1)
            expect.append((titles[key], label))
        questions.append(Question(item["text"], item["kind"], tuple(expect)))
    return questions


def filler_articles(count: int, start_id: int, samples: list[IndexedArticle], mix: float, seed: int = 7) -> list[IndexedArticle]:
    rng = random.Random(seed)
    lexicon = load_lexicon()
    analyzer_index = build_index(samples[:1], lexicon)
    sample_words = [t for a in samples for t in analyzer_index.analyzer.terms(a.text)]
    articles = []
    for n in range(count):
        words = [rng.choice(sample_words) if rng.random() < mix else rng.choice(ADMIN_WORDS) for _ in range(rng.randint(15, 45))]
        text = "，".join("".join(words[i : i + 4]) for i in range(0, len(words), 4)) + "。"
        title = f"合成制度第{n // 20 + 1}号（基准测试填充）"
        articles.append(IndexedArticle(start_id + n, title, f"第{n % 20 + 1}条", "", text))
    return articles


def _ref(article: IndexedArticle) -> tuple[str, str]:
    return article.title, article.label.rstrip("、.．")


def evaluate(index: RulesIndex, questions: list[Question], settings: RulesConfig, repeat: int) -> dict[str, object]:
    answerable = [q for q in questions if q.expect]
    none = [q for q in questions if not q.expect]
    hit1 = hit3 = top1 = offered = offered_right = wrong = 0
    by_kind: dict[str, list[int]] = {}
    misses: list[str] = []
    for q in answerable:
        expected = {(t, l.rstrip("、.．")) for t, l in q.expect}
        ranked = [_ref(h.article) for h in index.search(q.text, top_k=3)]
        at3 = any(r in expected for r in ranked)
        top1 += bool(ranked) and ranked[0] in expected
        result = answer(index, q.text, settings)
        right = result.covered and bool(result.hits) and _ref(result.hits[0].article) in expected
        hit1 += right
        hit3 += at3
        if result.candidates:
            offered += 1
            offered_right += any(_ref(h.article) in expected for h in result.hits[: len(result.candidates)])
        if result.covered and not right:
            wrong += 1
        by_kind.setdefault(q.kind, [0, 0])
        by_kind[q.kind][0] += right
        by_kind[q.kind][1] += 1
        if not right:
            top = f"{result.hits[0].article.citation} cov={result.hits[0].coverage:.2f}" if result.hits else "nothing"
            how = "WRONG" if result.covered else "OFF-TOPIC" if result.off_topic else "CHOICES" if result.candidates else "DECLINED"
            misses.append(f"  {how}{'' if at3 else ' (not in top 3)'}: {q.text}  → {top}")
    declined = 0
    for q in none:
        result = answer(index, q.text, settings)
        if not result.covered:
            declined += 1
        else:
            misses.append(f"  ANSWERED-NOT-COVERED: {q.text} → {result.hits[0].article.citation} cov={result.hits[0].coverage:.2f}")
    timings = []
    for _ in range(repeat):
        for q in questions:
            started = time.perf_counter()
            answer(index, q.text, settings)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "articles": len(index),
        "answerable": len(answerable),
        "hit@1": hit1 / len(answerable),
        "hit@3": hit3 / len(answerable),
        "rank@1": top1 / len(answerable),
        "choices": offered / len(answerable),
        "choices_right": offered_right,
        "choices_count": offered,
        "wrong": wrong / len(answerable),
        "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "not_covered": len(none),
        "declined": declined / len(none) if none else 1.0,
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[max(int(len(timings) * 0.95) - 1, 0)],
        "misses": misses,
    }


def report(name: str, figures: dict[str, object], show_misses: bool) -> None:
    print(
        f"   {name:5s} hit@1 {figures['hit@1']:.3f}   rank@1 {figures['rank@1']:.3f}   hit@3 {figures['hit@3']:.3f}   declined {figures['declined']:.3f} "
        f"(of {figures['not_covered']})   wrong {figures['wrong']:.3f}   choices {figures['choices']:.3f} "
        f"({figures['choices_right']}/{figures['choices_count']} with a right one)   "
        f"p50 {figures['p50_ms']:.2f} ms  p95 {figures['p95_ms']:.2f} ms   "
        f"[{figures['answerable']} answerable; hit@1 by kind {figures['by_kind']}]"
    )
    if show_misses and figures["misses"]:
        print("\n".join(figures["misses"]))


def evaluate_off_topic(index: RulesIndex, settings: RulesConfig, show_misses: bool, path: Path = OFFTOPIC_FILE, name: str = "off-topic") -> None:
    items = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    off = [q["text"] for q in items if q["off_topic"]]
    on = [q["text"] for q in items if not q["off_topic"]]
    caught = [q for q in off if answer(index, q, settings).off_topic]
    kept = [q for q in on if not answer(index, q, settings).off_topic]
    accuracy = (len(caught) + len(kept)) / len(items)
    print(
        f"   {name}: accuracy {accuracy:.3f}   off-topic caught {len(caught)}/{len(off)}   "
        f"questions about conduct kept {len(kept)}/{len(on)}"
    )
    if show_misses:
        for q in off:
            if q not in caught:
                print(f"  NOT CAUGHT: {q}")
        for q in on:
            if q not in kept:
                print(f"  TAKEN FOR OFF-TOPIC: {q}")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_sets(name: str, index: RulesIndex, sets: dict[str, list[Question]], settings: RulesConfig, args, build_seconds: float) -> None:
    print(f"== {name}: {len(index)} articles (index built in {build_seconds:.2f} s)")
    for set_name, questions in sets.items():
        # A set is measured without its own questions among the known ones (the fresh halves are never
        # among them: make_sample_questions.py leaves them out).
        known = index if args.no_questions else index.knowing(sample_questions(frozenset({set_name})),
                                                             sample_outcomes(leave_out=frozenset({outcome_group(set_name)})))
        report(set_name, evaluate(known, questions, settings, args.repeat), not args.quiet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filler", type=int, default=5000, help="total articles in the scaled run (default 5000)")
    parser.add_argument("--mix", type=float, default=0.0, help="share of filler words taken from the samples (0–1)")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes over the question set")
    parser.add_argument("--threshold", type=float, default=None, help="override [rules] threshold")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    parser.add_argument("--no-questions", action="store_true", help="without the sample base's known questions (handlers/rules/alike.py)")
    args = parser.parse_args()
    settings = RulesConfig() if args.threshold is None else RulesConfig(threshold=args.threshold)
    sets = {name: load_questions(path) for name, path in SETS.items()}
    lexicon = load_lexicon()
    samples = sample_articles()
    print(f"threshold {settings.threshold}, top_k {settings.top_k}; " + ", ".join(f"{k}: {len(v)} questions" for k, v in sets.items()))

    questions = [] if args.no_questions else sample_questions()
    outcomes = () if args.no_questions else sample_outcomes()
    print(f"   known questions: {len(questions)}, outcomes: {len(outcomes)} (each set measured without its own)")
    started = time.perf_counter()
    index = build_index(samples, lexicon, questions, outcomes)
    build_seconds = time.perf_counter() - started
    index.search("公务接待可以喝酒吗")
    print(f"   RSS of this process with the sample index loaded: {rss_mb():.1f} MB")
    run_sets("sample base", index, sets, settings, args, build_seconds)
    evaluate_off_topic(index, settings, not args.quiet)
    evaluate_off_topic(index, settings, not args.quiet, OFFTOPIC_CHECK_FILE, "off-topic check")

    filler = filler_articles(max(args.filler - len(samples), 0), len(samples) + 1, samples, args.mix)
    started = time.perf_counter()
    big = build_index(samples + filler, lexicon, questions, outcomes)
    run_sets(f"scaled base (filler mix {args.mix})", big, sets, settings, args, time.perf_counter() - started)


if __name__ == "__main__":
    main()
