"""How the reports capability reads messages that name no command (the router's stage 2).

A report word near the start (我想反映一下, 帮我反映, 吐槽一下, 举报) is a report whatever durations
the complaint mentions; asking not to be named (匿名, 不要写我名字) makes it anonymous. A problem
told without a report word (路灯坏了好几天了) is only a tentative report: the router asks. "满意" or
"不满意" right after a closing notice, or after looking at one's closed ticket, rates that ticket.
"""

from __future__ import annotations

import re

import cn2an

from bot.router import Context, Reading
from bot.text import DURATION, FIGURES, NUMBERED_PLACE, normalize
from handlers.rules import service as rules

# Conversation state: the closed ticket a "满意" / "不满意" would rate.
RATE_KEY = "reports.rate"
# A closing notice may be read hours later; the rating window itself is days (the service checks it).
RATE_MINUTES = 24 * 60
SHOWN_RATE_MINUTES = 30
# After a bare 不满意: the ticket whose reason the next message may give.
REASON_KEY = "reports.reason"
REASON_MINUTES = 30

_STRONG_WORD = r"(?:吐个槽|反映|反应|投诉|投述|投素|complain|举报|曝光|吐槽|随手拍|sui手拍|随手pai|suishoupai|意见箱|意见[:：]|提个意见|提意见|告状|揭发|检举|爆料|反馈|提个建议|提建议|建议)"
# 提交 is a report word only when someone asks for it to be filed (帮我提交, 匿名提交).
_REPORT_WORD = rf"(?:{_STRONG_WORD}|(?:上)?报(?:个|一个)(?:问题|情况|事儿?)|(?:帮我|替我|给我|我要|我想|匿名)\s*提交|(?:帮我|替我|给我|帮忙|我要|我想)\s*(?:上报|报上去|报(?:一个|个|一下|下|件事))|匿名(?:报|上报|说)(?:一下|下|个)?)"
_LEAD = re.compile(
    rf"^(?:@\S+\s+)?(?:麻烦|请)?(?:我|俺|咱)?(?:想|要|得|来)?(?:帮我|替我|给我|帮忙|(?:替|帮|代)(?:群众|居民|老百姓|老乡|大家|村民|住户|邻居|他|她|他们|老[\u4e00-\u9fff]|小[\u4e00-\u9fff]|[\u4e00-\u9fff]{0,2}(?:大爷|大妈|阿姨|大姐|大哥|奶奶|爷爷|师傅)))?(?:匿名)?\s*{_REPORT_WORD}"
    r"(?:一下子?|下|个事儿?|件事|个问题|一个问题|一件事|点事)?\s*[:：,，!！。.\s]*"
)
_ANONYMOUS = re.compile(
    r"匿名|匿命|匿铭|niming|不敢(?:实名|留名|署名|露名|写名字)|怕(?:被)?(?:人)?(?:打击)?报复|名字(?:就)?(?:别|不要|不用|甭|莫)(?:写|留|提|说|报)|(?:别|不要|不想|不能)(?:暴露|透露|公开)(?:我的)?身份|(?:帮我|给我|替我)?保密"
    r"|(?:别|不要|千万别|甭|莫|不用|不)(?:把|留|写|报|提|透露|说出|告诉|登)(?:上)?(?:我|我的|俺|俺的)(?:的)?(?:名字|姓名|名)|不想留名|不愿留名|(?:不要|别|不用|甭|莫|不)署(?:上)?(?:我的?)?(?:名|名字|姓名|真名)|不(?:要|想|能)?(?:显示|露|亮)(?:出)?(?:我的?)?(?:名字|姓名|真名|身份)|不留(?:姓名|名字|真名)|不想实名|不想透露(?:我的)?(?:姓名|名字|身份)|不要写我(?:的)?名字|别写我(?:的)?名字|不写名字|不写(?:我的?)?名(?![单额次片])|不留名|不署名|别让人知道是(?:我|俺)|不要让人知道是(?:我|俺)|不要透露(?:我|俺)|别透露(?:我|俺)|别暴露(?:我|俺)"
    r"|别说是(?:我|俺)|不要说是(?:我|俺)|(?:别|不要|千万别)(?:告诉|跟|和).{0,6}(?:是(?:我|俺)|是谁)|(?:别|不要|千万别)说是谁|悄悄(?:地|的)?(?:跟|和)(?:你们?|您)说|偷偷(?:地|的)?(?:跟|和)(?:你们?|您)说|(?:替|帮|给)我保密|(?:不想|不要|别|千万别)让.{0,6}知道是(?:我|俺)|悄悄(?:地|的)?(?:反映|举报|说|曝光)|(?:不想|别|不要|不能)暴露(?:自己|我)|隐去.{0,4}(?:姓名|名字|身份)"
    r"|隐名|(?:不想|不愿|不要|别|不)(?:露(?:个)?名|具名)|隐藏.{0,4}(?:姓名|名字|身份)|不实名|别公开(?:我|俺)|不要公开(?:我|俺)|不公开(?:我的)?(?:姓名|名字|身份)|不想署名|不署名"
)
# About a ticket or task that exists ("把反映 #5 立项", "5号反映"): never a new ticket.
_EXISTING = re.compile(r"#\s*\d|\d+\s*号(?:反映|投诉|任务|单)|编号(?:是|为)?\s*\d|单号(?:是|为)?\s*\d|(?i:no)\.?\s*\d|立项|台账|销号|整改任务")
# A report word early in the message, not 反映的 (我反映的事: asking about one's own reports).
# (Not a word describing people: "接待了6个来反映问题的群众".)
_EARLY = re.compile(rf"^.{{0,8}}?{_STRONG_WORD}(?!(?:问题|情况|诉求|事情?)?的|过的|列表|统计|\s*(?:列|清单|有哪些|有几))")
# Time spent, in a message that also names a report word: it may be someone's service hours.
_DURATION = re.compile(DURATION)
_ANYWHERE = re.compile(_REPORT_WORD)
# A problem told without a report word: maybe a report, the router asks.
_PROBLEM = re.compile(
    r"天天叫|整夜叫|乱叫|飞线|私拉电线|乱拉电线|不牵绳|没拴|不拴|楼道里?充电|没来收|小广告|站满了|桶满了|溢出来|坏了|坏掉|没人管|莫得人|没人修|没人清|没人收|没人拉|没人理|没人来|没人问|不管|好几天|好久|半个月|一个月了|臭|占道|乱收费|乱停|乱扔|乱贴"
    r"|堵了|堵塞|堵上|堵住|堵着|被.{0,6}堵|漏水|积水|不亮|堆满|堆着|扰民|噪音|异味|冒烟|堆到|堆了好|堆了一|老鼻子了|烧垃圾|焚烧|烧秸秆|烧树叶|烧纸|破损|塌了|断水|停水|停电"
    r"|倒了|断了|裂了|掉了|歪了|松了|翘起|脱落|被偷|丢了|着火|起火|冒水|爆管|爆了|脏乱|乱堆|乱倒|乱搭|私搭|乱建|乱摆|乱挂|乱拉"
    r"|违停|偷倒|渗水|发臭|污水|垃圾成堆|没路灯|黑灯瞎火|安全隐患|有隐患|危险|返水|倒灌|漫出来|咬人|咬伤|伤人|流浪狗"
    r"|满得|冒尖|味儿|卡住|又坏|又卡|才修过|又漏|又堵|井盖没了|盖子没了|没了(?:好几天|几天|一周|半个月)|吓人|黑咕隆咚|看不见路|摔倒|绊倒|差点摔"
    r"|态度恶劣|态度差|态度不好|不作为|踢皮球|推诿|排队|等了|白跑|玩手机|迟到|早退|脱岗|不在岗|吃拿卡要|索要|刁难|敷衍|摆架子|门难进|脸难看"
    r"|(?:乱|脏|臭|吵|挤|堵|黑)得(?:很|要命|不行|不得了|没法|慌)|乱糟糟|脏兮兮|停车乱|乱停车|乱七八糟"
    r"|吵得|吵死|太吵|好吵|吵人|吵到|睡不着|狗叫|又停了|停运|困人|老化|松动|漏气|卡人|老是卡|总卡|下不来|掉下来|砸到|刷抖音|刷视频|打游戏|玩游戏|上班睡觉"
    r"|又冒|冒了|顺走|偷走|让人偷|被人偷|谁来清|谁来修|谁来管|过不了|堆的那些|坑坑洼洼|坑洼|没法下脚|没法走"
    r"|(?:大|个|的)坑(?!人|钱|爹|了我)|坑(?:还)?没(?:人)?(?:填|补|修)|谁管管|谁来管管"
)
# A complaint put as a rhetorical question: "社区干部上班打牌 有没有人管？"
# Asked to act on a problem told before it (能不能管管, 给个说法): the ticket, not a question about who is in charge.
_ASKS_TO_ACT = re.compile(r"(?:能不能|能否|可不可以|麻烦|请|赶紧|快)(?:给|帮忙)?管(?:一)?管|管管吧|给个说法|(?:能不能|麻烦|请)(?:帮忙|给)?(?:处理|解决)(?:一下|下)")
_RHETORICAL = re.compile(r"有没有人管|管不管|能不能管管|谁来管|没人管吗|怎么没人管|还管不管|有人管吗|谁管|管一管|管管吧|给个说法")
_QUESTION = re.compile(
    r"[?？]|吗|么\s*$|能不能|可不可以|可以不|是否|怎么|咋|如何|要不要|算不算|行不行|中不中|啥|什么|多少|多长时间|多久|(?<![好十这])几(?!乎)"
    r"|(.)不\1|不\s*$|管不管|没\s*$|没有\s*$|了没(?:有)?\s*[?？]?$|有回复|有结果|在哪|哪里|哪儿|哪些|哪几|发啥|啥字"
)
_RATING = re.compile(r"^(?:(?:还行吧?|还可以吧?|一般般吧?|一般吧|马马虎虎|凑合吧?|总的来说|总体来说|整体来说|说实话|不中|中|不行|嗯+|哎)\s*[,，]?\s*)?(?:挺|很|非常|比较|还算|还|蛮|十分|特别|基本|总体|整体)?\s*(?P<verdict>不太满意|不咋满意|不大满意|不怎么满意|不满意|满意|好评|差评)(?:的|了|啊|呀)?\s*[!！。.,，~]*\s*(?P<reason>.*)$", re.S)
_SHOW = re.compile(
    r"(?:查询|查一下|查下|查查|看下|看一下|看看|查)\s*(?:反映|投诉)?\s*(?:#\s*(?P<id>\d+)|(?P<id3>\d+|[一二三四五六七八九十百]{1,4})\s*号)"
    r"|(?:#\s*(?P<id2>\d+)|(?P<id4>\d+)\s*号(?:反映|投诉)).{0,8}(?:办得|进度|情况|咋样|怎么样|到哪|结果|办了没|处理了没|怎么说)"
)
# "随手拍怎么用", "随手拍能匿名吗": a question about the feature, for 帮助.
_HOW_TO = re.compile(r"(?:怎么|咋|如何)(?:个)?(?:用|弄|发|拍|提交|操作|匿名|写|评价|评|查|看|撤|改|删|催)|能(?:不能)?匿名|可以匿名|能不能匿名")
_STATS = re.compile(
    r"(?:随手拍|反映|投诉).{0,6}(?:统计|汇总|数据|办理情况|办结情况|受理情况|响应情况|办得怎么样|处理得怎么样|处理情况|情况怎么样)"
    r"|(?:办结率|满意率|受理率|按时办结|平均.{0,4}(?:办结|受理|用时|多久)|多久办结|收到.{0,3}(?:多少|几)件)"
    r"|(?:一共|总共)?收(?:到)?了?(?:多少|几)(?:件|条|个)?(?:反映|随手拍|投诉)"
    rf"|(?:随手拍|反映|投诉|工单)(?:的问题)?.{{0,6}}(?:[^效]率|平均|多少件|几件|多少条|几条|总数|统计)"
)
_MINE = re.compile(r"(?<![找向跟给对帮替])(?:我|俺)(?:之前|上次|以前|前几天|前些天|前两天|前阵子|这两天|这阵子|上周)?(?:反映|反应|投诉|提交|举报|报|提|发|拍)(?:过|了)?的(?:随手拍|反映|投诉|问题|事|那个|那些|记录)?"
                   # "我前几天反映那几个事现在咋样了"
                   r"|(?:我|俺)(?:之前|上次|以前|前几天|前些天|前两天|前阵子|这两天|上周)(?:反映|反应|投诉|提交|举报|报|提)(?:过|了)?(?:的)?(?:那几个|那些|那几件|那俩|那两个)(?:事|问题|随手拍)?"
                   r"|(?:我|俺)(?:的)?(?:投诉|反映|随手拍)(?:的)?记录|查(?:一下|一查|下|查|看)?(?:我|俺)的(?:反映|随手拍|投诉)"
                   # "我这个月反映了几个来着": how many one has sent, and which
                   r"|(?:我|俺)(?:这个?月|本月|上个?月|今年|最近|这阵子)?(?:都|一共|总共)?(?:反映|投诉|提交|举报|拍|报|提)了?(?:几|多少)(?:个|条|件|次|回)?(?:问题|事)?"
                   # "我都反映过哪些问题啊", "我自己报的那几个随手拍 现在啥状态", "之前投诉烧烤店油烟那个 有结果了吗"
                   r"|(?:我|俺)(?:自己)?(?:都)?(?:上礼拜|上个?星期|昨天|前天)?(?:反映|投诉|报|举报)(?:过)?(?:的)?(?:哪些|那几个|那些|那个)"
                   r"|^(?:之前|上次|前几天|前阵子|前些天)(?:我|俺)?(?:反映|投诉|举报)(?:的)?.{1,16}?那个.{0,6}(?:有结果|结果|咋样|怎么样|处理|进展|办了)")
