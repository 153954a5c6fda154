"""What a question asks and what an article must say to answer it.

Each row of ASKED_AND_NEEDED pairs a kind of question (a figure, a person, a place, a form, a fee, a sanction …)
with the words an article needs to settle it: asked of an article without them, the article rules on the
matter and not on what is asked. unstated.py reads this table beside the checks that need more than a pair
of patterns. Every row was found on blind rounds of questions (docs/rules.md).
"""

from __future__ import annotations

import re

# How many or how long, asked of an article that names no number at all (提前几天报, 一个月最多能领几个,
# 多少公里换机油): it rules on the matter, not on the figure asked.
_ASKS_FIGURE = re.compile(
    r"(?<![好这那没有十])(?<!(?<!提)前)几(?:天|年|次|回|公里|块钱|元|小时|分钟|个月)|(?:一天|每天|一次|每次|一个月|每月|一晚)(?:能|给|补|发|有|是)?几[十百千](?:块|元)|多少(?:钱|天|年|次|回|公里|桌|字|块|元|户|学时|课时)|多长时间|多久|上限"
    r"|最多[^，。,.]{0,4}几|有没有(?:个)?(?:数|上限|限额|数量限制|字数限制)|多少(?:合适|合理|比较好|为宜|才行)|(?:随|包|送|给|掏)(?:个)?多少"
    r"|(?:补贴|补助|津贴)[^，。\s]{0,4}多少\s*(?:啊|呀|呢)?[?？]*\s*$"
    r"|(?:一天|每天|一次|每次|一个月|每月|一晚|每晚|一年|每年)[^，。,\s]{0,4}?多少\s*(?:钱)?(?:啊|呀|呢)?[?？]*\s*$"
)
# Points asked (扣几分, 扣多少分) of an article that keeps no score: its minutes (提前5分钟) are no points.
# A score asked (满分是多少分, 一个钟头折几分) of an article that keeps scores (积分制) but states no figure.
_ASKS_POINTS = re.compile(r"(?:几|多少)分(?!钟|之)")
_STATES_POINTS = re.compile(r"(?:\d+|[一二两三四五六七八九十百]+)\s*分(?!钟|之)")
# Someone who is no longer a cadre (老主任离职以后, 退休了的): the rules bind serving cadres.
_FORMER = re.compile(r"(?:退休|离职|辞职|离岗|退下来|辞了|退了)(?:了)?(?:以后|之后|后|的)")
_SPEAKS_OF_FORMER = re.compile(r"退休|离职|辞职|离任")
# The other side will not let the cadre do what the article lays down (人家不让进门 咋整): the article says
# what to do, not what to do when refused.
_OBSTRUCTED = re.compile(r"不让进(?:门|屋|家|去)?|不开门|不给开门|不配合|不让(?:看|查|拍|核)|不给(?:看|查)|拒绝配合|关门不见")
_SPEAKS_OF_OBSTRUCTION = re.compile(r"配合|拒绝|阻挠|阻拦")
# Who decides, asked of an article that names no one to approve or decide: "未经批准" says that someone
# approves, not who.
_ASKS_WHO_DECIDES = re.compile(r"谁说了算|谁拍板|谁(?:来)?定|谁(?:来)?批|找谁批|谁审批|谁同意|谁决定|找谁签|谁(?:来|给)?签(?:字)?")
_NAMES_A_DECIDER = re.compile(r"领导|负责人|审批人|纪工委|党工委|办事处|综合办|主任|书记|居民代表|民主评议|街道审批|报街道")

# Going together (入户走访能两个人一块去不): only an article counting people says.
_ASKS_GOING_TOGETHER = re.compile(r"(?:(?:两|几|多|三)个人|俩人|两人|仨人)(?:一块|一起|结伴|搭伴|去|上门|入户)")

# A deadline let pass (过了一个多月才想起来 还能报不): the article sets it, not what follows missing it.
_PAST_DEADLINE = re.compile(r"(?:过了|超过了|超了|晚了|错过了|拖了)[^，。]{0,10}(?:还能|还可以|还让|还给|还行)"
                            r"|(?:超过|超出|超了|过了)[^，。]{0,8}(?:咋办|怎么办|咋整|咋弄)")
