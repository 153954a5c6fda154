"""How the hours capability reads messages that name no command (the router's stage 2).

An hours entry needs an amount and a service context. A duration inside a complaint (群众排队排了
俩小时) is no service; a bare amount (3小时) or a problem plus time spent on it (垃圾堆了3天没人清 我帮着清了
2小时) could be either, so those readings are only tentative and the router asks. A vague amount
(三个多小时, 半天) is read surely, but as a request to ask for the exact hours: nothing is stored on a
guess. Readers only read; the handlers in commands.py act.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import cn2an
from sqlalchemy import select

from bot.models import Person
from bot.router import ASKS_WHAT, LONG_TEXT, Context, Reading, is_question
from bot.text import normalize
from handlers.hours.parse import (
    ANOTHERS_AMOUNT, DAY_CORRECTED, LASTED_AMOUNT, DateError, ambiguous_hours, clock_said, cut_short, find_date, fold, has_amount, latest_clock,
    parse_hours, per_unit, read_amount, set_apart,
)
from handlers.hours.service import people_named
from handlers.reports import service as reports
from handlers.rules import service as rules

# Conversation state keys (bot.router.Context.remember).
LAST_ENTRY = "hours.last"  # the entry just logged: a correction or an undo refers to it
LAST_CLOCK = "hours.last_clock"  # the stretch of the clock that entry was read from: "是到十点半" moves its end
ASKED = "hours.ask"  # the bot asked for the exact hours of a vague amount
SUMMARY_SHOWN = "hours.summary_shown"  # the leaders' summary was shown short: "全部" asks for the whole list
ASKED_DAY = "hours.ask_day"  # the bot asked which day an amount was served on
LAST_MINUTES = 30
ASKED_MINUTES = 15

# Keeping watch where something happens (盯现场, 守着卡口, 陪同检查组, 带队入户): grid duty said without its usual word.
FIELD_DUTY = (r"盯现场|现场盯|(?:盯|守)(?:了|着|在)?.{0,8}(?:现场|工地|路口|门口|卡口|通道|点位|路段|河边|堤上|积水|老人|奶奶|爷爷|大爷|大娘)"
              r"|看守|陪同|带队|拆违|抢修|配合.{0,4}(?:检查|执法|排查)|跟着.{0,8}(?:入户|巡|走访|下去|下村|下社区|检查|转)|检查组")
# What grid service is called: the command words and the activities themselves.
SERVICE = re.compile(
    r"服务(?!中心|站|大厅|窗口|台|点|区)|服物|下沉|网格|登记|登个|补登|记一下|记上|记个|时长"
    r"|巡逻|巡罗|巡落|巡査|巡查|巡楼|巡河|巡湖|巡堤|巡塘|河长|值守|值班|值斑|走仿|入护|发放|分发|派发|物资|防汛|防火|帮扶|入户|走访|宣传(?!栏|牌|画)|宣讲|调解|创文|整治|帮办|代办|代缴|疫苗|核查|排查|摸排"
    r"|陪.{0,10}(?:去|上)(?:医院|看病|复查|体检|办)|陪.{0,10}看病|护学|护校|护导|护送|疏导|保洁|搞卫生|打扫卫生|环境卫生|大扫除|义工|文明劝导|交通劝导|治安|联防|红袖章"
    r"|送饭|送餐|送菜|送水|送煤|理发|给.{0,8}(?:老人|群众|居民|困难户|残疾|独居|孤寡).{0,4}(?:送|办|修|买|打扫|理发|做饭)"
    r"|接待(?:群众|居民|来访|上访|来信)|信访|上访|来访|清理|扫街|慰问|送药|普查|志愿|劝导|看望|探访|结对|包保|隐患|流动人口|人口普查|政策宣|陪.{0,6}(?:去|办|看)"
    r"|巡夜|夜巡|巡检|(?:安全|消防|入户|隐患)检查|督查|走街|串户|摸底|登门|上门|送温暖|义务|打扫|清扫|扫雪|除雪|植树|消杀"
    r"|(?:去|到|上)(?:搬迁户|住户|居民|群众|困难户|低保户|五保户|独居老人|孤寡老人|空巢老人|[\u4e00-\u9fff]{1,2}(?:大爷|大娘|奶奶|爷爷|阿姨|大妈|婶))家"
    r"|普法|反诈|防诈|禁毒|讲解|助老|助残|关爱|陪护|代购|卡点|执勤|站岗|核酸|防控|接种|应急|救援|抢险|网格化|引导|维持秩序"
    r"|教.{0,10}(?:用|使用|操作|下载|注册|挂号|缴费|交费|认证)"
    r"|协助|配合|开展|帮忙|帮助|挨家挨户|挨门挨户|动员|群众工作|做工作|思想工作|讲政策|信息采集|采集|下乡|驻村|包村|蹲点|跑腿|代跑|义诊|义务劳动"
    r"|参加.{0,8}(?:活动|服务|工作|志愿)|组织.{0,6}活动|值了?.{0,6}班|守了?.{0,4}夜|巡了"
    r"|帮(?:着|忙)?.{0,8}(?:老人|群众|居民|搬迁户|困难户|残疾|独居|找工作|办|缴|买|送|修|搬|清|打扫|登记)|" + FIELD_DUTY
)
# What a complaint sounds like: a duration here is how long someone waited, not service.
COMPLAINT = re.compile(
    r"没人管|没人理|没人修|没人清|没人收|没人拉|没人来|不管|不理|坏了|太低|太慢|太差|效率|态度|排队(?!的人)|排了.{0,6}队|等了"
    r"|白跑|踢皮球|不作为|乱收费|推诿|拖了|关门|锁门|不在岗|玩手机|迟到|早退|堆了|臭|脏"
    r"|耗了|耽误|折腾|白等|干等|跑了.{0,3}趟|没人接|不接电话|离谱|太久|磨蹭|拖拉|敷衍|刁难|没办成|办不成|不给办"
    r"|没人(?!在家)|投诉|反映(?!(?:问题|情况|诉求|事情?)?的)"  # ("来反映问题的群众" are people served)
)
# A problem told as a state (楼道堆满杂物, 路灯不亮好几天了): with time spent, maybe service, maybe a report;
# but the object of a plain service activity ("调解 漏水纠纷 2个钟头") is no complaint.
PROBLEM_STATE = re.compile(r"老化|掉下来|松动|漏气|不热|不暖和|冰凉|不通|漏风|坏了|坏掉|坏着|不亮|破了|塌了|漏了|漏水|堵了|堵住|积水|扰民|占道|堆满|堆着|堆了|好几天|几天了|半个月了|一个月了|倒了|断了|裂了|脱落|违停|乱堆|私搭|乱建|安全隐患|污水"
    r"|满了|溢出|乱停|乱放|乱扔|乱贴|乱摆|停车乱|很乱|太乱|脏|臭|噪音|异味|没暖气|没电|没水|停水|停电|冒水|爆管|爆了|爆裂|冻裂|没人来|没来人|没人修|没人管")
STRONG_SERVICE = re.compile(r"服务|服物|下沉|登记|调解|巡逻|巡查|值守|值班|入户|走访|帮扶|宣传|宣讲|排查|整治|清理|防汛|防火|创文|志愿|护学|执勤|站岗|劝导|疏导|" + FIELD_DUTY)
# Office work is no grid service (开会, 写材料, 在单位值班接电话, 帮领导搬家): with no sign of the grid or its
# people, time spent on it is asked about, never logged on a guess.
OFFICE = re.compile(r"培训|开会|会议|写材料|整理材料|材料|办公室|单位|机关|加班(?!\s*(?:值守|值班|巡逻|巡查|入户|走访|执勤|排查|防汛|防火))|出差|接电话|坐班|学习|领导|搬家(?!具)|私事|家里的事")
# Desk work about the grid is still desk work ("整理入户台账录系统"): asked about whatever it names.
STRONG_OFFICE = re.compile(r"整理.{0,6}(?:台账|材料|表格|档案|笔记|记录)|写.{0,8}(?:总结|汇报|报告|方案|材料)|(?<!没人)(?<!不)在家|笔记|录入|录系统|录到系统|报表|做表|填表格|写材料|写总结|写报告|开会|会议")
GRID = re.compile(
    r"入户|走访|网格|下沉|巡逻|巡查|帮扶|群众|居民|老人|住户|村民|社区(?!会)|调解|宣传|宣讲|志愿|防火|防汛|创文|流动人口|困难户|低保|残疾"
    r"|搬迁户|独居|上访|来访|信访|小区|楼道|街面|卡口|疫苗|反诈|防诈"
)

# Service told with no amount at all ("今天下午一直在社区帮忙搞卫生"): the bot asks how long.
ACTIVITY = re.compile(
    r"巡逻|巡查|巡楼|巡河|巡湖|巡堤|值守|值班|入户|走访|帮扶|下沉|宣传|宣讲|调解|服务了|帮忙|协助|清理|打扫|搞卫生|护学|执勤|站岗|慰问|看望|排查|核查|摸排"
    r"|整治|志愿|义务|疏导|劝导|陪同|陪.{0,4}(?:去|办|看)|值了|守了|巡了|帮.{0,6}(?:老人|群众|居民|困难户|办|搬|修|清|填)|做工作|思想工作|上门|登门"
    r"|(?:去|到|上)(?:搬迁户|住户|居民|群众|困难户|低保户|五保户|独居老人|孤寡老人|空巢老人|[\u4e00-\u9fff]{1,2}(?:大爷|大娘|奶奶|爷爷|阿姨|大妈|婶))家|" + FIELD_DUTY
)
# A question about hours is for the rules or for 我的时长, never a log.
QUESTION = re.compile(
    r"[?？]|吗|么\s*$|能不能|可不可以|可以不|是否|怎么|怎样|咋|如何|多少|多久|算不算|会不会|能算|算吗|算不|是不是|要不要|有没有|" + ASKS_WHAT + r"|为什么"
    r"|还差|够不够|够了没|达没达|达到没|达到了没|够没够|几个人|多少人|有几个|有多少|够.{0,8}没\s*$|够数|(?<!好)几个小时[?？]?$|(?<!好)几个钟"
    r"|按.{0,8}算|算作|算进|算到(?!\s*(?:\d|[一二两三四五六七八九十]))|计入|折算|怎么计|咋计|算(?:服务|下沉)?时长(?=.{0,3}(?:吗|么|嘛|不|没|[?？]))"
    r"|中不中|行不行|成不成|(?:行|中)不(?=\s|[,，。]|$)|(?<![还])(?:能|可以|让)(?![登记补算])[^，。,\s]{1,8}?(?:去|穿|戴|带|用|开|拿|喝|吃)?不(?=\s|[,，。]|$|还是)"  # "下沉入户能穿拖鞋去不 天热"
)
# Who came along, counted roughly ("跟社区几个人一块巡逻", "带着几个志愿者"): no question in it.
_COMPANY = re.compile(
    r"(?<=了)几(?:户|家|位|个人|栋|个小区|趟|处)|(?:啥|什么)的(?=\s|$|[,，])|(?:具体)?(?:多久|多长时间|几个小时|几点)(?:忘了|记不清|没记|没看表|没看时间|没注意|不记得|说不好|说不准|不清楚)|时间没记|没看时间|"
    r"(?:教|培训|讲解?|演示|示范)[^，。,\s]{0,8}(?:咋|怎么|如何)(?:用|操作|弄|使用|下载|注册|办)|"
    r"(?:跟|和|同|带着?|叫上|喊上)[^，。,\s]{0,8}几(?:个|位|名)(?:人|同事|志愿者|网格员|党员|居民|老师)(?:一块儿?|一起|一道)?|几(?:个|位|名)(?:人|同事|志愿者|网格员|党员)(?:一块儿?|一起|一道)")
# The message is about an entry already logged ("刚才那条是2小时不是3小时"): never a new entry.
EARLIER = re.compile(
    r"(?:刚才|刚刚)(?:那|登记|记|发的|的|报)|上一条|那条(?![路街河巷线沟道渠马胡])|那个记录|之前登记|登记的那|多写了|少写了|多登了|少登了|多记了|少记了"
    r"|多报了|少报了|登多了|登少了|写多了|写少了|记多了|记少了|写成|登成|记成|刚那|刚才那|多打了|打错|多按了|按错"
    r"|多算了|少算了|减掉|减去|没算上|没算进|调成|调为|调整为|这条算|那条算"
)
# "改成2小时", "刚才登记错了 应该是3小时", "写错了是昨天的", "不是3个是2个", "改2".
CORRECTION = re.compile(
    r"才对\s*$|才是对的|^漏了|漏记|漏登|漏算|漏报|漏填|忘了?算|^(?:改|修改|更正)时长|改成|改为|改到|改一下|改下|改个|^改\s*\d|更正|应该是|应是|不对|不是.{0,8}是|写错|弄错|登记错|记错|登错|搞错|填错|输错"
    r"|(?:日期|时间|时长|天|小时)(?:搞|弄|写|填)?错了|是.{1,8}不是|多写了|少写了|多登了|少登了|多记了|少记了|多报了|少报了|错了"
    r"|实际(?:上)?是|其实是|实际只有|实际上只|登多了|登少了|写多了|写少了|记多了|记少了|写成|登成|记成|有误|应为|应该为|不是这个数"
    r"|多打了|打错|多按了|按错|弄岔|搞岔|填岔|记岔|写岔|登岔|多算了|少算了|减掉|减去|没算上|没算进|调成|调为|调整为|这条算|那条算|算到(?!\s*(?:\d|[一二两三四五六七八九十]))|算成"
)
STRONG_CORRECTION = re.compile(
    r"才对\s*$|才是对的|^漏了|漏记|漏登|漏算|改成|改为|改到|改一下|改下|更正|应该是|写错|弄错|登记错|记错|登错|搞错|填错|输错|实际(?:上)?是|其实是|写成|登成|记成|有误|应为|记岔|写岔|登岔|弄岔|搞岔"
)
UNDO = re.compile(r"撤销|撤回|撤消|撤了|撤掉|删了|删掉|删喽|删除|不要了|作废|取消|登重了|重复了|退回上一条|退掉")
UNDO_CONTEXT = re.compile(r"刚才|刚刚|那条|这条|上条|上一条|登记|登错|发错|记错|写错|点错|登重|不算|撤|时长")
# Asking for one's own total: 这个月还差多少, 还差几个小时, 上个月时长, 俺这月够20小时了没.
MINE = re.compile(r"我|俺|咱|还差|还得|还要|够数|够了|够没|够不够|够\d+小时|达标|累计|查|看看|看下|瞅瞅")
HOURS_TOPIC = re.compile(
    r"时长|钟点|小时|钟头|个钟|几个钟|积分|够数|达标|满\d+|够\s*\d+(?!\s*(?:个|户|人|次|家))|完成几成|列出来|明细|每天登的|还差多少|差多少|完成多少|完成了多少|干了多少|下沉了多少|服务了多少|(?:一共|总共|合计)(?![^，,。\s]{0,4}人)|服务记录|登记记录|的记录"
    r"|(?:下沉|服务|干)了?(?:多久|多长时间)"
)
# A question about the rule behind the hours, not about one's own figures.
RULE_ASKED = re.compile(r"调休|补休|倒休|加班费|能算|算不算|怎么算|咋算|算吗|按.{0,8}算|计入|算作|怎么计|规定|要求|标准|硬性|必须|怎么|怎样|咋|如何|为什么|是不是|后果|处分|扣分|问责|通报"
                        r"|最少|至少|最低|起码|影响|绩效|还是.{0,12}也(?:要|得|算)")
# The leaders' summary: 安居社区谁还没达标, 全街道时长汇总, 上个月大家的下沉时长统计一下.
TEAM = re.compile(
    r"谁|大家|大伙|大家伙|同志们|(?:多少|几个?)人.{0,4}(?:没|未|不够|达标|完成|差)|完成率|全街道|全街|各社区|各单位|各网格|各个|全体|所有人|汇总|统计|哪些人|哪几个|有谁|名单|未达标|没达标的|完成情况|排名"
    r"|达标率|整体|总体|包联|哪个(?:社区|单位|网格|科室)|下面的人|手下|本单位|我们单位|本社区|我们社区|单位的人|社区的人|达标情况|(?:那|这)几个人|社区(?:那|这)?(?:些|几个)人|其他人|别人的时长|我排(?:哪|第几)"
)
TEAM_TOPIC = re.compile(r"时长|达标|小时|钟头|没登|登记|拖后腿|垫底")
# "一个半", "3个半": an amount with no unit, alone: the answer to "how long?", else asked about.
BARE_HALF = re.compile(r"^\s*(?P<num>\d{1,2}|[一二两三四五六七八九十])\s*个半\s*(?:吧|啊|呗)?\s*[.。!！]?$")
# A bare number answers "how many hours exactly?" ("3", "2.5").
BARE_NUMBER = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d+)?)\s*(?:个|个吧|吧)?\s*[.。!！]?$")
# The same in words, as an answer to that question only ("二", "两个", "俩"): out of the blue it is a choice or nothing.
BARE_WORD_NUMBER = re.compile(r"^\s*(?P<num>俩|仨|两|十[一二]?|[一二三四五六七八九])\s*(?:个|个吧|吧)?\s*[.。!！]?$")
_MONTH_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}
_MONTH = re.compile(
    r"(?P<ym>(?P<y>20\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*月?)"
    r"|(?P<rel>本月|这个月|这月|当月|上个月|上月|上一个月)"
    r"|(?P<m2>\d{1,2}|十一|十二|[一二三四五六七八九十])\s*月份?"
)


# Asking for an entry to be made, which says nothing of what was done.
LOG_WORDS = re.compile(r"补登|登记一下|登记|登个|登一下|登上|记一下|记上|记个|记下|给记|帮我记")
# Someone else's words passed on: a forward, or what a leader said everybody should log.
RELAYED = re.compile(r"^\s*(?:【转发】|\[转发\]|转发|转[:：])|(?:说|通知|讲)[:：\s].{0,12}(?:每人|每个人|大家都|都按|一律按)|(?:每人|每个人|大家都|都按|一律按).{0,6}(?:记|算|登)")
# Asking whether an entry may still be made ("…服务3小时 还能补登不").
_STILL_LOGGABLE = re.compile(
    r"(?:(?:还能|能不能|可以|还可以|能)(?:直接)?(?:补登|补记|补|登|登记|记|填)(?:上去|进去|上)?(?:不|吗|么|嘛|不能|中不中|行不行|行不|成不)"
    r"|(?:还能|能不能|可以|还可以)(?:补登|补记|补|登|登记)(?:上去|进去|上)?"
    r"|(?:补登|补记|补|登|登记)(?:上去|进去|上)?(?:不|吗|么|嘛|中不中|行不行|行不|成不|中不))\s*[?？]?\s*$"
)
# Asking for it outright ("我想登一下…你看能不能补上去"): a request to log, not a question whether one may.
_WANTS_LOGGED = re.compile(r"(?:我|俺)(?:想|要)(?:补)?登|帮我(?:补)?登|给我(?:补)?登|登一下|补登一下|补一下")

# A notice of something to come ("通知 明天上午…开会 …准时参加 收到请回复").
_NOTICE = re.compile(r"^\s*(?:通知|【通知】|公告)|准时参加|请.{0,6}参加|收到请回复|相互转告|互相转告")
# A numbered ticket or task and a step of it ("#7 进展 …", "任务 #3 进展"): not an hours entry.
_TICKET_STEP = re.compile(r"(?:#\s*\d+|\d+\s*号(?:反映|投诉|任务|单))\s*.{0,6}(?:进展|办结|受理|销号|转办|评价)|(?:进展|办结|受理|销号)\s*#\s*\d+")
# A later part of the day still to come, told after the part done ("…下午还得去值班", "晚上还要巡逻").
_PLAN_AFTER = re.compile(r"(?:下午|晚上|晚会儿|待会儿?|一会儿|等会儿?|明天|明儿|回头)[^，。,]{0,3}(?:还|再|又)(?:得|要|去|有)")
# "…下午还要去开会 先把上午的记上": the part already done, asked to be logged now; the plan is another matter.
_LOG_DONE_PART = re.compile(r"先把.{0,8}?(?:记上|登上|记一下|登一下|登记上|记了)|先(?:记上|登上)")
# The length a thing should have ("三分钟的就行", "五分钟的视频"), not time served.
_LENGTH_OF_A_THING = re.compile(r"\s*的?\s*(?:就行|就可以|就够|左右的|以内的|稿|发言|讲话|视频|短片|片子|ppt|PPT|节目)")
# Below this many hours (twelve minutes), an entry read without a command word is asked about, not stored.
TOO_SHORT_TO_TRUST = 0.2
_TASK_FIRST = re.compile(r"(?:@\S+\s*)?(?:任务\s*(?:#|第|编号)?\s*\d+|#\s*\d+\s*号?任务)")
# Getting somewhere ("坐公交…坐了一个多钟头"): time on the road, not service.
_JOURNEY = re.compile(r"坐公交|坐车|坐了.{0,4}车|公交车?|地铁|打车|打的|堵车|路上堵|车程|高铁|火车|(?<!电)动车|大巴")
# An amount that is a target or a gap ("没够20个钟头", "还差5小时", "满20小时"): nobody's service.
_TARGET_BEFORE = re.compile(r"(?:够|满|达到|不到|没到|还差|差|距离?|目标|要求|至少|不少于)\s*$")
# "20个钟头是下沉干部的还是俺们网格员也要": whom the target binds, asked.
_WHOM_IT_BINDS = re.compile(r"是[^，。,]{1,10}的\s*还是[^，。,]{0,12}也(?:要|得|算)")

# Service still to come ("今晚七点到九点要去巡河 完事了再来登"): logged once done, never ahead.
PLANNED = re.compile(r"要去|打算|准备去|计划|争取|下(?:个)?(?:周|礼拜|星期)(?![一二三四五六日天1-7])|下个月|待会儿?|一会儿|等会儿?|晚点再|完事了?再|弄完再|干完再|回来再|到时候再?|提前登")
# A promise to be there ("周六上午8点到11点创文 准时到"): the day is still to come, whatever the weekday says.
PROMISED = re.compile(r"准时到|按时到|一定到|保证到|准时参加|按时参加|一定参加|收到.{0,4}(?:准时|按时)|预计|提前报备|先报备|报备一下")
PLAN_CHANGED = re.compile(r"本来|原本|原来|结果|已经|刚才|刚刚")
# Someone else's hours to be logged for them ("小刘…手机没电了 你给他登一下"): only the person logs their own.
FOR_SOMEONE_ELSE = re.compile(
    r"(?:给|帮|替|代)(?:他|她|他们|她们|小[\u4e00-\u9fff](?<!小区)|老(?!人|乡|百姓|年|党员|干部|同志|旧)[\u4e00-\u9fff]|[\u4e00-\u9fff](?:姐|哥|叔|姨|婶))(?:也)?(?:登记|登|记|报)"
    r"(?:(?:一下|下|上)(?!记|录)|(?:吧|哈|啊|呗)?[。.!！~]*\s*$)"
    # "帮刘姐把她昨天巡逻的3小时登记上", "小王今天替我在卡口值守了4个小时": another's service
    r"|把(?:他|她|他们|她们)(?:的|昨天的|今天的)?.{0,12}(?:登|记|报)(?:一下|下|上)"
    r"|(?:小[\u4e00-\u9fff]|老[\u4e00-\u9fff]|他|她|同事|[\u4e00-\u9fff](?:姐|哥|主任|书记))(?:今天|昨天|前天)?替我(?!登|记|报|写|录)"
    # "老刘跟我说他今天走访了五个钟头": what someone said of their own service
    r"|说(?:他|她)(?:今天|昨天|前天|上午|下午|晚上)?(?:在[\u4e00-\u9fff]{1,6})?(?:走访|巡逻|值守|值班|入户|服务|下沉|帮扶|宣传|干)了"
)
# Asked to log, then "may I?" ("…都给我记上 中不中"): the request, not a question about the rules.
_LOG_THEN_MAY_I = re.compile(r"(?:记上|登上|记一下|登一下|登记上|给我记|给我登)\s*(?:吧)?\s*(?:中不中|行不行|行不|中不|成不成|可以不|好不好)\s*[?？]*$")
# The month's aim said before the entry ("要凑够20个钟", "离20小时还差"): no amount served.
_MONTHS_AIM = re.compile(r"(?:(?:这个?月|本月)?(?:月底|月末)?(?:前|之前)?(?:要|得|还得)?)(?:凑够|凑满|凑齐|够|满|达到|不到|没到|还差|离|距离)\s*(?:\d+|[一二两三四五六七八九十]+)\s*个?\s*(?:小时|钟头|个钟|钟)(?:的)?(?:目标|任务)?")
# A relative's own job ("俺对象昨儿在他们单位值了12个钟头班 累坏了"): their work, not the sender's grid service.
_FAMILYS_WORK = re.compile(r"^(?:俺|我)(?:家)?(?:的)?(?:对象|老公|媳妇|爱人|老婆|老伴|男人|那口子|闺女|儿子|姑娘|爸|妈)(?!.{0,24}(?:我|俺))")
# A team's hours added up ("我们网格4个人…一共干了8个钟头"): whose share is whose? Asked.
TEAM_TOTAL = re.compile(
    r"(?:\d+|[两三四五六七八九十几俩仨])\s*(?:个)?(?:人|同事|志愿者).{0,16}(?:一共|总共|合计|加起来|加一块)"
    r"|(?:全体|大伙|大家|全组|全社区|我们几个|俺们几个).{0,16}(?:一共|总共|合计|加起来|加一块)"
    r"|(?:一共|总共|合计|加起来|加一块).{0,6}(?:\d+|[两三四五六七八九十几])\s*(?:个)?人"
    # "俺们组今儿个值守了整整８个钟头 轮班的": the group's hours, taken in turns
    r"|(?:俺们|我们|咱们|咱)(?:组|小组|网格|班组|几个|仨|俩).{0,24}(?:轮班|轮流|倒班|换班)"
    # "我和老刘一块巡逻的 一共四个钟头", "我们网格今天一共巡了八个钟头": shared with others, added up
    r"|(?:我|俺)(?:和|跟|同)[\u4e00-\u9fff]{1,4}?(?:一块儿?|一起|一道|俩|两个|仨).{0,16}(?:一共|总共|合计|加起来|加一块)"
    r"|(?:俺们|我们|咱们)(?:组|小组|网格|班组|社区|单位).{0,12}(?:一共|总共|合计|加起来|加一块)"
    r"|(?:我|俺)(?:和|跟|同)[\u4e00-\u9fff]{1,4}?(?:轮班|轮流|倒班|换班)"
)
# Several days' hours in one ("这周一共下沉了9个小时", "这礼拜加起来12个钟头"): one entry is one day.
WEEK_TOTAL = re.compile(r"(?:这|本|上)(?:个)?(?:周|礼拜|星期)(?![二三四五六日天1-7末]|一(?!共))(?:里|内)?.{0,8}(?:一共|总共|合计|加起来|加一块|累计|统共)"
    # "这礼拜一到三 每天值班2小时": a run of days, each with the same hours
    r"|(?:周|礼拜|星期)[一二三四五六日天1-7]\s*(?:到|至|-|~)\s*(?:周|礼拜|星期)?[一二三四五六日天1-7](?!点)"
    r"|(?:每天|每日|天天|每晚|每个晚上)[^,，。\s]{0,8}?(?:\d|[一二两三四五六七八九十半俩仨])\s*(?:个)?半?(?:小时|钟头|个钟|分钟)")
# "这周配合检查好几回 每回俩钟头", "这礼拜去了两回 一回一个多钟头": visits on several days, each with its time.
SEVERAL_VISITS = re.compile(r"(?:这|本|上)(?:个)?(?:周|礼拜|星期)(?![二三四五六日天1-7末]|一(?!共)).{0,12}?(?:[两三四五六七八九十几俩仨]|好几)\s*(?:回|次|趟)"
                            r"(?=.{0,6}(?:每|一)(?:回|次|趟))")
# An event someone organised ("社区今天组织了3小时的大扫除"): did the sender serve in it, and how long? Asked.
ORGANISED = re.compile(r"^(?:社区|街道|单位|居委会?|村里|村委|党支部|支部|网格站)[\u4e00-\u9fff\s]{0,6}?组织(?:了|的)?")
MINE_TOO = re.compile(r"我|俺|咱")
# Whether something counts as service hours ("开会算不算时长", "路上的时间算服务时长不", "培训…能不能算进时长里").
COUNTS_ASKED = re.compile(
    r"^[^,，。\s]{0,8}?(?:小时|钟头|个钟|分钟)(?:的)?(?:也)?(?:算不算|算吗|能算不|能算吗|算不)\s*[?？]*$|"
    r"(?:(?:能|可以|能不能|可不可以)(?:算|计|记)|(?<!登)(?:算|计))(?:进|入|到|作|成)?(?:服务|下沉)?时长(?:里|内|里面)?(?:吗|么|嘛|不|没|吧|[?？]|$)"
    r"|算不算(?:服务|下沉)?时长|时长(?:里|内)?(?:算不算|能不能算|能算吗|算吗|算不)|计入(?:服务|下沉)?时长|算进(?:服务|下沉)?时长"
    r"|算(?:是)?(?:下沉)?服务(?:时长)?(?:吗|么|嘛|不|没|[?？])|算不算(?:下沉)?服务"
)
# The way there counted in ("来回路上加入户 一共三个半钟头"): how long was the service itself? Asked.
_WITH_JOURNEY = re.compile(r"(?:来回|路上|路程|坐车)(?:的时间)?(?:加|和|连|算上|带上|一起)|(?:加上?|连上?|算上|包括)(?:来回|路上|路程|坐车)")
# Just before an amount, what else lasted that long: a cut, a wait, a chat, a ride, sleep.
_SOMETHING_ELSE_LASTED = re.compile(r"(?:停电|停水|断电|断水|停气|堵车|堵|排队|等|唠|聊|睡|坐车|坐公交|困|路上|车上)(?:就|光|单)?了?\s*(?:整整|足足|差不多|大概|将近|快)?\s*$")
_ON_THE_WAY = re.compile(r"堵车|堵在|坐车|坐公交|挤地铁|等车|等公交|路上|车上|通勤|迟到")
# Time lost on the bot itself ("我登个时长鼓捣了半小时都没弄明白"): a plea for help, nobody's service.
_STUCK_WITH_THE_BOT = re.compile(r"(?:鼓捣|折腾|研究|琢磨|捣鼓|摆弄)了?[^，。,]{0,10}?(?:都|也|还)?(?:没|不)(?:弄|整|搞|闹)?(?:明白|懂|会|清楚|成功)")
# How long an event lasted ("反诈宣传活动一共搞了4个钟头 我中途才到的"): the sender's own share is asked for.
_EVENT_LASTED = re.compile(r"(?:活动|大会|晚会|演练|义诊|比赛|仪式|集市|联欢会?)(?:一共|总共|足足|整整|前后)?(?:搞|开|办|持续|进行|弄|忙活)了?(?:有|大概|差不多|将近)?\s*$")
# Asking whether one's entry is there ("俩钟头登上没", "为啥我上周五登的那一个半小时没了"): one's own records.
CHECKS_ENTRY = re.compile(r"登上(?:了)?没|登(?:进去|上去)?了没|记上(?:了)?没|(?:登|记)过没(?:有)?|有没有(?:登|记)(?:上|过)?|是不是(?:登|记|写)(?:成|错)|(?:咋|怎么|为啥|为什么).{0,16}(?:没了|少了|不见了|查出来|显示|只有|才)|明明登")
# What is not service in the grid: desk work, meetings, training, the way there.
_NOT_SERVICE = re.compile(r"开会|会议|培训|学习|写材料|材料|路上|来回|坐车|通勤|路程|(?<!周末)(?<!周六)(?<!周日)(?<!假期)(?<!节假日)(?<!休息日)加班(?!\s*(?:值守|值班|巡逻))|出差|坐班|办公室")
# A reply in a group chat ("楼上说得对 巡逻俩钟头腿都走细了😂"): talk, not an entry. Asked, never stored.
CHAT_REPLY = re.compile(r"^(?:@\S+\s*)?(?:楼上|楼主|哈哈|笑死|同感|同意|\+1|确实|是啊|可不是|对对)")

# What is left of a note once places, people, times and fillers are taken out: what was done, if anything.
_ACTIVITY_LEFT = re.compile(
    r"[\s,，.。!！~～]|上午|下午|晚上|中午|晌午|早上|傍晚|夜里|今天|昨天|刚才|刚刚|一直|差不多|大概|左右|记一下|记上|记个|登一下|帮我|给我"
    r"|在|到|去|了|的|那儿|那里|这儿|这里|家|里|待|呆|社区|小区|网格|街道|村|楼|号|栋|单元|中心|站|[a-z0-9]+"
    r"|[\u4e00-\u9fff]{1,2}(?:奶奶|爷爷|大爷|大妈|阿姨|叔|婶|姐|哥|师傅|老师|主任|书记)"
)


def find_month(text: str, today: date) -> tuple[int, int] | None:
    """The month a message names (上个月, 10月, 十月份, 2026-10), resolved against today."""
    found = _MONTH.search(text)
    if not found:
        return None
    if found["rel"]:
        if found["rel"] in ("本月", "这个月", "这月", "当月"):
            return today.year, today.month
        return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if found["ym"]:
        return int(found["y"]), int(found["m"])
    raw = found["m2"]
    month = int(raw) if raw.isdigit() else _MONTH_CN[raw]
    if not 1 <= month <= 12:
        return None
    return (today.year if month <= today.month else today.year - 1), month


def parsed_groups(text: str, today: date) -> dict:
    """What an hours message says, as a Match's groups (JSON values: they may wait for a numbered choice).

    The doubts travel with it ("two_amounts", "ask_day"), so whichever way the message reaches the
    handler (a command word, a reading, a choice picked later), nothing in doubt is stored.
    """
    try:
        parsed = parse_hours(text, today)
    except DateError as exc:
        return {"bad_date": str(exc)}
    groups: dict = {"note": parsed.note}
    if parsed.day is not None:
        groups["day"] = parsed.day.isoformat()
    if parsed.hours is not None:
        groups["hours"] = parsed.hours
    if parsed.vague:
        groups["vague"] = True
    if parsed.second_amount:
        groups["two_amounts"] = True
    if parsed.day_in_doubt:
        groups["ask_day"] = True
    if parsed.two_days:
        groups["two_days"] = True
    if parsed.clock is not None:
        groups["clock"] = list(parsed.clock)
    return groups


def _label(groups: dict, today: date) -> str:
    if "hours" not in groups:
        return "登记服务时长"
    day = date.fromisoformat(groups["day"]) if "day" in groups else today
    when = "今天" if day == today else f"{day.month}月{day.day}日"
    return f"登记服务时长（{when} {groups['hours']:g}小时）"


def _bare_amount(folded: str) -> float | None:
    """A number alone ("3", "2.5", "一个半"), as hours; None for anything else."""
    number, half = BARE_NUMBER.match(folded), BARE_HALF.match(folded)
    if number is not None:
        return float(number["num"])
    if half is not None:
        return _numeral(half["num"]) + 0.5
    return None


# A day word alone before a bare number ("今天 3.5", "昨天 两个半").
_DAY_BEFORE_NUMBER = re.compile(r"^\s*(?:今天|今儿个?|昨天|昨儿个?|前天)\s+")
# …or after it ("1个半 昨天的", "一个半 就昨天的").
_DAY_AFTER_NUMBER = re.compile(r"\s+(?:就|是)?\s*(?:今天|今儿个?|昨天|昨儿个?|前天)的?\s*$")


def _numeral(raw: str) -> float:
    """A small number as typed in digits or words, 两, 俩 and 仨 included."""
    return float(cn2an.cn2an(raw.replace("两", "二").replace("俩", "二").replace("仨", "三"), "smart"))


def _problem_first(folded: str) -> bool:
    """A problem told as a state before any service is named ("垃圾桶满了 我清理了40分钟"): maybe a report,
    maybe service. The object of a plain service activity ("调解 漏水纠纷 2个钟头") is no complaint."""
    own = PROBLEM_STATE.search(folded)
    # The reports capability knows more ways of telling that something is wrong (井盖没了, 吓人 …).
    told = reports.problem_at(folded)
    starts = [at for at in (own.start() if own is not None else None, told) if at is not None]
    if not starts:
        return False
    service = STRONG_SERVICE.search(folded)
    # "帮扶第三户的时候发现他家煤气管老化了 待了一个小时": a problem found while serving may be a report too
    found_then = re.search(r"发现|看到|看见", folded[: min(starts) + 1]) is not None
    return service is None or min(starts) < service.start() or found_then


_FOR_NAME = re.compile(r"(?:给|帮|替|代)(?=[\u4e00-\u9fff]{2})")


def _not_an_answer(folded: str, ctx: Context) -> bool:
    """Right after "是几个小时？", what cannot be the sender's answer: a text to write ("帮写个月度总结 就写…22小时"),
    someone else's hours ("帮王姐登一下 她昨天巡逻2小时", "俺对象…值了12个钟头班"), or a new entry whole in itself."""
    return rules.is_request(folded) or FOR_SOMEONE_ELSE.search(folded) is not None or _names_another(folded, ctx) \
        or ANOTHERS_AMOUNT.search(folded) is not None or _FAMILYS_WORK.search(folded) is not None \
        or _whole_entry(folded, ctx.now.date())


