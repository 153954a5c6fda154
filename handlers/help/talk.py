"""Small talk (你好, 谢谢, 在吗, 👍) and how-to questions about the bot itself (怎么登记时长, 咋用啊这个).

Small talk gets a short friendly line and the menu hint, never "没看懂"; a how-to question gets the
part of 帮助 it is about.
"""

from __future__ import annotations

import re
import unicodedata

from bot.router import Context, Match, Reading, is_question
from bot.text import DURATION, normalize

# Small talk is a run of these phrases (with particles and a friendly address in between):
# "收到，谢谢", "嗯嗯好的", "谢了老铁", "哈喽小助手".
PHRASES = {
    "greeting": "你好 您好 你好呀 在吗 在不在 在么 在嘛 在没 在否 在的 在的吗 在 早 早啊 早上好 早安 您早 午安 上午好 中午好 下午好 晚上好 哈喽 哈罗 "
                "hello hi 嗨 嘿 喂 有人吗 有人在吗 大家好 忙吗 忙不忙 吃了吗 吃了没 新年好 新年快乐 节日快乐 过年好 中秋快乐 "
                "国庆快乐 元旦快乐 周末愉快 周末快乐 你们好 各位好 老师好 领导好 同志们好 早早早 嗨喽 哈喽哈喽 在线吗 有空吗 打扰一下 "
                "冒个泡 新的一周 新的一天 新的一周加油 我来了 来了 在不 在线不 在线没 在没在 有人没 头一回用 第一次用 初次使用 新来的 刚来",
    "bye": "拜拜 再见 886 88 回头见 晚安 下次聊 先这样 明儿见 明天见 回见 睡了睡了 今儿就到这 今天就到这 就到这 到这吧 先到这 下了 撤了 睡了 早点休息",
    "thanks": "谢谢 多谢 谢了 感谢 谢谢你 谢谢您 辛苦了 辛苦啦 辛苦 麻烦了 麻烦你了 麻烦啦 打扰了 谢啦 谢谢啦 太感谢了 万分感谢 "
              "感激 劳驾 thanks thank you thx 3q 感恩 多谢多谢 谢谢谢谢 蟹蟹 谢谢啊 感谢感谢 费心了 受累了 有劳了 帮大忙了 帮了大忙 太好了 你真好 省了不少事 省事了 省了俺不少事 方便多了 挺好用 好用 真好用",
    "ack": "已阅 已读 阅 知悉 已知悉 晓得 晓得了 晓得啦 知道嘞 嗯哪 嗯啊 okk okok 得了 妥妥的 妥妥 明白明白 明白了 了解了 "
           "加油 加油加油 好样的 比心 么么哒 点个赞 赞赞 666666 牛牛牛 绝了 可以可以 行行行 中中中 对对对 好好好 是是是 "
           "没毛病 靠谱 真不错 不错不错 棒棒哒 挺机灵 还挺机灵 机灵 真机灵 都不容易 不容易 大伙儿都不容易 好的 好 好滴 好哒 好呢 好嘞 好吧 收到 收悉 已收到 嗯 嗯呢 哦 噢 ok okay 明白 了解 知道了 知道啦 懂 懂了 行 中 得嘞 "
           "妥 妥了 可以 可以的 对 对的 是的 是滴 没问题 没事 没事了 算了 不用了 发错了 发错群了 发错人了 发错地方了 不弄了 不搞了 不整了 当我没说 别管了 没事儿 太棒了 棒 真棒 厉害 厉害了 666 6 哈 嘻嘻 "
           "呵呵 嘿嘿 哇 牛 牛啊 赞 点赞 优秀 不错 挺好 很好 你真棒 给力 你好聪明 真聪明 good nice cool yes 嗯嗯嗯 哈哈哈 "
           "笑死 真逗 逗 有意思 测试 测试一下 能收到不 能收到吗 收到没 收得到不 看得到不 试试 试一下 test 随便看看 看看 没事 我就试试 知道 马上办 马上去 这就去 这就办 照办 马上",
}
_ADDRESS = "大伙儿 大伙 俺 咱 老师 领导 同志们 小伙伴们 各位 老铁 亲 小助手 助手 机器人 你 您 了 啊 呀 哦 啦 嘛 呢 吧 哈 哇 呃 额 请问 今天 今天也 大家 各位 一下 的 也"
# WeChat stickers arrive as text codes: [强], [微笑], [抱拳], [OK].
_STICKER = re.compile(r"\[[^\[\]]{1,4}\]|/:[a-z]+", re.I)
_KIND_OF = {phrase.lower(): kind for kind, words in PHRASES.items() for phrase in words.split()}
_ALT = "|".join(re.escape(p) for p in sorted({*_KIND_OF, *_ADDRESS.split()}, key=len, reverse=True))
_RUN = re.compile(rf"(?:{_ALT}|[~～!！。.,，、\s])+", re.I)
_TOKEN = re.compile(_ALT, re.I)
_WHO = re.compile(
    r"(?:请问)?你是(?:机器人|谁|人工智能|ai|真人|人)[吗么嘛]?|你叫(?:啥|什么)(?:名字)?|你(?:的)?名字(?:是|叫)?(?:啥|什么)?"
    r"|你是干(?:啥|什么)的|你是(?:人|人工|真人)还是机器(?:人)?|你是(?:机器人|机器|程序)还是(?:真人|人)|你是(?:真人|人)还是(?:程序|机器|机器人|ai)|你叫(?:个)?(?:啥|什么|哪个)(?:名字|名儿|名)?|你(?:也)?会(?:累|困|饿|休息|睡觉)(?:不|吗|么|没)?|你几岁了?|你多大了?|你在哪(?:里|儿)?|你会聊天[吗么]?|你吃饭了[吗么没]?"
    r"|(?:我)?爱你|你(?:能|可以)?陪我聊(?:聊)?(?:天)?[吗么]?|聊聊天|陪我聊天|你(?:好|真)(?:可爱|聪明|厉害|行|逗)|你是不是(?:机器人|真人)|你(?:能|会)(?:听懂|看懂|说话|聊天)(?:我(?:说的话|说话|的话))?[吗么没]?"
    r"|你在线[吗么]?|在线[吗么]?"
    # What this account is: "你好 这是街道的号吗", "这个号是干嘛用的", "这是谁的微信"
    r"|(?:你好|您好|请问)?\s*这(?:个)?(?:号|账号|微信|企业微信)?是(?:街道|社区|政府|哪|哪里|哪儿|谁|哪个单位)的(?:号|账号|微信|企业微信)?[吗么嘛啊]?"
    r"|(?:你好|您好|请问)?\s*这(?:个)?(?:号|账号|微信|企业微信)是?(?:干嘛|干啥|做啥|做什么|干什么|啥|什么)(?:用)?的[啊呀]?",
    re.I,
)
# Cross words about the bot itself ("你这咋这么笨 说啥都听不懂", "这玩意儿真难用"): an apology and how to say it.
_MOAN_WORDS = r"(?:笨|傻|垃圾|没用|不好用|难用|智障|啥也不会|什么都不会|(?:说|问|发)?(?:啥|什么)(?:你)?都(?:听|看)?不懂|听不懂(?:人话)?|不懂人话|答非所问)"
_MOAN_CLAUSE = rf"(?:你|这|这个|这玩意儿?|这(?:个)?(?:助手|机器人|系统|小程序|东西))[^\s,，。!！?？]{{0,6}}?{_MOAN_WORDS}(?:死了|了|啊|呀|吧|呢|哦)*"
_MOAN = re.compile(rf"(?:{_MOAN_CLAUSE}|笨蛋|傻瓜)(?:[\s,，。!！?？~～]*(?:{_MOAN_CLAUSE}|(?:真|太|好)?{_MOAN_WORDS}(?:死了|了|啊|呀|吧|呢|哦)*))*[\s,，。!！?？~～]*")
_PARTICLES = re.compile(r"[啊呀哈哦啦嘛呢吧~～!！。.,，?？\s]+$")