_SPEAKS_OF_LATENESS = re.compile(r"逾期|过期|超期|不予|补办|延期")
# How one is punished (咋处分, 给啥处分), asked of an article that names no penalty; whether one is (会被处分吗)
# is answered by the rule forbidding it.
# A named sanction (会不会被开除, 会被扣分不) is likewise asked of an article that names a penalty: the rule
# forbidding the act does not say which one follows it.
_ASKS_HOW_PUNISHED = re.compile(r"(?:咋|怎么|如何)(?:处分|处罚|罚)|扣(?:啥|什么|多少)(?!钱)|(?:啥|什么)(?:处分|处罚)|处分多重|罚多少"
                                r"|会(?:不会)?(?:被|给)?(?:开除|辞退|撤职|降级|扣分|记过)")

_NAMES_A_PENALTY = re.compile(r"给予|追究|责令|移交|约谈|处分|处罚|通报|批评")

# A sum asked at the end (…多少钱, 能给多少), of an article that states none.
_ASKS_MONEY = re.compile(r"(?:多少钱|多少元|(?:能给|给|补|发|领|报)多少)\s*(?:啊|呀|呢)?[?？]*\s*$")
_STATES_MONEY = re.compile(r"\d+\s*(?:万)?元|[一二两三四五六七八九十百千]+(?:万)?元|\d+\s*块")
_STATES_FIGURE = re.compile(r"\d|(?<!第)[一二两三四五六七八九十百千万半](?:个|天|年|次|名|人|元|菜|桌|分钟|小时|日|周|月|公里|万|千|百|十|条|项)")

# How long or how often, asked of an article whose only figures are sums or counts ("集体资金的账多长时间审一回"
# is not answered by the rule on projects above 5万元).
_ASKS_TIME_FIGURE = re.compile(r"多长时间|多久|(?<![好这那没有十])几(?:个)?(?:天|年|月|小时|钟头|分钟|周|星期|礼拜|晚|宿|夜)|多少(?:个)?(?:天|年|小时|钟头|分钟|晚)|(?:多长|多久)(?:时间)?(?:一回|一次)")
_STATES_TIME_FIGURE = re.compile(r"(?:\d+|[一二两三四五六七八九十半]+)\s*(?:个)?(?:天|日|年|月|小时|分钟|周|工作日)|当天|当日|每月|每年|每季|每周|每天|每个工作日|及时|提前")

# Who pays ("陪着吃的人自己要掏饭钱不", "谁出钱"): only an article that speaks of paying or bearing a cost answers.
_ASKS_WHO_PAYS = re.compile(r"自己(?:要)?(?:掏|出|付|垫)|自掏腰包|自个(?:儿)?(?:掏|出|付)|谁(?:来)?(?:出钱|掏钱|买单|付钱|结账|埋单)|(?:要不要|用不用|得不得)(?:自己)?(?:掏|出|付)钱|AA")
_OVERTIME = re.compile(r"加班(?!\s*(?:值守|值班|巡逻|巡查|入户|走访))")
_SPEAKS_OF_PAYING = re.compile(r"费|钱|报销|支付|承担|交纳|缴纳|自付|付款|结算|个人负担|买单")