def _whole_entry(folded: str, today: date) -> bool:
    """An entry complete in itself, with its own day, service and exact amount ("昨天下午值班2点到5点半"): a new
    entry, not the answer to an earlier "是几个小时？" (whose day and note it would take)."""
    amount = read_amount(folded)
    return STRONG_SERVICE.search(folded) is not None and amount is not None and amount.kind == "exact" \
        and "day" in parsed_groups(folded, today)


def _names_another(folded: str, ctx: Context) -> bool:
    """Someone else on the roster named as the one who served: opening the message ("李娜昨天入户走访了4个小时"),
    or after 给/帮/替 ("给张伟记6个小时 他这周在安居社区下沉的")."""
    if ctx.person is None:
        return False
    starts = ([0] if re.match(r"[\u4e00-\u9fff]{2,4}", folded) else []) + [m.end() for m in _FOR_NAME.finditer(folded)]
    names = {folded[at : at + n] for at in starts for n in (2, 3, 4)} - {ctx.person.name}
    if not names:
        return False
    found = ctx.session.scalar(select(Person.name).where(Person.name.in_(names)).limit(1))
    return found is not None and not re.match(rf"{re.escape(found)}\s*(?:说|讲|让|叫|喊|通知)", folded)


_ASKS_MAY = re.compile(r"能不能|可不可以|能否|是否|必须|要不要|得不得|让不让|准不准")
# A day to come in someone's words ("还说明天再来"): their promise, not the sender's service.
_SAID_AHEAD = re.compile(r"说\s*(?:好|了)?\s*(?:明天|明儿|后天|大后天|下周|下礼拜|下星期)")