# How-to questions about the bot: 怎么登记时长, 时长登记错了咋改, 随手拍能匿名吗, 这个助手怎么用.
_HOW = r"(?:怎么|咋|如何|怎样|怎么样)"
_USE = re.compile(rf"(?:{_HOW}用|能干啥|能干什么|能做什么|会干啥|会做什么|有啥功能|有什么功能|怎么使用|使用方法|能干点啥|能干嘛|能做点啥|能帮我(?:干|做)?(?:点)?啥"
                  r"|说明书|使用说明|操作手册|操作指南|用法|功能列表|功能清单|功能菜单|(?:能用|可以用|有)哪些(?:命令|功能|指令)|命令(?:有哪些|列表|清单))")
_BOT = re.compile(r"这个|你|助手|机器人|小程序|系统|有没有|有吗|app|软件|微信里|命令|指令")
_FEATURE_HOW = re.compile(
    rf"{_HOW}[^\s,，。]{{0,3}}(?:登记|填|报|改|撤销|撤回|删|查|提交|反映|投诉|匿名|绑定|打卡|答题|学|发|拍|弄|操作|使用)"
    r"|(?:错了|错|岔了|岔|忘登了|忘了登|漏登了|没登).{0,3}(?:咋|怎么|如何)(?:个)?(?:改|办|弄|撤|补)"
    r"|(?:怎么|咋|如何)(?:看|查|找).{0,6}(?:任务|反映|时长|记录|排名|微课)"
    r"|(?:能|可以|能不能|可不可以)(?:匿名|不留(?:名字|姓名|名)|不写(?:名字|姓名|名)|不署名|不显示(?:名字|姓名))"
)
_MAY_BE_ANONYMOUS = re.compile(r"(?:能|可以|能不能|可不可以)(?:匿名|不留(?:名字|姓名|名)|不写(?:名字|姓名|名)|不署名|不显示(?:名字|姓名))")
# What a report tells (坏了, 堵了, 垃圾 …): beside it, a wish not to be named goes with that report.
_PROBLEM_TOLD = re.compile(r"坏|堵|漏|垃圾|噪音|扰民|占道|乱|脏|臭|吵|没人管|不作为|收钱|态度")
_WHERE = re.compile(r"在哪(?:里|儿)?(?:看|查|找|弄|发|填|答|学|登记|报|交)")
TOPICS = (
    ("时长", re.compile(r"时长|登记|小时|钟头|撤销|撤回")),
    ("随手拍", re.compile(r"随手拍|反映|投诉|匿名")),
    ("微课", re.compile(r"微课|学习|打卡|漏学")),
    ("答题", re.compile(r"答题|排行|每日一题|答")),
    ("问规定", re.compile(r"规定")),
    ("任务", re.compile(r"任务|台账|销号|整改")),
    ("绑定", re.compile(r"绑定|验证码")),
)


