"""Suggest a report's category from its words. The rules are data: config [reports].categories replaces them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# The four categories of the street's problem list, in the order ties are broken.
FORMALISM = "形式主义官僚主义"
HEDONISM = "享乐主义奢靡之风"
SERVICE = "服务群众"
INITIATIVE = "干部担当作为"
CATEGORIES = (FORMALISM, HEDONISM, SERVICE, INITIATIVE)

DEFAULT_RULES: Mapping[str, tuple[str, ...]] = {
    FORMALISM: (
        "形式主义", "官僚", "填表", "报表", "表格", "留痕", "摆拍", "拍照打卡", "打卡", "会议", "开会", "文山会海",
        "层层加码", "走过场", "材料", "检查多", "门难进", "脸难看", "事难办", "高高在上", "做样子",
    ),
    HEDONISM: (
        "吃喝", "宴请", "饭局", "公车", "公款", "旅游", "送礼", "收礼", "红包", "礼金", "喝酒", "酒驾", "奢侈",
        "超标", "私用", "购物卡", "打牌", "麻将", "玩手机", "游戏", "迟到", "早退", "上班时间",
    ),
    SERVICE: (
        "办事", "排队", "态度", "窗口", "诉求", "回复", "不理", "响应", "搬迁", "补贴", "低保", "路灯", "垃圾",
        "卫生", "打扫", "清理", "公厕", "厕所", "漏水", "维修", "堵", "坏了", "噪音", "停车", "占道",
        "电梯", "楼道", "物业", "就业", "看病", "上学", "跑腿", "跑了", "跑三趟",
    ),
    INITIATIVE: (
        "不作为", "慢作为", "乱作为", "推诿", "扯皮", "踢皮球", "拖延", "拖着", "敷衍", "不担当", "躲", "没人管",
        "不管", "找不到人", "联系不上", "不来", "不落实", "等靠要", "怕担责",
    ),
}


def suggest(text: str, rules: Mapping[str, Sequence[str]] | None = None, other: str = "其他") -> str:
    """The category whose keywords occur most often in `text`; ties go to the one listed first."""
    rules = rules or DEFAULT_RULES
    best, best_hits = other, 0
    for category, words in rules.items():
        hits = sum(1 for word in words if word and word in text)
        if hits > best_hits:
            best, best_hits = category, hits
    return best


def known(rules: Mapping[str, Sequence[str]] | None, other: str = "其他") -> tuple[str, ...]:
    """Every category a report may carry, for validating a correction."""
    return (*(rules or DEFAULT_RULES).keys(), other)


def resolve(name: str, rules: Mapping[str, Sequence[str]] | None, other: str = "其他") -> str | None:
    """A category named in full or by a distinctive part ("服务" → 服务群众); None if unknown or ambiguous."""
    name = name.strip()
    options = known(rules, other)
    if name in options:
        return name
    hits = [c for c in options if name and (name in c or c in name)]
    return hits[0] if len(hits) == 1 else None