# Service told with an amount, then a question about logging it: how it is sent ("是不是这样登的", "格式对不"),
# asked outright to be logged with a question beside it ("记上 这月还差多少"), or whether it may be ("能记不").
_FORMAT_ASKED = re.compile(r"(?:是不是)?(?:这样|这么|这个样)(?:子)?(?:登|记|报|发|写)(?:的)?(?:对不对|对吗|对不|对|行不行|行吗|行不|可以吗|可以不|可以)?(?:啊|呀|吧|呢)?[?？]*|格式(?:对不对|对吗|对不|对)?(?:啊|呀)?[?？]*|(?:登|记|报|发)(?:得)?对(?:不对|不|吗|么)|是这么(?:登|报|发|记)")
# A question about the month's total tacked on after the entry ("…2h 对了 我总共多少了", "…顺便问下还差几个小时").
_TOTAL_TACKED_ON = re.compile(r"(?:对了|顺便|另外|还有|再问)[^,，。]{0,14}?(?:总共|一共|累计|总计|合计|还差|差多少|差几个|够不够|够了没|满了没|达标)"
                              r"|(?<=\s)(?:我|俺)?(?:这个?月|本月)?(?:总共|一共|累计|还差)(?:多少|几个|几)")
_LOG_ASKED_FOR = re.compile(r"记上|登上|记一下|登一下|登纪一下|登记一下|登记下|登下|帮我(?:登|记)|给我(?:登|记)")
_MAY_IT = re.compile(r"(?<!总共)(?<!一共)(?<!合计)(?<!就)算\s*(?:\d|[一二两三四五六七八九十半俩仨]).{0,6}(?:吧|吗|不|行不)|能(?:登|记|算)(?:不|吧|吗|么)|能不能(?:登|记|算)|可以(?:登|记|算)(?:不|吧|吗)|(?:登|记|算)(?:得)?(?:了|上)?(?:不|吗|么)\s*[?？]*$"
                     r"|行(?:吧|不|吗)|中不中|算(?:吗|不|不算)|要登吗|这样也算|算.{0,6}(?:服务|下沉)(?:吗|不|么)")
