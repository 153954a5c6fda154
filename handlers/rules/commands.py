"""规定问答: "问 …", "规定 …" (explicit), and every question-like message no capability claimed
(the router's question stage sends them here: this command answers questions). Off-topic
questions and requests (天气, 菜谱, 写个总结) get "这个我帮不上" and what the bot does, never the
discipline committee (handlers.rules.offtopic). A question no article answers for sure gets the
closest articles as numbered choices; the cadre's "1"/"2" comes back here through the router's
conversation state (Context.offer) and is answered with that article.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.message import Incoming
from bot.router import COURTESY_KEY, Choice, Command, Context, Decline, Match, Reading, is_question
from bot.text import DURATION, normalize
from handlers.reports import service as reports
from handlers.rules.answer import answer, answer_article, empty_base_text, off_topic_text
from handlers.rules.kb import index_for
from handlers.rules.models import QUESTION_MAX
from handlers.rules.offtopic import is_off_topic, is_request, topic_words
from handlers.rules.search import LexiconError
from handlers.rules.service import list_documents, remember_choice

log = logging.getLogger(__name__)

PRIORITY = -5
QUESTION_MAX_CHARS = QUESTION_MAX
# A message this short that names an everyday subject (红烧肉, 天气) is about it.
OFF_TOPIC_SHORT = 8

# Text is NFKC-folded by the router, so ？ and ： arrive as ? and :.
_PREFIX = re.compile(
    r"^(?:请问|问问|问一下|(?:我)?(?:想|要)(?:问|请教|咨询)(?:一)?下?|请教一下|咨询一下)[\s:,，]*(?P<q>.+)$"
    r"|^(?:问|规定|查规定|问规定)[\s:,，]+(?P<q2>.+)$",
    re.S,
)
# The subjects of the conduct rules: a message about one of them that is not a question may still
# be one ("公车私用的规定"): offered as a numbered choice, never answered on a guess.
_CONDUCT = re.compile(
    r"规定|制度|标准|纪律|违规|违纪|禁止|允许|红包|礼金|礼品|收礼|送礼|公车|公款|宴请|吃请|接待|报销|出差|兼职|八项|廉洁|负面清单|处分"
)
# Time spent on something ("通了俩钟头", "守了40分钟").
_TIME_SPENT = re.compile(DURATION)
_BARE = re.compile(r"^(?:问|规定|查规定|问规定|规定问答)$")


def match_question(text: str, message: Incoming) -> dict[str, Any] | None:
    """The explicit forms: 问 …, 请问 …, 规定 …. Questions without them reach this command through
    the router's question stage."""
    if _BARE.match(text):
        return {"question": ""}
    found = _PREFIX.match(text)
    if found and found.group("q"):
        question = found.group("q").strip()
        return {"question": question, COURTESY_KEY: question}
    if found:
        return {"question": found.group("q2").strip()}
    return None


OFF_TOPIC = off_topic_text()
NAME = "规定问答"
# The key of a chosen article in a numbered choice's groups (JSON: it waits in the database).
CHOSEN_ARTICLE = "article_id"