# A question asking this (left) is settled only by an article saying that (right): asked of any other, the
# article rules on the matter, not on what is asked.
# A written form (书面假条, 纸质的) or a qualification (考个证) asked of an article that names neither.
_ASKS_FORM = re.compile(r"书面|纸质|假条|请假条|原件|复印件|扫描件")
_NAMES_FORM = re.compile(r"书面|单|表|函|签字|登记|电子|原件|复印")
# The personal-matters report (个人事项报告: 房产, 存款, 家人从业) is a system of its own: a rule that says to
# report a wedding or a spouse's business does not say what goes into that form.
_PERSONAL_MATTERS = re.compile(r"个人(?:有关)?事项")
_ASKS_QUALIFICATION = re.compile(r"考(?:个|张|啥|什么)?证|资格证|上岗证|持证")
# Which form, or whether it can be done online (登记用啥表 网上能填不), asked of an article naming no form.
_ASKS_WHICH_FORM = re.compile(r"(?:用|填|交)(?:啥|什么|哪个|哪张)表|有没有(?:统一的|专门的|固定的|现成的)?[\u4e00-\u9fff]{0,4}表(?:格)?|啥表格|什么表格")
_NAMES_WHICH_FORM = re.compile(r"(?<!代)表|单|网上|线上|系统")
# Online or electronic (低保申请能不能在网上交, 审批单能电子签不): only an article speaking of it says.
_ASKS_ONLINE = re.compile(r"(?:网上|手机上|线上|微信上)(?:能|可以)?(?:填|报|办|交|弄|登记|申请|签)|电子(?:的|版|发票|票|签|章|表格|档)")
_SPEAKS_ONLINE = re.compile(r"网上|线上|系统|电子|平台")
# What points buy (积分能换啥), a repair (电脑坏了 找谁修): only an article that speaks of it answers.
_ASKS_EXCHANGE = re.compile(r"(?:能|可以)?(?:换|兑)(?:啥|什么|点啥|东西)|兑换|(?:用|拿)[\u4e00-\u9fff]{1,4}?(?:换|抵)")
_ASKS_REPAIR = re.compile(r"找谁修|谁(?:来|给)?修|去哪(?:儿|里)?修|(?:咋|怎么)修|(?:能|给)修不|报修|找人修")
# A card's limit (公务卡额度是多少), and being let off part of a rule (请了病假 20小时能少点不).
_ASKS_LIMIT = re.compile(r"(?:额度|限额)(?:是|有)?(?:多少|几)")
_ASKS_EXEMPTION = re.compile(r"能少点|少点不|能不能少|可以少|能减|能免|可以免|能不能免|减免|少算|打个折|能不能照顾"
                             r"|(?:怀孕|怀了|生病|病了|住院|受伤|腿脚不好|哺乳期|孕期|身体不好|年纪大)[^。？?]{0,10}还(?:用|要|得|需要)")

_NAMES_QUALIFICATION = re.compile(r"持证|证书|资格")
# Who does a chore (讲话稿谁来写, 会议记录谁负责), asked of an article that names no one to do it.
_ASKS_WHO_DOES = re.compile(r"谁(?:来|去|负责|管|给)?(?:写|起草|准备|记录|记|整理|打印|布置|通知|组织|张罗|操办|填|登记|登|保管|打分|评分|发|收着|管着)|谁负责|归谁(?:管|保管)|派谁|让谁去|谁去合适|放谁(?:那|手)|谁拿着|在谁(?:那|手)")
_NAMES_A_DOER = re.compile(r"负责|专人|保管|由\S{1,8}(?:统一|安排|承担|保管|办理|出具)|主持人|办公室|综合办|书记|主任|网格员|分管领导|主办单位")

# Pay held back (绩效拖了三个月没发, 补贴一直不到账): an article tying pay to points says nothing of paying late.
_PAY_WITHHELD = re.compile(r"(?:绩效|工资|补贴|补助|津贴|奖金|加班费|值班费|误餐费)[^，。,\s]{0,6}?(?:拖|欠|没发|没到账|不到账|没给|还不发|不发|迟迟|还没到|没到|咋还没|少了|少发|少给)")
_SPEAKS_OF_PAYING_OUT = re.compile(r"发放|拖欠|按时发|到账")

# An objection raised (邻居提了异议 接下来该咋弄), of an article that says only what follows when there is none.
_OBJECTED = re.compile(r"(?:提了|提出|有人提|有人有|有)异议|不服|不认可|有人(?:提|有)(?:了)?(?:意见|反对)|有人反对")
_SPEAKS_OF_OBJECTION = re.compile(r"(?<!无)异议(?!后)|复核|申诉|重新(?:核|评|审)")