_NUMBERED = re.compile(r"#\s*\d|\d+\s*号")
_WORKLIST = re.compile(
    r"(?:要我办|待我办|我要办|我待办|给我的|待办).{0,6}(?:反映|随手拍|投诉)|(?:反映|随手拍).{0,6}(?:要我办|待办)"
    r"|(?:没办结|未办结|没办完|没处理|未处理|在办|还在办|没受理|未受理|待处理|待办理|待受理)的?(?:反映|随手拍|投诉|工单).{0,6}(?:列|看|有哪些|有几|清单|发我|拉出来|调出来)"
    r"|(?:反映|随手拍|投诉)的?(?:问题)?(?:清单|列表)(?:发我|发一下|发给我|给我|拉出来|调出来|看看|看下)"
    r"|(?:几个|哪些|多少)(?:单子|工单)(?:还)?(?:没处理完|没处理|没办完|没办结|没受理).{0,4}(?:列|看|发我|有哪些)"
    r"|(?:哪些|几件|多少)(?:反映|随手拍|投诉|工单)(?:还)?(?:没办结|未办结|没办完|没处理|未处理|在办|没受理|未受理)"
    # "最近群众反映的都有啥 给我列出来看看"
    r"|(?:反映|随手拍|投诉)(?:的|上来的)?(?:都有啥|都有哪些|有哪些|有啥).{0,8}(?:列|发我|拉|看看|看下)"
    # "把最近的反映都列出来看看", "现在分给我的单子有哪些"
    r"|(?:反映|随手拍|投诉|单子|工单)(?:都|全)?(?:给我)?(?:列|拉|调)(?:出来|一下|个单)"
    r"|(?:分给|派给|交给)(?:我|俺)的(?:单子|工单|反映|随手拍|投诉)"
    # "看下这礼拜还没办结的随手拍", "安居社区的随手拍单子全部拉出来我看看", "最近的投诉清单发下"
    r"|^(?:看下|看看|看一下|查下|查一下|调出|把)?.{0,10}(?:没办结|未办结|没办完|没处理|未处理|待受理|没受理|最近|全部|所有)的?(?:反映|随手拍|投诉|工单)(?:单子|清单|列表)?\s*[。.!！]*$"
    r"|(?:反映|随手拍|投诉)(?:的)?(?:单子|清单|列表).{0,4}(?:全部|都)?(?:拉|调|列|发)(?:出来|一下|下)"
)