_VAGUE_LOG_ASKED = re.compile(r"能(?:登|记|算)(?:多少|几|满)|(?:咋|怎么)(?:登|记|算)|能算几|要登吗|能登满|能记几|这样能算|能算吗")


_BARE_ASKED = re.compile(r"\s*(?:这样)?(?:也)?(?:算吗|算不算|算不|行不|行吗|行不行|中不|中不中|可以吗|可以不|能算吗|能记吗|能登吗)\s*[?？]*$")


def _logging_asked(text: str, folded: str, ctx: Context) -> Reading | None:
    today = ctx.now.date()
    if re.search(r"违规|违纪|处分|规定|纪律|要是|如果|假如|该咋发|怎么发|咋发", folded):
        return None  # a conduct question, or a how-to with an example amount ("要是巡逻俩钟头 该咋发给你")
    if PROMISED.search(folded) or PLANNED.search(folded) or FOR_SOMEONE_ELSE.search(folded) or _names_another(folded, ctx) \
            or re.search(r"(?:给|帮|替|代)[\u4e00-\u9fff]{2,3}(?:补)?(?:登|记|报)|(?:他|她)(?:今天|昨天|前天|上周.|那天)?(?:在网格)?(?:入户|走访|巡逻|值班|值守|服务|帮扶)", folded):
        return None  # still to come, or someone else's: the usual reading says so
    if (end := latest_clock(folded)) is not None and end > ctx.now.hour + ctx.now.minute / 60 \
            and parsed_groups(text, today).get("day", today.isoformat()) == today.isoformat():
        return None  # "下午三点到六点去入户 先记上": later today
    asked_bare = _BARE_ASKED.search(folded)
    said = read_amount(folded[: asked_bare.start()]) if asked_bare is not None else None
    if said is not None and said.kind == "exact":
        part = folded[: asked_bare.start()]
        left = re.sub(r"^\s*(?:今天|今儿个?|昨天|昨儿个?|前天)\s*", "", part[: said.span[0]] + part[said.span[1]:]).strip()
        if not left:
            # "3个小时 算吗", "今天 1.5个钟 行不": an amount alone, asked about: hours, or what? Offered; not for the rules
            groups = parsed_groups(part, today)
            return Reading(0.55, stores=True, groups=groups, label=_label(groups, today), told=True)
    amount = read_amount(folded)
    if amount is None or not SERVICE.search(LOG_WORDS.sub(" ", folded)) or COMPLAINT.search(folded) or _problem_first(folded):
        return None
    if FOR_SOMEONE_ELSE.search(folded) or _NOT_SERVICE.search(folded) or TEAM_TOTAL.search(folded):
        return None
    if amount.kind == "vague":
        if _VAGUE_LOG_ASKED.search(folded) or _MAY_IT.search(folded):
            return Reading(0.85, groups={**parsed_groups(text, today), "vague": True})  # "三个多小时 这样能算吗": how long exactly?
        return None
    if amount.kind != "exact" or office_work(folded, amount):
        return None  # desk work asked about: the usual reading says what counts
    asked = _FORMAT_ASKED.search(folded) or _LOG_ASKED_FOR.search(folded)
    if asked is not None:
        # "上午9点到11点半在服务站值班 是不是这样登的", "防火宣传1.5小时 记上 这月还差多少": logged (the reply shows the month)
        told = folded[: asked.end()] if QUESTION.search(folded[asked.end():]) and read_amount(folded[asked.end():]) is None else folded
        groups = parsed_groups(_FORMAT_ASKED.sub(" ", told), today)
        if groups.get("two_amounts") or groups.get("ask_day") or groups.get("two_days") or "hours" not in groups:
            return None
        return Reading(0.9, stores=True, groups=groups, label=_label(groups, today))
    total = _TOTAL_TACKED_ON.search(folded, amount.span[1])
    if total is not None and not _MAY_IT.search(folded[: total.start()]):
        # "昨天 入户 2h 对了你们这个能看到我总共多少了不": the entry, then the month's total (the reply shows it)
        groups = parsed_groups(folded[: total.start()], today)
        if groups.get("two_amounts") or groups.get("ask_day") or groups.get("two_days") or "hours" not in groups:
            return None
        return Reading(0.9, stores=True, groups=groups, label=_label(groups, today))
    if _MAY_IT.search(folded):
        groups = parsed_groups(_MAY_IT.sub(" ", text), today)
        if "hours" not in groups or groups.get("two_days"):
            return None
        return Reading(0.85, groups={**groups, "may_i": True}, label=_label(groups, today))
    return None


