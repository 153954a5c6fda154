"""Suggest a report's category from its words. The rules are data: config [reports].categories replaces them.

A rule is a phrase, optionally with a weight and a context:

- "推诿" counts 1 when the text contains it;
- "踢皮球*3" counts 3: words that name the conduct weigh more than words that name the subject
  (a leaking pipe is what the complaint is about; being passed from office to office is the problem);
- "窗口+玩手机*3" counts only when every part occurs, in any order: a word that means one thing in one
  setting and another elsewhere is classed by its context.

The category with the highest total wins; ties go to the one listed first; no hit at all is `other`.
tests/data/report_categories.toml holds the complaints these rules are measured on
(`python -m bench.bench_report_categories`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

# The four categories of the street's problem list, in the order ties are broken.
FORMALISM = "形式主义官僚主义"
HEDONISM = "享乐主义奢靡之风"
SERVICE = "服务群众"
INITIATIVE = "干部担当作为"
CATEGORIES = (FORMALISM, HEDONISM, SERVICE, INITIATIVE)

DEFAULT_RULES: Mapping[str, tuple[str, ...]] = {
    FORMALISM: (
        # Named outright.
        "形式主义*3", "官僚*3", "打官腔*3", "官腔*2", "摆架子*3", "架子*1", "高高在上*2", "门难进*2", "脸难看*2",
        # Paperwork and traces.
        "填表*2", "重复填*2", "表格*1.5", "报表*2", "进度表*2", "台账*1.5", "留痕*3", "痕迹*1.5", "心得体会*2",
        "手写*1", "问卷*1.5", "截图*1.5", "交差*2", "文山会海*3", "材料*0.5", "格式*1",
        # Show instead of work.
        "摆拍*3", "拍照打卡*3", "打卡*2", "发定位*2", "横幅*1.5", "展板*1", "口号*1.5", "做样子*3", "摆样子*3",
        "作秀*3", "走过场*3", "走形式*3", "迎检*3", "应付检查*3", "只看台账*2", "上传+照片*2", "入户+拍*1.5",
        "检查*1", "考核*1",
        # Meetings and layers.
        "开会*2", "会议*1.5", "晨会*2", "例会*2", "协调会*1", "念稿*2", "听汇报*2", "汇报*1", "层层加码*3", "层层*1.5", "加码*2",
        "指标*1", "每级*1.5", "反复*0.5", "重复*1",
        # The usual manifestations as the campaign documents list them.
        "督查*2", "督导*1.5", "评比*1.5", "填报*2", "报数*2", "录入*1.5", "平台*1", "接龙*2", "点赞*1.5",
        "前呼后拥*3", "走马观花*3", "蜻蜓点水*3", "走一圈*2", "盆景*2", "政绩工程*3", "形象工程*3", "面子工程*3",
        "汇报材料*2", "工作总结*2", "总结*1", "上墙*2", "挂牌*2", "牌子*1", "拍脑袋*3", "瞎指挥*3", "一刀切*3",
        "脱离群众*2", "弄虚作假*3", "造假*3", "虚报*3", "补齐*1.5", "补写*1.5",
    ),
    HEDONISM: (
        # Eating and drinking.
        "吃喝*2", "大吃大喝*3", "宴请*3", "饭局*3", "请吃*2", "吃请*2", "聚餐*2", "酒席*3", "摆酒*3", "办酒*2",
        "喝酒*2", "饮酒*2", "酒气*2", "酒驾*3", "划拳*2", "好酒*2", "烟酒*3", "高档*2", "一桌菜*1",
        # Celebrations made big.
        "大操大办*3", "摆了+桌*2", "结婚*1", "过生日*1.5", "生日*1", "寿宴*3", "升学宴*3", "老板*1", "凑钱*1.5",
        # Public cars and money.
        "公车*3", "公务车*3", "公务用车*3", "私用*2", "公款*3", "公家的钱*3", "走账*2", "发票*1.5", "报销*1.5",
        "旅游*2", "景区*2", "农家乐*2", "度假*2", "考察*1",
        # Gifts.
        "送礼*3", "收礼*3", "礼品*2", "土特产*2", "红包*3", "礼金*3", "购物卡*3", "消费卡*3", "好处费*3", "收了*1",
        # Leisure.
        "打牌*2", "麻将*2", "赌*2", "棋牌室*2", "奢侈*2", "超标*2",
        # The usual manifestations as the campaign documents list them.
        "私人会所*3", "会所*2", "包间*1.5", "酒店*1", "开发商*1.5", "私车公养*3", "公家的车*3", "加油卡*3",
        "油卡*2", "津贴*1.5", "福利*1.5", "度假村*2", "温泉*1.5", "打扑克*2", "扑克*2", "茶楼*1", "KTV*2",
        "洗浴*2", "高尔夫*3",
    ),
    SERVICE: (
        # Where people are served, and how.
        "窗口*2", "服务中心*1.5", "服务大厅*1.5", "服务站*1.5", "大厅*1", "办事*1.5", "办业务*1.5", "排队*2",
        "态度*2", "不耐烦*2", "凶*1.5", "嫌烦*2", "冷脸*2", "爱答不理*2", "没人理*2", "不理*1.5", "怪我们*1",
        "等了*1", "白跑*2", "跑了*1.5", "跑三趟*2", "来回跑*2", "跑腿*1", "一次说清*2", "一次性告知*2",
        "说法不一*2", "说法都不一样*2", "办事指南*2", "预约*1.5", "占线*2", "空号*2", "没人接*2", "没人回*2",
        "没有人回*2", "不回*1.5", "回复*1.5", "诉求*2",
        # Work discipline at a post people come to: filed as service, not as 享乐主义.
        "玩手机*3", "刷手机*3", "刷抖音*3", "抖音*2", "短视频*2", "打游戏*3", "游戏*2", "聊天*2", "闲聊*2",
        "串门*2", "串岗*3", "离岗*3", "脱岗*3", "不在岗*3", "没到岗*3", "到岗*2", "迟到*3", "早退*3",
        "陆陆续续来*2", "才来*1.5", "关门*2", "没人值班*3", "无人值守*3", "值班*1.5", "上班时间+窗口*1",
        # What people come for.
        "补贴*1", "低保*1", "就业*1", "医保*1", "社保*1", "证明*1", "户籍*1", "居住证*1", "养老金*1",
        "回访*1.5", "热线*1.5", "12345*1.5", "睡觉*2.5", "说话冲*2", "吼*2", "骂人*2", "折腾*1.5", "查不到*1.5",
        "说不清*1.5", "提前下班*3", "下班*1", "签字*1",
        # The subject of many requests: weak, the conduct words decide.
        "路灯*1", "楼道*1", "垃圾*0.5", "卫生*0.5", "公厕*0.5", "厕所*0.5", "漏水*0.5", "维修*0.5", "堵*0.5",
        "噪音*0.5", "停车*0.5", "占道*0.5", "电梯*0.5", "物业*0.5",
    ),
    INITIATIVE: (
        "不作为*3", "慢作为*3", "乱作为*3", "推诿*3", "扯皮*3", "踢皮球*3", "互相推*3", "推来推去*3", "往上推*3",
        "来回推*3", "推给*2", "拖延*3", "拖着*2.5", "一直拖*3", "拖了*2.5", "久拖*3", "拖到*2", "敷衍*3",
        "应付*2", "不担当*3", "担当*2", "怕担责*3", "担责*2.5", "怕出事*2", "不敢*1.5", "拍板*2", "请示*1.5",
        "躲*2", "不出面*3", "不归*2.5", "不管*2", "管不了*3", "没人管*2.5", "谁都不管*3", "不处理*2.5",
        "不解决*2", "办不了*2", "想办法*1", "找不到人*1", "联系不上*1", "不来*1", "不落实*3", "没人落实*2",
        "没动静*2.5", "没结果*2", "没下文*1.5", "走流程*2", "再看看*2", "等靠要*3", "说找*1.5", "说等*1.5",
        # The usual manifestations as the campaign documents list them.
        "新官不理旧账*3", "旧账*2", "懒政*3", "怠政*3", "庸政*3", "嘴上答应*2", "没人出头*2.5", "得罪人*2.5",
        "老好人*2", "没有先例*2.5", "不肯*1.5", "避重就轻*2", "老样子*2", "正在协调*2", "要等*1.5",
    ),
}


@dataclass(frozen=True)
class _Rule:
    parts: tuple[str, ...]
    weight: float

    def score(self, text: str) -> float:
        return self.weight if all(part in text for part in self.parts) else 0.0


def _parse(entry: str) -> _Rule | None:
    phrase, _, weight = entry.strip().partition("*")
    try:
        value = float(weight) if weight.strip() else 1.0
    except ValueError:
        phrase, value = entry.strip(), 1.0  # a "*" that is part of the phrase, not a weight
    parts = tuple(p.strip() for p in phrase.split("+") if p.strip())
    return _Rule(parts, value) if parts else None


@lru_cache(maxsize=16)
def _compiled(frozen: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, tuple[_Rule, ...]], ...]:
    return tuple((category, tuple(r for r in map(_parse, words) if r is not None)) for category, words in frozen)


def scores(text: str, rules: Mapping[str, Sequence[str]] | None = None) -> dict[str, float]:
    """Each category's total weight of the rules `text` meets."""
    rules = rules or DEFAULT_RULES
    frozen = tuple((category, tuple(words)) for category, words in rules.items())
    return {category: sum(r.score(text) for r in compiled) for category, compiled in _compiled(frozen)}


def suggest(text: str, rules: Mapping[str, Sequence[str]] | None = None, other: str = "其他") -> str:
    """The category whose rules weigh most in `text`; ties go to the one listed first."""
    best, best_score = other, 0.0
    for category, score in scores(text or "", rules).items():
        if score > best_score:
            best, best_score = category, score
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
