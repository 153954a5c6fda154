"""Rules Q&A as cadres use it: cited answers from the sample base, an honest "not covered", and
questions that never steal other commands' messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.composition import build_app, config_from_dict
from bot.app import App
from bot.db import transaction
from bot.text import utf8_len
from handlers.rules.importer import parse_text
from handlers.rules.service import import_document
from tests.conftest import make_config
from tests.harness import TestBot

RECEPTION = "《示范街道公务接待管理办法（示例）》"
VEHICLES = "《示范街道公务用车使用管理规定（示例）》"


def test_done_when_question_is_answered_with_its_article(bot):
    said = bot.send("张伟", "公务接待可以喝酒吗")
    assert said.text.startswith(f"依据{RECEPTION}第六条：")
    assert "不得提供任何酒水" in said.text


@pytest.mark.parametrize(
    "text",
    ["问 能开公车回家吗", "规定：能开公车回家吗", "请问能开公车回家吗", "能开公车回家吗", "公车能不能开回家", "开公车回家?", "公车开回家？"],
)
def test_every_way_of_asking_reaches_the_rules(bot, text):
    said = bot.send("张伟", text)
    assert f"依据{VEHICLES}第三条" in said.text


@pytest.mark.parametrize("text", ["明天会下雨吗？", "问 红烧肉怎么做", "帮我写个年终总结可以吗", "五一去北京的高铁票还有吗？"])
def test_off_topic_question_gets_what_the_bot_can_do_not_the_committee(bot, text):
    said = bot.send("李娜", text)
    assert said.text.startswith("这个我帮不上")
    assert "登记服务时长" in said.text and "查规定" in said.text
    assert "纪工委" not in said.text and "依据" not in said.text


def test_rules_question_the_base_does_not_cover_gets_not_covered_and_the_contact(bot):
    said = bot.send("李娜", "年假一年有几天？")
    assert "没有找到明确的条文" in said.text
    assert "街道纪工委" in said.text
    assert "依据" not in said.text


def test_contact_and_threshold_come_from_config(demo_app: App, db_url: str):
    config = make_config(db_url, rules={"contact": "街道党政办纪检员", "threshold": 1.0})
    app = build_app(config, clock=demo_app.clock, engine=demo_app.engine)
    said = TestBot(app).send("张伟", "能开公车接孩子上学吗")  # a good match, but not a perfect one
    assert not said.text.startswith("依据") and "街道党政办纪检员" in said.text


def test_a_rule_is_cited_before_the_article_defining_its_words(bot):
    gifts = "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》"
    said = bot.send("张伟", "能收红包吗")
    assert said.text.startswith(f"依据{gifts}第一条：")
    assert "不得收受" in said.text
    # Asked what a word covers, the definition is the answer.
    assert bot.send("张伟", "微信红包算不算礼金").text.startswith(f"依据{gifts}第二条：")


def test_an_unsure_match_offers_the_closest_articles_as_numbered_choices(bot):
    said = bot.send("张伟", "能给科长配一台专车吗")
    lines = said.text.splitlines()
    assert lines[0] == "没找到正好对上的条文。您是想问："
    assert lines[1].startswith(f"1 {VEHICLES}第一条：街道公务用车由党政综合办集中管")
    assert lines[2].startswith("2 《")
    assert "回复数字即可" in lines[-1] and "街道纪工委" in lines[-1]
    assert len(said.text) <= 500


def test_the_number_sent_back_is_answered_with_that_article(bot):
    offered = bot.send("张伟", "能给科长配一台专车吗")
    second = offered.text.splitlines()[2].split("：", 1)[0].removeprefix("2 ")
    said = bot.send("张伟", "2")
    assert said.text.startswith(f"依据{second}：")
    assert "回复数字即可" not in said.text and len(said.text) <= 500
    # The choice is answered once: another "2" is not read as that choice again.
    assert not bot.send("张伟", "2").text.startswith("依据")


def test_the_first_choice_can_be_picked_in_words(bot):
    bot.send("张伟", "能给科长配一台专车吗")
    said = bot.send("张伟", "第一个")
    assert said.text.startswith(f"依据{VEHICLES}第一条：街道公务用车由党政综合办集中管")


def test_numbered_choices_belong_to_the_person_they_were_offered_to(bot):
    bot.send("张伟", "能给科长配一台专车吗")
    assert not bot.send("李娜", "1").text.startswith("依据")


@pytest.mark.parametrize(
    "text",
    ["明天会下雨吗？", "红烧肉怎么做", "帮我写个年终总结可以吗", "今晚央视放什么电视剧", "后天降温不", "附近哪家火锅好吃",
     "你能帮我P个图吗", "帮我把这段话改得正式一点", "讲讲三国演义里的赤壁之战"],
)
def test_off_topic_without_a_command_word_is_not_sent_to_the_committee(bot, text):
    said = bot.send("张伟", text)
    assert said.text.startswith("这个我帮不上") and "纪工委" not in said.text
    assert "登记服务时长" in said.text


def test_a_report_about_an_everyday_subject_is_not_off_topic(bot):
    said = bot.send("张伟", "随手拍 小区门口天天堵车 没人管")
    assert "这个我帮不上" not in said.text


@pytest.mark.parametrize("text", ["这个助手怎么用", "今天帮老人去医院挂号 排了3个小时队 医院效率太低"])
def test_talk_about_the_bot_or_a_day_of_service_is_not_off_topic(bot, text):
    said = bot.send("张伟", text)
    assert "这个我帮不上" not in said.text and said.replies


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("闺女出嫁想办几桌 要跟谁说一声", "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》第五条"),
        ("上头来人检查 中午饭一个人能吃多少钱的", f"{RECEPTION}第五条"),
        ("出差酒店住贵了 超的钱谁出", "《示范街道差旅费管理规定（示例）》第三条"),
    ],
)
def test_everyday_words_for_family_meals_and_money_find_the_rule(bot, text, cited):
    said = bot.send("张伟", text)
    assert said.text.startswith(f"依据{cited}：")


def test_a_rule_that_never_mentions_the_main_thing_asked_is_not_the_answer(bot):
    # 办公室 is what the question is about; the rule on 接送子女 with the car does not mention it.
    said = bot.send("张伟", "上班能带孩子来办公室吗")
    assert not said.text.startswith("依据")
    assert "纪工委" in said.text and len(said.text) <= 500


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("能收理金吗", "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》第一条"),
        ("网格员多久走防一次搬迁户", "《示范街道网格员和下沉干部工作职责（示例）》一、（二）"),
        ("能开公车会家吗", f"{VEHICLES}第三条"),
        ("公务接带能上酒吗", f"{RECEPTION}第六条"),
    ],
)
def test_a_slip_of_the_pinyin_keyboard_still_finds_the_rule(bot, text, cited):
    said = bot.send("张伟", text)
    assert said.text.startswith(f"依据{cited}：")


def test_explicit_commands_win_over_questions(bot):
    assert "已登记" in bot.send("张伟", "服务 3小时").text
    # A lone question mark is the help command's.
    assert "可以这样跟我说" in bot.send("张伟", "?").text


@pytest.mark.parametrize("text", ["问题清单在哪里看", "你好", "在吗"])
def test_ordinary_chat_is_not_taken_for_a_rules_question(bot, text):
    said = bot.send("张伟", text)
    assert said.replies and "依据《" not in said.text and "没有找到明确的条文" not in said.text


def test_bare_keyword_explains_and_lists_documents(bot):
    said = bot.send("张伟", "规定")
    assert "例：问 公务接待可以喝酒吗" in said.text
    assert RECEPTION in said.text and "《示范社区小微权力清单和干部负面清单（示例）》" in said.text


def test_outline_documents_are_cited_with_their_numbering(bot):
    said = bot.send("李娜", "社区开证明可以收费吗")
    assert said.text.startswith("依据《示范社区小微权力清单和干部负面清单（示例）》一、（四）：")


def test_long_articles_are_trimmed_to_a_phone_screen_and_2048_bytes(app, clock, bot_for_app):
    long_article = "第一条 公务接待工作餐不得饮酒。" + "接待单位应当严格执行规定，" * 400
    with transaction(app.sessions) as session:
        import_document(session, "长规定" * 30, parse_text(long_article + "\n第二条 公务接待饮酒的处理。" + "从严" * 500), at=clock.now(), actor="test")
    said = bot_for_app.send("张伟", "公务接待可以饮酒吗")
    assert said.text.startswith("依据《长规定")
    assert utf8_len(said.text) <= 2048
    assert said.text.count("…") >= 1
    assert len(said.text) < 700


def test_empty_knowledge_base_says_so(bot_for_app):
    said = bot_for_app.send("张伟", "公务接待可以喝酒吗")
    assert "规定知识库还是空的" in said.text and "纪工委" in said.text


def test_import_from_another_process_is_seen_on_the_next_question(bot_for_app, app, db_url, clock):
    # A second App on the same database stands for the CLI process; the bot's index must follow it.
    assert "规定知识库还是空的" in bot_for_app.send("张伟", "网格员多久走访一次？").text
    other = build_app(make_config(db_url), clock=clock)
    try:
        with transaction(other.sessions) as session:
            import_document(session, "走访制度", parse_text("第一条 网格员每月走访搬迁户至少一次。"), at=clock.now(), actor="cli")
    finally:
        other.engine.dispose()
    assert "依据《走访制度》第一条" in bot_for_app.send("张伟", "网格员多久走访一次？").text


def test_synonym_file_is_editable(tmp_path: Path, db_url: str, clock):
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# 本街道的说法\n", encoding="utf-8")
    app = build_app(make_config(db_url, rules={"synonyms_file": str(synonyms)}), clock=clock)
    try:
        from bot.demo import load_demo

        load_demo(app)
        bot = TestBot(app)
        assert "没有找到明确的条文" in bot.send("张伟", "能坐单位车去喝喜酒吗").text
        synonyms.write_text("公车 公务用车 单位车\n喜酒 => 婚丧嫁娶\n", encoding="utf-8")
        assert f"依据{VEHICLES}第三条" in bot.send("张伟", "能坐单位车去喝喜酒吗").text
    finally:
        app.engine.dispose()


def test_a_broken_synonyms_edit_gets_a_clear_reply(tmp_path: Path, db_url: str, clock):
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("公车 公务用车\n", encoding="utf-8")
    app = build_app(make_config(db_url, rules={"synonyms_file": str(synonyms)}), clock=clock)
    try:
        from bot.demo import load_demo

        load_demo(app)
        bot = TestBot(app)
        assert f"依据{VEHICLES}第三条" in bot.send("张伟", "公车私用可以吗").text
        synonyms.write_text("公车 公务用车\n喜酒 =>\n", encoding="utf-8")
        said = bot.send("张伟", "公车私用可以吗")
        assert "同义词表第2行" in said.text and "请管理员改好词表" in said.text
    finally:
        app.engine.dispose()


def test_a_missing_synonyms_file_stops_the_start_naming_the_key(tmp_path: Path):
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="rules.synonyms_file"):
        config_from_dict({"rules": {"synonyms_file": str(tmp_path / "nope.txt")}})


@pytest.fixture
def bot_for_app(app: App) -> TestBot:
    """The demo street with an empty knowledge base (these tests import their own rules)."""
    from bot.demo import load_demo
    from handlers.rules.service import find_document, list_documents, remove_document

    load_demo(app)
    with transaction(app.sessions) as session:
        for row in list_documents(session):
            remove_document(session, find_document(session, str(row.id)), at=app.clock.now(), actor="test")
    return TestBot(app)


def _likeness(app, question: str, citation: str) -> float:
    """How alike the question is to the known questions of the article cited so (0 when it is not found)."""
    from handlers.rules.service import try_question

    with app.sessions() as session:
        result, _ = try_question(session, app.config.rules, app.config.llm, question)
    return max((h.alike for h in result.hits if h.article.citation == citation), default=0.0)


def test_the_article_a_cadre_picks_is_known_for_that_question_afterwards(bot, demo_app):
    from handlers.rules.service import list_questions

    question = "市里领导下来 我们在路口排队迎一下中不"
    welcome = f"{RECEPTION}第十条"
    before = _likeness(demo_app, question, welcome)
    offered = bot.send("张伟", question).text.splitlines()
    assert offered[0] == "没找到正好对上的条文。您是想问："
    picked = next(line for line in offered if welcome in line)
    said = bot.send("张伟", picked.split(" ", 1)[0])
    assert said.text.startswith(f"依据{welcome}：")
    with demo_app.sessions() as session:
        learnt = list_questions(session, "chosen")
    assert [(q.citation, q.text) for q in learnt] == [(welcome, question)]
    # The next cadre who puts it this way finds the picked article as alike as can be.
    assert before < 1.0 and _likeness(demo_app, question, welcome) == 1.0


def test_a_figure_asked_of_an_article_that_names_none_is_offered_not_quoted(bot):
    gifts = "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》"
    said = bot.send("张伟", "儿子结婚跟纪工委报告 得提前几天报")
    assert said.text.startswith("没找到正好对上的条文") and f"1 {gifts}第五条" in said.text
    # The figure is in the article: quoted.
    assert bot.send("张伟", "接待吃饭一个人最多花多少钱").text.startswith(f"依据{RECEPTION}第五条")


def test_a_pick_made_on_one_instance_is_known_to_another_on_the_same_database(bot, demo_app, db_url):
    # Two instances of a county's bot share the database: the known question reaches the other's index.
    other = build_app(make_config(db_url), clock=demo_app.clock)
    try:
        question = "市里领导下来 我们在路口排队迎一下中不"
        welcome = f"{RECEPTION}第十条"
        assert _likeness(other, question, welcome) < 1.0  # the other instance has built its index
        offered = bot.send("张伟", question).text.splitlines()
        bot.send("张伟", next(line for line in offered if welcome in line).split(" ", 1)[0])
        assert _likeness(other, question, welcome) == 1.0
    finally:
        other.engine.dispose()


@pytest.mark.parametrize("text", ["上级来检查吃工作餐，我们陪着吃的人自己要掏饭钱不", "加班到半夜打车回家 车费能报不",
                                  "晚上加班整材料 误餐费能报不"])
def test_who_pays_or_what_overtime_earns_is_not_quoted_from_a_rule_that_says_nothing_of_it(bot, text):
    # The rule on how many may eat with visitors says nothing of who pays; the rules on trips say nothing of overtime.
    said = bot.send("张伟", text)
    assert not said.text.startswith("依据") and "纪工委" in said.text


def test_a_transfer_taken_by_a_tap_finds_the_rule_on_gifts_that_could_not_be_refused(bot):
    said = bot.send("张伟", "过节一个居民微信给俺转了两百，备注写的辛苦了，俺点了收款中不中")
    assert "礼品礼金管理规定" in said.text


@pytest.mark.parametrize("text", ["我朋友开了个私人公司 请客户吃饭喝茅台 他问我你们不是规定不能上酒吗 私企也管这个吗",
                                  "儿子在私企上班 老板让他出差只许订200以内的宾馆 超了自己掏 这合理不"])
def test_a_private_firms_own_practice_is_not_answered_from_the_streets_rules(bot, text):
    # The street's rules bind its cadres; what a private firm does with its own money is not theirs to rule on.
    said = bot.send("张伟", text)
    assert not said.text.startswith("依据") and "纪工委" in said.text


def test_a_cadres_own_act_for_a_private_firm_is_still_answered(bot):
    said = bot.send("张伟", "有个小伙要去一家私人公司应聘 公司要社区开证明 俺们能跟他收点钱吗")
    assert "小微权力清单" in said.text


@pytest.mark.parametrize("text", ["周末休息手机能关机不", "下班后手机可以不接工作电话吗",
                                  "星期天带老婆孩子去街道机关食堂吃顿饭 自己刷卡付钱 可不可以",
                                  "俺大学同学来这边旅游 能不能走接待的账请他吃顿饭"])
def test_a_rule_bound_to_an_occasion_does_not_answer_outside_it(bot, text):
    # Phones are to be silent during meetings, guests eat in the canteen, a trip's rules bind the one on the
    # trip: none says anything of a weekend, or of a friend one treats at home.
    said = bot.send("张伟", text)
    assert not said.text.startswith("依据")


def test_the_rule_on_phones_in_meetings_still_answers_a_meeting_in_the_evening(bot):
    assert "第五条" in bot.send("张伟", "晚上开会手机能开着吗").text


@pytest.mark.parametrize("text", ["过年俺亲哥给俺闺女发了个2000的压岁钱红包 俺是社区干部 这个要不要交纪工委登记",
                                  "俺姑家表妹考上大学了 俺随了个1000的红包 这个要跟组织报告不",
                                  "同事下月结婚 随份子一般随多少合适 二百会不会太少",
                                  "公车的加油卡密码谁知道啊 加油站等着呢 急"])
def test_family_customs_a_sum_to_give_or_a_password_are_not_quoted_from_a_rule(bot, text):
    said = bot.send("张伟", text)
    assert not said.text.startswith("依据")


def test_a_red_packet_from_a_resident_is_still_the_rule_on_gifts(bot):
    assert "第三条" in bot.send("张伟", "群众塞给我一个红包 没推掉 咋整").text


def test_a_spouses_shop_is_business_to_report_and_a_new_job_is_not(bot):
    assert "第七条" in bot.send("张伟", "我媳妇在辖区开了个美容店 要报告吗").text
    assert not bot.send("张伟", "老婆换工作了要跟单位报备吗").text.startswith("依据")


def test_how_often_is_not_answered_by_an_article_whose_only_figure_is_a_sum(bot):
    assert not bot.send("张伟", "社区集体资金的账谁来审计 多长时间审一回").text.startswith("依据")


@pytest.mark.parametrize("text", ["周末值班给补休不", "探亲假有没有", "工资条在哪看", "人事档案在哪放着"])
def test_short_questions_about_leave_pay_or_files_are_not_quoted_from_a_rule(bot, text):
    assert not bot.send("张伟", text).text.startswith("依据")


@pytest.mark.parametrize("text", ["下了班能不能把工作手机关了 只留私人号", "我要出国去看儿子 因私出国要报备不 护照要交上去吗",
                                  "新招的网格员有没有岗前培训 培训多久", "春节值班表谁排的 我跟同事换个班行不行"])
def test_a_rule_sharing_words_but_not_the_matter_asked_is_not_quoted(bot, text):
    # The car rules without a car, the rule on weddings without one, a thing no article names, who drew up a roster.
    assert not bot.send("张伟", text).text.startswith("依据")


def test_the_car_and_wedding_rules_still_answer_their_own_questions(bot):
    assert "公务用车" in bot.send("张伟", "周末能开公车回老家吗").text
    assert "第五条" in bot.send("张伟", "孩子结婚要报告吗").text


def test_a_resident_pressing_a_drink_on_the_cadre_is_a_conduct_question(bot):
    said = bot.send("张伟", "中午在一户大爷家核信息 大爷炒了俩菜非让我喝两盅 说不喝就是看不起他 咋整🍶")
    assert "这个我帮不上" not in said.text


@pytest.mark.parametrize("text", [
    "开会要是晚到了 会扣几分",  # the meeting rule counts minutes, not points
    "以前的老书记退休以后去协会当顾问 拿报酬算违规不",  # no longer a cadre
    "入户核查低保 那家人不开门 咋整",  # what to do when refused
    "社区集体的钱修个一两万的小花坛 这事谁拍板",  # no decider named
    "过年收的那箱苹果俺已经登记交上去了 之后会咋处理",  # after the article's own step
    "俺家那口子在外省开了个小卖部 不在咱辖区 也要报告吗",  # outside the article's area
])
def test_a_question_just_past_what_the_article_says_is_not_quoted_from_it(bot, text):
    assert not bot.send("张伟", text).text.startswith("依据")


def test_goods_counted_by_the_box_are_a_gift_not_a_drink(bot):
    said = bot.send("张伟", "有人送了两瓶酒 能收不")
    assert said.text.startswith("依据") and "礼品" in said.text
    assert "第七条" not in bot.send("张伟", "居民拎了一箱酒来 收不收").text  # not the rule on drink-driving
    assert "饮酒" in bot.send("张伟", "中午喝了两瓶酒 下午能上班不").text


@pytest.mark.parametrize("text", [
    "接待七八个人的调研组 最多能派几辆车",  # the reception rule counts people, not cars
    "公车私用被发现了 会扣年终奖金不",  # refunding the costs is no cut in pay
    "俺外甥下个月办婚礼 俺帮忙张罗 得报纪工委不",  # a relative beyond oneself and one's children
    "俺舅过年送来一箱苹果 纯走亲戚 跟工作没关系 要登记不",  # said to be no official dealing
    "派车单填好了 综合办负责人出差了 这两天找谁签",  # the signer out of reach
    "工作日中午不让喝酒 那晚上加班吃饭也不能喝吗",  # the rule stretched to a case it does not name
])
def test_a_case_the_article_does_not_reach_is_not_quoted_from_it(bot, text):
    assert not bot.send("张伟", text).text.startswith("依据")


def test_the_articles_still_answer_their_own_cases(bot):
    assert bot.send("张伟", "群众硬塞给我两盒茶叶 没推掉 咋整").text.startswith("依据")
    assert "第五条" in bot.send("张伟", "俺儿子下个月结婚 要报纪工委不").text  # a child's wedding is the article's own


@pytest.mark.parametrize("text", [
    "出差回来一个月内要报账 这个知道 那拖了两个月才想起来 还能报不",  # the deadline let pass
    "易地搬迁户每月至少走一次 晓得 那普通住户多久走一回",  # beyond the article just quoted
    "司机酒后开车咋处分",  # how punished, of an article naming no penalty
    "临时救助一回能给多少",  # a sum, of an article whose figures are days
    "网格员值班有补助不",  # a payment no article names
])
def test_what_is_asked_beyond_the_article_is_not_quoted_from_it(bot, text):
    assert not bot.send("张伟", text).text.startswith("依据")


def test_whether_something_forbidden_is_punished_is_still_answered_by_the_rule(bot):
    assert bot.send("张伟", "上班时间打游戏会被处分吗").text.startswith("依据")


@pytest.mark.parametrize("text", [
    "周末在家刷了一晚上视频 这也违反规定吗",  # the rule on working hours, asked of an evening at home
    "定点饭店今天关门了 检查组的工作餐咋安排",  # the place the article names is out of reach
])
def test_a_rule_for_working_hours_or_a_named_place_does_not_answer_beyond_them(bot, text):
    assert not bot.send("张伟", text).text.startswith("依据")


def test_the_rule_on_working_hours_still_answers_at_work(bot):
    assert bot.send("张伟", "上班时间能刷视频不").text.startswith("依据")


@pytest.mark.parametrize("text", [
    "食堂早饭几点开始 几点收",  # the staff canteen, not a guest's meal
    "积分跟绩效挂钩 一个月满分是多少分",  # a score asked of an article that states none
    "出差审批单填好了 分管领导人也出差了 谁能代他签",  # the signer away: who stands in
    "开会请假我已经跟主持人微信说了 还要不要交书面假条",  # a written form no article names
    "社区管公章那个人 是不是得考个证",  # a qualification no article names
    "今年刚按揭买了台车 个人事项报告里要填不",  # the personal-matters report is a system of its own
    "刚说5个工作日内登记礼品 那登记用啥表 网上能填不",  # which form, online: the article names none
    "那网格员要考啥证不",  # a qualification
    "那下沉服务攒的积分能换啥",  # what points buy
    "那办公电脑坏了 找谁修",  # a repair, of the rule on scrapping
    "晨会学完规定 那还要写学习心得不",  # something to hand in the article never names
    "管公章的大姐请产假了 那章交给谁管",  # the keeper on leave
    "新来的网格员要培训多久才能上岗",  # how long a thing takes that the article never names
    "新来的下沉干部 要先培训不 培训几天",
    "网格员想转社区干部 有啥条件",  # conditions no article lists
    "下沉网格那20个钟头 路上来回的时间能算进去不",  # whether time on the road counts
    "这个月请了一周病假 下沉20小时能少点不",  # being let off part of the rule
    "公务卡额度是多少 出差住宿刷不够了咋整",  # a card's limit
    "没退成的礼交到纪工委了，最后他们咋处理，能退回给送礼的人不",  # after the step the article lays down
    "想注册个抖音号发发做饭视频 要跟单位报备吗",  # a pastime, not an act at work
    "那司机一天最多能开几个钟头",  # not a meeting's length
    "会议通知一般提前几天发",  # days asked of an article counting minutes (提前5分钟到场)
    "评议低保的居民代表是怎么选出来的",  # how a thing came about, of an article that never says that verb
    "分管领导出差了 出差审批单让别人代签行不",  # the signer away: someone else standing in
    "开会的讲话稿谁来写",  # who does a chore, of an article naming no one
    "网格员的绩效拖了俩月没发 找谁问",  # pay held back
    "小区普通住户 网格员多久要入户一次",  # how often a thing the article never names
    "表哥结婚要报备不",  # a relative beyond 本人及其子女
    "俺弟在辖区开了个饭馆 我要跟组织报告不",  # the duty to report binds 配偶、子女
    "过年俺舅给我发了个微信红包 要登记上交不",  # a family present
    "低保公示第二天就有邻居提了异议 接下来该咋办",  # the article says what follows when there is no objection
    "上级来调研的住宿 最多能订几晚",  # nights, of an article stating no figure
    "出差的市内交通费 每天多少",  # a sum per day, of an article naming the fee only
    "民主评议那天 至少得来几个居民代表",  # a head count the article never states
    "公车的行驶里程谁来登",  # who does a chore the article leaves unnamed
    "平时上班时间 公车钥匙归谁管着",  # the key rule binds off hours only
    "资产标签掉了 找谁补贴",  # something fallen off: the article says nothing of replacing it
    "出差的天数超过审批的了 咋办",  # what follows exceeding, of the article on approving
    "低保公示时有人有意见 咋整",  # an objection raised
    "礼品上交纪工委 有没有专门的登记表",  # a form the article never names
    "入户核查的时候 要不要拍照",  # a step the article never lays down
    "接待清单的抬头写什么",  # a part of the paper the article never names
    "下沉干部要是没攒够20小时 会咋处理",  # what follows a lapse, of a duty in a document with no penalties
    "上门走访要戴胸牌不",  # dress, of an article never speaking of it
    "一个下沉干部能包三个网格吗",  # a count of things the article never counts
    "走访记录本得保存几年",  # how long a paper is kept
    "意见箱要挂在哪儿",  # a place the article never names
    "网格员能不能兼社区会计",  # a second post
    "公示那7天 包括周末不",  # calendar or working days
    "发现同事上班打游戏 去哪举报",  # who takes reports
    "党支部的公章能不能盖白纸",  # another body's seal
    "差旅的伙食补助扣不扣个税",  # tax, of an article naming the payment only
    "网格员干满一年能调到别的社区吗",  # a move, of the rules on a grid worker's duties
    "公章能不能借出去用两天",  # a thing taken out, of the rule on keeping it
    "住宿发票要原件吗",  # a form of the paper the article never names
    "首问负责的事要不要建档",  # a step the article never lays down
    "社区的财务章能随便盖吗",  # another kind of seal than the article's 公章
    "批用公章的审批人得是主任吗",  # who the approver must be
    "一年最多开几次专题会",  # times, of an article stating hours
    "这个月绩效咋还没到账",  # pay held back
    "网格员想申请换个片区 行不",  # a move
    "值班的时候能把猫带来不",  # pets
    "工龄咋算",  # a figure the article never names
    "打印机的旧硒鼓要交回去吗",  # the rule on handing back what one used binds leaving a post
    "在单位充电瓶车 电费要自己交不",  # a fee the article never names
    "网格员多久轮一次岗",  # a rotation
    "公务卡去哪申请",  # how to get a thing the article only names
    "出差住宿一晚的标准是多少",  # a sum per night the article never states
    "低保名额是咋定的",  # how a thing is done, of a bare prohibition
    "单位组织拔河比赛 必须参加吗",  # the rule binds training or meetings attended
    "社区办事大厅早上几点开门",  # a time of day no article states
    "讲完要不要每人写个心得",  # something to hand in the article never names
    "下沉干部得住在包联社区吗",  # where one lives
    "能用自己的手机号注册社区公众号不",  # one's own means put to work
    "俺的电瓶车能在社区充电不",  # one's own e-bike charged at work
    "干部自己能开个网店吗",  # one's own business, of the article on relatives' business
    "下沉干部能拿积分抵加班不",  # an exchange the article never names
    "节假日能不能通知大家开会",  # off hours for a meeting, of an article silent on when
    "外宾来访吃饭按啥标准",  # foreign guests
    "低保审批按啥顺序",  # an order no article states
    "网格员能不能加群众的微信",  # adding someone on WeChat, of an article naming 微信 as a channel
    "隐患拍了照 报给哪个部门",  # the recipient no article names
    "网格员身体不好 还用入户走访吗",  # a circumstance excusing a duty
    "入户走访能三个人一起去吗",  # how many go together
    "周六在家中午喝了两杯 没事吧",  # the workday noon rule, asked of a Saturday
    "老公在外省开了个厂 要报告不",  # business outside the area the article names
    "楼栋长算网格员吗",  # whether one thing counts as another the article never names
    "老公在辖区开饭馆 报告里要写哪些内容",  # what a report contains
    "陪客人吃完饭能合个影不",  # a keepsake photo
    "开私家车下村 要自己买保险吗",  # insurance
    "低保申请能在手机上办吗",  # online, of an article silent on it
    "派车单能电子签吗",  # electronic signing
    "派车单得提前几个钟头填",  # a span the article never states (提前 alone)
    "会议通知是不是要提前两天发",  # a span supposed, of an article counting minutes
    "不是搬迁户的 要每月走访吗",  # those outside the group the article binds
    "会议记录能不能不写",  # leaving out a paper the article never names
    "下沉干部要不要写工作日志",  # the thing is a 日志, which the article never names
    "出差要不要带介绍信",  # something to take along the article never names
    "派车单用完得交回去不",  # handing a paper back the article never mentions
    "网格员上门 必须俩人一起吗",  # how many go together
    "办酒席规模多大算超",  # a size the article never states
    "实习生能领办公用品不",  # staff the article never names
    "离岗时电脑里的资料能拷走吗",  # copying data away
    "礼品交上去了 纪工委给开收据不",  # a receipt
    "公车油耗超标了咋办",  # what follows going over a limit
    "一个月最多发多少件文",  # a count of things the article never counts
    "公示那7天是算工作日吗",  # calendar or working days
    "交给纪工委的购物卡 多久有处理结果",  # what follows handing it in
    "开会早退扣啥",  # a sanction never named
    "签到表谁收着",  # who keeps a paper
    "出差的意外保险单位给买吗",  # insurance
    "每人包几个网格",  # a count per person
    "开完会要做会议纪要吗",  # a paper the article never names
    "开证明要盖几个章",  # a count of seals
    "公车的停车费社区能报不",  # a fee the article never names
    "出差前能预支差旅费吗",  # an advance
])
def test_what_the_articles_never_say_is_not_quoted_from_one_that_shares_its_words(bot, text):
    assert not bot.send("张伟", text).text.startswith("依据")


def test_an_article_for_meetings_is_not_offered_first_for_a_phone_outside_them(bot):
    said = bot.send("张伟", "居民电话我已经存手机里了 有商家找我要 能给他不")
    first = next(line for line in said.text.split("\n") if line.startswith("1 "))
    assert not said.text.startswith("依据") and "二、（四）" in first  # the residents' data, not the meeting rule


@pytest.mark.parametrize("text, cited", [
    ("上面来检查 晌午在食堂吃工作餐 一个人标准多少钱", "第五条"),  # a guest's meal, in the canteen, still answered
    ("微信红包算礼金不", "第二条"),  # what a word covers: the definition answers
    ("开会的时候手机要静音吗", "第五条"),  # the meeting rule, asked of a meeting
    ("出差回来几天内要把票报了", "第六条"),  # days asked, a month stated: the same scale of time
    ("一般工作会议最多开几个小时", "第二条"),
    ("儿子在辖区开饭店 要不要报告", "第七条"),  # a child's business: the article binds it
    ("接待能发烟不", "第六条"),
    ("楼道里有人给电瓶车充电 网格员咋办", "一、（四）"),  # residents' e-bikes are a hazard the article names
])
def test_the_articles_still_answer_what_they_say(bot, text, cited):
    said = bot.send("张伟", text)
    assert said.text.startswith("依据") and cited in said.text.split("\n")[0]


def test_a_guest_taken_sightseeing_is_not_answered_by_the_rule_on_ones_own_trips(bot):
    said = bot.send("张伟", "来考察的想顺便去咱这景区转转 能给安排不")
    first = said.text.split("\n")[0] if said.text.startswith("依据") else next(l for l in said.text.split("\n") if l.startswith("1 "))
    assert "公务接待" in first and "第四条" in first


def test_guests_come_to_learn_are_work_not_an_outing(bot):
    said = bot.send("张伟", "外区来学习交流 想去附近景区转转 能安排不")
    assert "帮不上" not in said.text and "第四条" in said.text


@pytest.mark.parametrize("text", [
    "楼上漏水把楼下天花板泡了 两家吵到我这来 我得管吗 我管不好咋办",  # whether it is one's duty
    "年终总结大会 准备开仨小时 还想摆点鲜花做个背景板 发个保温杯 这样行吗",  # a meeting, not a summary to write
])
def test_duties_and_meetings_asked_in_new_words_are_not_off_topic(bot, text):
    assert "帮不上" not in bot.send("张伟", text).text


def test_leave_asked_about_is_a_work_question_not_off_topic(bot):
    said = bot.send("张伟", "家里老人走了 丧假能请几天")
    assert "帮不上" not in said.text and not said.text.startswith("依据")
