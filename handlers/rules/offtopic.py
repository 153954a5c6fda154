"""Is a question about a cadre's work and conduct at all, or about the weather, a recipe, a ticket?

A question the rules do not cover is referred to the discipline committee; a question that has
nothing to do with the rules (明天会下雨吗, 红烧肉怎么做, 帮我写个年终总结) must not be: the bot says it
cannot help with that and what it can do. The test is two lists of word stems matched anywhere in the
question, without segmentation (so it costs nothing and needs no dictionary):

- the vocabulary of public office: the workplace and its people (单位, 上班, 干部, 群众), public money
  and property (公款, 公车, 报销), the acts the rules are about (收礼, 宴请, 兼职, 请假) and the words of the
  rules themselves (违规, 处分, 纪律);
- the everyday subjects people also ask a chat-bot about: weather, cooking, tickets and timetables, TV
  and games, shopping and money, health, writing and translating, how to work a gadget.

Work words win: 出差坐高铁能坐一等座吗 is about the rules, 五一去北京的高铁票还有吗 is not. A question that
asks whether something is allowed or required (能…吗, 可不可以, 要不要, 合理吗) is about conduct unless it
names an everyday subject, and it decides a tie (微信红包怎么发 is a how-to, not a rules question). A
question with neither kind of word nor such a frame is off-topic when the knowledge base does not know
its words either (the caller passes the best article's coverage): 一加一等于几 is.
"""

from __future__ import annotations

import re

from bot.text import normalize

# Stems of public office. A stem matches anywhere, so it must not be a common part of everyday words
# (收 would match 收拾, 送 送快递): acts are named with their object (收礼, 送礼).
WORK_WORDS = tuple(
    """
    单位 公家 公款 公费 公务 公车 公章 公函 公物 公共 机关 街道 社区 网格 辖区 村里 村委 居委
    上班 下班 工作 值班 加班 请假 天假 个假 批假 休假 年假 婚假 产假 病假 事假 丧假 探亲假 陪产假 护理假 育儿假 陪护假 假条 销假 调休 考勤 迟到 早退 旷工 脱岗 离岗 岗位
    干部 领导 上级 下属 同事 科长 主任 书记 网格员 党员 党费 党组织 组织上 工资 奖金 年终奖 职称 绩效 纪委 纪工委 纪检 监察 公务员 编制
    群众 居民 老百姓 村民 住户 服务对象 管理对象 办事 老板 企业 商户
    规定 制度 纪律 违规 违纪 违法 处分 处理 问责 约谈 通报 廉洁 作风 八项 负面清单 权力 职权 职务 回避
    礼 红包 礼金 转账 转我 转了 转给我 购物卡 消费卡 加油卡 收受 收下 收了 收不收 能收 可以收 送给 塞给 塞了 回扣 好处费 感谢费
    宴请 吃请 请客 请吃饭 请我 饭局 会所 陪餐 陪吃 陪着吃 陪客 陪同 接待 招待 赴宴 酒席 大操大办 随礼 份子
    喝酒 饮酒 酒驾 酒后 赌博 麻将 打牌 两盅 一盅 喝两杯 喝一杯 喝两口 敬酒 劝酒
    兼职 经商 开店 入股 报酬 外快
    出差 差旅 报销 发票 补助 补贴 标准 超标 审批 派车 私用 私车 私家车 培训 一等座 二等座 商务座 头等舱 经济舱
    开会 会议 参会 大会 背景板 摆花 纪念品 请示 报告 报备 汇报 文件 发文 通知 讲话稿 材料 表格 填报 台账
    办公 电脑 打印 资产 采购 领用 a4 打印纸 复印纸 墨盒 文具 京东卡 超市卡 淘宝卡
    走访 入户 巡查 隐患 调解 纠纷 诉求 投诉 反映 低保 救助 证明 盖章 招标 工程 公示 保密 泄露 朋友圈 工作群
    手续 签字 顺道 顺路 顺便 兄弟单位 兄弟县 兄弟街道 兄弟社区 考察 取经 片区 包片 调研 学习交流 交流学习 来交流 检查组 督导组 去不了 参加不了 来不了 赶不过去
    """.split()
)