# Saying that this is a complaint, anywhere in a longer message: "我想反映一下", "我要投诉", "帮忙反映一下这个问题".
_SAYS_REPORT = re.compile(r"(?:反映|投诉)(?:一下|下)[,，\s]*(?:赶紧|尽快|快点|抓紧)?(?:处理|解决|管管|修)|(?:我|俺)?(?:就|也|还|是)?(?:想|要|来|得)(?:通过|用|在|跟|向|给)?(?:意见箱|这里|这儿|你们|你|这个渠道|这个平台|这个号|这个群)?(?:匿名)?(?:反映|反应|投诉|举报|曝光)(?!的)|(?<![找跟向给和对])(?:我|俺)(?:想|要|来)?(?:吐槽|吐个槽)(?:一下|下)?|(?:能不能|可不可以|能否)(?:帮我)?(?:反映|投诉)(?:一下|下)?(?=.{10})|(?:帮忙|帮我|麻烦|请)(?:给|帮)?(?:反映|投诉|上报)(?:一下|下)?(?:这个|这件)?(?:问题|事|情况)?"
                          # relayed: "有个大妈让我帮她投诉 楼上装修…"
                          r"|(?:让|叫|请|托|找)(?:我|俺)(?:帮|替|给)(?:她|他|他们|她们|大家|居民)?(?:投诉|反映|举报|上报)")
# A report word at the end: "冒黑水 臭得睡不着觉 给你们反映反映", "…随手拍一下", "…必须投诉", "…帮忙反映下".
_TRAILING_REPORT = re.compile(
    r"(?:给你们|向你们|跟你们|帮忙|帮我|帮俺|请|麻烦)?(?:反映|反应|投诉|举报|曝光|随手拍|提个意见|吐槽)(?:反映|反应|一下|下|了|吧|啊|报上去|上报|报一下|发上去)?(?:这个|这件)?(?:问题|事|情况)?(?:哈|啊|呀|哦|吧)?[。.!！~]*$"
    r"|(?:必须|一定要|我要|要|得)(?:投诉|举报|曝光|反映)(?:他|他们|一下)?[。.!！~]*$"
)


# Asking the bot to pass the matter on, anywhere: "麻烦你帮我跟上面反映反映", "你帮我转给负责的部门吧",
# "麻烦你跟他们领导说一声", "这事能帮我报上去不", "这个反映给城管".
_PASS_ON = re.compile(
    r"(?:帮我|帮俺|替我|替俺|帮忙|麻烦你?|请你?|你帮我|你帮俺|你帮忙|你替我|你给)(?:跟|和|给|向|替)?(?:上面|上级|领导|他们领导|你们领导|有关部门|相关部门|负责的部门|管事的)?"
    r"(?:反映|反应|转达|转告|报上去|上报|转给|转到|递上去)"
    r"|(?:麻烦你?|帮我|替我|请你?|你)(?:跟|和|给|向)(?:上面|上级|领导|他们领导|你们领导|有关部门|相关部门|负责的部门|管事的)(?:说一声|说说|说一下|说下|讲一声|讲讲)"
    r"|(?:反映|反应|投诉|转)给(?:城管|物业|社区|街道|领导|上面|有关部门|相关部门|负责的部门|他们领导|管事的)"
    r"|(?:帮我|替我|帮忙|给我)把(?:这个|这事|这件事|这个事)?(?:反映|反应|报|递|转|捅)上去"
    r"|(?:^|[\s,，])(?:帮忙|帮我)?(?:反映|反应|报|递)上去(?:吧|呗|啊)?[。.!！~]*$"  # a forwarded problem, then "@网格助手 反映上去"
    # "麻烦让城管来处理下", "找人管管吧": asking for someone to deal with it
    r"|(?:麻烦|请|赶紧|快)(?:让|叫|找|派)(?:城管|物业|社区|街道|人|有关部门|相关部门)(?:来)?(?:处理|管管|管一管|解决|看看|修)|找(?:个)?人(?:来)?(?:管管|管一管|处理|修)"
)
# Just before a trailing report word, a question about whom or how (这种情况该向谁反映): not a report.
_ASKS_HOW_BEFORE = re.compile(r"(?:谁|怎么|咋|哪里?|哪儿|如何|能不能|可不可以|可以|能|该|要不要|去哪)\s*$")