# What to wear or how to look (要穿正装不, 上门要戴工牌吗), asked of an article that never speaks of dress.
# How long a paper is kept (走访记录要留几年, 签到表要存多久): only an article on keeping it says.
_ASKS_RETENTION = re.compile(r"(?:留|存|保存|保留|存档|归档)(?:多久|多长时间|几年|几个月|多少年)")
_SPEAKS_OF_KEEPING = re.compile(r"保存|保留|留存|存档|归档|保管期")
# Where a thing goes or is kept (意见箱装哪里, 残值上缴到哪个账户): only an article naming the place says.
_ASKS_PLACE = re.compile(r"(?:装|放|挂|设|锁|存|安)(?:在)?哪(?:里|儿)?(?!个)|(?:哪个|啥|什么)账户|(?:上缴|缴|存|打)到哪")
_NAMES_PLACE = re.compile(r"(?:放|停|存|挂|设|装|锁|缴)(?:在|于|入|至)|保管|指定|账户|仓库|库房")
# Whether one may hold a second post (社区书记能兼网格员不): only an article on holding posts says.
_ASKS_SECOND_POST = re.compile(r"(?:能|可以|能不能|可不可以)(?:同时)?兼(?:任|着|个|一下)?")
# Calendar or working days (公示7天 是算自然日还是工作日): only an article counting in one of them says.
_ASKS_DAY_KIND = re.compile(r"自然日|日历日|工作日还是|还是工作日|算工作日|是工作日|算不算工作日|(?:含|包括|算)(?:不含|不包括|不算)?(?:周末|节假日|双休)")
_NAMES_DAY_KIND = re.compile(r"工作日|自然日|节假日")
# Where to report a colleague (该找谁反映, 举报到哪): only an article naming who takes reports says.
_ASKS_WHERE_TO_REPORT = re.compile(r"(?:找谁|向谁|跟谁|给谁|到哪|去哪|往哪)(?:儿|里)?(?:反映|举报|投诉|告)")
_NAMES_WHO_TAKES_REPORTS = re.compile(r"纪工委|举报|投诉|监督|反映")
# How often a report is made (是一年报一次还是开了就报): only an article stating a frequency says.
_ASKS_FREQUENCY = re.compile(r"(?:一年|每年|每个?月|一个月|每季度?|一季度|每周|一周|半年)(?:报|交|填|登记|开|搞|查|公示)?(?:一|几|两)次")
_STATES_FREQUENCY = re.compile(r"每年|每月|每个月|每季|每周|每半年|每天|(?:一|两|几)次")
# A limit on how many attend (参会人数有限制没): only an article counting people says.
_ASKS_HEADCOUNT_LIMIT = re.compile(r"人数(?:有没有|有)?(?:个)?(?:限制|上限|要求|规定)")
_COUNTS_PEOPLE = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)\s*(?:个|名)?人|人数")
# Making up what was missed (要不要补学, 能补签不): only an article on making up says.
_ASKS_MAKEUP = re.compile(r"(?:要|得|需要|用不用|要不要|需不需要|能不能|可以|能)补(?:学|交|签|报|办|考|课|开|上)")
# A loss made good (手机丢了 能找单位报不): only an article on losses says.
_ASKS_LOSS_COVERED = re.compile(r"(?:丢了|弄丢|被偷|摔坏|摔了|坏了|损坏|撞坏)[^。？?]{0,12}(?:报销|能报|给报|报不|赔|补偿)")
_SPEAKS_OF_LOSS = re.compile(r"损失|赔偿|赔|丢失|遗失|损坏")
# Tax on a payment (伙食补助要交个税吗), a move to another post (网格员能换网格吗), or a thing taken out of
# its place (公章能带出社区吗): only an article speaking of that says.
_ASKS_TAX = re.compile(r"个税|交税|扣税|纳税|税前|税后")
_ASKS_MOVE = re.compile(r"(?:能|可以|想|申请)(?:申请)?(?:换|调)(?:个|到)?(?:别的|其他)?(?:网格|片区|社区|岗位|岗|科室)|跨(?:网格|片区|社区|街道)|轮(?:一次|一回)?岗|换岗")
_SPEAKS_OF_MOVING = re.compile(r"调|换|轮岗|交流")
_ASKS_TAKING_OUT = re.compile(r"带出|带离|外带|拿出去|借出去|外借")
_SPEAKS_OF_TAKING_OUT = re.compile(r"带出|带离|外借|借出|外出使用")
# How many times (一年最多开几次): only an article counting times says.
_ASKS_TIMES = re.compile(r"(?:几|多少)次")
_COUNTS_TIMES = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)\s*次|每(?:年|月|个月|周|季度|半年)")
# A time of day (早上几点到下午几点): only an article stating one says.
_ASKS_CLOCK = re.compile(r"几点")
_STATES_CLOCK = re.compile(r"(?:\d+|[一二三四五六七八九十]+)\s*(?:点|时)(?!钟)")
# Where one lives (网格员要住在网格里吗): only an article speaking of where someone lives says.
_ASKS_RESIDENCE = re.compile(r"(?:要|得|必须|能|可以)?住在|住到|搬到\S{0,4}住|常住|居住地")
_SPEAKS_OF_RESIDENCE = re.compile(r"住在|居住|住到|住址|常住")
# One's own things put to work (用自己微信加居民, 俺家的打印机搬到办公室用, 用俺个人身份证注册): only an article on
# private means used for work (私家车办理公务) says.
_OWN_MEANS = re.compile(r"(?:自己|自个|个人|私人|俺家|我家)(?:的|有台|那台|闲着的|有台闲着的)?(?:微信|微信号|手机|手机号|身份证|账号|电脑|笔记本|打印机|相机)")
_SPEAKS_OF_OWN_MEANS = re.compile(r"私家|私人|自有|自己的|个人(?!信息)")
# A cadre's own electric bike charged at work (电动车能在单位充电不): only an article speaking of one says.
_EBIKE = re.compile(r"(?:我|俺|自己|自个)(?:的|家的)?(?:电动车|电瓶车|电瓶|小电驴)|(?:单位|办公室|社区)\S{0,6}充电|充电\S{0,4}(?:单位|办公室)")
# Off hours for a meeting or training one calls (周末能不能通知开会): only an article on when they are held says.
_OFF_HOURS_SCHEDULED = re.compile(r"(?:周末|节假日|休息日|晚上|下班后|下班以后)(?:能不能|能|可以|可不可以)?(?:通知|安排|召开|组织)?[\u4e00-\u9fff]{0,2}?(?:开会|培训|学习|会议)")
_SPEAKS_OF_WHEN = re.compile(r"周末|节假日|休息日|工作日|非工作时间|上班时间|下班")
# Foreign guests (外宾来访按啥标准接待): no article speaks of them.
_FOREIGN = re.compile(r"外宾|外商|外国|港澳台|涉外|老外")
# The order things go in (安置房分配按啥顺序): only an article stating one says.
_ASKS_ORDER = re.compile(r"(?:按|照)(?:啥|什么|哪个)顺序|(?:啥|什么)顺序|先后顺序|排序|排队顺序|轮候")
_STATES_ORDER = re.compile(r"顺序|先后|排序|轮候|依次")
# Adding someone on WeChat (网格员能不能加居民微信): only an article on that says (微信 as a channel for complaints does not).
_ADDS_ON_WECHAT = re.compile(r"加(?:居民|群众|住户|服务对象|商户|他|她|他们|对方)?(?:的)?(?:微信|好友)|拉(?:个)?(?:微信)?群|建(?:个)?(?:微信)?群")
_SPEAKS_OF_ADDING = re.compile(r"好友|添加|加微信|建群|拉群|微信群|工作群")
# Which department a report goes to (拍照上报给哪个部门): only an article naming the recipient says.
_ASKS_RECIPIENT = re.compile(r"(?:上报|报|交|送|转)(?:给|到)?(?:哪个|哪|什么)(?:部门|单位|科室|口)")
_NAMES_RECIPIENT = re.compile(r"(?:报|交|送|转)(?:给)?(?:社区|街道|纪工委|党政综合办|综合办|主办单位|分管领导|值班室)|报街道|报社区")
# Pets (上班能不能把狗带到社区): only an article speaking of animals says.
_ASKS_PET = re.compile(r"狗|猫|宠物")
# What a report or paper must contain (报告要写哪几项): only an article listing its contents says.
_ASKS_CONTENTS = re.compile(r"写哪(?:几|些)(?:项|样)?|写(?:啥|什么)内容|包括哪(?:些|几)|哪几项")
_LISTS_CONTENTS = re.compile(r"写明|包括|内容|事项|清单|登记")
# Handing a paper back after use (派车单用完要交回综合办不): only an article on returning it says.
_ASKS_RETURN = re.compile(r"用完[^，。\s]{0,4}(?:交回|交还|还回|上交|退回)|(?:要|得)(?:交回|交还|还回)(?!去)")
_SPEAKS_OF_RETURN = re.compile(r"交回|交还|收回|归还|退还")
# A size or sum the article does not state (规模多大算超, 一天几块): only an article stating it says.
_ASKS_HOW_BIG = re.compile(r"多大(?:算|才|规模|合适)|规模多大|几块(?:钱)?")
# Staff of another kind (临时工能领办公用品不): only an article naming them says.
_OTHER_STAFF = re.compile(r"临时工|实习生|见习生|志愿者|编外|外包|协管员|合同工|返聘|公益岗")
# Copying data away (电脑里的资料能拷走不): only an article on data says.
_ASKS_COPYING = re.compile(r"拷走|拷贝|拷出|复制走|U盘|u盘")
_SPEAKS_OF_DATA = re.compile(r"资料|数据|拷|信息")
# A receipt (给开收条不): only an article naming one says.
_ASKS_RECEIPT = re.compile(r"收条|收据|回执|凭条")
# Going over a limit (油耗超标了咋处理): only an article saying what follows says.
_ASKS_OVER_LIMIT = re.compile(r"(?:超标|超了标准|超出标准)(?:了)?[^，。]{0,4}(?:咋|怎么|如何)(?:办|处理|整|弄)")
_SPEAKS_OF_OVER_LIMIT = re.compile(r"超标|超出|超过|超支|责令|退赔|个人承担")
# An advance on costs (能提前借差旅费不): only an article on advances says.
_ASKS_ADVANCE = re.compile(r"借(?:点)?(?:差旅费|钱|款|经费)|预支|借支|备用金")
# A keepsake photo (跟客人拍合影留念行不): only an article speaking of photos says.
_ASKS_PHOTO = re.compile(r"合影|拍照留念|照相留念|合个影")
# Insurance (私家车跑公务 要不要自己上保险): only an article naming it says.
_ASKS_INSURANCE = re.compile(r"保险[\u4e00-\u9fff]{0,4}(?:买|报|出)(?:不|吗|么)|(?:上|买|交|办|续)(?:个|份)?(?:车)?保险|保险(?:费)?(?:谁|自己|要不要|用不用)")
_ASKS_DRESS = re.compile(r"穿(?!过|越|插|梭|行|透)|戴(?!上级|帽子的)|着装|打扮|化妆|化浓妆|发型|染发|染头发|留长发|纹身|工牌|胸牌|头像|工作照|工作证|亮证|出示证件")
_SPEAKS_OF_DRESS = re.compile(r"穿|戴|着装|服装|衣|鞋|帽|仪表|仪容|妆|发型|工牌|胸牌|工作证|证件")


