"""Questions an article shares words with but does not answer: a fact it never states (where, which firm, who
pays, how much or how long when it names no figure, whether a payment or leave exists), an occasion it is not
about (a meeting, a trip, a guest, a car, a business, a wedding), a custom among relatives. Each check is a
question of the asker's words against one article's text; `fact_unstated` says whether any applies."""

from __future__ import annotations

import re

from handlers.rules.needs import ASKED_AND_NEEDED
from handlers.rules.search import IndexedArticle, RulesIndex


# A question after a fact no conduct article states: where to get or download something, which firm or
# software, whose phone number ("需求计划表的模版在哪下载", "定点供应商是哪家").
_ASKS_WHERE_WHICH = re.compile(
    r"(?:在|去|到)哪(?:里|儿)?(?:能)?(?:下载|领|买|办|补|交|找|弄|看|查)|哪家|哪几家|哪(?:个|几个|些)(?:软件|app|公司|厂家|饭店|酒店|宾馆)|(?:电话|号码|手机号)(?:是)?多少"
    r"|联系电话|联系方式|(?:啥|什么|哪个)(?:软件|app|APP|平台|系统)|模板|模版|表格在哪|密码|谁(?:排|定|安排)的"
)


# Whether there is a payment or leave, or how much (有没有值班补助, 网格员有没有五险一金, 年假一年能休几天): only
# an article that names it answers; one sharing the occasion (值班, 加班, 网格员) says nothing of it. Asked
# whether one may take or claim it (领点补贴行不行, 路费能报吗), the rule on side jobs or expenses may answer.
_PAYMENT_WORDS = r"(?:补贴|补助|津贴|加班费|五险一金|社保|公积金|奖金|年终奖|工资条|工资|误餐费|餐补|饭补|话费|夜班费|值班费|护理假|年假|婚假|产假|病假|学费|公假" \
                 r"|探亲假|事假|丧假|陪产假|育儿假|补休|调休|倒休)"
_ASKS_PAYMENT = re.compile(rf"(?:有没有|有无|有木有|给不给|发不发)\S{{0,6}}?(?P<a>{_PAYMENT_WORDS})|(?P<b>{_PAYMENT_WORDS})\S{{0,8}}?(?:多少|几天|几号|啥时候发|什么时候发|咋算|怎么算|怎么发|有标准|标准是)"
                           rf"|算不算(?P<c>{_PAYMENT_WORDS})|(?P<d>{_PAYMENT_WORDS})\S{{0,6}}?(?:给报|能报|报不报|可以报)"
                           rf"|(?P<e>{_PAYMENT_WORDS})\S{{0,4}}?(?:有没有|有吗|有不|有木有|给不给|给吗|给不|发不发)|给(?:不给)?(?P<f>{_PAYMENT_WORDS})"
                           rf"|有(?P<g>{_PAYMENT_WORDS})(?:不|吗|么|没|没有)\s*[?？]*\s*$|有(?P<h>{_PAYMENT_WORDS})(?:吗|么)(?=[\s,，])"
                           rf"|(?:能|可以)(?:报|领|拿|申请|休)(?P<i>{_PAYMENT_WORDS})(?:不|吗|么)")


# How many of a thing (几辆车, 几桌, 几个人), asked of an article whose figures count something else.
# The count must be what is asked, at the end ("最多能派几辆车去接"), not a few things told (在几张白纸上, 想办几桌 要跟谁说).
# More than one of a thing at once (一个网格员能管两个网格吗): only an article counting that thing settles it.
_ASKS_MANY_OF = re.compile(r"(?:一人|一个人|每人|每个人)(?:包|管|负责|联系)(?:几|多少)个(?P<thing2>[\u4e00-\u9fff]{2})|(?:能|可以|能不能|可不可以|让)(?:同时)?(?:管|包|带|兼|负责|联系|当|做|有|用|办|开|领|拿|占)(?:两|三|几|多)个(?!人)(?P<thing>[\u4e00-\u9fff]{2})(?=[^\s，,。]{0,3}(?:吗|么|不|没|[?？])\s*[?？]*\s*$)")
# How many are needed (要多少人到场, 得几个人): asked, whatever follows.
_ASKS_COUNT_NEEDED = re.compile(r"(?:(?:要|得|需要|至少|最少|最多)[\u4e00-\u9fff]{0,2}?|到场|参加|在场)\s*(?:几|多少)(?:个|名|位)?(?P<measure>辆|桌|人|间|台|名|件|篇|场|章|居民代表|代表|委员|党员|网格员|干部|司机)")
_ASKS_COUNT_OF = re.compile(r"(?:能|可以|要|得|派|上|安排|坐|配|准|用|最多|最少|至多)\s*几(?:个|道)?(?P<measure>辆|桌|人|间|台)"
                            r"[^\s，。,？?！!]{0,4}?(?:啊|呀|呢|吧)?[?？]*\s*$")