def _bare(text: str, particles: bool = True) -> str:
    """The text without emoji and (unless told otherwise) trailing particles: what is left of "辛苦啦😊"."""
    text = _STICKER.sub("", text)
    kept = "".join(c for c in text if not unicodedata.category(c).startswith(("So", "Sk", "Cf", "Mn")))
    return (_PARTICLES.sub("", kept) if particles else re.sub(r"[~～!！。.,，?？\s]+$", "", kept)).strip()


_GREETING_FIRST = re.compile(r"^(?:早上好|早安|上午好|中午好|下午好|晚上好|大家好|各位好|你好|您好|哈喽|早啊|(?:大家)?辛苦了(?:大家|各位|同志们)?|辛苦啦)[\s,，。!！~～]*")
# Told to the bot for nothing ("…就是跟你说说发发牢骚没啥事"): heard, and nothing is done with it.
_JUST_SAYING = re.compile(r"(?:就是跟你说说|跟你说说|随便说说|发发牢骚|吐槽一下|唠叨两句|说说而已)(?:而已|罢了)?\s*(?:没啥事|没什么事|没别的事)?(?:啊|吧|哈|哦|呢)?$")
# Anything to act on, after a greeting or in what is told for nothing: a service, a problem, a feature of the bot.
_SOMETHING_TO_DO = re.compile(
    r"反映|反应|投诉|举报|随手拍|登记|补登|记一下|记上|登上|服务|下沉|巡逻|巡查|入户|走访|值班|值守|坏|堵|漏|问题|规定|时长|任务|微课|答题"
    r"|撤销|改成|查|看看|帮我|给我|帮忙|麻烦"
)


