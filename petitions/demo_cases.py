"""The demo petition cases as data: the petitioners, the cases and the workflow steps each
case goes through. ``petitions/demo.py`` loads them.

The petitioners are fictitious; their resident ID numbers are built with a valid check character
(``identity.id_check_character``) and the phone numbers are valid mobile numbers.

Each case is received the given number of days before today (or on a past leader's reception
day); its steps are taken by the role named in each step (``OFFICE``, ``UNIT``, ``ADMIN``,
``LEADER``), in order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from petitions.identity import id_check_character
from petitions.models import Category, Channel, Classification, ReferralReason, Satisfaction
from schedules.models import District

# --- Petitioners ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Petitioner:
    """A fictitious petitioner; the ID number is area code + birth date + order + check."""

    name: str
    area: str  # GB/T 2260 code of the county: 211302 双塔区, 211303 龙城区...
    born: str  # YYYYMMDD
    order: str  # three digits; the last is odd for a man, even for a woman
    phone: str
    address: str

    @property
    def id_number(self) -> str:
        first17 = self.area + self.born + self.order
        return first17 + id_check_character(first17)


LIU_GUIFANG = Petitioner(
    "刘桂芳", "211302", "19650314", "042", "13842101736", "辽宁省朝阳市双塔区新华路二段16号楼3单元"
)
ZHANG_GUODONG = Petitioner(
    "张国栋", "211302", "19580722", "153", "13842108254", "辽宁省朝阳市双塔区凌河街道燕北小区7号楼"
)
CHEN_SHUHUA = Petitioner(
    "陈淑华",
    "211302",
    "19720905",
    "028",
    "13804217390",
    "辽宁省朝阳市双塔区北大街街道龙泉小区5号楼",
)
LI_HAITAO = Petitioner(
    "李海涛", "211302", "19880117", "215", "13842139027", "辽宁省朝阳市双塔区朝阳大街三段21号楼"
)
WANG_XIULAN = Petitioner(
    "王秀兰", "211302", "19610630", "064", "13898246513", "辽宁省朝阳市双塔区站前街道南环小区2号楼"
)
ZHAO_LIJUN = Petitioner(
    "赵立军", "211303", "19700208", "071", "13842185462", "辽宁省朝阳市龙城区七道泉子镇东村三组"
)
ZHOU_BAOLIN = Petitioner(
    "周宝林", "211321", "19630419", "037", "13841297608", "辽宁省朝阳市朝阳县大平房镇南沟村"
)
MA_JIANXIN = Petitioner(
    "马建新", "211381", "19790826", "093", "13842163971", "辽宁省北票市台吉镇河南村"
)
WU_XIAOMEI = Petitioner(
    "吴晓梅", "211382", "19900512", "046", "13804213658", "辽宁省凌源市城关街道东郊村"
)
ZHENG_YUSHAN = Petitioner(
    "郑玉山", "211322", "19550301", "119", "13842172845", "辽宁省朝阳市建平县叶柏寿街道北环小区"
)
GAO_WENBO = Petitioner(
    "高文博", "211324", "19951120", "057", "13898264170", "辽宁省朝阳市喀左县大城子街道利州小区"
)


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


def approve() -> Step:
    return Step("approve", OFFICE)


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
        petitioner=LIU_GUIFANG,
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
        petitioner=ZHANG_GUODONG,
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
        petitioner=CHEN_SHUHUA,
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
        ],
    ),
    # Answer drafted: the unit's draft waits for the office.
    DemoCase(
        title="朝阳大街KTV夜间噪音扰民",
        content=(
            "朝阳大街三段一家KTV每天营业到凌晨两点，音响声和顾客喧哗声很大，临街住户长期失眠，"
            "老人孩子都受不了，请求依法处理。"
        ),
        petitioner=LI_HAITAO,
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
        petitioner=WANG_XIULAN,
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
        petitioner=ZHANG_GUODONG,
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
        petitioner=ZHAO_LIJUN,
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
        petitioner=ZHOU_BAOLIN,
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
        petitioner=MA_JIANXIN,
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
        petitioner=WU_XIAOMEI,
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
        petitioner=ZHENG_YUSHAN,
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
        petitioner=GAO_WENBO,
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

DEMO_TITLES = frozenset(case.title for case in DEMO_CASES)