# A stretch that ends now ("一点开始巡查 干到现在", "1:30到现在").
_UNTIL_NOW = re.compile(r"(?:(?<=[到至])(?:现在|刚才|刚刚|这会儿?|目前)|(?:一直)?(?:干|忙|弄|搞|守|巡)?到(?:现在|刚才|刚刚|这会儿?))(?!\s*(?:还|没|仍|也没))")
# "…两个钟头 不是今天的": the day is not today, and not said.
_NOT_TODAY = re.compile(r"(?:但|可)?不是今(?:天|儿个?|日)(?:的|干的|弄的|做的)?")
# Service still going on ("九点开始值守 一直到现在还没完事呢"): nothing to log yet.
_ONGOING = re.compile(r"还没(?:完事|完|结束|弄完|干完|忙完|下班|收工)|到现在(?:还)?(?:没|在)|还在(?:值|巡|忙|干|守)")
# The end (or length) forgotten ("七点开始 几点完的忘了"): told, not asked; the bot asks for the hours.
_FORGOT_TIME = re.compile(r"(?:几点|多久|多长时间)[^，。,]{0,4}忘了|忘了(?:是)?(?:几点|多久|多长时间)")


def read_log(text: str, ctx: Context) -> Reading | None:
    """An hours entry: sure with an amount and a service context, tentative when either is in doubt."""
    if _UNTIL_NOW.search(text) and re.search(r"\d\s*[点:：]|[一二两三四五六七八九十]点", text):
        # "下沉服务 1：30到现在": the stretch ends now
        text = _UNTIL_NOW.sub(f"到{ctx.now.hour}:{ctx.now.minute:02d}", text)
    folded = fold(text)
    if _TASK_FIRST.match(folded) or reports.opens_with_ticket(folded):
        return None  # "任务 #7 …铲了一下午", "14号那个今天又去了一趟…": a note on that task or ticket
    if (served := cut_short(text)) is not None:
        text, folded = served, fold(served)  # "本来排了4小时值班 临时有事只值了一个半": what was served
    theirs = ANOTHERS_AMOUNT.search(folded)
    if theirs is not None and re.search(r"俺|我", folded[theirs.end():]):
        # "老刘巡了仨钟头 俺跟着巡了后头两个钟": their time set aside, the sender's is what is left
        folded = f"{folded[: theirs.start()]} {folded[theirs.end():]}"
        text = ANOTHERS_AMOUNT.sub(" ", text, count=1)
    if _FAMILYS_WORK.search(folded) or rules.asks_for_a_text(folded):
        return None  # a relative's work; or a text to write ("帮我写个本月下沉工作小结 …一共下沉了22个钟头")
    aim = _MONTHS_AIM.search(folded)
    if aim is not None and read_amount(folded[aim.end():]) is not None:
        # "月底前要凑够20个钟 先把周二的登了 走访…3.5个小时": the month's aim set aside, the entry is what is left
        folded = f"{folded[: aim.start()]} {folded[aim.end():]}"
        text = _MONTHS_AIM.sub(" ", fold(text), count=1)
    today = ctx.now.date()
    waiting = ctx.recall(ASKED_DAY)
    if waiting is not None and waiting.get("hours") and len(folded) <= 14 and read_amount(folded) is None:
        # "上周三", "11月15号" after "是哪一天的服务？": the day the amount was waiting for
        try:
            day, words, _ = find_date(folded, today)
        except DateError:
            day, words = None, ""
        if day is not None and len(re.sub(r"[\s的吧啊呀那天就是。.!！]", "", folded.replace(words, ""))) <= 2:
            groups = {"hours": waiting["hours"], "note": waiting.get("note", ""), "day": day.isoformat()}
            return Reading(0.95, stores=True, groups=groups, label=_label(groups, today))
    asked = ctx.recall(ASKED)
    if asked is not None and _not_an_answer(folded, ctx):
        asked = None
    bare = _bare_amount(folded)
    dated = _DAY_BEFORE_NUMBER.match(folded)
    dated_after = _DAY_AFTER_NUMBER.search(folded) if dated is None else None
    if bare is None and (dated or dated_after):
        # "今天 3.5", "1个半 昨天的": a bare amount for the day named
        bare = _bare_amount(folded[dated.end():] if dated else folded[: dated_after.start()])
    day_said = (folded[: dated.end()] if dated else folded[dated_after.start():]) if (dated or dated_after) else ""
    if asked is not None:
        # "就算3个半吧", "按两个钟头记": the amount asked for, with how to count it said around it
        folded = re.sub(r"^(?:那)?(?:就)?(?:算|按|记)(?:个)?\s*", "", folded)
        bare = _bare_amount(folded) if bare is None else bare
        amount = read_amount(folded)
        worded = BARE_WORD_NUMBER.match(folded)
        if bare is None and worded is not None:
            bare = _numeral(worded["num"])
        hours = bare if bare is not None else (amount.hours if amount is not None and amount.kind == "exact" else None)
        if hours is not None and (asked.get("amount_refused") or not CORRECTION.search(folded)) and len(folded) <= 20 \
                and not _relative(folded) and not WEEK_TOTAL.search(folded):  # "这礼拜一到三 每天值班2小时" is no one day's answer
            groups = {"hours": hours, "note": asked.get("note", "")}
            if day_said and bare is not None:
                groups["day"] = parsed_groups(day_said, today).get("day", asked.get("day") or today.isoformat())
            elif asked.get("day"):
                groups["day"] = asked["day"]
            return Reading(0.95, stores=True, groups=groups, label=_label(groups, today))
        if amount is not None and amount.kind == "vague" and len(folded) <= 18:
            # "一上午吧" to "是几个小时？": still no number, asked again
            groups = {"vague": True, "note": asked.get("note", ""), **({"day": asked["day"]} if asked.get("day") else {})}
            return Reading(0.9, groups=groups)
    amount_said = folded[dated.end():] if dated else folded[: dated_after.start()] if dated_after else folded
    if bare is not None and (BARE_HALF.match(amount_said) or "." in folded):
        # "一个半", "2.5" out of the blue: hours, or something else? Asked, never stored on a guess.
        day = parsed_groups(day_said, today).get("day", today.isoformat()) if day_said else today.isoformat()
        groups = {"hours": bare, "note": "", "day": day}
        return Reading(0.55, stores=True, groups=groups, label=_label(groups, today))
    asked_text = _COMPANY.sub(" ", folded)
    late = _STILL_LOGGABLE.search(folded)
    if late is not None and _WANTS_LOGGED.search(folded):
        # "我想登一下…你看能不能补上去": asked for outright, the entry is read as any other
        text = folded = _STILL_LOGGABLE.sub(" ", folded)
        asked_text = _COMPANY.sub(" ", folded)
    elif late is not None and (said := read_amount(folded)) is not None and said.kind == "exact" and not _FORMAT_ASKED.search(folded):
        # "9月28号…那次 服务3小时 还能补登不": asking to log it. The handler says whether the day may still be
        # logged, and offers the entry; nothing is stored on a question.
        if FOR_SOMEONE_ELSE.search(folded):
            return Reading(0.85, groups={"for_someone_else": True})  # "老刘跟我说他…五个钟头 这数能直接填不"
        groups = parsed_groups(_STILL_LOGGABLE.sub(" ", folded), today)
        return Reading(0.85, groups={**groups, "may_i": True}, label=_label(groups, today))
    vaguely = (said := read_amount(folded)) is not None and said.kind == "vague" and STRONG_SERVICE.search(folded) is not None
    if COUNTS_ASKED.search(folded) and (_NOT_SERVICE.search(folded) or not (SERVICE.search(folded) and (has_amount(folded) or vaguely))):
        # "开会算不算时长", "培训那3个小时能不能算进时长里": what counts, not an entry and not a conduct rule.
        return Reading(0.9, groups={"counts": "no" if _NOT_SERVICE.search(folded) else "ask"})
    if COUNTS_ASKED.search(folded) and late is None and re.search(r"(?:吗|么|嘛|不|没|吧)\s*[?？]?\s*$|[?？]", folded) \
            and not _LOG_ASKED_FOR.search(folded):
        # "巡逻1个钟头也算下沉服务不": it does, and the entry is offered; a question stores nothing by itself.
        groups = parsed_groups(COUNTS_ASKED.sub(" ", folded), today)
        return Reading(0.85, groups={**groups, "may_i": True}, label=_label(groups, today))
    if (logged := _logging_asked(text, folded, ctx)) is not None:
        return logged
    if QUESTION.search(asked_text) and (len(asked_text) <= LONG_TEXT or is_question(asked_text)) and not _LOG_THEN_MAY_I.search(folded):
        return None  # (a long run-on that does not end asking tells what was done)
    amount = read_amount(folded)
    # Asking to log ("记一下", "登上") names no service: "上午俩小时 记一下" is still a bare amount.
    service = SERVICE.search(LOG_WORDS.sub(" ", folded)) is not None
    # "在接种点引导排队": service, not a complaint; nor a wait told beside the service ("公交等了四十分钟").
    unqueued = reports.without_kept_queues(folded)
    if amount is not None and amount.kind == "exact":
        unqueued = LASTED_AMOUNT.sub(
            lambda found: found.group(0) if found.start() < amount.span[1] and amount.span[0] < found.end() else " " * len(found.group(0)),
            unqueued)
    # (a problem told first is the cause of the service when the sender asks for the hours to be logged:
    # "两户因为漏水吵起来了我过去调解了好半天 前前后后三个小时整 帮我记上哈")
    complaint = COMPLAINT.search(unqueued) is not None or (
        _problem_first(unqueued) and not (_LOG_ASKED_FOR.search(folded) and amount is not None and amount.kind == "exact" and service)
        and not reports.already_reported(folded))  # "…发现两户燃气管老化 已经随手拍报上去了": the service is what is left to log
    if amount is None and service and _ONGOING.search(folded) and ACTIVITY.search(folded) and not complaint:
        return Reading(0.85, groups={**parsed_groups(text, today), "planned": True})  # "九点开始值守 一直到现在还没完事呢"
    if amount is None and (is_question(asked_text) and not _FORGOT_TIME.search(folded) or UNDO.search(folded)):
        return None  # "陪餐的能去几个", "入户去不了 能找人替我去不": no amount, and asking something
    if amount is None and ACTIVITY.search(folded) and not complaint and len(folded) <= 24 \
            and re.search(r"(?:登记|登|记)(?:一下|下|个)?(?:服务)?(?:时长)?\s*(?:吧|呗|啊)?[。.!！]*$", folded):
        return Reading(0.85, groups={"missing": True, **parsed_groups(text, today)})  # "刚从6栋入户回来 登记一下时长"
    if amount is None and re.match(r"(?:时长登记|登记时长|补登|登记|服务|下沉)", folded) and not complaint and len(folded) <= 16:
        return Reading(0.85, groups={"missing": True, **parsed_groups(text, today)})
    if amount is None:
        # "今天上午入户走访了": service done, amount missing: ask for it, store nothing.
        unknown = re.search(r"多长时间|多久|没顾上看|没看时间|没看表|没记时间|时间没记|忘了几个", folded) is not None or _FORGOT_TIME.search(folded) is not None
        if service and not complaint and not RELAYED.search(folded) and re.search(r"了|今天|昨天|前天|上午|下午|晚上|一直|整天|一天|早上|早晨|今早|一早|晌午|中午|傍晚|夜里|半夜|昨晚|白天|(?:点|:\d\d)多?钟?\s*(?:忙|干|弄|搞|守|巡|值)?到", folded) \
                and len(folded) <= (80 if unknown or _LOG_ASKED_FOR.search(folded) else 30) \
                and ACTIVITY.search(folded):
            # "昨天入户发现刘大爷家燃气管老化了": service, or the problem found? Offered beside a report.
            found_problem = PROBLEM_STATE.search(folded) or reports.problem_at(folded) is not None
            return Reading(0.5 if found_problem else 0.8, groups={"missing": True, **parsed_groups(text, today)})
        return None
    if SEVERAL_VISITS.search(folded) and not EARLIER.search(folded):
        return Reading(0.85, groups={**parsed_groups(text, today), "two_days": True})  # one entry a day: sent apart
    if _NOT_TODAY.search(folded) and amount.kind == "exact" and not EARLIER.search(folded):
        groups = parsed_groups(_NOT_TODAY.sub(" ", text), today)
        if "day" not in groups or groups["day"] == today.isoformat():
            # "巡逻了两个钟头 不是今天的": which day, then? Asked; the amount waits for it.
            groups = {**groups, "ask_day": True}
            groups.pop("day", None)
            return Reading(0.85, stores=True, groups=groups, label=f"登记服务时长（{groups.get('hours', 0):g}小时，日期待写清）")
    told = DAY_CORRECTED.sub(" ", folded)
    if _named_day(folded, today) is not None:
        told = re.sub(r"漏(?:登|记|报|填|写)了?|忘了?(?:登|记|报)", " ", told)  # "10月30号的漏登了 …补一下": late, not wrong
    if (not amount.corrected and CORRECTION.search(told)) or EARLIER.search(folded):
        return None  # "刚才登记错了 应该是3小时", "刚才那个值班的我多报了…改成三个钟头": the edit command's
    if _SOMETHING_ELSE_LASTED.search(unqueued[: amount.span[0]]):
        # "停电了俩钟头", "大爷拉着我唠了一个钟头家常": how long something else lasted. Asked, never stored; with
        # a service named beside it ("入户的时候停电了俩钟头"), what is asked is how long that service took.
        groups = parsed_groups(text, today)
        if ACTIVITY.search(folded) and not RELAYED.search(folded) and not _desk_work(folded):
            return _not_the_service(groups, folded, amount)
        if _ON_THE_WAY.search(folded):
            return None  # "早上堵车堵了一个半钟头 迟到了 唉": the way to work, nobody's service
        return Reading(0.5, stores=True, groups=groups, label=_label(groups, today))
    if _STUCK_WITH_THE_BOT.search(folded):
        return None
    if _LENGTH_OF_A_THING.match(folded, amount.span[1]):
        return None  # "…发言稿 三分钟的就行": how long a speech or a video should be, nobody's service
    if amount.kind == "exact" and amount.hours is not None and amount.hours < TOO_SHORT_TO_TRUST:
        # "服务 3分钟": possible, but more likely a number read wrong; asked, never stored on a guess
        groups = parsed_groups(text, today)
        return Reading(0.55, stores=True, groups=groups, label=_label(groups, today))
    if (_EVENT_LASTED.search(folded[: amount.span[0]]) or (service and per_unit(folded, amount))) \
            and not (PLANNED.search(folded) or PROMISED.search(folded) or RELAYED.search(folded)):
        # "…活动一共搞了4个钟头", "入户走访8户 每户20分钟": the event's length, a time per household
        return _not_the_service(parsed_groups(text, today), folded, amount)
    if _TARGET_BEFORE.search(folded[: amount.span[0]]) or _WHOM_IT_BINDS.search(folded):
        return None  # "还有哪些人时长没够20个钟头的": a target, not time served
    if _TICKET_STEP.search(folded):
        return None  # "#7 进展 上门…沟通了一个小时": a step of that ticket, the reports capability's
    if _JOURNEY.search(folded) and not SERVICE.search(_JOURNEY.sub(" ", LOG_WORDS.sub(" ", folded))):
        return None  # "坐公交从街道到安居社区坐了一个多钟头 这车太慢了": a journey, nobody's service
    groups = parsed_groups(text, today)
    if _WITH_JOURNEY.search(folded) and "bad_date" not in groups:
        return Reading(0.85, groups={**groups, "vague": True})  # "来回路上加入户 一共三个半钟头": the service alone?
    if "bad_date" in groups:
        return Reading(0.85 if service else 0.5, groups=groups)
    if groups.get("day", "") > today.isoformat() and (RELAYED.search(folded) or _NOTICE.search(folded) or complaint or _SAID_AHEAD.search(folded)):
        # A notice passed on, or someone else's promise ("等施工队等了两小时 还说明天再来"): nobody's hours.
        return None
    if groups.get("day", "") > today.isoformat():
        # A day to come ("后天周六要值守"; the weekday only repeats it): the service says it cannot be logged ahead.
        return Reading(0.85, groups={k: v for k, v in groups.items() if k != "ask_day"})
    if amount.kind == "vague":
        if _ASKS_MAY.search(folded) and not _LOG_ASKED_FOR.search(folded) and not LOG_WORDS.search(folded):
            return None  # "下沉的时候能不能穿运动鞋啊…走一天脚疼": a question about the work, not an entry
        # Never a guess into the hours table: a sure reading that asks for the exact number.
        return Reading(0.85 if service and not complaint else 0.45, groups=groups)
    if amount.kind == "ambiguous":
        # "今天4个点": hours or posts? Asked; picking the hours option logs the number as hours.
        points = ambiguous_hours(folded)
        if points is not None and "hours" not in groups:
            groups = {**groups, "hours": points}
            return Reading(0.55, stores=True, groups=groups, label=_label(groups, today))
        return Reading(0.55, stores=True, groups=groups, label="登记服务时长")
    if FOR_SOMEONE_ELSE.search(folded) or _names_another(folded, ctx):
        return Reading(0.85, groups={**groups, "for_someone_else": True})
    if groups.get("two_days") and not (complaint and _problem_first(unqueued)):
        # one entry is one day: the handler says to send them apart (a problem that came back today is no second day)
        return Reading(0.85, groups=groups)
    plan = PLANNED.search(folded)
    if plan is not None and plan.start() >= amount.span[1] and read_amount(folded[amount.span[1]:]) is None \
            and _PLAN_AFTER.search(folded, amount.span[1]):
        plan = None  # "今天上午入户２小时，下午还得去值班，回来再说": the morning is done; what comes later has no hours yet
    if PROMISED.search(folded) or plan is not None and not PLAN_CHANGED.search(folded) and not _LOG_DONE_PART.search(folded) \
            and groups.get("day", today.isoformat()) == today.isoformat():
        return Reading(0.85, groups={**groups, "planned": True})
    if groups.get("day", today.isoformat()) == today.isoformat() and (end := latest_clock(folded)) is not None \
            and end > ctx.now.hour + ctx.now.minute / 60 and not PLAN_CHANGED.search(folded):
        return Reading(0.85, groups={**groups, "planned": True})  # "今晚8点到10点网格巡逻": later today
    if TEAM_TOTAL.search(folded):
        return Reading(0.85, groups={**groups, "team_total": True})
    if WEEK_TOTAL.search(folded):
        return Reading(0.85, groups={**groups, "two_days": True})  # "这周一共下沉了9个小时": which days?
    label = _label(groups, today)
    if groups.get("two_amounts"):
        return Reading(0.55, stores=True, groups=groups, label=label)  # which amount is meant? Ask.
    if groups.get("ask_day"):
        # "11月上旬的某天", "前几天巡逻了2小时": which day? Never today by default. Service told plainly: the day is
        # asked at once (the amount waits for it); otherwise choosing this asks for the day.
        groups.pop("day", None)
        if service and not complaint and not office_work(folded, amount):
            return Reading(0.85, groups=groups)
        return Reading(0.45, stores=True, groups=groups, label=f"登记服务时长（{groups['hours']:g}小时，日期待写清）")
    office = office_work(folded, amount)
    if RELAYED.search(folded) or CHAT_REPLY.search(folded) or (ORGANISED.search(folded) and not MINE_TOO.search(folded)):
        # "【转发】李娜：今天上午入户走访3小时", "群里刘主任说 昨晚巡逻的每人按2小时记": someone else's words. Ask.
        return Reading(0.5, stores=True, groups=groups, label=label)
    if service and not complaint and not office:
        return Reading(0.9, stores=True, groups=groups, label=label)
    if office or (complaint and not service):
        return Reading(0.55 if office else 0.5, stores=True, groups=groups, label=label)
    # An activity the reader does not know ("医保缴费动员挨家挨户敲门"), or service beside what sounds like a
    # complaint, is CONTEXT_DOUBT (the router's phrasing model may settle it); an amount with nothing but a
    # day, a place or a person ("今天上午在安居社区 3小时", "周一在王奶奶那儿2h") is only a bare amount. Ask.
    told = _ACTIVITY_LEFT.sub("", groups.get("note", ""))
    return Reading(0.6 if service or len(told) >= 4 else 0.55, stores=True, groups=groups, label=label)