# A sanction on pay (扣钱, 扣绩效, 罚款) asked of an article that names none.
_ASKS_PAY_SANCTION = re.compile(r"扣(?:不扣)?(?:当月|这个月|年终)?(?P<pay>钱|工资|绩效|奖金|补贴|津贴)|罚(?:不罚)?(?:钱|款)|罚款")
_NAMES_MONEY_SANCTION = re.compile(r"扣|罚|承担|退还")
# Said not to be about work (纯走亲戚 跟工作不沾边): rules on official dealings and the people served do not
# reach it.
_NOT_ABOUT_WORK = re.compile(r"(?:跟|和|与)工作(?:不沾边|没关系|没啥关系|无关|不相干|八竿子打不着)|纯(?:粹)?(?:走亲戚|私人|私交)|不是工作上的|私人交情")
_OFFICIAL_DEALINGS = re.compile(r"公务活动|服务对象|管理对象|办事群众")
# What an article on gifts or banquets takes from its document's scope (未能拒收的礼品 are those of 公务活动).
_DEALING_TERMS = ("礼品", "礼金", "宴请", "吃请", "财物")


def _official_dealings(index: RulesIndex, article: IndexedArticle) -> bool:
    if _OFFICIAL_DEALINGS.search(article.text):
        return True
    shared = [term for term in _DEALING_TERMS if term in article.text]
    return any(other.title == article.title and _OFFICIAL_DEALINGS.search(other.text) and any(t in other.text for t in shared)
               for other in index.articles)


# A relative beyond the ones an article names (本人及其子女): 侄子's wedding is not the cadre's own or a child's.
_FAR_RELATIVE = re.compile(r"(?:(?:俺|我)(?:家|们家)?(?:的)?|^)(?:侄子|侄女|外甥女?|弟弟|哥哥|姐姐|妹妹|表弟|表哥|表姐|表妹|堂弟|堂哥|堂姐|堂妹|亲戚|小舅子|大舅子|小姨子|叔叔|舅舅|姑姑|二姨|大姨|小姨|老舅|大伯|二叔)"
                           r"|(?:俺|我)(?:弟|哥|姐|妹|舅|姨|叔|姑)(?![们兄妹弟姐夫子儿女])")
_NAMES_KIN_AT_LARGE = re.compile(r"亲属|亲戚|亲友|近亲|家属")
# Whose matters an article binds, when it says (本人及其子女, 配偶、子女); 接送子女上学 is an example, not a scope.
_OWN_FAMILY = re.compile(r"(?:本人|配偶)(?:及其|和|及|、)?子女|子女(?:及其|和|、)配偶")
# The person or paper the article relies on is missing or out of reach (审批单找不着了, 值班领导电话打不通,
# 管公章的休年假了): the article lays down the way, not what to do without it.
_UNAVAILABLE = re.compile(r"找不着|找不到|弄丢|丢了|掉了|没办(?!法)|没带|打不通|联系不上|不接电话|休(?:年)?假了|请\S{0,2}假了|休\S{0,2}假了|住院了|出差了|停火|满了|关门了|订不上|没位子|不在(?:单位|岗|家)?(?:的时候|这几天)?(?=.{0,8}(?:谁|咋|怎么))")
_ASKS_REMEDY = re.compile(r"咋整|咋办|怎么办|咋弄|咋补|怎么补|咋安排|怎么安排|谁管|谁(?:来|能|可以)?(?:代|替|帮)?\S{0,2}?(?:批|签|管)|找谁|后面|以后|接下来"
                          r"|(?:找|让|叫|请)(?:别人|别的人|其他人|旁人|同事)|(?:别人|其他人|同事)(?:代|替|帮)|代签|代批|替签|替批|(?:要|得|该)负责(?:吗|么|不)|谁的责任|算谁的")
_SPEAKS_OF_ABSENCE = re.compile(r"代|补办|临时|缺席|不在|无法|联系不上|遗失")
# What happens after the article's own step was taken (俺登记交到纪工委了 那最后咋处理): it stops at the step.
_AFTER_THE_STEP = re.compile(r"(?:交|上交|登记|报告|报备|上报|报给|报到|交给)(?:到|给|上去)?[^，。,]{0,8}了[,，\s]?[^，。]{0,12}?(?:最后|后来|之后|然后|以后|接下来|后面|再往后)[^，。]{0,6}?(?:会|咋|怎么|还|能)"
                            r"|(?:交|上交|报)(?:上去|给[^\s，。]{0,4})的(?:东西|礼|钱|礼品)?[^，。]{0,4}(?:最后|后来|之后|然后)[^，。]{0,4}(?:会|咋|怎么)"
    r"|(?:交到|交给|上交|收上去|交上去|交)[^，。\s]{0,6}的[^，。\s]{0,6}\s*(?:最后|最终|后来|多久|会(?:不会)?(?:退|还|拍卖|卖|处理))")