_PASS_ON_ASKED = re.compile(r"(?:能|可以|能不能)?(?:帮忙|帮我|给|替我)(?:反映|反应|投诉|报上去|上报|转达)(?:一下|下)?(?:不|吗|么|嘛|呗)?\s*[?？]*$")


def _told_as_report(text: str) -> bool:
    """The message ends by saying it is a complaint, or asks for it to be passed on, whatever it asked
    before ("…这合理吗？？？吐槽一下", "…不是说2小时内回复吗 投诉", "…到底咋回事 麻烦你帮我跟上面反映反映")."""
    trailing = _TRAILING_REPORT.search(text)
    if trailing is not None and not _ASKS_HOW_BEFORE.search(text[: trailing.start()]):
        return True
    # Passing on needs something to pass on: "也能用你反映问题吗" asks about the bot.
    return _PASS_ON.search(text) is not None and not _HOW_TO.search(text[-8:]) and (problem_at(text) is not None or len(text) >= 24)


# A queue someone kept in order ("在接种点引导排队"): service, not a wait to complain of.
_QUEUE_KEPT = re.compile(r"(?:引导|维持|组织|疏导|帮着?|协助)(?:群众|居民|大家|老人)?排队(?:秩序)?|(?:维持|疏导|引导)秩序\s*(?:嗯|呢|啊)?\s*排队|排队纠纷|排队(?=的?(?:矛盾|纠纷|吵架))")


def without_kept_queues(text: str) -> str:
    """The text with queues someone kept in order blanked out, positions kept."""
    return _QUEUE_KEPT.sub(lambda m: " " * len(m.group(0)), text)


# A problem named as what someone's work dealt with ("去3栋查电动车飞线充电", "铲小广告", "飞线充电排查"): no report.
_DEALT_WITH_BEFORE = re.compile(r"(?:排查|检查|巡查|查|整治|清理|清除|劝导|铲|撕|拆)[\u4e00-\u9fff\d]{0,6}$")
_DEALT_WITH_AFTER = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:排查|检查|整治|清理)")


def problem_at(text: str) -> int | None:
    """Where the text first tells of something wrong (坏了, 没人管, 好几天, 占道 …), or None."""
    text = without_kept_queues(normalize(text))
    for found in _PROBLEM.finditer(text):
        if not (_DEALT_WITH_BEFORE.search(text[max(found.start() - 10, 0): found.start()]) or _DEALT_WITH_AFTER.match(text, found.start())):
            return found.start()
    return None


def report_body(text: str) -> str:
    """The complaint itself: the report word and 一下 / 个事 in front taken off."""
    text = normalize(text)
    body = _LEAD.sub("", text, count=1)
    body = re.sub(r"^(?:匿名|不要写我(?:的)?名字|别写我(?:的)?名字)\s*[:：,，]?\s*", "", body)
    return body.strip()


# Asking whether time spent counts as service hours.
_ASKS_HOURS = re.compile(r"算(?:服务|下沉)?时长|记(?:服务|下沉)?时长|登(?:记)?(?:服务|下沉)?时长|算不算时长|算服务")


# Said of a problem in exasperation rather than asked: "咋回事", "怎么又…了", "这是第几次了", "谁负责", "有人管没".
_COMPLAINING_ASK = re.compile(r"咋回事|怎么回事|咋又|怎么又|又.{1,8}了|第几次|第[二三四五]回|好几回|谁负责|谁管|有人管没|有没有人管|真不怕|吓死|(?:没人|莫得人|没有人)(?:来)?(?:修|管|理|问|处理)(?:嘛|吗|啊|呢)")
_WHAT_TO_DO = re.compile(r"(?:咋整|咋办|怎么办|怎么弄|咋弄|咋处理|怎么处理|怎么搞|咋搞)(?:啊|呀|呢|嘛)?\s*[?？。.!！~]*$")


_SNAP_MIDWAY = re.compile(r"(?:^|[\s,，。])(?:给你们|我|俺)?随手拍(?:一个|一下|个)[\s,，:：]")


# What a chat app shows in place of a photo, a voice note or a place ("[图片][图片] 随手拍 …"): no words of the report.
MEDIA_PLACEHOLDER = re.compile(r"\[(?:图片|照片|语音|视频|位置|表情|动画表情|文件|链接)\]\s*")


# The problem already reported ("…已经随手拍报上去了", "已经反映过了"): told, not to be filed again.
_ALREADY_REPORTED = re.compile(r"已(?:经)?(?:用|通过|在)?(?:随手拍|反映|上报|报上去|报给|投诉)(?:过|了)?(?:报|发|反映)?(?:上去|过)?了")


def already_reported(text: str) -> bool:
    return _ALREADY_REPORTED.search(normalize(text)) is not None


_AGAINST_ME = re.compile(r"(?:投诉|举报|告|曝光)(?:我|俺)(?![们家])")


