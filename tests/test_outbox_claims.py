"""Delivery exactly once: two instances on one database, a crash mid-delivery, database trouble after a send,
scheduled pushes run by two instances at once, and the WeChat channel's own memory of what it sent (issue 13)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.exc import OperationalError

from bot.app import App
from handlers.composition import build_app
from bot.config import Config
from bot.db import transaction
from bot.message import Incoming, Reply, ToPerson
from bot.models import Group, OutboundMessage, Person
from tests.conftest import make_config
from tests.fakes.wecom_server import FakeWecom, wait_for

# WeCom's longest duplicate-check interval: 4 hours (../shared/wecom.md).
FOUR_HOURS = 4 * 3600


@pytest.fixture
def fake() -> Iterator[FakeWecom]:
    with FakeWecom() as server:
        yield server


@pytest.fixture
def wecom_config(db_url: str, fake: FakeWecom, tmp_path: Path) -> Config:
    return make_config(db_url, wecom=fake.config_section(data_dir=str(tmp_path / "w")),
                       schedule={"jobs": [{"name": "tick", "kind": "notice", "cron": "0 9 * * *", "targets": ["全体"],
                                           "text": "今天上午十点在三楼开例会，请准时参加。"}]})


class Instance:
    """One `gridbot serve`'s worth of outbound machinery: its own App, engine and WeCom client."""

    def __init__(self, config: Config, clock) -> None:
        from bot.channels.wecom.plugin import WecomPlugin

        self.app = build_app(config, clock=clock)
        self.plugin = WecomPlugin(self.app)

    async def deliver(self) -> int:
        return await self.app.outbound.deliver()

    async def aclose(self) -> None:
        await self.plugin.client.aclose()

    def dispose(self) -> None:
        self.app.engine.dispose()


@pytest.fixture
def instances(wecom_config: Config, clock) -> Iterator[list[Instance]]:
    made: list[Instance] = []

    def make() -> Instance:
        made.append(Instance(wecom_config, clock))
        return made[-1]

    yield make  # type: ignore[misc]
    for instance in made:
        instance.dispose()


def add_people(app: App, count: int) -> list[int]:
    with transaction(app.sessions) as session:
        session.execute(insert(Person), [dict(name=f"人{i}", role="cadre", active=True, wecom_userid=f"u{i:05d}")
                                         for i in range(count)])
        return list(session.scalars(select(Person.id).where(Person.wecom_userid.like("u%")).order_by(Person.id)))


def sends_per_user(fake: FakeWecom) -> Counter:
    return Counter(user for body in fake.sent() for user in body["touser"].split("|"))


def statuses(app: App) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(OutboundMessage.status).order_by(OutboundMessage.id)))


def run(make, *closing: Instance):
    """Run `make()` (a coroutine or gather, built inside the loop) and close the instances' clients."""

    async def main():
        try:
            return await make()
        finally:
            for instance in closing:
                await instance.aclose()

    return asyncio.run(main())


def test_two_instances_send_each_pending_reply_once(instances, fake: FakeWecom) -> None:
    fake.latency = 0.1
    one, two = instances(), instances()
    people = add_people(one.app, 20)
    one.app.push([Reply(f"第{i}条：已登记服务{i}小时。", to=ToPerson(pid)) for i, pid in enumerate(people)])

    run(lambda: asyncio.gather(one.deliver(), two.deliver()), one, two)

    per_user = sends_per_user(fake)
    assert len(per_user) == 20 and set(per_user.values()) == {1}, per_user
    assert set(statuses(one.app)) == {"sent"}


def test_a_reply_carries_its_message_key_and_every_send_asks_wecom_to_drop_a_resend(instances, fake: FakeWecom) -> None:
    one = instances()
    [pid] = add_people(one.app, 1)
    message = Incoming(channel="wecom", sender="u00000", timestamp=one.app.clock.now(), text="帮助", message_id="7301")
    [row] = one.app.handle(message)
    assert row.dedupe_key and "7301" in row.dedupe_key
    run(one.deliver, one)
    [body] = fake.sent()
    assert (body["enable_duplicate_check"], body["duplicate_check_interval"]) == (1, FOUR_HOURS)


