"""Rules Q&A evaluation and latency benchmark.

    /work/venv/bin/python bench/bench_rules.py [--filler 5000] [--repeat 3]

Runs the questions in tests/data/rules_eval.toml against the sample knowledge base and prints
hit@1 and hit@3 (the expected article among the first 1 / 3 results), the share of answerable
questions the bot actually answers (not declined) with an expected article shown, the share of
not-covered questions correctly declined, and p50/p95 latency of answering one question
(segmentation, BM25, coverage, formatting; no LLM). Then the same with the base padded to
--filler articles of synthetic text drawn from administrative vocabulary (which shares many words
with the samples: 接待, 车辆, 会议, 报销, 标准, 居民 …). --mix 0.3 makes the filler adversarial: 30%
of its words are then drawn from the sample articles themselves, so random filler "mentions" 红包,
公车 or 礼金 and competes head-on with the real articles.
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
from handlers.rules.demo import sample_articles, sample_documents  # noqa: E402
from handlers.rules.search import IndexedArticle, RulesIndex, build_index, load_lexicon  # noqa: E402

EVAL_FILE = ROOT / "tests" / "data" / "rules_eval.toml"

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


def load_questions() -> list[Question]:
    titles = {d.key: d.title for d in sample_documents()}
    data = tomllib.loads(EVAL_FILE.read_text(encoding="utf-8"))
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


def evaluate(index: RulesIndex, questions: list[Question], settings: RulesConfig, repeat: int) -> dict[str, object]:
    answerable = [q for q in questions if q.expect]
    none = [q for q in questions if not q.expect]
    hit1 = hit3 = answered_right = 0
    by_kind: dict[str, list[int]] = {}
    misses: list[str] = []
    for q in answerable:
        hits = index.search(q.text, top_k=3)
        ranked = [(h.article.title, h.article.label.rstrip("、.．")) for h in hits]
        expected = {(t, l.rstrip("、.．")) for t, l in q.expect}
        at1 = bool(ranked[:1]) and ranked[0] in expected
        at3 = any(r in expected for r in ranked[:3])
        hit1 += at1
        hit3 += at3
        result = answer(index, q.text, settings)
        shown_right = result.covered and any(h.article.citation in result.text and (h.article.title, h.article.label.rstrip("、.．")) in expected for h in result.hits)
        answered_right += shown_right
        by_kind.setdefault(q.kind, [0, 0])
        by_kind[q.kind][0] += at3
        by_kind[q.kind][1] += 1
        if not at3 or not shown_right:
            top = f"{hits[0].article.citation} cov={hits[0].coverage:.2f}" if hits else "nothing"
            misses.append(f"  {'MISS@3' if not at3 else 'DECLINED/WRONG-SHOWN'}: {q.text}  → {top}")
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
        "answered_with_right_article": answered_right / len(answerable),
        "by_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "not_covered": len(none),
        "declined": declined / len(none),
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "misses": misses,
    }


def report(name: str, figures: dict[str, object], build_seconds: float, show_misses: bool) -> None:
    print(f"== {name}: {figures['articles']} articles (index built in {build_seconds:.2f} s)")
    print(
        f"   hit@1 {figures['hit@1']:.3f}   hit@3 {figures['hit@3']:.3f}   "
        f"answered with a right article {figures['answered_with_right_article']:.3f}   "
        f"(answerable questions: {figures['answerable']}; hit@3 by kind: {figures['by_kind']})"
    )
    print(f"   not-covered declined {figures['declined']:.3f} (of {figures['not_covered']})")
    print(f"   latency per question: p50 {figures['p50_ms']:.2f} ms   p95 {figures['p95_ms']:.2f} ms")
    if show_misses and figures["misses"]:
        print("   misses:")
        print("\n".join(figures["misses"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filler", type=int, default=5000, help="total articles in the scaled run (default 5000)")
    parser.add_argument("--mix", type=float, default=0.0, help="share of filler words taken from the samples (0–1)")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes over the question set")
    parser.add_argument("--threshold", type=float, default=None, help="override [rules] threshold")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = parser.parse_args()
    settings = RulesConfig() if args.threshold is None else RulesConfig(threshold=args.threshold)
    questions = load_questions()
    lexicon = load_lexicon()
    samples = sample_articles()
    print(f"threshold {settings.threshold}, top_k {settings.top_k}; {len(questions)} questions")

    started = time.perf_counter()
    index = build_index(samples, lexicon)
    report("sample base", evaluate(index, questions, settings, args.repeat), time.perf_counter() - started, not args.quiet)

    filler = filler_articles(max(args.filler - len(samples), 0), len(samples) + 1, samples, args.mix)
    started = time.perf_counter()
    big = build_index(samples + filler, lexicon)
    report(f"scaled base (filler mix {args.mix})", evaluate(big, questions, settings, args.repeat), time.perf_counter() - started, not args.quiet)


if __name__ == "__main__":
    main()
