"""The demo petition cases as data: the cases and the workflow steps each case goes through;
the petitioners are in ``petitions/demo_petitioners.py``. ``petitions/demo.py`` loads them.

Each case is received the given number of days before today (or on a past leader's reception
day); its steps are taken by the role named in each step (``OFFICE``, ``UNIT``, ``ADMIN``,
``LEADER``), in order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from petitions import demo_petitioners as people
from petitions.demo_petitioners import Petitioner
from petitions.models import (
    Category,
    Channel,
    Classification,
    DeliveryMethod,
    ReferralReason,
    Satisfaction,
)
from schedules.models import District

# --- Workflow steps ---------------------------------------------------------------------------

# Who takes a step: the petition office (clerk), the handling unit (handler; the office for an
# accusation), an administrator (admin) or the receiving leader (leader).
OFFICE, UNIT, ADMIN, LEADER = "office", "unit", "admin", "leader"


@dataclass(frozen=True)
class Step:
    """One workflow verb (a key of ``demo.ACTIONS``), who takes it, and what it needs."""

    action: str
    actor: str
    text: str = ""
    unit: str = ""
    days: int = 0
    satisfaction: str = ""
    method: str = ""  # how a letter was delivered


BUREAU_ITSELF = "bureau"  # approve(): the answer is issued in the bureau's own name


def accept() -> Step:
    return Step("accept", OFFICE)


def assign(unit: str, instructions: str) -> Step:
    return Step("assign", OFFICE, text=instructions, unit=unit)


def release(reason: str) -> Step:
    return Step("release", OFFICE, text=reason)


def start(comment: str = "") -> Step:
    return Step("start", UNIT, text=comment)


def note(text: str, actor: str = UNIT) -> Step:
    return Step("note", actor, text=text)


def extension(days: int, reason: str) -> Step:
    return Step("extension", UNIT, text=reason, days=days)


def approve_extension(comment: str = "") -> Step:
    return Step("approve_extension", ADMIN, text=comment)


def supervise(instruction: str) -> Step:
    return Step("supervise", LEADER, text=instruction)


def take_charge(comment: str = "") -> Step:
    return Step("take_charge", LEADER, text=comment)


def draft(answer: str) -> Step:
    return Step("draft", UNIT, text=answer)


def approve(issuer: str = "") -> Step:
    """Approved and issued: by the handling branch in its own name, or ``BUREAU_ITSELF``."""
    return Step("approve", OFFICE, unit=issuer)


def deliver(method: str, note: str = "") -> Step:
    return Step("deliver", OFFICE, text=note, method=method)


def transfer(authority: str, note: str) -> Step:
    return Step("transfer", OFFICE, text=note, unit=authority)


def request_review(reasons: str) -> Step:
    return Step("review", OFFICE, text=reasons)


def forward_review(body: str, note: str = "") -> Step:
    return Step("forward_review", OFFICE, text=note, unit=body)


def feedback(satisfaction: str, comment: str) -> Step:
    return Step("feedback", OFFICE, text=comment, satisfaction=satisfaction)


def close(comment: str = "") -> Step:
    return Step("close", OFFICE, text=comment)


# --- The cases --------------------------------------------------------------------------------

SHUANGTA_BRANCH = "双塔分局"
LONGCHENG_BRANCH = "龙城分局"
ENFORCEMENT_TEAM = "市生态环境保护综合行政执法队"


@dataclass(frozen=True)
class DemoCase:
    """What the desk registers, when it was received, and the steps the case has gone through."""

    title: str
    content: str
    petitioner: Petitioner
    district: str
    location: str
    channel: str
    # Received this many days before today at ``time``; None: on a past leader's reception day.
    days_ago: int | None
    time: datetime.time
    steps: list[Step] = field(default_factory=list)
    category: str = Category.POLLUTION
    classification: str = Classification.CLAIM
    people_count: int = 1
    representatives: str = ""
    in_litigation: bool = False
    skipped_level: bool = False
    referral: str = ""  # ReferralReason.Destination of the reason it is not accepted for
    referral_note: str = ""
    accepted_days_after_receipt: int | None = None  # date the acceptance back (overdue case)


T = datetime.time

DEMO_CASES = [
    # Closed: answered, the petitioner satisfied.
    DemoCase(
        title="新华路烧烤店油烟直排扰民",
        content=(
            "新华路二段一家烧烤店没有安装油烟净化设施，油烟从后窗直接排出，楼上住户常年不能开窗，"
            "晾晒的衣服都是油烟味。多次找店主协商无果，请求责令整改。"
        ),
        petitioner=people.LIU_GUIFANG,
        district=District.SHUANGTA,
        location="双塔区新华路二段16号楼底商烧烤店",
        channel=Channel.VISIT,
        days_ago=85,
        time=T(9, 40),
        steps=[
            accept(),
            assign(SHUANGTA_BRANCH, "请现场核查油烟净化设施安装和使用情况，依法处理并答复信访人。"),
            start("已安排执法人员现场检查。"),
            note("现场检查：该店未安装油烟净化设施，已下达责令改正违法行为决定书，限期十五日。"),
            draft(
                "经双塔分局现场核查，您反映的烧烤店未安装油烟净化设施、油烟直排的问题属实。我局已"
                "依法责令其限期改正。复查时该店已安装油烟净化设施并正常使用，排烟口已改至楼顶，"
                "油烟扰民问题已解决。"
            ),
            approve(),
            deliver(DeliveryMethod.IN_PERSON, "信访人本人签收。"),
            feedback(
                Satisfaction.SATISFIED, "电话回访，信访人表示油烟问题已解决，对处理结果满意。"
            ),
            close(),
        ],
    ),
    # Overdue: received 80 days ago, accepted two days later, still in progress.
    DemoCase(
        title="凌河街道拆迁工地扬尘污染严重",
        content=(
            "燕北路拆迁工地拆除作业时不洒水，渣土和建筑垃圾露天堆放不苫盖，一刮风尘土飞扬，附近"
            "居民家里窗台每天一层灰。请求督促施工单位落实扬尘防治措施。"
        ),
        petitioner=people.ZHANG_GUODONG,
        district=District.SHUANGTA,
        location="双塔区凌河街道燕北路拆迁工地",
        channel=Channel.PHONE,
        days_ago=80,
        time=T(10, 15),
        accepted_days_after_receipt=2,
        steps=[
            accept(),
            assign(
                SHUANGTA_BRANCH,
                "请督促施工单位落实围挡、苫盖、洒水等扬尘防治措施，必要时会同住建部门联合检查。",
            ),
            release("需与信访人约定时间，请其现场指认扬尘点位。"),
            start("已联系市住建局，拟开展联合检查。"),
            note("施工单位中途更换，新施工单位尚未进场，整改责任主体待住建部门确认。"),
        ],
    ),
    # Answered: the answer approved and sent, the feedback not in yet.
    DemoCase(
        title="龙泉小区南门外污水井长期外溢",
        content=(
            "小区南门外的污水井长期往外冒水，污水顺着人行道流到马路上，气味难闻，冬天结冰还容易"
            "滑倒。找过物业和社区都没有解决。"
        ),
        petitioner=people.CHEN_SHUHUA,
        district=District.SHUANGTA,
        location="双塔区北大街街道龙泉小区南门外",
        channel=Channel.LETTER,
        days_ago=70,
        time=T(14, 5),
        steps=[
            accept(),
            assign(SHUANGTA_BRANCH, "请查明外溢原因，涉及市政管网的，会同排水管理部门处理。"),
            start(),
            draft(
                "经核查，污水外溢系市政污水管网堵塞所致。我局已会同市排水管理部门完成管道疏通，"
                "外溢问题已消除，该点位已纳入排水管理部门的定期巡查。"
            ),
            approve(),
            deliver(DeliveryMethod.POST, "挂号信寄出，邮件号XA20260001234。"),
        ],
    ),
    # Answer drafted: the unit's draft waits for the office.
    DemoCase(
        title="朝阳大街KTV夜间噪音扰民",
        content=(
            "朝阳大街三段一家KTV每天营业到凌晨两点，音响声和顾客喧哗声很大，临街住户长期失眠，"
            "老人孩子都受不了，请求依法处理。"
        ),
        petitioner=people.LI_HAITAO,
        district=District.SHUANGTA,
        location="双塔区朝阳大街三段KTV",
        channel=Channel.ONLINE,
        days_ago=50,
        time=T(22, 47),
        steps=[
            accept(),
            assign(SHUANGTA_BRANCH, "请开展夜间噪声监测，超标的依法处理。"),
            start(),
            note("夜间监测：边界噪声超过社会生活环境噪声排放标准二类区夜间限值。"),
            draft(
                "经我局夜间监测，该KTV边界噪声超过《社会生活环境噪声排放标准》二类区夜间限值。"
                "我局已依法责令其改正，该KTV已加装隔声门窗、调低音响音量，复测结果达标。"
            ),
        ],
    ),
    # Taken on a leader's reception day: the leader takes charge (包案), it is extended, and
    # the leader's supervision waits for the unit's reply.
    DemoCase(
        title="南环路垃圾中转站异味及渗滤液问题",
        content=(
            "南环路垃圾中转站紧挨着居民楼，夏秋季节臭味很大，渗滤液流到路面上。居民要求中转站"
            "搬迁，或者彻底治理臭味和渗滤液。"
        ),
        petitioner=people.WANG_XIULAN,
        district=District.SHUANGTA,
        location="双塔区站前街道南环路垃圾中转站",
        channel=Channel.RECEPTION_DAY,
        days_ago=None,
        time=T(9, 30),
        steps=[
            accept(),
            take_charge("接访领导包案，跟踪到底。"),
            assign(
                SHUANGTA_BRANCH,
                "局领导接访日交办：请会同城市管理部门研究除臭和渗滤液收集方案，限期答复。",
            ),
            start("已与市城市管理局对接，现场查看中转站除臭设施。"),
            extension(30, "中转站除臭设施改造需城市管理部门立项实施，工期较长。"),
            approve_extension("同意延期，请按周报送进展。"),
            supervise("群众反映强烈，请双塔分局每周报告进展，确保年底前完成除臭设施改造。"),
        ],
    ),
    # A repeat: the same petitioner, the same unresolved dust problem.
    DemoCase(
        title="再次反映燕北路拆迁工地扬尘问题",
        content=(
            "两个多月前反映的拆迁工地扬尘问题至今没有解决，最近工地又开始拆除作业，扬尘比以前"
            "更严重，要求尽快处理并答复。"
        ),
        petitioner=people.ZHANG_GUODONG,
        district=District.SHUANGTA,
        location="双塔区凌河街道燕北路拆迁工地",
        channel=Channel.VISIT,
        days_ago=26,
        time=T(9, 10),
        category=Category.UNRESOLVED,
        steps=[accept()],
    ),
    # A group petition (6 people, two representatives), assigned to the district's branch.
    DemoCase(
        title="化工园区夜间刺激性异味",
        content=(
            "我们是化工园区东侧的村民，近一个月每到夜间就闻到刺鼻的化学气味，老人孩子咳嗽、头晕。"
            "怀疑园区企业夜间偷排废气，请求查明来源并依法查处。"
        ),
        petitioner=people.ZHAO_LIJUN,
        district=District.LONGCHENG,
        location="龙城区七道泉子镇化工园区东侧",
        channel=Channel.VISIT,
        days_ago=35,
        time=T(8, 50),
        people_count=6,
        representatives="赵立军、孙凤琴",
        steps=[
            accept(),
            assign(
                LONGCHENG_BRANCH,
                "群体访事项：请立即组织夜间巡查和废气监测，查明异味来源，每周报送进展。",
            ),
        ],
    ),
    # Not accepted: the compensation claim is before the court (诉访分离).
    DemoCase(
        title="鱼塘死鱼损失赔偿纠纷",
        content=(
            "去年夏天上游企业排水导致我家鱼塘大量死鱼，要求企业赔偿损失八万元。已向法院起诉，"
            "希望环保局出面让企业赔钱。"
        ),
        petitioner=people.ZHOU_BAOLIN,
        district=District.CHAOYANG_COUNTY,
        location="朝阳县大平房镇南沟村鱼塘",
        channel=Channel.VISIT,
        days_ago=60,
        time=T(10, 40),
        in_litigation=True,
        referral=ReferralReason.Destination.COURT,
        referral_note="信访人称已就赔偿问题向朝阳县人民法院起诉，案件正在审理中。",
    ),
    # An accusation (检举控告类): the office handles it itself; no unit or leader sees it.
    DemoCase(
        title="检举选矿厂夜间偷排尾矿废水",
        content=(
            "台吉镇一家选矿厂夜间通过暗管向附近河沟排放尾矿废水，河水发黄发浑，下游庄稼受影响。"
            "请求查处，检举人要求对其身份保密。"
        ),
        petitioner=people.MA_JIANXIN,
        district=District.BEIPIAO,
        location="北票市台吉镇选矿厂东侧河沟",
        channel=Channel.LETTER,
        days_ago=45,
        time=T(11, 20),
        classification=Classification.ACCUSATION,
        steps=[
            accept(),
            assign(ENFORCEMENT_TEAM, "检举控告事项，注意为检举人保密：请组织夜间突击检查。"),
            start("已安排夜间突击检查，并对河沟水质采样监测。"),
        ],
    ),
    # Registered ten days ago: the acceptance notice is due within a week.
    DemoCase(
        title="砂石料场扬尘影响周边农田",
        content=(
            "东郊砂石料场露天堆放，没有围挡和苫盖，运输车辆进出扬尘很大，周边大棚和农田落满灰尘，"
            "影响收成。"
        ),
        petitioner=people.WU_XIAOMEI,
        district=District.LINGYUAN,
        location="凌源市城关街道东郊砂石料场",
        channel=Channel.ONLINE,
        days_ago=10,
        time=T(20, 12),
    ),
    # Registered yesterday.
    DemoCase(
        title="木材加工厂夜间噪声扰民",
        content="北环路木材加工厂夜里十点以后电锯还在作业，噪声很大，周边居民无法休息。",
        petitioner=people.ZHENG_YUSHAN,
        district=District.JIANPING,
        location="建平县叶柏寿街道北环路木材加工厂",
        channel=Channel.PHONE,
        days_ago=1,
        time=T(15, 20),
    ),
    # A suggestion, accepted.
    DemoCase(
        title="关于加强大凌河沿岸垃圾清理的建议",
        content=(
            "大凌河喀左段沿岸堆有不少生活垃圾和农药包装废弃物，汛期容易冲进河里。建议定期组织"
            "清理，在沿岸村屯设置回收点，并加强宣传。"
        ),
        petitioner=people.GAO_WENBO,
        district=District.KAZUO,
        location="喀左县大城子街道大凌河沿岸",
        channel=Channel.ONLINE,
        days_ago=20,
        time=T(16, 35),
        category=Category.SUGGESTION,
        classification=Classification.SUGGESTION,
        steps=[accept()],
    ),
]

DEMO_CASES += [
    # Approved and issued by the branch: the delivery is still to be recorded.
    DemoCase(
        title="汽配城喷漆作业异味扰民",
        content=(
            "汽配城里几家修理厂在露天喷漆，没有任何废气处理设施，刺鼻的油漆味飘进小区，"
            "孩子在家都头疼。"
        ),
        petitioner=people.SUN_YAN,
        district=District.SHUANGTA,
        location="双塔区红旗街道汽配城",
        channel=Channel.PHONE,
        days_ago=40,
        time=T(11, 5),
        steps=[
            accept(),
            assign(SHUANGTA_BRANCH, "请检查喷漆作业废气收集处理情况，依法处理。"),
            start(),
            note("现场检查：三家修理厂露天喷漆，已责令停止露天喷漆作业。"),
            draft(
                "经双塔分局现场检查，汽配城内三家修理厂存在露天喷漆行为。我分局已责令其停止露天"
                "喷漆，限期建设密闭喷漆房并配套废气处理设施，逾期未完成的将依法处罚。"
            ),
            approve(),
        ],
    ),
    # Answered in the bureau's own name and delivered; the petitioner asked for a review,
    # which goes to the higher body: the request was forwarded there.
    DemoCase(
        title="天秀小区旁餐饮街噪声扰民",
        content=("天秀小区旁的餐饮街每晚排风机和空调外机噪声很大，持续到凌晨，严重影响休息。"),
        petitioner=people.HAN_DEFU,
        district=District.SHUANGTA,
        location="双塔区龙山街道天秀小区旁餐饮街",
        channel=Channel.LETTER,
        days_ago=75,
        time=T(9, 25),
        steps=[
            accept(),
            assign(SHUANGTA_BRANCH, "请开展夜间噪声监测，核实排风机和空调外机噪声情况。"),
            start(),
            draft(
                "经监测，餐饮街边界噪声夜间略超标准限值。我局已责令相关商户更换低噪声设备、"
                "加装隔声罩，复测结果达标。"
            ),
            approve(BUREAU_ITSELF),
            deliver(DeliveryMethod.IN_PERSON, "信访人本人签收。"),
            request_review("信访人认为复测时商户刻意关停设备，复测结果不能反映夜间实际情况。"),
            forward_review("朝阳市人民政府", "随函附原处理意见及监测报告。"),
        ],
    ),
    # Transferred (转送): the matter belongs to another authority.
    DemoCase(
        title="小区生活垃圾清运不及时",
        content="书香园小区的生活垃圾经常几天不清运，垃圾桶满溢，夏天气味很大。",
        petitioner=people.LIU_SHUQIN,
        district=District.SHUANGTA,
        location="双塔区珠江路街道书香园小区",
        channel=Channel.ONLINE,
        days_ago=12,
        time=T(19, 40),
        category=Category.COORDINATION,
        steps=[
            transfer(
                "朝阳市城市管理综合行政执法局",
                "生活垃圾清运属城市管理部门职责，请依法处理并答复信访人。",
            ),
        ],
    ),
    # Skipped a level (越级) and taken up: assigned to the competent branch, still 越级.
    DemoCase(
        title="洗砂场废水排入河道",
        content=(
            "黄花滩村附近洗砂场的泥浆废水直接排进大凌河支流，河水浑浊。向乡里反映过没人管，"
            "所以直接来市里反映。"
        ),
        petitioner=people.QIAN_GUOQIANG,
        district=District.LONGCHENG,
        location="龙城区大平房镇黄花滩村洗砂场",
        channel=Channel.VISIT,
        days_ago=5,
        time=T(10, 5),
        skipped_level=True,
        steps=[
            accept(),
            assign(LONGCHENG_BRANCH, "越级访事项，交龙城分局办理：请核查洗砂废水排放情况。"),
        ],
    ),
]

DEMO_TITLES = frozenset(case.title for case in DEMO_CASES)