def _desk_work(text: str) -> bool:
    """Desk work is named: a strong sign of it, or an office word with no sign of the grid or its people."""
    return STRONG_OFFICE.search(text) is not None or (OFFICE.search(text) is not None and GRID.search(text) is None)


# Desk work said not to count ("回来还写了材料那个不算啊 就调解本身2小时15分钟"): what is logged is the rest.
_DESK_LEFT_OUT = re.compile(r"(?:写了?|整理了?|弄了?|开了?|参加了?)?(?:材料|会|会议|培训|报表)[^，。,]{0,6}?(?:不算|不用算|不计|不登|不记)(?:啊|吧|的)?")


def office_work(folded: str, amount) -> bool:
    """Desk work, of the part that counts ("后面开会那1小时就不算了": the meeting is not what is logged)."""
    told = set_apart(folded, amount)
    if amount.clock is None and not re.search(r"\d\s*[点:：]|[一二两三四五六七八九十]\s*点", folded):
        told = _DESK_LEFT_OUT.sub(" ", told)  # (a clock's stretches may include the desk work: then it is asked)
    return _desk_work(told)


def _not_the_service(groups: dict, folded: str, amount) -> Reading:
    """An amount that measures something else beside a service: the service's own hours are asked for."""
    kept = {k: v for k, v in groups.items() if k not in ("hours", "two_amounts")}
    return Reading(0.8, groups={**kept, "missing": True, "lasted": folded[amount.span[0]: amount.span[1]].strip()})