# What follows a lapse (没够20个钟头 会咋处理, 虚报了 会被处分吗) is settled by an article naming a penalty or
# forbidding the act (不准参与赌博 says the act is a breach), or by its document's article on breaches of it (违反本规定的…); an
# article laying a duty (不少于20小时) in a document without one says neither.
_ASKS_WHAT_FOLLOWS = re.compile(r"会(?:被)?(?:怎么|怎样|咋|啥)(?:处理|处分|处罚|罚|样)|会不会(?:被)?(?:处分|处理|处罚|罚|通报|批评)"
                                r"|会(?:被)?(?:处分|处理|处罚|通报|批评)(?:不|吗|么)|还会被\S{0,2}(?:处分|处理|处罚)")
_PENALTY_CLAUSE = re.compile(r"违反本(?:办法|规定|条例|制度|细则|清单|准则|规则)")
_PENALTY_OR_BAN = re.compile(r"给予|追究|责令|移交|约谈|处分|处罚|通报|批评|不准|不得|严禁|禁止|不许|一律不")
# The article's place named and denied (不在咱辖区): it says nothing of elsewhere.
_OUTSIDE_AREA = re.compile(r"不在(?:咱|俺|我|本)?(?:们)?(?:辖区|街道|社区|片区)|外省|外市|外县|外地|老家|别的(?:区|县|市|省|街道)")


# A private firm's own practice asked about ("私企也管这个吗", "儿子在私企上班 老板让他…这合理不"): the street's
# rules bind its cadres, not firms; unless the cadre's own act is asked ("公司要社区开证明 俺们能收钱吗").
_PRIVATE_FIRM = re.compile(r"私企|私人公司|私营企业|民营企业|私人老板|外企")
_CADRES_OWN_ACT = re.compile(r"(?:我|俺|咱)(?:们)?(?:能|可以|去|给|收|拿|帮|要|得|该)")


# An article that binds only during an occasion (会议期间手机调至静音) does not answer a question set in time
# off duty that never names that occasion ("下班后手机可以不接工作电话吗", "周末休息手机能关机不").
_OFF_DUTY = re.compile(r"下班|周末|周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|休息日|休息的时候|休息时|休假|放假|节假日|假期|过年"
                       r"|在家|睡觉|半夜|夜里|晚上")
_TRIP_NAMED = re.compile(r"出差|外出|差旅|外地|培训|开会|学习")
_OCCASIONS = (
    (re.compile(r"会议期间|参会"), re.compile(r"开会|会议|会上|会场|参会|听会|晨会|例会|会前|会中|散会|视频会|会务|(?:的|个|场)会(?![计员长])")),
    (re.compile(r"出差期间"), _TRIP_NAMED),
    (re.compile(r"接待对象"), re.compile(r"接待|客人|来客|来人|调研|检查|考察|交流|来访|陪同|陪餐|陪着|工作餐|公务|公款|公家|单位出|报销")),
    # "晚上在家打游戏到半夜 这算违规不": the rule on working hours, asked of an evening at home
    (re.compile(r"上班时间|(?<!非)工作时间|(?<!个)工作日(?!内)"), re.compile(r"(?<![不没])上班|工作时间|工作日|值班|加班|单位|办公|在岗|岗上|窗口")),
)
# A rule on one's own trips ("出差期间不得接受接待单位的宴请") says nothing of a guest one receives.
_TRIP_ONLY = re.compile(r"^(?:(?!接待对象).)*出差期间")
_GUEST = re.compile(r"来(?:这边|我们这|俺们这|咱这|这儿|这里|本地|咱们这)|来(?:考察|调研|检查|学习|交流|参观|取经)的|(?:请|招待|陪|带)(?:他|她|他们|她们|客人|同学|朋友|亲戚)")

# An article about one matter answers only a question that names it, whenever it is asked: (what marks the
# article, in its text or its document's title; what names the matter in a question).
# - business ("配偶、子女在辖区内经商办企业的，应当如实报告" is not "老婆换工作了要跟单位报备吗");
# - weddings and funerals ("因私出国要报备不" is no 婚丧喜庆 to report);
# - a document on cars ("下了班能不能把工作手机关了 只留私人号" shares 私人 and 下班 with the rule against
#   using the car for private errands).
_ONLY_ABOUT = (
    ("text", re.compile(r"经商办企业"), re.compile(
        r"经商|开店|开了?(?:个|家|间)?\S{0,4}(?:店|馆|厂|超市|公司)|公司|企业|生意|买卖|办厂|工厂|个体|门面|门店|超市|饭店|饭馆|店铺|摊|老板"
        r"|投资|入股|股份|注册|营业执照|承包|工程|项目|中介|合伙|厂子")),
    ("text", re.compile(r"婚丧喜庆"), re.compile(
        r"婚|丧|喜|嫁|娶|满月|百天|周岁|寿|升学宴|谢师宴|乔迁|酒席|办酒|摆酒|摆席|白事|红事|去世|过世|走了|葬|出殡|殡|生日|订婚|份子|随礼|礼金|操办|宴")),
    ("text", re.compile(r"接待对象"), re.compile(
        r"接待|客人|来客|来人|来宾|调研|检查|考察|交流|来访|陪同|陪餐|陪客|陪着|工作餐|公务|公款|公家|单位出|报销|上级|领导|区里|市里|县里|省里|兄弟单位|外地|参观|学习|督导|专家|一行|人员|上面|上边|上头|来的")),
    # training or a meeting one attends ("单位搞微信步数排名 必须参加吗" is neither)
    ("text", re.compile(r"培训或者会议期间"), re.compile(r"培训|会(?![计员长])|学|研讨|进修|考察|交流|主办|党校|食宿|管吃|包吃")),
    # leaving a post ("旧墨盒要交回不" is no question about handing back a computer on leaving)
    ("text", re.compile(r"调离、退休或者离岗"), re.compile(r"调|退休|退了|要退|退下来|离岗|离职|辞职|不干了|换单位|交接|走人|离开|带走")),
    # a meeting ("司机一天最多能开几个钟头" is no question about how long a meeting may run)
    ("text", re.compile(r"(?<!或者)会议|参会|开会"), re.compile(
        r"会(?![计员长])|议题|讲话|发言|签到|到场|迟到|早退|主持|碰头|缺席|视频|背景板|花草|鲜花|摆花|纪念品|迎|集中|部署")),
    ("title", re.compile(r"用车|车辆"), re.compile(
        r"车|che|驾|司机|加油|油卡|油费|油钱|停车|出车|派车|钥匙|里程|保养|维修|保险|开回|开走|开去|开着")),
)


