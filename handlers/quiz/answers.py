"""Reading an answer out of what people type: "A", "答 B", "选AC", "a、c", "对", "×", "正确"."""

from __future__ import annotations

import re

from bot.text import normalize
from handlers.quiz.models import FALSE, TRUE

_PREFIX = (
    r"(?:(?:刚推送的|刚才的|今天的|早上的)?那道题\s*|这题|这道题|这个)?(?:(?:我|俺)?(?:觉得|认为|猜|估计|感觉|看|寻思着?)(?:是|应该是|选)?|(?:我|俺)?选个|(?:我|俺)选|应该(?:是|选)|肯定(?:是|选)|就(?:选)?|是|选项|我投|投"
    r"|(?:蒙|猜)(?:一|1)?个|答案(?:是|为|选)"
    r"|(?:我|俺)?(?:答|选|答案|选择)(?:的)?(?:应该)?(?:是|为)?)?\s*[:：]?\s*"
)
# "B吧", "C吧 应该没错", "对的吧": a particle or a word of confidence after the answer.
_TAIL = re.compile(r"(?:\s*(?:选项|吧|呗|啊|呀|哦|哈|嘛|呢|了))*\s*(?:都对吧|都对|都选|全对吧|(?:(?:我|俺)?(?:就)?选这个|就这个|就它了?|应该(?!是|选)|应该没错|应该对|没错|对吧|肯定对|准没错|错不了|没跑|蒙一个|蒙的|瞎蒙|瞎猜|猜的|随便选|不确定|不太确定|试试|(?:我|俺)(?:是这么)?(?:觉得|感觉|认为|猜)(?:的)?|(?:上面|刚才|刚刚|今天|群里|早上)?(?:群里)?的?那?(?:道|个)?题(?:目)?|(?:这(?:道)?题)?(?:太|真|挺|好|也太)?(?:简单|容易|不难)(?:了|啦)?|送分题|秒答|(?:应该|肯定|这)?(?:是)?(?:道)?多选(?:题)?))?\s*(?:吧|呗|啊|哈+|嘿嘿|呵呵)?[。.!！~～]*$")
_LETTERS = re.compile(rf"^{_PREFIX}(?P<letters>[A-Ha-h](?:(?:[\s,，、/+＋&]|和|跟|与|还有|以及)*[A-Ha-h]){{0,7}})\s*(?:[两俩仨三四]个?都选上?|两个都对|都选上?|全选上?|全都选上?|两个|两项|都对|这(?:俩|两个|仨|三个|几个))?[。.!！]?$")
_JUDGE = re.compile(rf"^{_PREFIX}(?P<judge>对|错|√|✓|✔|×|✗|✘|x|X|正确|错误|对的|错的)[。.!！]?$")
# "c 应该是c", "B 我选B", "B吧 应该是B": the letter said twice is one answer.
_REPEATED = re.compile(r"^\s*([A-Ha-h])\s*(?:吧|呗|啊)?\s*[,，]?\s*(?:应该|肯定|我觉得|我|俺)?\s*(?:是|选)\s*(?i:\1)\s*(?=[吧呗啊。.!！~～]*$)")
# "应该是A 超过500元要报告", "选B，因为要提前报备": one letter, then why (no other letter in it).
_WITH_REASON = re.compile(rf"^{_PREFIX}(?P<letters>[A-Ha-h]{{1,4}})(?:\s*[,，。.]\s*|\s+|(?=说的(?:是)?对|是对的|对的|正确))(?:因为|由于|理由是|毕竟)?(?P<why>[^A-Za-z]{{2,60}})$")
# Thinking aloud about the options, then the choice at the end.
_DECIDED_AT_END = re.compile(r"(?:我觉得|我认为|我猜|应该是|应该选|我选|就选|那就选|所以选|选|只能是|肯定是|那就是|就是|就)\s*(?:是|选)?\s*(?P<letter>[A-Ha-h]{1,4})\s*(?:吧|呗|啊|了)?\s*(?:错不了|没跑|准没错|肯定对|没错)?[。.!！~～]*$")
_ABOUT_THE_QUESTION = re.compile(r"题|选项|第[一二三四1-4]个|[A-Ha-h]\s*(?:也)?(?:不对|错|对|都对|肯定|不像)|[A-Ha-h]\s*(?:还是|或者|和)\s*[A-Ha-h]")
# "第二个吧", "选第三个": an option by its place, as people read a list out.
_ORDINAL = re.compile(rf"^{_PREFIX}第(?P<n>[一二三四五六七八1-8])(?:个|项)(?:选项)?(?:\s*[^\s]{{1,8}}那个|吧?\s*(?:我|俺)?看着像|吧?\s*像是)?[。.!！]?$")
_PLACES = "一二三四五六七八"
_CORRECTED = re.compile(r"[\s,，。]*(?:嗯|哦|噢)?\s*(?:不对|不是|说错了|选错了|错了)[\s,，。]*(?=(?:是|选|应该是|改成|改)?\s*[A-Ha-h])")
_TRUE_WORDS = {"对", "√", "✓", "✔", "正确", "对的"}


def parse_answer(text: str) -> str | None:
    """The answer as stored: sorted distinct option letters ("AC"), or T/F; None when it is no answer."""
    text = re.sub(r"[^\w\s,，、/+＋&.。!！~～√✓✔×✗✘]+", " ", normalize(text)).strip()  # 😅, 🤔 after the answer
    # "额 我猜是第二个 B": a filler in front, and the option's place said beside its letter
    text = re.sub(r"^(?:额|呃|嗯+|那个|emm+)?[\s.。…,，]*(?:(?:我|俺|让我|让俺)?想想(?:啊|哈|哦)?|我看看)?[\s.。…,，]*", "", text)
    corrected = _CORRECTED.split(text)
    if len(corrected) > 1 and corrected[-1].strip():
        # "选a和c 嗯不对 是a和d": the answer said last, after taking back the first
        again = parse_answer(corrected[-1])
        if again is not None:
            return again
    text = re.sub(r"第[一二三四五六七八1-8]个\s*(?=[A-Ha-h](?:\W|$))", "", text)
    text = _REPEATED.sub(r"\1", text, count=1)
    text = _TAIL.sub("", text, count=1) or text
    found = _LETTERS.match(text)
    if found:
        letters = sorted({c.upper() for c in found.group("letters") if c.upper() in "ABCDEFGH"})
        return "".join(letters)
    found = _WITH_REASON.match(text)
    if found and re.search(r"[\u4e00-\u9fff]", found.group("why")):
        return "".join(sorted({c.upper() for c in found.group("letters")}))
    found = _ORDINAL.match(text)
    if found:
        n = found.group("n")
        return "ABCDEFGH"[int(n) - 1 if n.isdigit() else _PLACES.index(n)]
    found = _JUDGE.match(text)
    if found:
        return TRUE if found.group("judge") in _TRUE_WORDS else FALSE
    found = _DECIDED_AT_END.search(text)
    if found and _ABOUT_THE_QUESTION.search(text[: found.start()]):
        return "".join(sorted({c.upper() for c in found.group("letter")}))  # "…第一个肯定不对…然后我觉得应该是选C吧"
    return None


def answer_label(choice: str) -> str:
    """How an answer is shown back: letters as they are, T/F as 对/错."""
    return {TRUE: "对", FALSE: "错"}.get(choice, choice)