def test_the_same_answer_asked_for_twice_reaches_the_person_twice(instances, fake: FakeWecom) -> None:
    # WeCom's duplicate check compares content: a second, legitimately identical answer must not carry it.
    one = instances()
    add_people(one.app, 1)
    for msg_id in ("7301", "7302"):
        one.app.handle(Incoming(channel="wecom", sender="u00000", timestamp=one.app.clock.now(), text="帮助",
                                message_id=msg_id))
        run(one.deliver, one)
    first, second = fake.sent()
    assert first["text"] == second["text"]
    assert first.get("enable_duplicate_check") == 1 and not second.get("enable_duplicate_check")


def test_each_row_is_marked_right_after_its_own_call_so_a_crash_resends_only_the_one_in_flight(
    instances, fake: FakeWecom, clock
) -> None:
    one = instances()
    quick, slow = add_people(one.app, 2)
    fake.delay_user("u00001", 30)
    quick_row, slow_row = one.app.push([Reply("甲：明早八点例会。", to=ToPerson(quick)),
                                        Reply("乙：明早九点巡查。", to=ToPerson(slow))])

    def status(row_id: int) -> str:
        with one.app.sessions() as session:
            return session.get(OutboundMessage, row_id).status

    async def crash_while_the_slow_call_is_in_flight() -> bool:
        delivery = asyncio.create_task(one.deliver())
        deadline = time.monotonic() + 5
        while status(quick_row.id) != "sent" and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        marked = status(quick_row.id) == "sent"
        delivery.cancel()  # the process dies here
        await asyncio.gather(delivery, return_exceptions=True)
        return marked

    assert run(crash_while_the_slow_call_is_in_flight, one), "the finished call was not recorded while another was in flight"
    fake.delay_user("u00001", 0)
    clock.advance(minutes=5)  # long after the dead instance's claim lapsed
    restarted = instances()
    run(restarted.deliver, restarted)
    per_user = sends_per_user(fake)
    assert per_user["u00000"] == 1
    assert per_user["u00001"] >= 1
    assert statuses(one.app) == ["sent", "sent"]


def test_a_crash_leaves_only_the_calls_in_flight_unrecorded_and_they_go_again_only_with_the_duplicate_check(
    instances, fake: FakeWecom, clock, caplog
) -> None:
    fake.duplicate_check = True  # as WeCom: a copy within the interval is answered errcode 0 and not shown
    one = instances()
    people = add_people(one.app, 12)
    rows = one.app.push([Reply(f"第{i}条：明早八点到社区报到。", to=ToPerson(pid)) for i, pid in enumerate(people)])
    stuck = {"u00003", "u00007"}
    for user in stuck:
        fake.delay_user(user, 1.5)  # their calls reach WeCom, which delivers, but no answer comes before the crash

    def outbox() -> dict[str, tuple[str, bool]]:
        with one.app.sessions() as session:
            found = session.execute(select(OutboundMessage.target, OutboundMessage.status,
                                           OutboundMessage.sending_since)).all()
        return {target: (status, since is not None) for target, status, since in found}

    async def crash_with_two_calls_in_flight() -> None:
        delivery = asyncio.create_task(one.deliver())
        deadline = time.monotonic() + 10
        while sum(status == "sent" for status, _ in outbox().values()) < 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        delivery.cancel()  # the process dies here
        await asyncio.gather(delivery, return_exceptions=True)

    run(crash_with_two_calls_in_flight, one)
    # Every call that returned was recorded; only the two under way are unknown, and the outbox says which.
    after_crash = outbox()
    assert {t for t, (status, _) in after_crash.items() if status == "sent"} == {f"u{i:05d}" for i in range(12)} - stuck
    assert {t: after_crash[t] for t in stuck} == {t: ("pending", True) for t in stuck}
    assert not any(marked for status, marked in after_crash.values() if status == "sent")

    for user in stuck:
        fake.delay_user(user, 0)
    clock.advance(minutes=1)  # the dead instance's claim has lapsed
    restarted = instances()
    with caplog.at_level("WARNING", logger="bot.outbound"):
        run(restarted.deliver, restarted)
    assert any("sending 2 outbox rows again" in r.getMessage() for r in caplog.records)
    assert wait_for(lambda: fake.count("message/send", ok_only=True) == 14), "the calls in flight never arrived"

    per_user = sends_per_user(fake)
    assert {user for user, copies in per_user.items() if copies > 1} == stuck  # nothing else went twice
    for user in stuck:
        copies = [body for body in fake.sent() if body["touser"] == user]
        assert [body.get("enable_duplicate_check") for body in copies] == [1, 1]
        assert len(fake.delivered_to(user)) == 1  # WeCom drops the second copy
    assert all(len(fake.delivered_to(f"u{i:05d}")) == 1 for i in range(12))
    assert outbox() == {f"u{i:05d}": ("sent", False) for i in range(12)}
    assert len(rows) == 12


