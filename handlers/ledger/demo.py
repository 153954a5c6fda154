"""The demo street's rectification ledger: 21 problems in four categories, 19 closed and 2 long-term.

Written for this project (not taken from any real street's report). Each task's lead leader is a
demo leader and its unit one of that leader's liaison units, so leaders see their own in 「台账」.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Liaison, Person, Role, Unit
from handlers.ledger import service
from handlers.ledger.models import TaskStatus
from handlers.reports.service import FORMALISM, HEDONISM, INITIATIVE, SERVICE

# (category, problem, measures, long_term)
PROBLEMS: tuple[tuple[str, str, str, bool], ...] = (
    (FORMALISM, "工作群里要求网格员每次入户都上传多张照片，留痕比办事还费时间",
     "取消入户必拍照的要求，改为抽查回访；工作群只发必要通知", False),
    (FORMALISM, "同一户搬迁群众的信息被几个部门反复上门采集、重复填表",
     "建立共享的搬迁户信息底册，一次采集、各部门共用", False),
    (FORMALISM, "周例会时间偏长、材料念得多，挤占了下沉入户的时间",
     "例会压缩到40分钟以内，材料会前传阅，会上只议问题", False),
    (FORMALISM, "检查考核偏重看台账材料，群众的实际感受体现不够",
     "考核加入群众满意度回访，台账只保留必要项目", False),
    (FORMALISM, "上级任务到社区后层层加码，社区承担的指标过多过细",
     "梳理社区工作事项清单，清单外事项须经街道审核后下派", False),
    (FORMALISM, "个别领导下沉调研只听汇报，很少走进楼栋和群众家里",
     "班子成员每月至少两次不打招呼进楼入户，问题当场记入台账", False),
    (HEDONISM, "个别干部工作日午间饮酒，下午办公状态差",
     "重申工作日禁酒规定，纪工委不定期抽查，发现一起通报一起", False),
    (HEDONISM, "公务用车出车登记不完整，存在公车私用的隐患",
     "公务用车统一派车、全程登记，每月公示用车情况", False),
    (HEDONISM, "个别干部用单位加油卡给私家车加油，有私车公养的苗头",
     "加油卡统一保管、按车登记，每月核对加油记录并公示", False),
    (HEDONISM, "节日前后有接受服务对象请吃、送土特产的苗头",
     "节前开展廉洁提醒，签订承诺书，设立举报渠道", False),
    (SERVICE, "网格员回应群众诉求慢，有的留言几天没人回复",
     "诉求实行当日响应、限时办结，超时自动提醒包联领导", False),
    (SERVICE, "搬迁群众就业帮扶信息更新不及时，岗位推荐不精准",
     "建立就业需求动态台账，每月更新一次并上门对接", True),
    (SERVICE, "便民服务中心午休和周末无人值守，群众办事来回跑",
     "推行午间不断档、周末轮值，公布值班电话", False),
    (SERVICE, "老旧楼栋的路灯、电梯报修后很久没人处理",
     "建立报修清单和物业约谈机制，48小时内必须回复", False),
    (SERVICE, "补贴申请流程宣传不到位，不少搬迁群众不清楚怎么办",
     "制作一图读懂，网格员逐户讲解并在服务中心设咨询台", False),
    (SERVICE, "入户走访覆盖不全，独居老人和困难家庭底数不清",
     "网格员按户建卡，独居老人每周至少联系一次", False),
    (SERVICE, "群众意见办了之后不反馈，群众不知道结果",
     "意见办理结果一律回复本人，月底在社区公示栏公开", False),
    (INITIATIVE, "遇到矛盾纠纷部门之间相互推诿，群众被来回踢皮球",
     "实行首问负责制，跨部门事项由包联领导牵头协调", False),
    (INITIATIVE, "部分年轻干部遇到难题不敢碰、怕担责",
     "开展以老带新结对，疑难事项由班子成员带队攻坚", True),
    (INITIATIVE, "跨部门事项协作不畅，个别事项久拖不决",
     "建立联席会议制度，每两周会商一次，逐项明确时限", False),
    (INITIATIVE, "个别干部满足于过得去，工作标准不高、不主动",
     "实行月度工作晾晒，积分与评先评优挂钩", False),
)


def load_demo_ledger(session: Session, app, today: date) -> None:
    tz = app.config.tz
    leaders = list(session.scalars(select(Person).where(Person.role == Role.leader.value).order_by(Person.id)))
    units = {u.id: u for u in session.scalars(select(Unit))}
    start = datetime.combine(today - timedelta(days=150), time(9, 0), tzinfo=tz)
    for index, (category, problem, measures, long_term) in enumerate(PROBLEMS):
        lead = leaders[index % len(leaders)]
        unit_ids = list(session.scalars(select(Liaison.unit_id).where(Liaison.leader_id == lead.id).order_by(Liaison.id)))
        unit = units[unit_ids[index % len(unit_ids)]] if unit_ids else units[lead.unit_id]
        created = start + timedelta(days=index % 5)
        deadline = None if long_term else (today - timedelta(days=100 - index * 4))
        task = service.create_task(
            session, category=category, problem=problem, lead=lead, unit=unit, measures=measures,
            deadline=deadline, long_term=long_term, now=created, actor="demo",
        )
        first = created + timedelta(days=20, hours=index % 4)
        service._log(task, first, lead, "progress", "已召开专题会，明确责任人和整改步骤")
        if long_term:
            service._log(task, first + timedelta(days=45), lead, "progress", "已完成第一阶段，转入常态化推进")
            continue
        # Close a few days before (or, for one in four, just after) the deadline.
        closed = datetime.combine(deadline + timedelta(days=(2 if index % 4 == 0 else -3)), time(16, 30), tzinfo=tz)
        note = "措施已落实到位，经回访群众认可"
        service._log(task, closed, lead, "close", note)
        task.status = TaskStatus.closed.value
        task.closed_at = closed
        task.close_note = note
        # 回头看 already confirmed for the older ones; the most recent stay open for the demo's re-check.
        recheck_due = closed + timedelta(days=app.config.ledger.recheck_after_days)
        if recheck_due.date() < today - timedelta(days=3):
            task.rechecked_at = recheck_due + timedelta(days=1)
            service._log(task, task.rechecked_at, lead, "recheck", "回头看未发现反弹")
    session.flush()