# An article binding only off hours (节假日和非工作时间…钥匙交值班室保管) does not say what holds during working
# hours ("公车钥匙平时上班时间放谁那").
_OFF_HOURS_ONLY = re.compile(r"非工作时间|节假日")
_WORKING_HOURS = re.compile(r"上班时间|(?<!非)工作时间|上班的时候|平时上班|白天上班|上班期间")


def _outside_occasion(question: str, article: IndexedArticle) -> bool:
    asked = question.lower()
    if _OFF_HOURS_ONLY.search(article.text) and _WORKING_HOURS.search(question) and not _OFF_DUTY.search(question):
        return True
    if any(marks.search(getattr(article, where)) and not named.search(asked) for where, marks, named in _ONLY_ABOUT):
        return True
    if _TRIP_ONLY.search(article.text) and not _TRIP_NAMED.search(question) and _GUEST.search(question):
        return True
    work_only, work_named = _OCCASIONS[3]
    if work_only.search(article.text) and not work_named.search(re.sub(r"(?:跟|向|给|和)单位", "", question)) \
            and _OWN_TIME_PURSUIT.search(question):
        return True  # "想注册个抖音号发发做饭视频 要跟单位报备吗": one's own pastime, never said to be at work
    if _OFF_DUTY.search(question) is None:
        return False
    return any(during.search(article.text) and not named.search(question) for during, named in _OCCASIONS)


# A pastime of one's own (注册个抖音号, 开个直播, 玩游戏): on its own it is no act at work.
_OWN_TIME_PURSUIT = re.compile(r"注册|开(?:个|了)?(?:号|账号|直播)|自己的(?:号|账号)|做饭|健身|钓鱼|跳舞|唱歌|打球|追剧|玩游戏|打游戏|拍视频|发视频")


# Money or a present passed between relatives ("亲哥给俺闺女发了个压岁钱红包", "表妹考上大学 俺随了个红包"): the
# rules on gifts bind what comes with public duty, from the people served or to superiors, not family
# customs; unless the cadre's own or a child's wedding is asked (操办婚礼 must be reported).
_KIN = re.compile(r"亲哥|亲姐|亲弟|亲妹|亲戚|家里人|自家人|兄弟姐妹|表[哥姐弟妹]|堂[哥姐弟妹]|姑家|姑姑|姑妈|舅舅|舅妈|姨妈|小姨子"
                  r"|小舅子|侄[子女儿]|外甥|(?:我|俺)(?:爸|妈|哥|姐|弟|妹|舅|姨|姑|叔|伯|婶|老丈人|丈母娘|公公|婆婆|姥姥|姥爷|奶奶|爷爷|外婆|外公)"
                  r"|父母|爸妈|公婆|岳父|岳母|丈母娘|老丈人")
_MONEY_GIFT = re.compile(r"红包|压岁钱|份子|随礼|随了|礼金|礼物|礼品|收礼|不收钱|给了?\S{0,3}钱|转账")
_NOT_FAMILY_MATTER = re.compile(r"服务对象|管理对象|群众|居民|住户|商户|领导|下属|同事|辖区|网格|片区|低保|办事|项目|结婚|婚礼|喜酒|办酒|操办")
# A relative's business matters when the question is about reporting it or favouring it (第七条), not about a
# present the relative gave ("俺姐开了个饭店…吃饭她死活不收钱 这算不算收礼").
_KINS_BUSINESS_ASKED = re.compile(r"(?:老板|企业|公司|经商|开店|生意|店|厂)[^。？?]{0,20}(?:报告|报备|上报|说一声|吱一声|关照|照顾|谋|帮(?:他|她|忙)|介绍)"
                                  r"|(?:报告|报备|上报|关照|照顾|帮(?:他|她|忙))[^。？?]{0,12}(?:老板|企业|公司|经商|开店|生意|店|厂)")