def read_report(text: str, ctx: Context) -> Reading | None:
    """A 随手拍 ticket, not anonymous (read_anonymous takes those)."""
    text = MEDIA_PLACEHOLDER.sub("", normalize(text)).strip()
    if rules.asks_for_a_text(text):
        return None  # "帮我写封投诉信给物业": a letter to write, not a ticket to file
    if already_reported(text) and not _LEAD.match(text):
        return None
    if _AGAINST_ME.search(text) and not _LEAD.match(text):
        return None  # "…大妈说我回得慢还要投诉我": a complaint about the sender, told; not one to file
    if _ANONYMOUS.search(text) and (_ANYWHERE.search(text) or _PASS_ON.search(text)) or _MINE.search(text) or not_a_report(text):
        return None
    if (step := ticket_verb(text)) is not None and step[0] in ("reroute", "close", "accept", "progress", "category"):
        return None  # "5号那个占道经营的 转给城管中队": a step of a ticket already in, not a new one
    if _DURATION.search(text) and _ASKS_HOURS.search(text):
        # "想反映下…垃圾没人清 我今天自己清了两个钟头 这个能算时长不": a report, the hours, or both? Asked.
        return Reading(0.5, stores=True, args=report_body(text), label="提交随手拍（反映这个问题）")
    if _LEAD.match(text) and len(_LEAD.sub("", text, count=1)) >= 4:
        return Reading(0.95, stores=True, args=report_body(text), label="提交随手拍")
    if len(text) >= 24 and _SAYS_REPORT.search(text) and not _HOW_TO.search(text[-8:]):
        # "你好 我是安居小区的住户 想反映一下 …能不能给处理下", "…这合理吗 我要投诉": said to be a complaint.
        return Reading(0.85, stores=True, args=text, label="提交随手拍")
    if len(text) >= 12 and _SNAP_MIDWAY.search(text) and not _QUESTION.search(text[-8:]):
        # "我在路上看见个事 随手拍一个 街道文化站门口那个宣传栏玻璃碎了…": the command word, said midway
        return Reading(0.9, stores=True, args=_SNAP_MIDWAY.split(text, maxsplit=1)[-1].strip(" ,，:：") or text, label="提交随手拍")
    if len(text) >= 12 and _told_as_report(text):
        return Reading(0.9, stores=True, args=text, label="提交随手拍")  # "…给你们反映反映", "…必须投诉"
    if (act := _ASKS_TO_ACT.search(text)) is not None and len(text) >= 16 \
            and ("管" in act.group(0) or "说法" in act.group(0) or _PROBLEM.search(text) or problem_at(text) is not None):
        return Reading(0.85, stores=True, args=text, label="提交随手拍")  # "…楼上天天半夜装修 反映好几次了 能不能管管"
    if _RHETORICAL.search(text) and len(text) >= 10:
        # "…有没有人管？" may be a complaint or a question about who is responsible: asked, not guessed.
        return Reading(0.5, stores=True, args=text, label="提交随手拍（反映这个问题）")
    if _WHAT_TO_DO.search(text) and _PROBLEM.search(text) and len(text) >= 10:
        # "5栋那个下水道又堵了 我后晌带人通了俩钟头 咋整": what to do about a problem. A report offered.
        return Reading(0.5, stores=True, args=text, label="提交随手拍（反映这个问题）")
    if len(text) >= 8 and _COMPLAINING_ASK.search(text) and problem_at(text) is not None and not _HOW_TO.search(text):
        # "咋又停水了 这个月第三回了", "東門那個路燈又不亮了 咋回事啊": a problem and a sigh, not a rules question
        return Reading(0.5, stores=True, args=text, label="提交随手拍（反映这个问题）", told=True)
    if _QUESTION.search(text) or len(text) < 6:
        return None
    if len(text) >= 20 and re.search(r"(?:我|俺)(?:要|想|得)(?:匿名)?(?:投诉|反映|举报|曝光)", text):
        return Reading(0.85, stores=True, args=text, label="提交随手拍")  # a run-on that says it is a complaint
    if _EARLY.match(text) and len(text) >= 10:
        # "向你们反映个情况：…", "居民反映小区停车难": a report word early, then the problem.
        return Reading(0.6 if _DURATION.search(text) else 0.85, stores=True, args=text, label="提交随手拍")
    if problem_at(text) is not None:
        return Reading(0.5, stores=True, args=text, label="提交随手拍（反映这个问题）")
    return None


# What happens to a report once sent, asked about: "反映了以后 别人能看到是我反映的吗", "交上去以后 去哪看进度".
_ABOUT_PROCESS = re.compile(r"以后|之后|完了|能看到|看得到|看见|知道是我|(?:名字|姓名|身份)(?:告诉|透露|泄露|公开|给)|谁能看|谁看|进度|在哪|去哪|哪里看|哪看|哪查|多久|几天|能撤|撤回|撤销|删")
_ENDS_ASKING = re.compile(r"(?:[?？]|吗|么|呢|不|没|没有|多久|几天|进度|在哪|去哪看|哪看)\s*[?？。.!！~]*$")


# What the feature itself is made of: a short question about these is about the feature (随手拍可以发照片不).
_FEATURE_PARTS = re.compile(r"照片|图片|相片|视频|语音|录音|位置|定位|匿名|名字|姓名|实名|撤回|删除|修改|评价|打分|进度|编号")


# Money asked of people, said in indignation ("开证明还要收十块钱？").
_CHARGED = re.compile(r"收.{0,4}(?:钱|块|元|费)|要钱|交钱|凭什么|咋还|怎么还")


def is_how_to(text: str) -> bool:
    """"随手拍怎么用", "匿名反映能看到我是谁吗", "随手拍能不能不留名字", "反映的事交上去以后 去哪看进度":
    asking about the feature, nothing to report."""
    text = normalize(text)
    body = report_body(text)
    asks = _ENDS_ASKING.search(body) or re.search(r"会不会|能不能|可不可以|多久|几天|啥时候|什么时候", body) \
        or re.match(r"^[^,，。\s]{1,12}?(?:吗|么|嘛)(?=[\s,，。]|$)", body)  # "…会不会让人知道是我", "能匿名吗 嗯有些事…"
    # "不想让人知道是我说的 …": asking not to be named is no question about who sees.
    if _ABOUT_PROCESS.search(_ANONYMOUS.sub(" ", body)) and asks and problem_at(body) is None and len(body) <= 30:
        return True
    if re.match(r"^(?:能|可以|能不能|可不可以)(?:匿名|不留名|不留名字|不写名字)(?:吗|么|不|嘛)(?=[\s,，。]|$)", body) and problem_at(body) is None:
        return True  # "随手拍能匿名吗 嗯有些事我不想让人知道是我说的": the question first, the reason after
    if len(body) > 12:
        return False
    if _HOW_TO.search(text) is not None:
        return True
    if text.endswith(("吗", "吗?", "?")) and (len(body) <= 6 or problem_at(body) is None and not _CHARGED.search(body)):
        return True  # "随手拍好用吗"; but "意见箱 社区开证明还要收十块钱？" is the complaint

    if _FEATURE_PARTS.search(body) and _QUESTION.search(body) and problem_at(body) is None:
        return True
    # A short question about anonymity itself.
    return _QUESTION.search(body) is not None and _ANONYMOUS.search(body) is not None


_NO_REPORT_WANTED = re.compile(r"(?:^|[\s,，。])(?:不用|不要|别|甭|不必|无需|没必要|不是要|不想)(?:再)?(?:反映|投诉|举报|上报|报上去|随手拍|提交)(?:了|啦)?(?:[\s,，。]|$)")


