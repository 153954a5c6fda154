"""The deliveries page: the outbox searched, failed rows explained in plain Chinese and retried, the inbox backlog."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.audit import record
from bot.models import Group, OutboundMessage, OutboxStatus, Person

LIST_LIMIT = 200
STATUS_LABELS = {
    OutboxStatus.pending.value: "待发送",
    OutboxStatus.sent.value: "已发送",
    OutboxStatus.failed.value: "发送失败",
    OutboxStatus.skipped.value: "未发送",
}
CHANNEL_LABELS = {
    "console": "控制台",
    "web": "网页体验",
    "wecom": "企业微信",
    "wecom_appchat": "企业微信群聊",
    "wecom_robot": "群机器人",
    "wechaty": "个人微信",
    "none": "无渠道",
}

# WeCom error codes people meet, in words a clerk can act on (docs/wecom.md has the same list).
WECOM_CODES = {
    "40001": "企业微信不认这个应用的 secret，请管理员核对配置里的 corp_id 和 secret",
    "40014": "企业微信访问令牌失效，系统会自动换新，重试即可",
    "42001": "企业微信访问令牌过期，系统会自动换新，重试即可",
    "40058": "发送内容不符合企业微信的要求（参数不合法）",
    "45009": "发得太频繁，企业微信暂时限流，稍后重试即可",
    "45033": "发得太频繁，企业微信暂时限流，稍后重试即可",
    "60020": "服务器的 IP 不在企业微信“企业可信IP”里，请在企业微信后台添加",
    "81013": "收件人都不在应用的可见范围内，或账号都不存在",
    "93000": "群机器人地址无效（机器人可能已被移出群），请核对群机器人配置",
    "-1": "企业微信系统繁忙，稍后重试即可",
    "network": "连不上企业微信（网络不通或超时），网络恢复后重试即可",
}
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^no reachable channel"), "此人没有可用的聊天渠道：既没有企业微信账号，也没有绑定微信。请在人员页补上企业微信账号，或给他发微信绑定码"),
    (re.compile(r"^no WeCom UserID"), "此人没有企业微信账号，请在人员页补上"),
    (re.compile(r"^invaliduser: (.+)"), "企业微信里找不到账号 {0}：可能已离职、账号写错，或不在应用的可见范围内"),
    (re.compile(r"^no robot named '?([^']+)'?"), "配置里没有叫 {0} 的群机器人，请核对群组的地址"),
    (re.compile(r"^channel (\S+) is not running"), "{0} 渠道没有运行：请确认服务已启动、配置已填写"),
    (re.compile(r"^WeChat is not connected"), "个人微信没有连上，请检查微信服务（Wechaty）是否在线"),
    (re.compile(r"token \(check \[wechaty\] token\)"), "微信服务不接受 token，请管理员核对 [wechaty] token"),
    (re.compile(r"^gRPC "), "微信服务出错"),
    (re.compile(r"^no answer within"), "微信服务没有及时回应，稍后重试"),
    (re.compile(r"^paced: "), "为避免被企业微信限流，正在排队等待发送"),
)
LOGIN_LINK = re.compile(r"(/dash/login/)[\w-]+")
_WECOM = re.compile(r"^WeCom (\S+) failed: (network|-?\d+)")


def plain_error(error: str | None) -> str:
    """What went wrong, in words a clerk can act on; the original text is shown beside it."""
    if not error:
        return ""
    found = _WECOM.match(error)
    if found:
        return WECOM_CODES.get(found.group(2), f"企业微信返回错误 {found.group(2)}，请把原文发给技术人员")
    for pattern, text in PATTERNS:
        matched = pattern.search(error)
        if matched:
            return text.format(*[CHANNEL_LABELS.get(g, g) for g in matched.groups()])
    return "发送出错，请把原文发给技术人员"


@dataclass(frozen=True)
class Filters:
    person: str = ""
    group_id: int | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    row: OutboundMessage
    person: str
    group: str
    status_label: str
    channel_label: str
    explained: str

    @property
    def retryable(self) -> bool:
        return self.row.status == OutboxStatus.failed.value

    @property
    def text(self) -> str:
        # A one-time login link in someone's reply would let whoever reads this page sign in as them.
        return LOGIN_LINK.sub(r"\1••••（链接已隐藏）", self.row.text or "")


def search(session: Session, filters: Filters, limit: int = LIST_LIMIT) -> tuple[list[Delivery], int]:
    statement = (
        select(OutboundMessage, Person.name, Group.name)
        .outerjoin(Person, Person.id == OutboundMessage.person_id)
        .outerjoin(Group, Group.id == OutboundMessage.group_id)
    )
    if filters.person:
        word = filters.person.lstrip("#")
        condition = Person.name.like(f"%{filters.person}%")
        if word.isdigit():
            condition = or_(condition, Person.id == int(word))
        statement = statement.where(condition)
    if filters.group_id is not None:
        statement = statement.where(OutboundMessage.group_id == filters.group_id)
    if filters.status in STATUS_LABELS:
        statement = statement.where(OutboundMessage.status == filters.status)
    if filters.since is not None:
        statement = statement.where(OutboundMessage.created_at >= filters.since)
    if filters.until is not None:
        statement = statement.where(OutboundMessage.created_at < filters.until)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = session.execute(statement.order_by(OutboundMessage.id.desc()).limit(limit)).all()
    return [
        Delivery(row, person or "", group or "", STATUS_LABELS.get(row.status, row.status),
                 CHANNEL_LABELS.get(row.channel, row.channel), plain_error(row.error))
        for row, person, group in rows
    ], total


def counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)).all())


def retry(session: Session, row_id: int, actor: Person, now: datetime) -> bool:
    """Put a failed row back in the queue; the delivery worker sends it as if new. False if it is not failed.

    One conditional UPDATE, so a double click or two admins at once requeue it once.
    """
    done = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == row_id, OutboundMessage.status == OutboxStatus.failed.value)
        .values(status=OutboxStatus.pending.value, attempts=0, next_attempt_at=None)
    )
    if not done.rowcount:
        return False
    record(session, actor, "retry", "outbox", row_id, None, at=now)
    return True


@dataclass(frozen=True)
class InboxBacklog:
    installed: bool
    pending: int = 0
    oldest_pending: datetime | None = None
    failed: int = 0
    recent_failures: tuple[tuple[datetime, str, str], ...] = ()


def inbox_backlog(session: Session) -> InboxBacklog:
    """Callbacks WeCom delivered that are not yet handled, and those whose handling failed."""
    from sqlalchemy import inspect

    from bot.channels.wecom.models import InboxStatus, WecomInbox

    if not inspect(session.get_bind()).has_table(WecomInbox.__tablename__):
        return InboxBacklog(installed=False)
    pending, oldest = session.execute(
        select(func.count(), func.min(WecomInbox.received_at)).where(WecomInbox.status == InboxStatus.pending.value)
    ).one()
    failed = session.scalar(select(func.count()).where(WecomInbox.status == InboxStatus.failed.value)) or 0
    recent = session.execute(
        select(WecomInbox.received_at, WecomInbox.from_user, WecomInbox.error)
        .where(WecomInbox.status == InboxStatus.failed.value)
        .order_by(WecomInbox.id.desc())
        .limit(10)
    ).all()
    return InboxBacklog(True, pending or 0, oldest, failed, tuple((r.received_at, r.from_user, r.error or "") for r in recent))