def _family_gift(question: str) -> bool:
    return bool(_KIN.search(question) and _MONEY_GIFT.search(question) and not _NOT_FAMILY_MATTER.search(question)
                and not _KINS_BUSINESS_ASKED.search(question))


# Whether there is such a thing at all ("有没有岗前培训"): only an article that names it answers.
_ASKS_EXISTS = re.compile(r"有没有(?:个|啥|什么)?|有(?:啥|什么)(?!事|问题|影响|不妥|说法|规定|要求|处理|处分|后果|结果|处罚|责任|风险)")
# (A rule, a limit or a deadline asked for is what an article is; 期限 may be "5个工作日内".)
_EXISTS_GENERIC = {"规定", "要求", "说法", "问题", "限制", "标准", "讲究", "事", "关系", "影响", "要紧", "办法", "必要", "可能",
                   "不妥", "违规", "风险", "期限", "时限", "时间", "上限", "限额", "次数", "数量", "规矩", "条文", "文件"}


def _thing_unnamed(question: str, index: RulesIndex, article: IndexedArticle) -> bool:
    for found in _ASKS_EXISTS.finditer(question):
        words = index.analyzer.words(question[found.end(): found.end() + 6])
        if not words or words[0] in _EXISTS_GENERIC or len(words[0]) < 2:
            continue
        if not _names(words[0], index, article):
            return True
    return False


def _names(word: str, index: RulesIndex, article: IndexedArticle) -> bool:
    """Whether the article says the word, or a word of the synonym table for it."""
    return any(alt in article.text for alt in index.analyzer.expand(word) | {word})


# "外出办事要公示去向 那俺请病假在家也得公示吗": the rule stretched to a case it does not name (请病假) is not
# settled by it; every word of the case must be one the article uses.
_ALSO_CASE = re.compile(r"(?:^|[\s,，。;；]|那)(?P<case>[^\s,，。;；那]{2,12}?)\s?也(?:得|要|需要|算|能|可以|按|给|行|必须)(?=[^\s,，。;；]*(?:吗|么|不|没|[?？])\s*[?？]*\s*$)")
_CASE_GENERIC = {"俺们", "我们", "咱们", "自己", "这个", "那个", "这种", "那种", "时候", "情况", "的话", "这样", "那样", "一样", "同样", "干部", "网格员"}


# Whose thing is asked about (党支部的章, 下沉干部的走访记录): an article on another's (社区公章, 网格员走访)
# does not settle it.
_OWNER = re.compile(r"^(?P<owner>[\u4e00-\u9fff]{0,4}(?:支部|党委|委员会|科室|部门|协会|公司|物业|书记|主任|干部|网格员|司机|代表|志愿者|社工|保安))的(?=[\u4e00-\u9fff])")
_OWNERS_GENERIC = {"单位", "社区", "街道", "公家", "自己", "自个", "俺们", "我们", "咱们", "俺家", "我家", "别人", "同事", "居民", "群众",
                   "领导", "上级", "大家", "个人", "这个", "那个", "这次", "上次", "今年", "去年", "本月", "上个月", "以前", "现在"}


def _owner_unnamed(question: str, index: RulesIndex, article: IndexedArticle) -> bool:
    found = _OWNER.search(question)
    if found is None or found.group("owner") in _OWNERS_GENERIC:
        return False
    words = [w for w in index.analyzer.words(found.group("owner")) if len(w) >= 2 and w not in _OWNERS_GENERIC]
    return bool(words) and not any(_names(w, index, article) for w in words)


# Another kind of seal (合同章, 财务章) than the one an article rules on (公章).
_SEAL_KIND = re.compile(r"(?P<kind>合同|财务|党支部|支部|党委|私|人名|业务|法人|个人)(?:的)?章")
# Who the approver or signer must be (审批人必须是书记吗): only an article naming that person says.
_ASKS_WHO_IT_MUST_BE = re.compile(r"(?:审批人|批准人|签字人|负责人|经办人|保管人)(?:必须|得|要|只能|一定)?(?:是|得是)(?:不是)?(?P<who>[\u4e00-\u9fff]{2,3}?)(?:吗|么|不|呀|啊|[?？\s]|$)")


def _case_unnamed(question: str, index: RulesIndex, article: IndexedArticle) -> bool:
    found = _ALSO_CASE.search(question)
    if found is None:
        return False
    words = [w for w in index.analyzer.words(found.group("case")) if len(w) >= 2 and w not in _CASE_GENERIC]
    return any(not _names(w, index, article) for w in words)


