"""How the quiz reads messages that name no command: 本月排行榜, 我排第几, 看看答题排名, 来道题."""

from __future__ import annotations

import re

from bot.router import Context, Reading
from bot.text import SHOW_ME, normalize

_BOARD = re.compile(
    rf"^{SHOW_ME}(?P<period>本月|这个月|这月|本周|这周|这星期|上周)?的?(?:答题|积分)?(?:排行榜|排名|排行|积分榜|名次)[?？!！。]*$"
    r"|(?:我|俺)(?:现在|目前|这会儿|这个月|本月)?(?:答题)?(?:排|排名|排在|是)(?:第几|老几)|(?:答题|积分).{0,4}(?:我|俺)(?:排|排在)?(?:第几|老几)|我(?:的)?(?:答题)?(?:排名|名次)|我第几名"
    r"|(?P<period2>本月|这个月|本周|这周)?谁(?:答题|答得|答对)?(?:最多|第一|最好|最厉害)|答题(?:成绩|情况)(?:怎么样|咋样)?$|^(?:月榜|周榜)$"
)
_PRACTICE = re.compile(
    r"^(?:再)?(?:来|出|给我来|给我出|做|答|刷|练)(?:一|1|几|两|个)?[道个]?(?:题|练习题|题目)[吧呗!！。]*$"
    r"|^(?:我要|我想|想|要)(?:答题|做题|练习|刷题|答几道题|做道题|练练)$|考考我|练练手|出个题"
    r"|^(?:我|俺)?(?:想|要)(?:再)?(?:做|答|刷|练)(?:几|一|两|1)?(?:道|个)?(?:题|练习题|题目)"
    r"|^(?:再来|还来|再出|接着来|继续)(?:一|1|几|两)?(?:道|个|题)?(?:题)?[吧呗!！。]*$"
    # "再整一题 刚才那个答错了不服气", "我也答个题试试水平", "有没有题刷几道 闲着也是闲着"
    r"|^(?:再|还)(?:整|来|出|做|答)(?:一|1|几|两)?(?:道|个)?题|^(?:再)?(?:来|出)(?:一|1|几|两)?道(?:题)?(?=\s|[,，])|^(?:来|出)(?:一|1)题(?=\s|[,，])|(?:答|做|刷)(?:个|几道|两道|一道|道)题(?:试试|玩玩|练练)|^有没有题(?:刷|做|答)"
)


# "闲着也是闲着等车的功夫来道题做做": the request at the end of a longer message.
_PRACTICE_AT_END = re.compile(r"(?:来|出|给我来|给我出)(?:一|1|几|两|个)?[道个](?:题|练习题)(?:做做|练练|玩玩|试试)?(?:练练脑子|动动脑子|解解闷)?(?:\S{0,8}(?:糊涂|无聊|闲的|没事干))?[吧呗!！。]*$")
_BOARD_ANYWHERE = re.compile(r"(?:排行榜|榜单|榜上|排名|排行|积分榜|名次|第几名|排多少名|多少名|答题榜|前十|前三|前五|前几名|前\d+名)")
_HOURS_WORDS = re.compile(r"时长|小时|服务|下沉|达标|社区|单位")
_PRACTICE_ANYWHERE = re.compile(r"答题|做题|刷题|练题|出题|题目|练习题|来.{0,2}题|有题")


def read_board(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if re.search(r"答题.{0,4}(?:前十|前三|前五|前几名|前\d+名)|(?:前十|前三|前五|前\d+名).{0,4}答题|答题(?:的)?(?:正确率|参与率|统计)", text):
        return Reading(0.95, groups={"period": "本月" if re.search(r"本月|这个月|这月|月榜", text) else ""})
    found = _BOARD.search(text)
    if found is not None and re.search(r"时长|小时|钟头|下沉", text) and "答题" not in text:
        return None  # "看看大伙的时长统计 谁最多": the hours, not the quiz
    if not found:
        if _BOARD_ANYWHERE.search(text) and len(text) <= 14 and not _HOURS_WORDS.search(text):
            period = "本月" if re.search(r"本月|这个月|这月|月榜", text) else ""
            return Reading(0.85, groups={"period": period})
        return None
    period = found.group("period") or found.group("period2") or ("本月" if "月榜" in text else "")
    return Reading(0.9, groups={"period": "本月" if period in ("本月", "这个月", "这月") else ""})


def read_practice(text: str, ctx: Context) -> Reading | None:
    text = re.sub(r"答提|打题|答体", "答题", normalize(text))
    if _PRACTICE.search(text) or _PRACTICE_AT_END.search(text):
        return Reading(0.9)
    if _PRACTICE_ANYWHERE.search(text) and len(text) <= 10 and not _BOARD_ANYWHERE.search(text) and not re.search(r"怎么|咋|如何|正确率|情况|成绩|统计|参与率", text):
        return Reading(0.85)
    return None