def not_a_report(text: str) -> bool:
    """After a report word, something else: a question about the feature, an existing ticket, figures."""
    text = normalize(text)
    if len(text) <= 24 and re.search(r"在哪(?:儿|里)?|哪里|去哪|咋(?:评|打分|看|查)|怎么(?:评|打分|看|查)|发啥|是发", text):
        return True  # "反映的事办完了 在哪儿打分"
    if _NO_REPORT_WANTED.search(text):
        return True  # "不用反映 我已经去调解了 一个钟头 记时长": turned down, whatever the problem told
    if re.search(r"(?:怎么|咋|如何|咋个)(?:操作|弄|提交|发|写)\s*(?:呢|啊|呀)?\s*[?？]*$|有(?:啥|什么)(?:法子|办法)\s*[?？]*$", text):
        return True  # "反映问题的时候能不能不留姓名 怎么操作": asking how, whatever came before
    if re.search(r"(?:怎么|咋|如何)(?:办|整)\s*(?:呢|啊|呀)?\s*[?？]*$", text) and len(report_body(text)) <= 16 \
            and problem_at(report_body(text)) is None:
        return True  # "随手拍发错了怎么办"; but "随手拍 井盖缺了半个月了 晚上谁掉下去咋办？" is the complaint
    existing = _EXISTING.search(text)
    # A ledger word deep in a long complaint is part of it ("…只待了5分钟就走 台账上写走访一小时"); a ticket number is not.
    named = existing is not None and (re.match(r"#|\d|编号|单号", existing.group(0), re.I) is not None or existing.start() <= 12 or len(text) <= 24)
    return is_how_to(text) or named or (_STATS.search(text) is not None and len(text) <= 20)


def wants_anonymity(text: str) -> bool:
    return _ANONYMOUS.search(normalize(text)) is not None


_POLITE_ASK = re.compile(r"(?:能不能|能否|可不可以|可以)(?=不|别|帮我|给我|替我)")


def read_anonymous(text: str, ctx: Context) -> Reading | None:
    """A report that asks not to be named: the asking and the report word come first, then the problem."""
    text = normalize(text)
    anonymous, word = _ANONYMOUS.search(text), _ANYWHERE.search(text)
    if anonymous is None or _EXISTING.search(text):
        return None
    if word is None or max(anonymous.start(), word.start()) > 12:
        return _anonymous_told_late(text, anonymous, word)
    if is_how_to(text) or re.search(r"有啥(?:法子|办法)|有什么(?:法子|办法)|怎么(?:弄|操作)|咋(?:弄|整|操作)|如何", text):
        return None  # "想不留名字提意见 有啥法子": how to, not the complaint itself
    front = text[: max(anonymous.end(), word.end())]
    if len(text) - len(front) >= 10 and not _QUESTION.search(text[len(front):]):
        # "能不能别写我名字 反映下社区主任…打牌", "我想反映个事 但是能不能不显示我名字 …": a polite way of asking for it
        front = _POLITE_ASK.sub("", front)
    # "我想匿名曝光 安置房分配有人一家分了3套？": said first that this is a report, then a question mark
    # of indignation; "匿名反映 行吗" asks.
    declared = re.match(r"^(?:我|俺)?(?:想|要|来|得)", front) is not None and len(text) - len(front) >= 10
    if _QUESTION.search(front) or (_QUESTION.search(text[-2:]) and not declared):
        return None  # "能不能匿名反映": a question about anonymity, not a report
    # "能不能别写我名字 反映下…": the polite asking goes with the name, not into the complaint.
    unnamed = re.sub(r"^(?:能不能|能否|可不可以|可以|请|麻烦你?)\s*", "", _ANONYMOUS.sub(" ", text, count=1).strip())
    body = report_body(unnamed)
    body = re.sub(r"^(?:说的|的|啊)\s*", "", body).strip()
    if len(body) < 4:
        return None
    return Reading(0.95, stores=True, args=body, label="匿名提交随手拍")


def _anonymous_told_late(text: str, anonymous: re.Match[str], word: re.Match[str] | None) -> Reading | None:
    """Not to be named, said late or with the report word late ("别让人知道是我说的 有辆公车… 帮我反映一下",
    "楼下饭馆天天往下水道倒油 … 千万别说是谁举报的"): a report when it tells of something wrong or says it
    is one, and does not end asking."""
    if word is None and anonymous.start() <= 6:
        return _anonymous_problem(text)
    passed_on = _PASS_ON_ASKED.search(text)  # "…能帮忙反映不": asking for it to be passed on is no question
    if is_how_to(text) or (_ENDS_ASKING.search(text) and passed_on is None) or len(text) < 16:
        return None
    if word is None and problem_at(text) is None and not _PASS_ON.search(text):
        return None
    body = report_body(_ANONYMOUS.sub(" ", text, count=1).strip())
    body = re.sub(r"^(?:说的|的|啊|🤫)\s*", "", body).strip()
    return Reading(0.9, stores=True, args=body, label="匿名提交随手拍") if len(body) >= 6 else None


def _anonymous_problem(text: str) -> Reading | None:
    """"别写我名字啊 共享单车乱停没人管": asking not to be named, then a problem: that is a report too."""
    anonymous = _ANONYMOUS.search(text)
    if anonymous is None or anonymous.start() > 6 or _QUESTION.search(text) or _EXISTING.search(text):
        return None
    body = re.sub(r"^(?:啊|呀|哈|哦|的|了)*[\s,，:：!！。.]*", "", text[anonymous.end():]).strip()
    if len(body) < 6:
        return None
    # Asking not to be named is itself the sign of a report; a problem word makes it surer.
    sure = _PROBLEM.search(body) or _RHETORICAL.search(body) or anonymous.start() <= 2
    return Reading(0.9 if sure else 0.6, stores=True, args=body, label="匿名提交随手拍")


_VERDICT_AT_END = re.compile(r"^(?P<story>.{4,300}?)\s*(?:凑合吧|就这样吧|总之|反正)?\s*(?:挺|很|非常|比较|还算|还)?(?P<verdict>不太满意|不满意|满意|好评|差评)(?:吧|了|啊|呀)?[。.!！~]*$", re.S)


# Right after looking at one's closed ticket: the verdict after a few words on what is rated, the reason after it
# ("这个处理我不满意啊 等了十几天…", "嗯 满意 就是时间长了点").
_VERDICT_LED = re.compile(
    r"^(?:嗯|哦|噢|额|呃|这个|那个|这次|这回|的|处理|结果|办理|对|我|俺|总体|整体|还是|说实话|挺好|还好|不错|还行|可以|看了一下|看了下|看过了|看了|[\s,，])*"
    r"(?:挺|很|非常|比较|还算|还|蛮|不太)?(?P<verdict>不太满意|不满意|满意)(?:啊|吧|呀|了|的)?\s*[,，。!！]?\s*(?P<reason>.*)$", re.S)