# What makes a time of the clock said alone a correction of the stretch just logged
_CLOCK_FIXED = re.compile(r"不对|不是|错|更正|其实|实际|应该|应是|改|才到|才来|就走|结束是|开始是|是到|到点")


def _clock_edit(folded: str, ctx: Context) -> Reading | None:
    """"哦不对 是到十点半" right after "巡逻八点到十点": the end (or start) of that stretch moved."""
    if ctx.recall(LAST_CLOCK) is None or not _CLOCK_FIXED.search(folded) or has_amount(folded):
        return None
    said = clock_said(folded)
    if said is None:
        if re.search(r"(?:结束|开始|到)\D{0,12}(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*点\s*多", folded):
            return Reading(0.9, groups={"clock_vague": True})  # "结束不是四点半 好像是五点多"
        return None
    which, value = said
    if value is None:
        return Reading(0.9, groups={"clock_vague": True})
    return Reading(0.95, stores=True, groups={f"clock_{which}": value})


_NOT_BUT = re.compile(r"^(?:不对\s*)?不是\s*[^\s,，]{1,10}\s*[,，]?\s*(?:而)?是\s*(?:\d|[一二两三四五六七八九十半俩仨]|昨|前|今|上|周|礼拜|星期)")


def read_edit(text: str, ctx: Context) -> Reading | None:
    """A correction of the entry just logged."""
    folded = fold(text)
    if (moved := _clock_edit(folded, ctx)) is not None:
        return moved
    not_but = _NOT_BUT.match(folded) is not None and ctx.recall(LAST_ENTRY) is not None  # "不是30号 是31号"
    if not (CORRECTION.search(folded) or EARLIER.search(folded) or not_but) or CHECKS_ENTRY.search(folded) \
            or re.search(r"[?？]|吗|怎么|咋", folded) and not re.search(r"[?？]\s*(?:应该|应是|其实|实际|改成)", folded):
        return None
    if SEVERAL_ENTRIES.search(folded):
        return Reading(0.9, groups={"several": True})  # "两条都改成2.5": only the last one can be changed here
    if _relative(folded):
        return Reading(0.9, groups={})  # "不对 少了半个钟": 3.5, or 2.5 done? The handler asks what it should be.
    if re.search(r"(?:多|少)(?:记|写|登|报|填|算|打|输|按)了?(?!成)|没算上|没算进|加上|再加|补上|减掉|减去|去掉|漏(?:报|记|登|填|写|算)了?|忘了?算", folded) \
            and not re.search(r"应该|应是|应为|实际|其实|改成|改为|改到|是\s*(?:\d|[一二两三四五六七八九十半])", folded):
        # "多记了一个钟头", "少记了半小时": by how much, not to how much; the handler works it out.
        amount = read_amount(folded)
        if amount is None and ctx.recall(LAST_ENTRY) is not None and len(folded) <= 16:
            return Reading(0.9, groups={})  # "多记了 帮俺改改": the entry just logged; the handler asks what it should be
        if amount is None or amount.kind != "exact":
            return None
        if _SOMEONE_ELSES.search(folded):
            return Reading(0.9, groups={"someone_elses": True})  # "再加上小张的一个钟": not the sender's to add
        if re.search(r"漏(?:报|记|登|填|写|算)|忘了?算", folded) and (_named_day(folded, ctx.now.date()) or ACTIVITY.search(folded)):
            return None  # "10月30号巡逻2小时 上个月漏登了 还能补不": an entry of its own, late, not a part left out
        sign = -1 if re.search(r"多(?:记|写|登|报|填|算|打|输|按)|减掉|减去|去掉", folded) else 1
        return Reading(0.9, stores=True, groups={"delta": sign * amount.hours})
    if _UNDO_AT_END.search(folded) and re.search(r"不要了|压根没|根本没|没去|没干|取消了|作废", folded):
        return None  # "刚才那条登错了…给我撤了吧不要了 我今天压根没去": the entry taken back, not corrected
    target = _correction(folded, ctx.now.date())
    if target is None:
        return None
    last = ctx.recall(LAST_ENTRY)
    if last is not None:
        return Reading(0.95, stores=True, groups=target)
    if STRONG_CORRECTION.search(folded):
        # No entry just logged in this conversation: the handler looks for the last one allowed.
        return Reading(0.85, stores=True, groups=target)
    return None


_SOMEONE_ELSES = re.compile(r"(?:小|老)[\u4e00-\u9fff]的|(?:他|她|他们|她们|别人|同事|人家)的")


# By how much, not to how much, without saying which way ("不对 少了半个钟": 3.5, or 2.5 done?).
_SHORT_OR_OVER = re.compile(r"(?:少|多)了\s*(?:\d|[一二两三四五六七八九十半俩仨])")
_TO_HOW_MUCH = re.compile(r"(?:多|少)(?:记|写|登|报|填|算)|应该|应是|应为|实际|其实|改成|改为|改到")


def _relative(folded: str) -> bool:
    return _SHORT_OR_OVER.search(folded) is not None and _TO_HOW_MUCH.search(folded) is None


# More than the last entry named ("两条都改成2.5", "这两条都改"): one correction changes one entry.
SEVERAL_ENTRIES = re.compile(r"(?:两|俩|几|这两|这几|所有|全部)条(?:都|全)?|都改成|全改成|全都改")
_HOURS_AND_RANGES = re.compile(r"小时|钟头|个钟|分钟|点.{0,4}(?:到|至)")


def _correction(folded: str, today: date) -> dict | None:
    """What the entry should be: {"hours": 2.0} and/or {"day": "…"}; None when nothing is named."""
    right_first = re.search(r"是(?P<right>.{1,12}?)[,，\s]*(?:而)?不是", folded)
    # "不是三个小时是两个半小时 就是中间有半个钟头…": the amount right after 不是…是 is the right one.
    right_after = re.search(r"不是[^,，。\s]{1,10}?(?:而)?是(?P<right>.{1,12})", folded)
    cues = list(re.finditer(r"改成|改为|改到|改一下|改下|改个|改|应该是|应是|应为|应该为|应该|应当|不对|更正为?|其实是|实际是|是", folded))
    cue = cues[-1] if cues else None
    if cue is not None and read_amount(folded[cue.end():]) is None and not re.search(r"\d|[一二两三四五六七八九十俩仨半]", folded[cue.end():]):
        # "…其实是两个半钟头帮我改一下": the last cue names no amount; the last one followed by an exact amount does
        cue = next((c for c in reversed(cues) if (a := read_amount(folded[c.end():])) is not None and a.kind == "exact"), cue)
    # "是两个小时不是三个": the amount before 不是 is the right one.
    tail = right_first["right"] if right_first else folded[cue.end():] if cue else folded
    if right_after is not None and (said := read_amount(right_after["right"])) is not None and said.kind == "exact" \
            and not re.search(r"改成|改为|改到", folded[right_after.end():]):
        tail = right_after["right"]
    amount = read_amount(tail)
    if amount is None and not re.search(r"\d|[一二两三四五六七八九十俩仨半]", tail) and read_amount(folded) is not None \
            and len(_HOURS_AND_RANGES.findall(folded)) <= 1:
        tail, amount = folded, read_amount(folded)  # "应该是9点到10点半 改一下": the cue came after the amount
    groups: dict = {}
    day = _named_day(tail, today) or _day_of_month_past(tail, today)
    if re.search(r"日子|日期|哪天|哪一天|几号", folded):
        # "登的是今天的 其实是昨天晚上的…日子写错了": the day said after the last 是 / 其实是 is the right one.
        said = [d for cue in re.finditer(r"其实是|实际是|应该是|应是|改成|改为|改到|(?<![不还])是", folded)
                if (d := _named_day(folded[cue.end():cue.end() + 12], today)) is not None]
        day = said[-1] if said else day
    if day is not None and re.search(r"日子|日期|哪天|哪一天|几号", folded):
        return {"day": day.isoformat()}  # "日子记错了 应该是11.15": the day was wrong, and 11.15 is a date
    dotted = re.search(r"(?<![\d.])(?P<m>\d{1,2})\.(?P<d>\d{2})(?![\d.]|\s*(?:个)?(?:小时|钟|h))", tail)
    if day is not None and dotted and int(dotted["m"]) in (today.month, (today.month - 2) % 12 + 1):
        return {"day": day.isoformat()}  # "写错 是11.13": a month and a day of this month or the last, not 11.13 hours
    if amount is not None and amount.kind == "exact":
        groups["hours"] = amount.hours
    else:
        bare = re.search(r"(?P<num>(?:\d{1,2}(?:\.\d+)?|[一二两三四五六七八九十]{1,2})(?:个半)?)\s*个?(?:钟头|钟)?\s*$",
                         tail.strip(" 吧了的。.!！").replace("俩", "两").replace("仨", "三"))
        if bare and not re.search(r"[天日号月周]|礼拜|星期", tail):
            raw = bare["num"]
            half = raw.endswith("个半")
            raw = raw.removesuffix("个半")
            try:
                value = float(raw) if raw[0].isdigit() else float(cn2an.cn2an(raw, "smart"))
            except ValueError:
                value = None
            if value is not None:
                groups["hours"] = value + (0.5 if half else 0)
    told_apart = tail[: amount.span[0]] + " " + tail[amount.span[1]:] if amount is not None else tail
    if day is not None and ("hours" not in groups or _named_day(re.sub(r"今(?:天|日|儿个?)|\d+(?:\.\d+)?", " ", told_apart), today) is not None):
        groups["day"] = day.isoformat()  # "不对不对 是昨天 一个半小时": the day and the amount, both corrected
    return groups or None