# A sigh about desk work ("开会开了一下午 腰都坐断了😩"): sympathy, and what does count as service.
_DESK = re.compile(r"开会|会议|(?<![社机])会(?:从|开了|一直)|开了.{1,5}会|写材料|整材料|赶材料|培训|加班|填表|报表")
_WORN_OUT = re.compile(r"累|腰|屁股|坐麻|坐断|坐僵|困死|困得|熬|头疼|头大|崩溃|受不了|吃不消|😩|😫|😭|🥱|😤|😮")
_GRID_WORK = re.compile(r"入户|走访|巡逻|巡查|值守|值班|网格|下沉|服务|群众|居民|帮扶|宣传|调解|创文|防火|防汛|反映|投诉|随手拍")
_LOG_ASKED = re.compile(r"记|登|算")
# Praise for the bot ("这个小助手用着还挺顺手", "你还挺聪明的嘛 比以前的系统强多了"): thanked back.
_PRAISE = re.compile(r"(?:小助手|机器人|你|这个).{0,8}(?:挺顺手|好用|真方便|方便多了|省事|聪明|厉害|强多了|真棒|靠谱)|(?:省事|方便)多了")
# Signing off for now ("等会儿再答哈 B区有人吵起来了我先过去看看", "先撤了啊", "下礼拜考 保佑🙏"): nothing to do yet.
_LATER = re.compile(r"先撤了?|先走了|先过去|我先忙|先忙去了|先去忙|回头聊|回头再说|等会儿?再(?:答|弄|看|说|回)|晚点再(?:答|看|说|回)|保佑|祝我好运")
_REPORT_WORDS = re.compile(r"反映|反应|投诉|举报|随手拍|曝光")
# Chatting with nothing asked ("…就想跟你说一声😄", "…摆了会儿龙门阵 莫得啥子事嘛", "…没别的事了就说声谢谢").
_CHATTING = re.compile(r"没啥事|没什么事|没别的事|莫得啥子事|就想跟你说|跟你说一声|就跟你说|跟你唠|跟恁说说话|跟你说说话|说说话|唠两句|唠唠嗑|龙门阵|闲聊|闲着没事|你忙你的")
# Said to end a piece of news (…书记还表扬了我们 就是跟你说一声哈哈): nothing to log, whatever work it names.
_ONLY_TELLING = re.compile(r"(?:就是|就)?(?:跟你|和你|给你)(?:说|讲)(?:一)?声\s*(?:哈+|啊|哦|呀|嘿嘿|[😄😊😁🎉])*[。.!！~～]*$")
_SERVICE_DONE = re.compile(r"入户|走访|巡逻|巡查|值守|值班|下沉|服务|帮扶|宣传|调解|创文|防火|防汛")
# A bad start to one's own day, sighed about: heard, nothing to log or file.
_MISHAP = re.compile(r"堵车|迟到了|起晚了|没赶上|淋(?:了)?雨|淋成|手机没电|忘带")
_SIGH = re.compile(r"唉|哎|倒霉|烦死|郁闷|无语|[😩😫😭😤🙃😮‍💨]")
_THANKS_SAID = re.compile(r"说声谢谢|谢谢你啊|谢谢您啊|谢谢你了|多谢你|感谢你")