ASKED_AND_NEEDED = (
    (_ASKS_DRESS, _SPEAKS_OF_DRESS),
    (_ASKS_ONLINE, _SPEAKS_ONLINE),
    (_ASKS_CONTENTS, _LISTS_CONTENTS),
    (_ASKS_ADVANCE, re.compile("借|预支")),
    (_ASKS_HOW_BIG, re.compile(r"\d|[一二两三四五六七八九十百千]+(?:元|块|桌|人)")),
    (_OTHER_STAFF, _OTHER_STAFF),
    (_ASKS_COPYING, _SPEAKS_OF_DATA),
    (_ASKS_RECEIPT, _ASKS_RECEIPT),
    (_ASKS_OVER_LIMIT, _SPEAKS_OF_OVER_LIMIT),
    (_ASKS_RETURN, _SPEAKS_OF_RETURN),
    (_ASKS_PHOTO, re.compile("拍照|照片|合影|摄影")),
    (_ASKS_INSURANCE, re.compile("保险")),
    (_ASKS_TAX, re.compile("税")),
    (_ASKS_PET, re.compile("狗|猫|宠物|动物")),
    (_ASKS_RESIDENCE, _SPEAKS_OF_RESIDENCE),
    (_OWN_MEANS, _SPEAKS_OF_OWN_MEANS),
    (_EBIKE, re.compile("电动车|电瓶车|电瓶|电驴")),
    (_OFF_HOURS_SCHEDULED, _SPEAKS_OF_WHEN),
    (_FOREIGN, _FOREIGN),
    (_ASKS_ORDER, _STATES_ORDER),
    (_ADDS_ON_WECHAT, _SPEAKS_OF_ADDING),
    (_ASKS_RECIPIENT, _NAMES_RECIPIENT),
    (_ASKS_GOING_TOGETHER, re.compile(r"(?:\d+|[一二两三四五六七八九十]+)\s*(?:个|名)?人|人员")),
    (_ASKS_CLOCK, re.compile(_STATES_CLOCK.pattern + "|提前")),
    (_ASKS_TIMES, _COUNTS_TIMES),
    (_ASKS_MOVE, _SPEAKS_OF_MOVING),
    (_ASKS_TAKING_OUT, _SPEAKS_OF_TAKING_OUT),
    (_ASKS_MAKEUP, re.compile("补")),
    (_ASKS_LOSS_COVERED, _SPEAKS_OF_LOSS),
    (_ASKS_RETENTION, _SPEAKS_OF_KEEPING),
    (_ASKS_PLACE, _NAMES_PLACE),
    (_ASKS_SECOND_POST, re.compile("兼")),
    (_ASKS_DAY_KIND, _NAMES_DAY_KIND),
    (_ASKS_WHERE_TO_REPORT, _NAMES_WHO_TAKES_REPORTS),
    (_ASKS_FREQUENCY, _STATES_FREQUENCY),
    (_ASKS_HEADCOUNT_LIMIT, _COUNTS_PEOPLE),
    (_PAY_WITHHELD, _SPEAKS_OF_PAYING_OUT),
    (_OBJECTED, _SPEAKS_OF_OBJECTION),
    (_ASKS_WHO_PAYS, _SPEAKS_OF_PAYING),
    (_OVERTIME, re.compile("加班")),  # "加班到半夜打车回家 车费能报不": the rules on trips say nothing of overtime
    (_ASKS_POINTS, _STATES_POINTS),
    (_FORMER, _SPEAKS_OF_FORMER),
    (_OBSTRUCTED, _SPEAKS_OF_OBSTRUCTION),
    (_ASKS_WHO_DECIDES, _NAMES_A_DECIDER),
    (_ASKS_WHO_DOES, _NAMES_A_DOER),
    (_PAST_DEADLINE, _SPEAKS_OF_LATENESS),
    (_ASKS_HOW_PUNISHED, _NAMES_A_PENALTY),
    (_ASKS_MONEY, _STATES_MONEY),  # "临时救助能给多少": the article's figures are days, not sums
    (_ASKS_FIGURE, _STATES_FIGURE),
    (_ASKS_TIME_FIGURE, _STATES_TIME_FIGURE),
    (_ASKS_FORM, _NAMES_FORM),
    (_ASKS_QUALIFICATION, _NAMES_QUALIFICATION),
    (_PERSONAL_MATTERS, _PERSONAL_MATTERS),
    (_ASKS_WHICH_FORM, _NAMES_WHICH_FORM),
    (_ASKS_EXCHANGE, re.compile(r"换|兑")),
    (_ASKS_REPAIR, re.compile(r"修")),
    (_ASKS_LIMIT, re.compile(r"额度|限额|\d")),
    (_ASKS_EXEMPTION, re.compile(r"除外|特殊情况|经批准|减免|免于|可以不|酌情|不再")),
)