def _day_of_month_past(text: str, today: date) -> date | None:
    """"是31号" correcting an entry on the 18th: a bare day of the month later than today is last month's."""
    found = re.search(r"(?<![\d月.])(\d{1,2})\s*[号日](?!\s*(?:楼|栋|院|门|网格))", text)
    if found is None or int(found[1]) <= today.day:
        return None
    last_month = today.replace(day=1) - timedelta(days=1)
    try:
        return last_month.replace(day=int(found[1]))
    except ValueError:
        return None


def _named_day(text: str, today: date) -> date | None:
    try:
        day, _, _ = find_date(text, today)
    except DateError:
        return None
    return day


# "…结果根本没去成因为下雨活动取消了帮我撤掉吧": the story first, the undo asked for at the end; or asked for
# plainly and the reason told after ("…给我撤了吧不要了我今天压根没去").
_UNDO_AT_END = re.compile(r"(?:帮我|给我|麻烦)?(?:撤掉|撤销|撤回|删掉|删了|撤了|去掉)(?:吧|它|那条|这条)?[。.!！]*$"
                          r"|(?:帮我|给我|麻烦)(?:撤掉|撤销|撤回|删掉|删了|撤了|去掉)(?:吧|它|那条|这条)")


# "今天的小课再推一遍呗 刚才手滑给删了": something the sender lost on the phone, nothing to undo here.
_DELETED_BY_MISTAKE = re.compile(r"(?:手滑|不小心|误)\S{0,3}(?:删|撤)|(?:微课|课|题|消息|聊天记录)\S{0,10}(?:给|被)删")


def read_undo(text: str, ctx: Context) -> Reading | None:
    folded = normalize(text)
    if not UNDO.search(folded) or re.search(r"[?？]|吗|怎么|咋|啥|什么|哪|如何|是发|该发", folded) or _DELETED_BY_MISTAKE.search(folded) \
            or (len(folded) > 24 and not _UNDO_AT_END.search(folded)):
        return None
    if ctx.recall(LAST_ENTRY) is not None or UNDO_CONTEXT.search(folded):
        return Reading(0.9, stores=True)
    return Reading(0.5, stores=True)


# Hours that are not one's own service: a journey ("高铁从咱县到省城要几个小时"), or how to write an entry.
_NOT_ONES_TOTAL = re.compile(_JOURNEY.pattern + r"|飞机|航班|开车|路上|从.{1,10}到.{1,10}(?:要|得|需要)|格式|怎么发|咋发|怎么写|咋写|发了.{0,4}不对")


def read_mine(text: str, ctx: Context) -> Reading | None:
    """One's own total: 这个月还差多少, 还差几个小时, 上个月时长, 我这个月下沉了几个小时."""
    folded = fold(text)
    if len(folded) <= 8 and CHECKS_ENTRY.search(folded) and re.search(r"登|记", folded):
        return Reading(0.9, groups=_month_groups(None))  # "登上了没？": the entries are shown
    if not HOURS_TOPIC.search(folded) or re.search(r"能算|算不算|怎么算|咋算|算吗|这算|(?:怎么|咋|如何)(?:个)?(?:登记|登|填)|算(?:服务|下沉)时长|按.{0,8}算|计入|谁|随手拍|反映|投诉|举报|答题|微课|定时|\d+\s*件", folded) \
            or _NOT_ONES_TOTAL.search(folded) or _named_hours_asked(folded, ctx) \
            or _SUMMARY_NAMED.search(folded) and not re.search(r"我的|俺的|我自己|俺自己|我本人", folded):
        return None
    if CHECKS_ENTRY.search(folded) and not re.search(r"你|他|她|@", folded) and not TEAM.search(folded):
        return Reading(0.9, groups=_month_groups(find_month(folded, ctx.now.date())))
    if (RULE_ASKED.search(folded) or re.search(r"每(?:周|月|天|年|次|个月)|需要|得.{0,3}几|一个?(?:月|年|周|礼拜|星期)(?:得|要|必须|至少)", folded)) \
            and not re.search(r"我|俺|咱", folded):
        return None  # "每月20小时是硬性要求吗", "每周要巡逻几个小时": a question about the rule
    if TEAM.search(folded) and not re.search(r"我自己|我本人|俺自己|不用全|不要全", folded) and (not re.search(r"(?<![帮给])我(?!们)|(?<![帮给])俺(?!们)", folded)
                                or re.search(r"各(?:网格|社区|单位)|大家|大伙|全街道|所有人|哪些人|谁", folded)):
        return None
    if re.search(r"时长统计|统计表|汇总", folded) and not re.search(r"我的|俺的|我自己|俺自己|我本人", folded):
        return None  # "给我看看时长统计": the leaders' summary, asked for (and refused to a cadre)
    amount = read_amount(folded)
    month = find_month(folded, ctx.now.date())
    if (amount is not None or len(folded) > 24 and not is_question(folded)) and re.search(r"(?:给我|帮我|帮忙)(?:记|登)|记一下|记上|登一下|登上吧", folded):
        return None  # "…大概走了三个多小时 累够呛 给我记一下时长", "…一点开始…一直站到现在…记一下时长": an entry
    asks = re.search(r"[?？]|是不是|是否|多少|多久|多长|(?<!好)几|没$|没有$|吗|查|(?<![去来])看(?![了望过见到])|还差|还得|还要|够(?!呛)|统计|汇总|呢$|达没达|报个数|报一下", folded) is not None
    if amount is not None and SERVICE.search(folded) and not re.search(r"我的|还差|够|(?<!好)几个|多少|多久|多长", folded):
        return None  # "入户走访好几个小时": service told, not a question about one's total
    if amount is not None and amount.kind == "exact" and not re.search(
        r"够\s*\d|到\s*\d|满\s*\d|距离|离\s*\d|还差|\d+\s*(?:个)?小时(?:了)?(?:没|吗|了没)|(?:是不是|是否)(?:才|只|就)(?:登|记|有)了", folded
    ):
        return None  # "我今天服务了2个小时" is a log
    if MINE.search(folded) and asks:
        return Reading(0.9, groups=_month_groups(month))
    if asks and len(folded) <= 16 and not re.search(r"违规|违纪|可以|能|允许|超过|以上|以内|之内|要求|应该|开会|会议", folded):
        # "积分多少", "这个月时长呢": one's own figures, asked short.
        return Reading(0.85, groups=_month_groups(month))
    if month is not None and re.fullmatch(
        r"(?:今年|(?:我|俺)(?:的)?)?(?:上个月|上月|本月|这个月|\d{1,2}月份?|[一二三四五六七八九十]{1,2}月份?)的?(?:服务|下沉)?(?:时长|记录|积分)", folded
    ):
        return Reading(0.9, groups=_month_groups(month))
    if re.search(r"我(?!们)|俺(?!们)", folded) and re.search(r"累计|记录|积分|时长", folded) and len(folded) <= 14:
        return Reading(0.85, groups=_month_groups(month))  # "我目前累计时长", "我上个月的记录"
    return None


# The summary named in a long message ("…看一下大家的时长统计…", "…你给我看看谁还没达标我好提醒一下").
_SUMMARY_NAMED = re.compile(r"时长统计|时长汇总|(?:看看|看下|查查|查下|列出|统计一下).{0,6}谁(?:还)?没(?:有)?达标"
                            r"|(?:哪些|哪几个|几个)(?:同志|人|干部|同事|网格员).{0,12}没(?:有)?达标|没达标的(?:名单|人|同志)")


# Someone else's hours asked for by name ("帮我看看李娜这个月登了多少", "李娜和张伟这个月时长各多少").
_THEIR_HOURS = re.compile(r"时长|登了(?:多少|几)|多少(?:个)?(?:小时|钟头)|几个(?:小时|钟头)|达标|够(?:不够|了没|数)|积分|(?:服务|下沉|干)了多少|还差")


def _named_hours_asked(folded: str, ctx: Context) -> bool:
    if ctx.person is None or not _THEIR_HOURS.search(folded) or re.search(r"统计", folded):
        return False
    said = read_amount(folded)
    if said is not None and said.kind == "exact" or not (is_question(folded) or re.search(r"看看|看下|查查|查下|查一下|看一下|多少|几", folded)):
        return False
    if _NICKNAME_FIRST.match(folded):
        return True  # "小张这个月下沉多少小时了": a colleague called as colleagues call each other
    others = [p for p in people_named(ctx.session, folded, None) if p.id != ctx.person.id]
    return bool(others)


_NICKNAME_FIRST = re.compile(r"(?:小|老)(?![区时组队人家乡百年])[一-鿿](?:同志|他|她)?(?:这个月|这月|上个月|上月|本月|的|时长|下沉|服务|登)")


_MONTH_AFTER = re.compile(r"^(?:那)?((?:上个?月|本月|这个?月|\d{1,2}月份?|[一二三四五六七八九十]{1,2}月份?))的?(?:呢|啊|咋样|怎么样)?[?？。.!！]*$")
_WHOLE_LIST = re.compile(r"^(?:要|发|看|给我)?(?:全部|全部的|全部名单|完整的|完整名单|都发|都要|全要|全发|所有人的?)(?:吧|呗|发我|发来|看看)?[。.!！]*$")


def read_team(text: str, ctx: Context) -> Reading | None:
    """The leaders' summary, however asked."""
    folded = fold(text)
    folded = re.sub(r"时常(?=.{0,3}(?:咋样|怎么样|统计|情况|多少|够|达标))", "时长", folded)  # 时常 typed for 时长
    shown = ctx.recall(SUMMARY_SHOWN)
    if shown is not None and (month := _MONTH_AFTER.match(folded)) is not None:
        # "上个月的呢" right after the summary: that month's
        found = find_month(month.group(1), ctx.now.date())
        return Reading(0.9, groups=_month_groups(found)) if found else None
    if shown is not None and re.match(r"^(?:那)?哪个(?:社区|单位|网格|科室)(?:最差|最好|垫底|倒数第一|排最后|最少)", folded):
        return Reading(0.9, groups={"month": shown["month"]} if shown.get("month") else {})  # "哪个社区最差" after the summary
    if shown is not None and _WHOLE_LIST.match(folded):
        # "全部" right after the short summary: the whole list of that month
        return Reading(0.95, groups={"everyone": True, **({"month": shown["month"]} if shown.get("month") else {})})
    if _named_hours_asked(folded, ctx):
        return Reading(0.85, groups=_month_groups(find_month(folded, ctx.now.date())))
    if not (TEAM.search(re.sub(r"谁(?:也|都)", " ", folded)) and TEAM_TOPIC.search(folded)) or re.search(r"我的|俺的|我(?!们).{0,4}时长(?!统计)|我自己|我本人|不用全|反映|随手拍|投诉|工单", folded) \
            or (len(folded) > 32 and not _SUMMARY_NAMED.search(folded)):
        return None
    if re.search(r"能算|算不算|怎么算|规定|要求", folded):
        return None
    said = read_amount(folded)
    if said is not None and said.kind == "exact" and SERVICE.search(folded) and not is_question(folded):
        return None  # "社区全体今天创文大扫除 总共40个小时": service told, not figures asked for
    return Reading(0.85, groups=_month_groups(find_month(folded, ctx.now.date())))


def _month_groups(month: tuple[int, int] | None) -> dict:
    return {"month": f"{month[0]}-{month[1]:02d}"} if month else {}