def read_small_talk(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    bare = _bare(text)
    if not bare:
        # Only emoji, stickers-as-text or punctuation (👍, 🙏, 😊): a friendly nod.
        return Reading(0.9, groups={"kind": "ack"}) if text else None
    if _WHO.fullmatch(bare):
        return Reading(0.95, groups={"kind": "who"})
    if _MOAN.fullmatch(bare):
        return Reading(0.95, groups={"kind": "moan"})
    said = _bare(normalize(ctx.message.text)) if ctx.message is not None else bare  # the router took the greeting off
    lead = _GREETING_FIRST.match(said)
    if lead and said[lead.end():].strip() and not _AMOUNT_TO_LOG.search(said) and not is_question(said) and not _SOMETHING_TO_DO.search(said[lead.end():]):
        # "早上好 11月18号 又是元气满满的一天💪": a greeting and a cheerful word, nothing to act on
        return Reading(0.85, groups={"kind": "greeting"})
    if _JUST_SAYING.search(said) and not _SOMETHING_TO_DO.search(said) and not _AMOUNT_TO_LOG.search(said) and not is_question(said):
        return Reading(0.85, groups={"kind": "tired"})
    if _MISHAP.search(said) and _SIGH.search(said) and not _SOMETHING_TO_DO.search(re.sub(r"堵车", " ", said)) and not is_question(said):
        return Reading(0.85, groups={"kind": "tired"})  # "早上堵车堵了一个半钟头 迟到了 唉"
    if _DESK.search(said) and _WORN_OUT.search(said) and not _GRID_WORK.search(said) and not is_question(said) and not _LOG_ASKED.search(said):
        # "今天开会开了一下午 腰都坐断了😩": a sigh about a meeting, not an entry to log
        return Reading(0.85, groups={"kind": "tired"})
    if _PRAISE.search(said) and not is_question(said) and not _REPORT_WORDS.search(said) and not re.search(r"\d", said):
        return Reading(0.85, groups={"kind": "praise"})
    if _LATER.search(said) and not _AMOUNT_TO_LOG.search(said) and not is_question(said) and not _REPORT_WORDS.search(said) \
            and not re.search(r"撤销|撤回|删|记一下|记上|登一下|登上|帮我记|给我记|\d\s*个点", said):
        return Reading(0.85, groups={"kind": "later"})
    if _CHATTING.search(said) and not _AMOUNT_TO_LOG.search(said) and not _REPORT_WORDS.search(said) \
            and not (_GRID_WORK.search(said) and not _THANKS_SAID.search(said) and not (_ONLY_TELLING.search(said) and not _SERVICE_DONE.search(said))) \
            and not re.search(r"[?？]|吗|咋|怎么|能不能|可以不|可不可以|算不算|违规|行不行|中不中|要不要|是否|记一下|记上|登一下|帮我|给我|巡"
                              r"|(?:能|可以|要|得)\S{1,10}不(?:\s|$)"
                              r"|[\d一二两三四五六七八九十]\s*个?\s*(?:点|小时|钟)", said):
        # "…今天考试考了一百分哈哈 就想跟你说一声😄": heard, nothing to do
        return Reading(0.85, groups={"kind": "thanks" if _THANKS_SAID.search(said) else "chat"})
    unstripped = _bare(text, particles=False)
    if len(bare) <= 16 and not _RUN.fullmatch(bare) and _RUN.fullmatch(unstripped):
        bare = unstripped  # "谢啦", "好嘞": the particle is part of the phrase
    if len(bare) <= 16 and _RUN.fullmatch(bare):
        kinds = [_KIND_OF[t.lower()] for t in _TOKEN.findall(bare) if t.lower() in _KIND_OF]
        kind = next((k for k in ("greeting", "bye", "thanks", "ack") if k in kinds), "greeting")
        return Reading(0.95, groups={"kind": kind})  # only a friendly address ("小助手"): a greeting
    return None


def small_talk(ctx: Context, match: Match) -> str:
    kind = match.groups.get("kind", "ack")
    name = ctx.person.name if ctx.person is not None else ""
    street = ctx.config.street.name
    if ctx.person is None:
        # A stranger is answered kindly, and told how to be registered and what works without it.
        opening = {"thanks": "不客气！", "bye": "好的，再见！", "who": f"您好，这里是{street}网格作风助手。"}.get(kind, "您好，")
        return ctx.router.stranger_text(opening)
    if kind == "greeting":
        return f"{name}您好，我在！要登记时长、反映问题或问规定，直接说就行；发「帮助」看能做什么。"
    if kind == "thanks":
        return "不客气！有事随时找我，发「帮助」看能做什么。"
    if kind == "bye":
        return "好的，再见！有事随时找我。"
    if kind == "praise":
        return "谢谢您的肯定😊 有事随时找我，发「帮助」看能做什么。"
    if kind == "later":
        return "好的，您先忙👌 回头有事直接跟我说就行。"
    if kind == "chat":
        return "哈哈，谢谢您跟我说😊 有事随时找我：登记时长、反映问题、问规定都行，发「帮助」看全部用法。"
    if kind == "tired":
        if not _DESK.search(match.text):
            return "辛苦了！您说的我都听着。要登记时长、反映问题或问规定，直接跟我说就行。"
        return ("辛苦了！开会、写材料这类时间一般不算服务时长；下沉网格服务了的话，"
                "发「服务 2小时 入户走访」就能登记。")
    if kind == "moan":
        return ("抱歉，没听明白您的意思。换个说法试试，比如「服务 2小时 入户走访」「随手拍 路灯坏了」「问 能收红包吗」；"
                "发「帮助」看全部用法。")
    if kind == "who":
        return f"我是{street}网格作风助手，一个自动回复的小助手：登记服务时长、随手拍、问规定、学微课、答题都可以找我。发「帮助」看怎么用。"
    return "👌 有事随时找我，发「帮助」看能做什么。"


# Asking how the bot works: "撤销时长是发啥字", "补登上个月的 格式是啥样的", "微课漏学了还能补打卡吗", "用语音发你能听懂不".
_ASKING_HOW = re.compile(
    r"(?:要|需要|得|用)(?:先)?(?:下载|装|安装)(?:个)?(?:app|APP|软件|小程序)|发字就行|直接发字|"
    r"(?:拉|加|拽)(?:你|机器人|助手)?(?:进|到|入)群|把你(?:拉|加)|(?:菜单|功能表|目录)(?:发我|发一下|给我|发给我)|"
    r"几点(?:推送|推|发|出|来)|发啥|该发啥|发什么|发哪个|啥格式|格式是啥|什么格式|给个例子|举个例子|咋用|怎么用|怎么玩|咋玩|(?:有|是)(?:啥|什么)规则|说明一下|介绍一下|能听懂|听得懂|看得懂"
    r"|还能(?:补|答|登|改|撤|查|看)|能不能补|可以补|一次能登|能登两天|(?:能|可以)分.{0,6}(?:两段|几段|两次|几次|两条)(?:报|登|记|发)?|跨天的?.{0,4}(?:咋|怎么|如何)(?:登|记|报|算)|(?:照片|图片).{0,8}(?:怎么|咋)发|(?:怎么|咋)发(?:给你)?.{0,6}(?:照片|图片)|在哪(?:儿|里)?(?:能)?(?:看|打分|评价|查|找)"
    # what happens after sending something: "反映的事交上去以后 去哪看进度", "反映了以后 别人能看到是我反映的吗"
    r"|(?:交上去|提交|发出去|反映|登记|登)了?(?:以后|之后).{0,12}(?:去哪|在哪|哪里|哪儿|怎么|咋|能不能|能|会不会|谁)"
    r"|(?:一天|一次|每天)(?:最多)?(?:能|可以)登(?:几|多少)|(?:一天|一次)(?:能|可以)?登(?:两|几|俩)次|分(?:两|几)次登|的也能登|(?:得|要|必须)满一个?(?:小时|钟头)|撤(?:的是|是撤)?哪(?:一)?条|撤了还能|(?:积分|分数|分)(?:是)?(?:怎么|咋)(?:算|计)"
)
# "时长要是登错了 比如说多打了一个钟头咋改啊 教教我": how to fix an entry, however long the example.
_FIX_HOW = re.compile(r"(?:登|记|写|打|填)(?:错|岔)了?.{0,20}(?:咋|怎么|如何)(?:改|弄|办|撤)")
# "能帮别的同事登时长吗 他没绑定": hours are logged by the one who served.
_FOR_OTHERS = re.compile(r"(?:能|可以|能不能|可不可以)(?:帮|替|给|代)(?:别的?|其他)?(?:同事|人|别人|他|她)(?:们)?(?:登|记|报|补)|(?:能|可以)代(?:登|报|记)")

# Saying what one wants to do, but not yet the thing itself: "我要投诉", "我想登记时长", "能问个事吗".
_GREETING_LEAD = r"^(?:你好|您好|在吗|小助手)?[,，\s]*(?:我|俺)?(?:想|要|得|来)?(?:帮我|给我)?"
INTENT_ONLY = (
    ("report", re.compile(_GREETING_LEAD + r"(?:匿名)?(?:反映|反应|投诉|举报|曝光|随手拍|提个意见|提意见)"
                          r"(?:一下|下)?(?:个|一个|件|点)?(?:问题|事|事情|情况|意见)?"
                          r"(?:\s*[,，]?\s*(?:行吗|可以吗|行不|行不行|中不中|可以不|能行吗|成吗))?[?？。.!！~]*$")),
    ("hours", re.compile(_GREETING_LEAD + r"(?:登记|补登|记|报)(?:一下|下)?(?:服务|下沉)?(?:时长|时间|小时)[。.!！~]*$")),
    ("ask", re.compile(_GREETING_LEAD + r"(?:问|咨询|请教)(?:一下|下)?(?:个|一个|件)?(?:问题|事|事情)?(?:吗|可以吗|行吗|方便吗)?[?？。.!！~]*$"
                       r"|^(?:有|有个|有件)(?:事|问题)(?:想|要)?(?:问|咨询|请教)(?:一下|下)?[?？。.!！~]*$"
                       r"|^(?:能|可以)(?:问|咨询)(?:个|一个|一下)?(?:事|问题)?(?:吗|不)[?？。.!！~]*$")),
)
ANSWERS = {
    "for_others": "时长要本人登记，我只记在发消息的人名下。请同事自己发一条，例如「服务 3小时 入户走访」；"
                  "他还没绑定的话，请他联系街道管理员登记后再发，实在发不了也可请管理员补登。",
}
GO_AHEAD = {
    "report": "好的，请直接说要反映的问题，可以带照片，例如：随手拍 小区东门路灯坏了。不想署名就发：匿名反映 …",
    "hours": "好的，请说哪天、服务了多长时间、做了什么，例如：服务 2小时 入户走访（不写日期就是今天）。",
    "ask": "请直接问，例如：问 公务接待可以喝酒吗。我会按规定条文回答，并注明出处。",
}


# Who gets to see a report's author: "随手拍反映了以后 别人能看到是我反映的吗". Surer than "我反映的" reading
# as one's own reports.
_WHO_SEES = re.compile(
    r"(?:别人|谁|他们|领导|承办人|能|会|可以)(?:能|会|可以|不会)?(?:让|被)?(?:人|别人)?(?:看到|看得到|看见|知道)(?:是我|我的名字|我是谁|是谁)"
    r"|(?:会|能)不(?:会|能)?把我(?:的)?(?:名字|姓名|身份)(?:告诉|透露|泄露|给)"
)


_AMOUNT_TO_LOG = re.compile(DURATION)
# Stuck with the bot ("这玩意儿我登个时长鼓捣了半小时都没弄明白", "答题这块咋弄都弄不明白"): the part of 帮助 it is about.
_STUCK = re.compile(r"(?:鼓捣|折腾|研究|琢磨|捣鼓|摆弄|弄)了?[^，。,]{0,10}?(?:都|也|还)?(?:没|不)(?:弄|整|搞)?(?:明白|懂|会)|弄不明白|搞不懂|整不明白|不会用|不会弄")
_HOW_TO_LOG = re.compile(r"(?:怎么|咋|如何|怎样)(?:个)?(?:登记|登|记|报|填)(?:服务|下沉)?(?:时长|时间)")
_THE_BOT = re.compile(r"这玩意|这个东西|这东西|助手|机器人|小程序|这个号")


def read_how_to(text: str, ctx: Context) -> Reading | None:
    """A question about using the bot, answered with the part of 帮助 it is about."""
    text = normalize(text)
    if _WHO_SEES.search(text) and len(text) <= 30 and is_question(text):  # "不要让他们知道是我说的 …" asks nothing
        return Reading(0.95, groups={"topic": "随手拍"})
    for wish, pattern in INTENT_ONLY:
        if pattern.search(text):
            return Reading(0.95, groups={"go_ahead": wish})
    if _FIX_HOW.search(text) and len(text) <= 60 and re.search(r"要是|如果|比如|万一|教", text):
        return Reading(0.95, groups={"topic": "时长"})
    if re.search(r"(?:咋|怎么|如何|能不能|可不可以)(?:帮|替|给|代)(?:他|她|他们|她们)(?:登|记|报|补)", text) and len(text) <= 50:
        return Reading(0.9, groups={"answer": "for_others"})  # "老赵上周帮扶了6个钟头 他不会用手机 咋帮他登"
    if _FOR_OTHERS.search(text) and not _AMOUNT_TO_LOG.search(text) and is_question(text) and len(text) <= 30:
        return Reading(0.9, groups={"answer": "for_others"})
    if _AMOUNT_TO_LOG.search(text) and re.search(r"(?:还能|能不能|可以|还可以)(?:补|登)", text):
        return None  # "上周三入户走访2小时 忘登了 还能补不": the entry itself, offered by the hours reader
    if len(text) <= 30 and _ASKING_HOW.search(text):
        topic = next((name for name, pattern in TOPICS if pattern.search(text)), "")
        if topic or _BOT.search(text):
            return Reading(0.9, groups={"topic": topic})
    asked_first = re.match(r"^[^,，。\s]{2,16}?(?:吗|么|嘛|不)(?=[\s,，。]|$)", text)  # "随手拍能匿名吗 嗯有些事…"
    if len(text) <= 40 and _MAY_BE_ANONYMOUS.search(text) and re.search(r"随手拍|反映|投诉", text) and (is_question(text) or asked_first) \
            and not _PROBLEM_TOLD.search(text):
        return Reading(0.9, groups={"topic": "随手拍"})  # "这个随手拍能不能匿名啊就是我不想让被反映的人知道是我"
    if len(text) <= 60 and _HOW_TO_LOG.search(text) and not _AMOUNT_TO_LOG.search(_HOW_TO_LOG.sub("", text)):
        return Reading(0.9, groups={"topic": "时长"})  # "…刚调过来的不太会用这个 怎么登记服务时长啊 是直接说几个小时就行吗"
    if len(text) <= 40 and _STUCK.search(text):
        topic = next((name for name, pattern in TOPICS if pattern.search(_AMOUNT_TO_LOG.sub("", text))), "")
        if topic or _THE_BOT.search(text):
            return Reading(0.9, groups={"topic": topic})
    if len(text) > 24:
        return None
    # An amount is what is logged, not the topic asked about ("给搬迁户讲医保缴费咋弄 一小时四十五分").
    unmeasured = _AMOUNT_TO_LOG.sub("", text)
    topic = next((name for name, pattern in TOPICS if pattern.search(unmeasured)), "")
    if _FEATURE_HOW.search(text) and (topic or re.search(r"这个|助手|你|机器人", text)):
        return Reading(0.9, groups={"topic": topic})
    if _USE.search(text) and (_BOT.search(text) or len(text) <= 6):
        return Reading(0.9, groups={"topic": topic})
    if _WHERE.search(text):
        # "问题清单在哪里看": where to find something is a question for the menu, not for the rules.
        return Reading(0.85, groups={"topic": topic})
    return None