# Stems of everyday subjects that are never a question about the rules.
OTHER_WORDS = tuple(
    """
    天气 下雨 下雪 降雨 气温 温度 几度 刮风 台风 雾霾 晴天 阴天 穿什么 羽绒服 带伞 降温 升温 冷不冷 热不热 秋裤 限号 限行 路况
    怎么做 做法 菜谱 食谱 好吃 红烧 清蒸 糖醋 炖 炒菜 下饭 吃什么好 晚饭吃 午饭吃 早饭吃 饺子 火锅 奶茶 馅
    车票 机票 门票 火车票 高铁票 抢票 退票 改签 余票 12306 航班号 几点到 几点发车 怎么走 导航 堵车 堵不堵 走高速 收费站 路线
    电视剧 电影 综艺 节目 明星 演员 主演 新闻联播 央视 直播 追剧 好看的 几点播 上映
    电视 游戏 王者荣耀 小说 好听的歌 唱歌
    世界杯 比赛 比分 足球 篮球 nba 奥运 球队 冠军
    股市 股价 涨了 跌了 基金 理财 彩票 中奖 汇率 房贷 利率 房价 赚钱 油价 股票 大盘 打折 优惠券 划算 哪家 附近
    水费 电费 燃气费 天然气费 话费 高铁 火车 动车 多少钱一升 一升多少 能涨 会涨 涨不 涨吗 涨停 跌停 牛市 熊市 开锁 锁屋里 闪退 卡顿 身份证 户口本 社保卡 医保卡 交上没 发了没 到账没 到账了没
    感冒 发烧 咳嗽 吃什么药 挂号 减肥 失眠 头疼 拉肚子 血压 养生 偏方
    三国 西游 水浒 红楼梦 演义 故事
    笑话 讲个 唱首 写一篇 写篇 写首 帮我写 帮我算 作文 诗 翻译 英文 文案 演讲稿 年终总结 总结 思想汇报 述职报告 润色 ppt p图 修图 做个表
    推荐 性价比 哪个牌子 优惠 双十一 快递 网购 淘宝 京东 拼多多 外卖 砍一刀 助力
    内存 清理 卡纸 怎么连 连电脑 连不上 wifi 蓝牙 密码忘 死机 怎么发 怎么用 下载 手机内存 清理内存 充电宝 拍照
    取名 起名 起个名 星座 生肖 运势 好玩 旅游攻略 景点推荐 哪里玩 去哪玩
    猫 狗 宠物 孩子咳嗽 宝宝 作业 考试题
    你会 你好吗 等于几 加一 乘以 除以 几号 春节是 节日是 星期几 几点了 几点关门 放假安排 数学题
    算命 做梦 谜语 脑筋急转弯 成语接龙
    续费 自动续费 会员费 充值 截图 截屏 长图 单词 怎么读 咋读 读音 遥控器 空调 制热 制冷 驾照 扣分 海南 三亚 景点 好玩的 手机壳 开车到 坐车到
    """.split()
)