# Not a reason: thanks, a greeting, a yes or a no, a bare number, a command for something else.
_NO_REASON = re.compile(r"^(?:好的?|嗯+|哦+|行|谢谢|多谢|收到|知道了|没事了?|算了|不用了?|ok|👌|👍|🙏|\d+|[?？]+)[\s。.!！~～]*$", re.I)


def _gives_a_reason(text: str) -> bool:
    plain = normalize(text).strip()
    return len(plain) >= 4 and not _NO_REASON.match(plain) and ticket_verb(plain) is None


def read_rating(text: str, ctx: Context) -> Reading | None:
    """满意 / 不满意 after a closing notice or after looking at one's own closed ticket; "#8 满意" any time."""
    numbered = ticket_verb(text)
    if numbered is not None and numbered[0] == "rate":
        verdict = re.search(r"不太满意|不满意|差评|满意|好评", normalize(text))
        if verdict is None:
            return Reading(0.85, groups={"rest": f"#{numbered[1]} {numbered[2]}".strip()})
        satisfied = verdict.group(0) in ("满意", "好评")
        reason = normalize(text)[verdict.end():].strip(" :：,，!！。")
        return Reading(0.9, stores=True, groups={"id": numbered[1], "satisfied": satisfied, "reason": reason})
    found = _RATING.match(normalize(text))
    if (owed := ctx.recall(REASON_KEY)) is not None and found is None and _gives_a_reason(text):
        return Reading(0.9, stores=True, groups={"reason_for": int(owed), "reason": normalize(text).strip()[:200]}, label="补充不满意的理由")
    pending = ctx.recall(RATE_KEY)
    plain = re.sub(r"[^\w\u4e00-\u9fff。.!！~]+$", "", normalize(text))  # "根本没解决 不满意😤": the emoji off
    said_last = _VERDICT_AT_END.search(plain) if found is None and pending is not None else None
    if said_last is not None and not re.search(r"[?？]", said_last["story"]):
        # "…墙皮是补好了就是补得有点糙…凑合吧满意": the story first, the verdict last; the story is the reason.
        satisfied = said_last["verdict"] in ("满意", "好评")
        return Reading(0.95, stores=True, groups={"id": int(pending), "satisfied": satisfied, "reason": said_last["story"].strip(" ,，。")[:200]})
    led = _VERDICT_LED.match(plain) if found is None and pending is not None else None
    if led is not None and not re.search(r"[?？]|吗|么", led["reason"]):
        satisfied = led["verdict"] == "满意"
        return Reading(0.95, stores=True, groups={"id": int(pending), "satisfied": satisfied, "reason": led["reason"].strip(" ,，。")[:200]})
    if not found or len(found["reason"]) > 200:
        return None
    satisfied = found["verdict"] in ("满意", "好评")
    if pending is None:
        # Which ticket? The handler asks for its number rather than guess one.
        return Reading(0.8, groups={"verdict": "满意" if satisfied else "不满意", "which": True})
    return Reading(0.95, stores=True, groups={"id": int(pending), "satisfied": satisfied, "reason": found["reason"].strip()})


# A message that names a ticket by number ("#5", "5号反映") and says what to do with it, in any order;
# "9月28号" is a day and "3号楼" a place.
_NUMBER = re.compile(r"#\s*(?P<id>\d+)|(?<![月\d.一二三四五六七八九十])(?P<id2>\d+|[一二三四五六七八九十]{1,3})\s*号(?!\s*" + NUMBERED_PLACE + r")(?:反映|投诉|单子|的事)?"
                     r"|(?:反映|投诉|编号|单号)(?:是|为)?\s*(?P<id3>\d+)|第\s*(?P<id4>\d+|[一二三四五六七八九十]{1,3})\s*(?:个|号)\s*(?:单子|反映|投诉|工单)"
                     # "第五个 今天去现场看了…", "查询 No.7"
                     r"|^(?:查一下|查下|查询|评价一下|评价)?\s*第\s*(?P<id5>\d+|[一二三四五六七八九十]{1,3})\s*个|(?i:no)\.?\s*(?P<id6>\d+)")
_LEDGER_WORDS = re.compile(r"任务|销号|立项|台账|反弹|巩固|回头看")
TICKET_VERBS = (
    ("rate", re.compile(r"不太满意|不满意|满意|好评|差评|评价")),
    ("reroute", re.compile(r"转办|转给|转到|转交|交给(?![我俺])|改派|转派|派给|派到|转(?!.{0,8}(?:通知|文件|消息))(?=\s*(?:城管|区|市|县|派出所|环保|生态|水务|住建|市场|交警|供电|燃气|物业|卫健|教育|民政|[\u4e00-\u9fff]{1,4}(?:局|所|队|中队|办|站|公司|部门|科)))")),
    ("category", re.compile(r"(?<!垃圾)分类(?!亭|桶|箱|站|点|垃圾)|类别|改成.{0,4}类|(?:归到|归为|归入|划到|划为|算到|放到|调到|分到|分进|改到|改为)(?=.{0,12}类)")),
    ("close", re.compile(r"办结|处理完|处理好了|已处理|办好了|办完了|解决了|搞定|修好了|完结|结单|结案|可以结了|能结了|结了吧|结掉|办妥")),
    ("progress", re.compile(r"进展|进度更新|更新(?:一下|下)?进度|最新情况是|已联系|已经联系|正在处理|在处理|跟进|更新(?:一下|下)"
                            r"|已(?:经)?(?:找了|通知|约了|订了|派了|上报|报给|报到|交到|提交|反馈给)|等(?:回复|答复|回音|消息)")),
    ("accept", re.compile(r"受理|受里|接单|接了|我接|我来|俺来|俺接|认领|交给[我俺]|我负责|俺负责|我去处理|马上处理|收到")),
    ("show", re.compile(r"有进展|谁在处理|谁处理|查|看(?![了过])|情况|进度|怎么样|咋样|结果|详情|过程|到哪|动静|办得|处理得|什么样|如何了|好了没|办了没"
                        r"|处理了(?:吗|没)|办了(?:吗|没)|(?:回复|答复)(?!了(?![吗没么]))|有消息|有回音|哪一步|有没有人管|有人管|下文|状态|有人接|接手没|谁在办")),
)


_STEP_ASKED = re.compile(r"(?:帮我|给我|麻烦你?|请你?|你)(?:把它|把这个|把这件|把这事)?(?:给)?(?P<step>转办|转给|交给|受理|办结)")