# Whether the time of something counts ("路上来回的时间能算进去不"): only an article that names that thing says.
_TIME_COUNTED = re.compile(r"(?P<case>[\u4e00-\u9fff]{2,8}?)(?:的|那会儿|那段|那些)?(?:时间|工夫|功夫)\s*(?:能|可以|也)?(?:算|计)")
# Something to hand in asked for ("还要写学习心得不", "要交啥材料吗"): an article that never names it does not say.
# How long a thing takes ("要培训多久"), asked of an article that never names the thing.
_HOW_LONG_IT_TAKES = re.compile(r"(?:(?:要|得|需要)|(?<=[\s,，]))(?P<thing>[\u4e00-\u9fff]{2})(?:多久|多长时间|几天)")
# How often ("网格员多久要走访一次"), asked of an article that never names the thing done.
_HOW_OFTEN = re.compile(r"(?:多久|多长时间|隔几天)(?:要|得|去|才)?(?P<thing>[\u4e00-\u9fff]{2})(?:一次|一回|一趟|一遍)")
_ASKS_TO_PRODUCE = re.compile(r"(?:还)?(?:要|得|需要|用不用|要不要|需不需要)(?:每个人|每人|大家|个人)?(?:写|填|提交|做(?!个|点)|(?<=要不要)带|(?<=要不要)开)(?:个|份|一份|篇|一篇|张|封)?(?P<thing>(?![回上去哪啥什])[\u4e00-\u9fff]{2,10}?)(?=不|吗|么|没|呢|[?？\s,，]|$)")


# How a thing came about (居民代表是咋选出来的), asked of an article that never says that verb: it names the
# thing, not how it is made.
_ASKS_HOW_MADE = re.compile(r"(?:咋|怎么|如何|怎样)(?P<verb>[\u4e00-\u9fff])(?:出来|上来|下来|出)的|(?:是|都是)(?:咋|怎么|如何|怎样)(?P<verb2>[^\W\d_算弄办搞整干做回])的\s*[?？]*\s*$")

# A span of time asked in a scale the article never counts in ("会议通知要提前几天发" of "提前5分钟到场"): minutes and
# hours are one scale, days, weeks, months and years the other; "报销要在几天内" is answered by "一个月内".
_ASKS_SPAN = re.compile(r"(?:几|多少)(?:个)?(?P<unit>分钟|小时|钟头|天|日|周|星期|礼拜|月|年)")
_STATES_SPAN = re.compile(r"(?:\d+|[一二两三四五六七八九十半]+)\s*(?:个)?(?P<unit>分钟|小时|天|日|工作日|周|月|年)")
_SHORT_UNITS = frozenset({"分钟", "小时", "钟头"})


# A span said in a yes-or-no question (会议通知是不是得提前一天发) asks the same as 提前几天.
_SPAN_SUPPOSED = re.compile(r"(?:提前|之前|以内)(?:一|两|三|四|五|六|七|八|九|十|半|\d+)(?:个)?(?P<unit>分钟|小时|钟头|天|日|周|星期|礼拜|月|年)")


def _span_elsewhere(question: str, article: IndexedArticle) -> bool:
    asked = _ASKS_SPAN.search(question) or _SPAN_SUPPOSED.search(question)
    if asked is None:
        return False
    stated = {found.group("unit") in _SHORT_UNITS for found in _STATES_SPAN.finditer(article.text)}
    if not stated:
        return "提前" in article.text  # "提前填写" says ahead of time, not how long ahead
    return (asked.group("unit") in _SHORT_UNITS) not in stated


def _counts(text: str, thing: str) -> bool:
    """Whether the text states a number of `thing` (3辆, 两个网格, 十道)."""
    return re.search(rf"(?:\d+|[一二两三四五六七八九十百千]+)\s*(?:个|道)?{re.escape(thing)}", text) is not None


def _needs_unmet(question: str, article: IndexedArticle) -> bool:
    if _span_elsewhere(question, article):
        return True
    if (made := _ASKS_HOW_MADE.search(question)) is not None and (made.group("verb") or made.group("verb2")) not in article.text:
        return True
    if any(asked.search(question) and not needed.search(article.text) for asked, needed in ASKED_AND_NEEDED):
        return True
    if (counted := _ASKS_COUNT_OF.search(question) or _ASKS_COUNT_NEEDED.search(question)) is not None \
            and not _counts(article.text, counted.group("measure")):
        return True  # "最多能派几辆车": the reception article counts people, not cars
    if (many := _ASKS_MANY_OF.search(question)) is not None and not _counts(article.text, many.group("thing") or many.group("thing2")):
        return True
    if (sanction := _ASKS_PAY_SANCTION.search(question)) is not None:
        pay = sanction.group("pay")
        if not (pay in article.text if pay and pay != "钱" else _NAMES_MONEY_SANCTION.search(article.text)):
            return True  # "会扣当月绩效不": refunding the costs is no cut in pay
    if _UNAVAILABLE.search(question) and _ASKS_REMEDY.search(question) and not _SPEAKS_OF_ABSENCE.search(article.text):
        return True
    return _FAR_RELATIVE.search(question) is not None and any(
        _OWN_FAMILY.search(part) and not _NAMES_KIN_AT_LARGE.search(part) for part in _parts_asked(question, article))


# The clauses of an article that bear on what is asked: those with the asked duty (报告) when it asks whether
# to report ("俺表弟在辖区开了个饭馆 我要跟组织报告不": 为亲友谋利 is one clause, 配偶、子女…应当如实报告 another).
_ASKS_TO_REPORT = re.compile(r"报告|报备|上报|说一声|吱一声|登记")