def test_a_row_whose_outcome_is_unknown_is_never_sent_as_an_intended_repeat(instances, fake: FakeWecom, clock) -> None:
    fake.duplicate_check = True
    one = instances()
    [pid] = add_people(one.app, 1)
    text = "已收到，谢谢。"
    one.app.push([Reply(text, to=ToPerson(pid))])
    run(one.deliver, one)
    # The same words again, on purpose; its call went out but the instance died before the answer came.
    [again] = one.app.push([Reply(text, to=ToPerson(pid))])
    with transaction(one.app.sessions) as session:
        session.get(OutboundMessage, again.id).sending_since = one.app.clock.now()
    restarted = instances()
    run(restarted.deliver, restarted)
    last = fake.sent()[-1]
    # Had its first copy reached WeCom, this one is dropped; a row found this way never goes without the check.
    assert last.get("enable_duplicate_check") == 1


def test_a_call_that_timed_out_is_retried_with_the_duplicate_check_even_as_a_repeat(instances, fake: FakeWecom, clock) -> None:
    fake.duplicate_check = True
    one = instances()
    [pid] = add_people(one.app, 1)
    one.plugin.client._timeout = 0.3  # before its HTTP client exists
    text = "已收到，谢谢。"
    one.app.push([Reply(text, to=ToPerson(pid))])
    run(one.deliver, one)
    # The same words again, on purpose: it goes without the check, but WeCom answers too late.
    one.app.push([Reply(text, to=ToPerson(pid))])
    fake.delay_user("u00000", 1.0)

    async def timed_out_then_retried() -> None:
        await one.deliver()
        fake.delay_user("u00000", 0)
        await asyncio.to_thread(wait_for, lambda: len(fake.sent()) == 2)  # WeCom did take the timed-out call
        clock.advance(seconds=30)  # past the retry delay
        await one.deliver()

    run(timed_out_then_retried, one)
    first, timed_out, retry = fake.sent()
    assert not timed_out.get("enable_duplicate_check")
    assert retry.get("enable_duplicate_check") == 1  # it may have gone out: the retry must not show it twice
    assert fake.delivered_to("u00000") == [text, text]
    assert statuses(one.app) == ["sent", "sent"]


def test_a_send_whose_result_could_not_be_recorded_is_not_sent_again(instances, fake: FakeWecom, clock) -> None:
    one = instances()
    people = add_people(one.app, 5)
    one.app.push([Reply(f"第{i}条通知", to=ToPerson(pid)) for i, pid in enumerate(people)])
    database = {"down": False}

    @event.listens_for(one.app.engine, "before_cursor_execute")
    def unreachable(conn, cursor, statement, parameters, context, executemany):
        # Recording a result is the statement that sets sent_at; the database is gone for exactly that.
        assignments = statement.split(" WHERE ")[0]
        if database["down"] and assignments.lstrip().upper().startswith("UPDATE OUTBOX") and "sent_at" in assignments:
            raise OperationalError(statement, parameters, ConnectionError("database unreachable"))

    database["down"] = True

    async def round_during_the_outage() -> None:
        try:
            await one.deliver()
        except OperationalError:
            pass  # the delivery worker logs this and tries again later

    run(round_during_the_outage, one)
    assert sum(sends_per_user(fake).values()) == 5
    database["down"] = False
    clock.advance(minutes=1)
    run(one.deliver, one)
    assert sum(sends_per_user(fake).values()) == 5, sends_per_user(fake)
    assert statuses(one.app) == ["sent"] * 5