def ticket_verb(text: str) -> tuple[str, int, str] | None:
    """(what to do, ticket number, the rest) for a message about a numbered ticket, else None."""
    text = normalize(text)
    found = _NUMBER.search(text)
    if not found or _LEDGER_WORDS.search(text):
        return None
    raw = found["id"] or found["id2"] or found["id3"] or found["id4"] or found["id5"] or found["id6"]
    try:
        number = int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))
    except ValueError:
        return None
    rest = (text[: found.start()] + " " + text[found.end():]).strip()
    # The step named first is meant: "#5 办结了 居民很满意" closes, "#2 满意 问题解决了" rates.
    hits = [(hit.start(), order, verb, hit) for order, (verb, pattern) in enumerate(TICKET_VERBS) if (hit := pattern.search(rest))]
    if not hits:
        return None
    _, _, verb, hit = min(hits, key=lambda h: (h[0], h[1]))
    rating = next((h for h in hits if h[2] == "rate"), None)
    if rating is not None and verb != "rate" and re.search(r"(?:给|打|评)(?:他|她|你们|它)?(?:个|一个)?\s*(?:不太满意|不满意|满意|好评|差评)", rest):
        _, _, verb, hit = rating  # "…虽然最后是修好了…我给个不满意吧": the verdict given, the story before it
    asked = _STEP_ASKED.search(rest)
    if verb == "show" and asked is not None:
        # "#8那个反映我看了半天…你帮我转办给城管那边": looking was the story, the step asked for is what is meant
        verb = {"转": "reroute", "交": "reroute", "受": "accept", "办": "close"}[asked["step"][0]]
        hit = next(h[3] for h in hits if h[2] == verb)
    rating = next((h for h in hits if h[2] == "rate"), None)
    if verb == "show" and rating is not None and not re.search(r"[?？]|吗|了没|没有?\s*$", rest):
        _, _, verb, hit = rating  # "关于#9的处理结果我比较满意": the result is rated, not asked after
    if verb in ("close", "progress", "accept") and re.search(r"[?？]|吗|了没|没有?\s*$|到底|啥|什么|到哪|哪一步|咋样|怎么样", rest):
        verb = "show"  # "第40号反映办结了吗": asking how it stands, not closing it
    after = rest[hit.end():].strip(" :：,，了")
    if verb == "category":
        after = re.sub(r"(?:那|这)?(?:一)?类(?:别)?(?:吧|里|中|的)?$", "", after).strip()  # "#31 分到安全隐患那一类"
    if not after and verb in ("close", "progress"):
        after = rest[: hit.start()].strip(" :：,，了")  # "#7 车挪走了 结案": what was done, said before the step
    return verb, number, after


# "14号那个…" points at ticket 14; "1号那个礼拜天…", "14号那个晚上…" at a day of the month.
_NOT_A_DAY = r"(?!\s*(?:礼拜|星期|周[一二三四五六日天末]|天|晚|早|上午|下午|中午|晌午|时候|也|又|去|在))"
_TICKET_OPENING = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]{1,3})\s*号\s*(?:那个|这个|那件|那单|的单子|单子)" + _NOT_A_DAY)


def opens_with_ticket(text: str) -> bool:
    """Whether the message starts by pointing at a numbered ticket ("14号那个今天又去了一趟…")."""
    return _TICKET_OPENING.match(normalize(text)) is not None


# A handler's note after the number, no step named ("9号那个 井盖已经订了 到货就装"): progress.
_NOTE_AFTER_NUMBER = re.compile(r"^(?:#\s*(?P<id>\d+)|(?P<id2>\d+|[一二三四五六七八九十]{1,3})\s*号|第\s*(?P<id3>\d+|[一二三四五六七八九十]{1,3})\s*个)"
                                r"(?:\s*(?:那个|这个|那件|那单)(?:单子|反映)?" + _NOT_A_DAY + r"\s*[,，:：]?|\s*(?:的)?(?:单子|反映)?\s*[,，:：\s])\s*(?P<note>\S.{5,})$")


def _noted(text: str, ctx: Context) -> tuple[int, str] | None:
    if ctx.person is None:
        return None
    found = _NOTE_AFTER_NUMBER.match(normalize(text))
    if found is None or re.search(r"[?？]|吗|么|没有?\s*$|怎么|咋|啥|什么|谁|哪", found["note"]) or _LEDGER_WORDS.search(text):
        return None
    raw = found["id"] or found["id2"] or found["id3"]
    try:
        return (int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))), found["note"].strip()
    except ValueError:
        return None


def read_step(verb: str):
    """"#6我受理了", "#5 办结了 电梯已经修好", "这个#5我负责": the number and the step, in any order."""

    def read(text: str, ctx: Context) -> Reading | None:
        found = ticket_verb(text)
        if found is None and verb == "progress" and (noted := _noted(text, ctx)) is not None:
            return Reading(0.8, groups={"rest": f"#{noted[0]} {noted[1]}"})
        if found is None or found[0] != verb:
            return None
        _, number, rest = found
        return Reading(0.9, groups={"rest": f"#{number} {rest}".strip()})

    return read


_CATEGORY_WORD = re.compile(r"^(?:改)?分类(?![\u4e00-\u9fff])")


def read_category(text: str, ctx: Context) -> Reading | None:
    """"分类 #9 工作纪律", "#31 分到安全隐患那一类"; the word alone asks for the number. "分类亭的桶…" is no such word."""
    step = read_step("category")(text, ctx)
    if step is not None:
        return step
    return Reading(0.85) if _CATEGORY_WORD.match(normalize(text)) else None


def read_show(text: str, ctx: Context) -> Reading | None:
    found = ticket_verb(text)
    if found is not None and found[0] == "show":
        return Reading(0.9, groups={"id": str(found[1])})
    if found is not None:
        return None  # "#21 更新下进度 …": another step of that ticket
    found = _SHOW.search(normalize(text))
    if not found or _LEDGER_WORDS.search(normalize(text)):
        return None
    number = found["id"] or found["id2"] or found["id3"] or found["id4"]
    if not number.isdigit():
        try:
            number = str(int(cn2an.cn2an(number, "smart")))  # "查询 十五号"
        except ValueError:
            return None
    return Reading(0.9, groups={"id": number})


def read_stats(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if not _STATS.search(text) or _MINE.search(text) or re.search(r"我的|俺的|#", text):
        return None
    return Reading(0.85)


def read_mine(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if ticket_verb(text) is not None:
        return None  # "我报的3号有回复没": that one ticket
    if _ANONYMOUS.search(text) and (problem_at(text) is not None or len(text) >= 24):
        return None  # "保密哈 别让人知道是我反映的 …消防栓是空的": a report asking not to be named
    if _MINE.search(text) or re.search(r"我提交的随手拍|我的随手拍|我的投诉", text):
        return Reading(0.9)
    return None


def read_worklist(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if _MINE.search(text):
        return None  # "俺提过的随手拍列一下": one's own reports
    return Reading(0.9) if _WORKLIST.search(text) else None