# Asking whether something is allowed, required or proper: the shape of a question about conduct.
_PERMISSION = re.compile(
    r"能不能|可不可以|可以|能否|可否|行不行|行吗|行不\s*[?？]?$|中不\s*[?？]?$|中不中|成不成|妥不妥|合适不|合不合适|合适吗|妥当吗|允许|准不准|让不让|要不要|需不需要|需要|该不该|应不应该|应该|必须"
    r"|多久内|多长时间内|几天内|(?:多久|多长时间|几天|几个小时)之内|时限|期限|算不算|合理吗|合理不|合不合理|合规吗|合规不|合规矩|违规吗|违纪吗|会不会被|被发现|怎么处理"
    # what happens if one does it, and what one must do: 被抓到会怎样, 司机要怎么做
    r"|会怎样|会怎么样|什么后果|被抓|被查|要怎么做|该怎么做|应该怎么做|要怎么办|挨批|挨说|挨处分|受处分|被批评|被处分"
    # asking to be told it is all right: …反正顺路 没事吧
    r"|(?:没事|没问题|没啥事|没啥问题|不要紧|不碍事|不违规|不算违规|不算违纪)(?:的)?吧"
    r"|(?:能|要|得|该)[^,，。.!！?？]{0,20}[吗么嘛不]\s*[?？]?$"
    # "能先紧着我小姨不 她也确实难": asked, then a word of why; "有规矩管没", "谁点头", "我该咋整"
    r"|有(?:啥|什么)?(?:规矩|规定|讲究|说法)(?:管)?(?:没|吗|不)|(?:得|要|该)管(?:吗|不)|管不管|归不归我管|归我管(?:吗|不)|谁(?:点头|同意|批准?|拍板)|该(?:咋|怎么)(?:整|办|弄)"
    # whether it counts against one: 这算毛病不, 这样算违规吗
    r"|算(?:个|是)?(?:毛病|问题|错|犯错|违规|违纪|违反)"
    # "…又不耽误活 也不行？": pleading it should be allowed
    r"|也不行|都不行|也不中|也不能"
)
# The shape of a question a rule answers: whether something is allowed or required (as above), a limit
# or an amount (多少, 几次, 多久, 最多), or what to do and who decides (怎么办, 找谁, 谁出). Not a date or a
# place (几号, 什么时候, 在哪里) and not a how-to (怎么写, 怎么划分): those are questions of fact.
_RULE_SHAPE = re.compile(
    _PERMISSION.pattern
    + r"|多少|几次|几个|几天|几人|几位|多久|多长|多大|最多|最长|最少|最高|上限|标准|超标|怎么办|咋办|咋整|怎么弄"
    r"|怎么处理|如何处理|咋处理|找谁|谁出|谁批|谁管|谁负责|怎么算|怎么报|怎么考|有什么要求|什么要求|管不管"
)
# What the bot itself does: a message naming it is never off-topic (时长, 随手拍, 答题 …), whatever else
# it mentions ("随手拍 小区门口天天堵车").
_BOT_FEATURES = re.compile(
    r"时长|下沉|随手拍|反映|投诉|举报|微课|答题|做题|刷题|练习题|规定|任务|台账|看板|登记|排行|积分|助手|机器人|帮助|菜单|小时|钟头|写错|错了|刚才|多记|少记|记多|记少|多登|少登|登多|登少|记错|登错|多报|少报"
)
# A request for work the bot does not do (写, 画, 改, 翻译, 订, 讲个故事 …), work or not: 帮我写个工作总结,
# 帮我把这段话改得正式一点, 你能帮我P个图吗.
_REQUEST = re.compile(
    r"(?:帮我|给我|替我|帮俺|给俺|替俺|帮忙|帮着|^帮(?=写|算算|算一下|画|翻译|起草|拟))(?:把.{0,16}?)?(?:看看|看一下)?"
    r"(?:写|做个|做一|做份|画|算算|算一下|订|买|翻译|p|修图|讲|编|生成|推荐|改(?:得|写|改|一改)|润色|起个|取个|想个|弄个|起草|拟个|拟一个|拟一份)"
    r"|^(?:讲|说)(?:讲|个|一个|段)"
    r"|^(?:推荐|介绍)(?:个|一个|一本|一部|一首|几个|几本|几部|点|些|一下)|(?:帮我|给我)?算(?:下|一下)?(?:房贷|车贷|利息|个税|工资)"
    r"|(?:做法|菜谱|食谱)(?:发我|发一下|给我)|(?:给|帮)?整个(?:ppt|图|表|视频|文案)"
    # "帮忙整个志愿服务表彰会的发严稿 三分钟的就行": a speech to write, however it is spelt
    r"|(?:帮我|给我|帮忙|替我)(?:整|写|弄|拟|起草)(?:个|一个|一份|篇|一篇)?.{0,12}?(?:发言稿|发严稿|讲话稿|演讲稿|主持词|串词|致辞|稿子)"
    r"|^(?!.*(?:公款|公费|出差|单位|组织|报销)).{0,6}去哪(?:儿|里)?(?:旅游|旅行|玩|吃|逛)"
)
# A text to write (总结, 汇报, 讲话稿 …) or a sum to work out from figures the sender gives ("一天8小时 一个月22天
# 一共多少"): off-topic whatever the text is about, hours and grid work included.
_TEXT_TO_WRITE = re.compile(r"(?:帮|给|替)(?:我|俺)?(?:写|起草|拟|润色|改)(?:个|一个|一份|份|篇|一篇|下|一下)?.{0,8}?(?:总结|小结|汇报|报告|述职|方案|讲话|发言|稿|简报|信息稿|通知|心得|体会|检讨|申请书|请示|ppt|信(?![息号用任])|文案|朋友圈)")
_SUM_TO_DO = re.compile(r"(?:帮|给)(?:我|俺)?(?:算算|算一下|算下|计算)(?=.*\d.*\d)(?=.*(?:一共|总共|合计|多少|几))(?!.*(?:还差|我的时长|俺的时长|我这个?月|俺这个?月))")
# Asking the bot to run a personal errand (帮我叫个开锁的, 能帮着卖点不, 帮我查下我家医保交上没有, 帮我修一下):
# off-topic when nothing in the message is about work.
_ERRAND = re.compile(r"(?:帮我|帮俺|帮着|帮忙|替我|给我)(?:叫|喊|找个|修|卖|查查|查下|查一下|问问|交|缴|充|办|点一下|点下|砍一刀|砍一下)|(?:你们|这儿|这里|这)能办(?!事)")
# Whether something has been done yet ("会议室订了没", "车安排好了吗"): a fact of the day, not a rule.
_STATUS_ASKED = re.compile(r"(?:订|定|预订|发|到|来|批|开始|结束|修|弄|送|安排|通知|准备)(?:好|完)?了(?:没|没有|吗|么)\s*[?？]*$")
_WORK = re.compile("|".join(sorted(map(re.escape, WORK_WORDS), key=len, reverse=True)))
_OTHER = re.compile("|".join(sorted(map(re.escape, OTHER_WORDS), key=len, reverse=True)))