def read_conduct(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if _CONDUCT.search(text) and 4 <= len(text) <= QUESTION_MAX_CHARS:
        return Reading(0.45, groups={"question": text}, label="问规定")
    return None


def read_off_topic(text: str, ctx: Context) -> Reading | None:
    """Weather, recipes, TV, writing a summary …: said so at once when asked or requested. A statement
    that only mentions such a thing (帮老人去医院挂号 排了3个小时队) may be something else: the other
    readings and the clarifying question have their say."""
    text = normalize(text)
    if not (is_question(text) or is_request(text) or len(text) <= OFF_TOPIC_SHORT or re.search(r"想问|问问|问一下|请问", text)):
        return None
    if re.search(r"(?:这个|你|助手|机器人|小程序)(?:要|该|应该)?(?:怎么|咋|如何)(?:用|使用|弄)|(?:下载|装|安装)(?:个)?app|发字就行|直接发字"
                 r"|这个号|是干啥的|是干什么的|能帮我(?:办|干|做)(?:啥|什么|点啥)", text):
        return None  # "这个怎么用 我能干啥": how to use the bot, not a gadget question
    if reports.problem_at(text) is not None and not is_request(text) and not topic_words(text)[1]:
        return None  # "小区门口那个下水道又冒了 咋整啊": a problem told; the clarifying question offers a 随手拍
    return Reading(0.9) if _off_topic(ctx, text) else None


def _off_topic(ctx: Context, question: str) -> bool:
    """is_off_topic, with the knowledge base asked only when the words alone say off-topic: a work matter
    beside an everyday one (出差坐卧铺还是坐高铁) is the rules' when an article plainly covers it."""
    if not is_off_topic(question):
        return False
    try:
        hits = index_for(ctx.session, ctx.config.rules).search(question, top_k=1)
    except LexiconError:
        return True
    return is_off_topic(question, hits[0].coverage if hits else 0.0)


def off_topic(ctx: Context, match: Match) -> str:
    if ctx.person is None:
        # A stranger is told what works for them, not the features that need registering.
        return ctx.router.stranger_text("这个我帮不上。")
    return OFF_TOPIC


def ask_rules(ctx: Context, match: Match) -> str:
    question = (match.groups.get("question") or match.args).strip()[:QUESTION_MAX_CHARS]
    settings = ctx.config.rules
    chosen = match.groups.get(CHOSEN_ARTICLE)
    still_to_come = re.fullmatch(r"(?:一下|下|个|一个|件)?(?:问题|事|事情|事儿)?(?:吗|可以吗|行吗)?[?？。.!！~]*", question)
    if (not question or still_to_come) and chosen is None:
        return _usage(ctx)  # "我要问个问题", "问一下": the question is still to come
    try:
        index = index_for(ctx.session, settings)
    except LexiconError as exc:
        log.error("rules synonyms/stopwords file unusable: %s", exc)
        return f"规定问答暂时用不了：{exc}。请管理员改好词表后再问。"
    if len(index) == 0:
        return empty_base_text(settings.contact)
    if chosen is not None:
        picked = answer_article(index, int(chosen), settings)
        if picked is not None:
            if ctx.person is not None and question:
                # The next cadre who puts it this way gets this article first (alike.py).
                article = picked.hits[0].article
                remember_choice(ctx.session, article.title, article.label, question, at=ctx.now, actor=ctx.person)
            return picked.text
        if not question:
            return "那条规定刚刚更新过，找不到了。请把问题再发一遍。"
    result = answer(index, question, settings, ctx.config.llm)
    if result.off_topic and question == match.text.strip() and reports.problem_at(question) is not None:
        # "垃圾桶满得冒尖了 味儿老大", "大坑啥时候填啊 都半个月了": sounding like a question, telling a problem.
        # Not "这个我帮不上": the router's clarifying question offers a 随手拍. (Declining every uncovered
        # question that tells a problem was tried: "迟到一次扣多少钱", "工作证丢了怎么补办" then got 没看懂.)
        raise Decline
    if not result.covered and not result.candidates and question == match.text.strip() \
            and reports.problem_at(question) is not None and _TIME_SPENT.search(question):
        # "下水道又堵了 我后晌带人通了俩钟头 咋整": a problem and the time spent on it, no rule asked about.
        raise Decline
    if result.candidates:
        # The number the cadre sends back is answered with that article (the router's stage 0).
        ctx.offer([Choice(label=c.citation, command=NAME, groups={CHOSEN_ARTICLE: c.article_id}, text=question)
                   for c in result.candidates])
    return result.text


def _usage(ctx: Context) -> str:
    titles = [f"《{d.title}》" for d in list_documents(ctx.session)]
    listing = "\n".join(titles[:8]) + (f"\n…共{len(titles)}份" if len(titles) > 8 else "")
    head = "直接问我规定上的事，我会给出条文依据。例：问 公务接待可以喝酒吗"
    return f"{head}\n现有规定：\n{listing}" if titles else f"{head}\n{empty_base_text(ctx.config.rules.contact)}"


# The heading this module's commands get in 帮助.
HELP_TITLE = "问规定"

COMMANDS = (
    Command(
        # The name is also matched as a prefix by the router, so it must not be a bare "问" (问题…).
        name=NAME,
        handler=ask_rules,
        matcher=match_question,
        reader=read_conduct,
        answers_questions=True,
        summary="问规定，我给出条文依据",
        example="问 公务接待可以喝酒吗",
        priority=PRIORITY,
        choice_label="问规定",
        choice_words=r"问|规定",
    ),
    Command(
        name="规定外", guessable=True,
        handler=off_topic,
        reader=read_off_topic,
        allow_unregistered=True,
        hidden=True,
        priority=PRIORITY,
    ),
)