def test_a_scheduled_push_run_by_the_leader_and_by_hand_on_two_instances_reaches_each_person_once(
    instances, fake: FakeWecom
) -> None:
    from scheduler.runner import Runner

    fake.latency = 0.2
    leader, other = instances(), instances()
    people = add_people(leader.app, 12)
    with transaction(leader.app.sessions) as session:
        session.add(Group(name="全体", channel="people", audience={"people": people}))
    runners = [Runner(leader.app), Runner(other.app)]
    occurrence = runners[0].latest_occurrence("tick")
    barrier = threading.Barrier(2)

    def scheduled() -> None:
        barrier.wait()
        runners[0].run("tick", occurrence, reason="schedule")

    def by_hand() -> None:  # `gridbot jobs run tick` on the other instance
        barrier.wait()
        runners[1].run_now("tick")

    threads = [threading.Thread(target=scheduled), threading.Thread(target=by_hand)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    run(lambda: asyncio.gather(leader.deliver(), other.deliver(), leader.deliver(), other.deliver()), leader, other)

    per_user = sends_per_user(fake)
    assert len(per_user) == 12 and set(per_user.values()) == {1}, per_user


def test_the_wechat_channel_never_sends_one_row_twice(db_url, clock, tmp_path: Path) -> None:
    pytest.importorskip("wechaty_grpc", reason="needs the gridbot[wechat] extra")
    from tests.wechaty_rig import running, until

    async def scenario() -> None:
        async with running(db_url, clock, tmp_path) as rig:
            await until(lambda: rig.channel.up.is_set(), what="the bot to log in")
            zhang = rig.bind("张伟", "wxid_zhangwei")
            [row] = rig.app.push([Reply("明早八点例会，请准时参加。", to=ToPerson(zhang.id))])
            await rig.fake.wait_sent(1)
            await until(lambda: statuses(rig.app) == ["sent"], what="the row marked sent")
            # The same row offered again (its result was lost with the database): WeChat has no duplicate
            # check of its own, so the channel must remember.
            again = await rig.channel.send(row)
            assert again.ok
            assert len(rig.fake.sent) == 1

    asyncio.run(asyncio.wait_for(scenario(), 60))


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_jobs_run_from_the_command_line_writes_pushes_the_servers_then_send_once(
    wecom_config: Config, instances, fake: FakeWecom, tmp_path: Path, monkeypatch
) -> None:
    from click.testing import CliRunner

    from handlers.composition import cli

    server, other = instances(), instances()
    people = add_people(server.app, 12)
    with transaction(server.app.sessions) as session:
        session.add(Group(name="全体", channel="people", audience={"people": people}))
    # The same configuration file the servers read.
    wecom = fake.config_section(data_dir=str(tmp_path / "w"))
    robots = wecom.pop("robots")
    lines = ["[database]", f"url = {_toml_value(wecom_config.database.url)}", "[wecom]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in wecom.items() if value is not None and not isinstance(value, dict)]
    for robot in robots:
        lines += ["[[wecom.robots]]", f"name = {_toml_value(robot['name'])}", f"key = {_toml_value(robot['key'])}"]
    lines += ["[[schedule.jobs]]", 'name = "tick"', 'kind = "notice"', 'cron = "0 9 * * *"', 'targets = ["全体"]',
              'text = "今天上午十点在三楼开例会，请准时参加。"']
    path = tmp_path / "street.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli, ["--config", str(path), "jobs", "run", "tick"],
                                env={"GRIDBOT_TEST_DATABASE_URL": None}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with server.app.sessions() as session:
        written = session.execute(select(OutboundMessage.channel, OutboundMessage.status)).all()
    # Routed as `gridbot serve` routes them: to WeCom, waiting for a server to send them.
    assert [tuple(r) for r in written] == [("wecom", "pending")] * 12
    run(lambda: asyncio.gather(server.deliver(), other.deliver()), server, other)
    per_user = sends_per_user(fake)
    assert len(per_user) == 12 and set(per_user.values()) == {1}, per_user