# Below this share of its words found in the best article, a question with no word of either list is
# taken to be about something the bot does not do.
UNKNOWN_COVERAGE = 0.25
# An article covering this share of a question that names a work matter answers it, whatever else it names.
CLEAR_MATCH = 0.4


def asks_permission(question: str) -> bool:
    """Whether the question asks if something is allowed, required or proper (能…吗, 要不要, 合理吗)."""
    return bool(_PERMISSION.search(normalize(question).lower()))


def asks_rule(question: str) -> bool:
    """Whether the question has the shape of one a rule answers (see _RULE_SHAPE)."""
    return bool(_RULE_SHAPE.search(normalize(question).lower()))


# Words that hold an everyday stem without being about it: 电动车 is no 动车 (a train).
_HOLDS_OTHER = re.compile(r"电动车|电动自行车")


def topic_words(question: str) -> tuple[list[str], list[str]]:
    """The work words and the everyday-subject words found in the question (for tests and tuning)."""
    folded = normalize(question).lower()
    return _WORK.findall(folded), _OTHER.findall(_HOLDS_OTHER.sub(" ", folded))


def asks_for_a_text(question: str) -> bool:
    """Whether the message asks the bot to write something (帮我写个小结, 帮我写封投诉信)."""
    return _TEXT_TO_WRITE.search(normalize(question).lower()) is not None


def is_request(question: str) -> bool:
    """Whether the message asks the bot to do some work it does not do (写, 画, 改, 翻译 …)."""
    folded = normalize(question).lower()
    return bool(_REQUEST.search(folded)) or (_ERRAND.search(folded) is not None and not _WORK.search(folded))


def is_off_topic(question: str, coverage: float | None = None) -> bool:
    """Whether the question is outside what the rules (and the bot) are about.

    `coverage` is the best article's coverage of the question (search.Hit.coverage), when known; it
    only decides questions that name neither a work matter nor an everyday subject.
    """
    folded = normalize(question).lower()
    features = set(_BOT_FEATURES.findall(folded))
    if _TEXT_TO_WRITE.search(folded) or _SUM_TO_DO.search(folded):
        return True  # "帮写个月度总结 就写本月下沉服务22小时": the hours are what to write, not what to log
    # Hours alone name a feature only when nothing else is the subject: 高铁到省城要几个小时 is a journey.
    if features and not (features <= {"小时", "钟头"} and _OTHER.search(folded) and not _WORK.search(folded)):
        return False
    if is_request(question):
        return True
    if _STATUS_ASKED.search(folded) and not asks_permission(question):
        return True  # "下午4点开会的会议室订了没": whether something is done yet is no rule's to say
    work, other = topic_words(question)
    permission = asks_permission(question)
    if len(work) != len(other):
        return len(other) > len(work)
    if work:  # as many of each: a how-to about a thing at work, or a rule about it (出差坐卧铺还是坐高铁)
        how_to = any(word.startswith("怎么") for word in other)  # 微信红包怎么发: a how-to, whatever it covers
        return not (permission or (coverage is not None and coverage >= CLEAR_MATCH and not how_to))
    return not permission and coverage is not None and coverage < UNKNOWN_COVERAGE
