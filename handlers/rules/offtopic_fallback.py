"""A small stand-in for telling off-topic questions from questions about the rules.

FALLBACK: the rules work (a separate branch) brings `is_off_topic(question, coverage=None)` with a
fuller vocabulary and the knowledge base's coverage as a tie-breaker; when it is merged, import that
in handlers/rules/commands.py instead of this module and delete this file.

An everyday subject (weather, cooking, TV and games, prices, health, writing or translating a text,
working a phone) makes a question off-topic unless it also names something of public office
(公款, 上班, 群众, 违规 …): 帮我写个请假条 is off-topic, 上班时间能写私人材料吗 is not.
"""

from __future__ import annotations

import re

from bot.text import normalize

EVERYDAY = re.compile(
    # weather
    r"天气|下雨|下雪|气温|冷不冷|热不热|秋裤|雾霾|刮风|台风|晴天|出太阳|阴天|降温|升温|几度|温度|有雨|有雪|雨大|雪大|限号|限行|堵车|路况"
    # cooking and eating out
    r"|怎么做|咋做|做法|好吃|菜谱|红烧|饺子|火锅|酸菜鱼|馅|炒菜|炖|烤鸭|奶茶"
    # TV, sport, games, stories, jokes
    r"|央视|电视|电视剧|好看的|电影|综艺|CBA|NBA|足球|篮球|比赛|王者荣耀|游戏|上分|抖音|快手|视频号|笑话|三国|西游|故事|唱首歌|小说"
    # prices and places
    r"|油价|股票|基金|涨不涨|跌不跌|房价|彩票|加油站|哪家|哪有|附近|高铁票|火车票还有|车票还有|门票|机票|快递"
    # health
    r"|减肥|感冒|发烧|咳嗽|失眠|血压|养生|吃什么药|偏方"
    r"|好听的歌|什么歌|双十一|打折|优惠券|划算|网购什么|买什么"
    # writing, translating, pictures
    r"|写个|写一篇|写份|写一份|写段|年终总结|述职报告|请假条|改得|润色|翻译|PPT|ppt|做个表|P个图|P图|修图|作文"
    # phones and sums
    r"|手机内存|内存满|清理内存|WiFi|wifi|蓝牙|数学题|等于几|乘以|除以|加上.{0,6}等于|算一下"
    # more of the same kinds
    r"|股市|A股|大盘|外卖|唱歌|唱首|写首|一首诗|星期几|几号了|农历|几点了|放假安排|旅游攻略|景点|菜市场|超市几点"
    r"|星座|运势|算命|做梦|谜语|脑筋急转弯|成语接龙|猜谜",
    re.IGNORECASE,
)
# A request for something the bot does not do ("帮我订个…", "给我画…"), when it names nothing the bot does.
REQUEST = re.compile(
    r"(?:^|[,，\s])(?:请|麻烦)?(?:你)?(?:帮我|给我|替我|帮忙)(?:看看|看一下)?(?:写|做|画|算|订|买|找|翻译|P|p|修|讲|编|生成|推荐|解|想|起|取|查|弄)"
    r"|^(?:讲|说)(?:个|一个|讲)|帮我看看\s*$"
)
BOT_FEATURES = re.compile(r"时长|下沉|随手拍|反映|投诉|举报|微课|答题|做题|刷题|练习题|规定|任务|台账|看板|登记|排行|积分")
WORK = re.compile(
    r"公款|公车|公务|公费|公物|公章|违规|违纪|纪律|规定|制度|收礼|送礼|红包|礼金|礼品|购物卡|消费卡|宴请|吃请|请客|接待|报销"
    r"|上班|下班|工作|群众|居民|干部|网格|领导|单位|社区|街道|处分|廉洁|作风|加班|调休|出差|差旅|办公|会议|开会|审批"
    r"|迟到|早退|旷工|请假|休假|年假|辞职|工资|组织|党员|党费|记者|采访|兼职|经商|同事|考核|值班|补贴|低保|招标"
    r"|专题会|例会|晨会|辖区|企业|老板|入户|上报|请吃饭|吃请|饭局|宴|随礼|份子|结婚|婚礼|丧事|满月|乔迁|升学|礼|烟酒|土特产|彩头|打牌|麻将|喝酒"
)
# What the rules are about: acts, public money and property, the rules' own words.
CONDUCT = re.compile(
    r"公款|公车|公务|公费|公物|公章|违规|违纪|纪律|规定|制度|收礼|送礼|红包|礼金|礼品|购物卡|消费卡|宴请|吃请|请客|接待|报销"
    r"|上班时间|工作时间|工作日|处分|廉洁|作风|兼职|经商|随礼|份子|烟酒|土特产|彩头|麻将|赌"
)
# A question whether something is allowed or required is about conduct, whatever its subject.
PERMISSION = re.compile(
    r"能不能|可不可以|可以不|行不行|行吗|行不|中不中|允许|准不准|必须|需要|要不要|该不该|应该|应不应该|算不算|违规|违纪|能否|可否|是否"
    r"|(.)不\1|能.{0,12}(?:[吗么不]|多少|几|多久|多长)|可以.{0,10}(?:[吗么不]|多少|多久)|要.{0,10}[吗么]|得.{0,8}[吗么]|该.{0,8}[吗么]"
    # any other yes/no question about what someone does, unless it is put to the bot ("你会唱歌吗")
    r"|^(?!你).{2,}(?:吗|么|不|没)\s*[?？]?$"
)
# Below this share of its words found in the knowledge base, a question is not about the rules in it.
LOW_COVERAGE = 0.5


def is_off_topic(question: str, coverage: float | None = None) -> bool:
    """Whether a question or request is outside what the bot does (nothing of public office in it).

    `coverage`, when the caller has searched the knowledge base, is the best article's coverage of
    the question: a question the base does not know, with no word of public office and not asking
    whether something is allowed, is off-topic too (你会唱歌吗, 今天几号)."""
    text = normalize(question)
    if BOT_FEATURES.search(text) is not None:
        return False  # about something the bot does (时长, 随手拍, 答题 …)
    if REQUEST.search(text) is not None:
        return True  # "帮我写个工作总结": writing it is not what the bot does, work or not
    if CONDUCT.search(text) is not None:
        return False
    if EVERYDAY.search(text) is not None:
        # An everyday subject wins over a workplace word ("单位附近哪有好吃的"), unless permission is asked.
        return PERMISSION.search(text) is None or WORK.search(text) is None
    if WORK.search(text) is not None:
        return False
    return coverage is not None and coverage < LOW_COVERAGE and PERMISSION.search(text) is None