def _parts_asked(question: str, article: IndexedArticle) -> list[str]:
    parts = [p for p in re.split(r"[；;。]", article.text) if p.strip()]
    if _ASKS_TO_REPORT.search(question):
        told = [p for p in parts if re.search(r"报告|报备|登记", p)]
        return told or [article.text]
    return [article.text]


# A step asked for (要拍照留底不, 得签字吗) or what to write on a paper (发票抬头写啥): only an article naming
# that step or that part of the paper says so.
_ASKS_STEP = re.compile(r"(?:要|得|需要|用不用|要不要|需不需要|必须)[\u4e00-\u9fff]{0,4}?(?P<thing>拍照|照相|录像|录音|留底|存档|归档|签字|签名|盖章|按手印|复印|公证|台账|记台账|建档|做记录|盖公章|盖章)")
# A fee to pay (要交停车费不, 电费要自己交不): only an article naming that fee says.
_ASKS_FEE = re.compile(r"(?:交|付|缴|掏)(?:个|点)?(?P<fee>[^\W\d_的了个点]{1,3}?费)|(?P<fee2>[^\W\d_的了个点]{1,3}?费)(?:要|得)?(?:自己|个人)?(?:交|付|缴|掏)"
                       r"|(?P<fee3>[^\W\d_的了个点]{1,3}?费)谁(?:出|掏|付|管)|(?P<fee4>[^\W\d_的了个点]{2,3}?费)[\u4e00-\u9fff]{0,2}?(?:能|可以|给)?报(?:销)?(?:不|吗|么)")


def _fee_named(fee: str, index: RulesIndex, article: IndexedArticle) -> bool:
    # 加油费 is the article's 油费; 停车费 is not its 车费 unless the article says so.
    # The fee is the longest word ending the match (来检查的人住宿费谁出 asks about 住宿费).
    return any(_names(fee[start:], index, article) for start in range(len(fee) - 1)) or len(fee) == 3 and fee[1:] in article.text


# How to get a thing (公务卡咋办理, 工作证在哪补办): only an article saying how that thing is got says; one that
# only names it (使用公务卡结算) does not.
_ASKS_HOW_TO_GET = re.compile(r"(?P<thing>[\u4e00-\u9fff]{2,4}?)(?:要|得)?(?:咋|怎么|如何|在哪|去哪|到哪)(?:儿|里)?(?:办理|申请|申领|领取|补办|开通)")


# How a thing is done (安置房咋分的), asked of a bare prohibition (不准在…分配中优亲厚友): it forbids a way of
# doing it and lays down none.
_ASKS_HOW_DONE = re.compile(r"(?:咋|怎么|如何|怎样)(?P<verb>[\u4e00-\u9fff]{1,2}?)的\s*(?:啊|呀|呢)?[?？]*\s*$")
_BARE_PROHIBITION = re.compile(r"^(?:(?!应当|须|经|由).)*$")
_PROHIBITION_START = re.compile(r"^\s*(?:不准|不得|严禁|禁止)")


def _got_unstated(question: str, article: IndexedArticle) -> bool:
    found = _ASKS_HOW_TO_GET.search(question)
    if found is None or found.group("thing") not in article.text:
        return False
    thing = found.group("thing")
    return not any(
        re.search(r"办理|申请|申领|领取|补办|开通|发放|配发|填写|审批|批准|签字|经", article.text[max(0, at.start() - 6): at.end() + 6])
        for at in re.finditer(re.escape(thing), article.text))


# How a figure is reckoned (退休年龄咋算): only an article naming that figure says.
_ASKS_HOW_RECKONED = re.compile(r"(?P<thing>(?![一二两三四五六七八九十百千这那])[\u4e00-\u9fff]{2})(?:是|该|应该)?(?:咋|怎么|如何)(?:算|计算|核算|折算)")
_ASKS_WHAT_WRITTEN = re.compile(r"(?P<thing>[\u4e00-\u9fff]{2})(?:上|里)?(?:写|填)(?:啥|什么|哪些)(?:内容)?(?=\s*(?:啊|呀|呢)?[?？]*\s*$|[\s,，。])")


# Those outside the article's group (不是搬迁户的 多久走访一次): the article binds the group it names.
_NOT_OF_THE_GROUP = re.compile(r"^(?:那)?不是(?P<group>[\u4e00-\u9fff]{2,5}?)的")
# Leaving a paper out (会议纪要可以不写吗): only an article naming the paper says.
_MAY_SKIP = re.compile(r"(?P<thing>[\u4e00-\u9fff]{2,4})(?:可以|能|可不可以|能不能)不(?:写|填|交|做|发|记)")


def _thing_absent(thing: str, index: RulesIndex, article: IndexedArticle) -> bool:
    # The last word is the thing itself (服务日志 is a 日志, 单位介绍信 a 介绍信); the ones before qualify it.
    words = [w for w in index.analyzer.words(thing) if len(w) >= 2 and w not in _EXISTS_GENERIC]
    return bool(words) and not _names(words[-1], index, article)


def _follows_unstated(question: str, index: RulesIndex, article: IndexedArticle) -> bool:
    return _ASKS_WHAT_FOLLOWS.search(question) is not None and not _PENALTY_OR_BAN.search(article.text) and not any(
        other.title == article.title and _PENALTY_CLAUSE.search(other.text) for other in index.articles)


# One's own business (干部能开网店吗), asked of an article on relatives' business (亲友经商办企业, 配偶、子女…
# 经商办企业): it binds them, not the cadre.
_OTHERS_BUSINESS = re.compile(r"(?:亲友|配偶、子女|配偶和子女|子女)[^。；]{0,6}经商办企业")
_SOMEONE_ELSES = re.compile(r"亲|友|朋友|同学|战友|老乡|熟人|配偶|老婆|老公|媳妇|爱人|对象|儿|闺女|女儿|孩子|子女|娃|家里|家属|爸|妈|哥|姐|弟|妹|舅|姨|姑|叔|伯|侄|外甥|丈人|岳|公公|婆婆|邻居|同事|他|她")


# Whether one thing counts as another, asked straight out (楼长算网格员吗, 网格员算不算协警): only an article
# naming both says.
_ASKS_CLASS = re.compile(r"^(?P<x>[\u4e00-\u9fff]{2,4})(?:算不算|算|属不属于|属于|是不是)(?P<y>[\u4e00-\u9fff]{2,6}?)(?:吗|么|不|没|呢)?[?？]*(?:[\s,，。]|$)")
_CLASS_GENERIC = {"这个", "这样", "那个", "这种", "那样", "违规", "违纪", "违反", "收礼", "合规", "正常", "公事", "私事", "工作", "干部", "多少", "个啥"}


def _class_unnamed(question: str, index: RulesIndex, article: IndexedArticle) -> bool:
    found = _ASKS_CLASS.search(question)
    if found is None:
        return False
    for part in (found.group("x"), found.group("y")):
        words = [w for w in index.analyzer.words(part) if len(w) >= 2 and w not in _CLASS_GENERIC] \
            or ([part] if part not in _CLASS_GENERIC else [])
        if words and not any(_names(w, index, article) for w in words):
            return True
    return False


def _other_party(question: str, article: IndexedArticle) -> bool:
    if _OTHERS_BUSINESS.search(article.text) and not _SOMEONE_ELSES.search(question):
        return True
    if (seal := _SEAL_KIND.search(question)) is not None and seal.group("kind") + "章" not in article.text:
        return True
    return (who := _ASKS_WHO_IT_MUST_BE.search(question)) is not None and who.group("who") not in article.text


def fact_unstated(question: str, index: RulesIndex, article: IndexedArticle) -> bool:
    if _outside_occasion(question, article) or _family_gift(question) or _thing_unnamed(question, index, article) \
            or _case_unnamed(question, index, article) or _needs_unmet(question, article) \
            or _follows_unstated(question, index, article) or _owner_unnamed(question, index, article) \
            or _other_party(question, article) or _class_unnamed(question, index, article):
        return True
    if _ASKS_WHERE_WHICH.search(question) is not None or _AFTER_THE_STEP.search(question):
        return True
    if (produced := _ASKS_TO_PRODUCE.search(question)) is not None and _thing_absent(produced.group("thing"), index, article):
        return True
    if _got_unstated(question, article):
        return True
    if _ASKS_HOW_DONE.search(question) and _PROHIBITION_START.search(article.text) and _BARE_PROHIBITION.search(article.text):
        return True
    if (fee := _ASKS_FEE.search(question)) is not None and not _fee_named(next(f for f in fee.groups() if f), index, article):
        return True
    if (group := _NOT_OF_THE_GROUP.search(question)) is not None and _names(group.group("group"), index, article):
        return True
    for asked_of in (_ASKS_STEP, _ASKS_WHAT_WRITTEN, _ASKS_HOW_RECKONED, _MAY_SKIP):
        if (step := asked_of.search(question)) is not None and _thing_absent(step.group("thing"), index, article):
            return True
    if (counted := _TIME_COUNTED.search(question)) is not None and _thing_absent(counted.group("case"), index, article):
        return True
    if (often := _HOW_OFTEN.search(question)) is not None and _thing_absent(often.group("thing"), index, article):
        return True  # "网格员多久要走访一次": the article's hours are for answering residents
    if (lasting := _HOW_LONG_IT_TAKES.search(question)) is not None and _thing_absent(lasting.group("thing"), index, article):
        return True  # "新来的网格员要培训多久才能上岗": the article's days are for something else
    if _PRIVATE_FIRM.search(question) and not _CADRES_OWN_ACT.search(question):
        return True
    if _OUTSIDE_AREA.search(question) and "辖区" in article.text or _NOT_ABOUT_WORK.search(question) and _official_dealings(index, article):
        return True
    asked = [next(word for word in found.groups() if word) for found in _ASKS_PAYMENT.finditer(question)]
    return any(not any(word in article.text for word in index.analyzer.expand(payment) | {payment}) for payment in asked)
