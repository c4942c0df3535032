"""What the screens display, as plain records the service adapter fills from the domain packages.

Screens only know these records, so each screen renders whether or not a service is installed. `kiosk
screenshot` fills them from the store (kiosk.ui.screenshot_stage); the hand-made `demo_*` records below serve the tests,
except the licence, which a screenshot shows marked 样例 since the store holds none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SCAN_FIELDS = [
    ("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("type", "类型"), ("legal_representative", "法定代表人"),
    ("registered_capital_yuan", "注册资本（元）"), ("established", "成立日期"), ("address", "住所"),
    ("street", "所属街道"), ("business_scope", "经营范围"), ("industry_tags", "行业"),
]


@dataclass
class CitationView:
    n: int
    title: str
    article: str
    text: str
    doc_number: str = ""
    source: str = ""
    sample: bool = False


@dataclass
class ScanView:
    kind: str  # business_licence | id_card | other
    fields: dict[str, str] = field(default_factory=dict)
    credit_code_valid: bool | None = None
    text: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ConditionView:
    text: str
    status: str  # met | not_met | unknown
    explanation: str = ""
    clause: str = ""


@dataclass
class PolicyView:
    id: str
    title: str
    status: str  # met | one_step | unknown | not_met
    conditions: list[ConditionView] = field(default_factory=list)
    benefit: str = ""
    how_to_apply: str = ""
    sample: bool = False
    questions: list[tuple[str, str]] = field(default_factory=list)  # (key, question) that settle the unknowns
    elsewhere: bool = False  # not met because it is another place's policy


@dataclass
class TicketItemView:
    text: str
    section: str
    department: str
    due: str
    state: str = "已派单"


@dataclass
class TicketView:
    ticket: str
    items: list[TicketItemView] = field(default_factory=list)
    timeline: list[tuple[str, str, str]] = field(default_factory=list)  # (when, state, note)
    state: str = "已受理"
    qr_text: str = ""
    can_rate: bool = False  # some item is resolved and waits for the visitor's rating


@dataclass
class GuideStep:
    title: str
    department: str = ""
    window: str = ""
    days: str = ""


@dataclass
class GuideMaterial:
    name: str
    note: str = ""
    when: str = ""  # key of the tailoring question that makes it required; "" = always
    pending: bool = False  # needed or not depends on a question the visitor has not answered yet


@dataclass
class GuideView:
    id: str
    title: str
    summary: str = ""
    questions: list[tuple[str, str]] = field(default_factory=list)  # (key, yes/no question)
    steps: list[GuideStep] = field(default_factory=list)
    materials: list[GuideMaterial] = field(default_factory=list)
    total_days: str = ""

    sample: bool = False

    def checklist(self, answers: dict[str, bool]) -> list[GuideMaterial]:
        """Materials needed given the visitor's answers (guides from the service arrive already tailored)."""
        return [m for m in self.materials if not m.when or answers.get(m.when, False)]


@dataclass
class PrintOut:
    path: Path
    printed: bool  # sent to a printer; False when the kiosk has none


@dataclass
class QueueRow:
    ticket: str
    text: str
    section: str
    department: str
    state: str
    due: str
    overdue: bool = False
    actions: list[tuple[str, str]] = field(default_factory=list)  # (action, button word) staff can take now


@dataclass
class Analytics:
    days: list[str] = field(default_factory=list)
    topics: dict[str, list[int]] = field(default_factory=dict)  # topic → count per day
    by_section: dict[str, int] = field(default_factory=dict)
    on_time_rate: float | None = None
    ratings: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])  # how many 1..5 stars


DEMO_QUESTION = "我们是做软件的小公司，研发投入有什么补助？"


def demo_answer():
    """The kiosk's own answer to a typical question, from the default store (no model needed)."""
    from kiosk.root import Kiosk

    answer, _ = Kiosk().ask_service.ask(DEMO_QUESTION)
    return answer


def demo_scan() -> ScanView:
    return ScanView("business_licence", {
        "name": "杭州西溪云启科技有限公司", "credit_code": "91330106MA2KXY7F3A", "type": "有限责任公司（自然人投资或控股）",
        "legal_representative": "林晓", "registered_capital_yuan": "5000000", "established": "2021-06-18",
        "address": "浙江省杭州市西湖区文一西路 588 号 3 幢 1201 室", "street": "蒋村街道",
        "business_scope": "技术开发、技术服务、技术咨询；软件开发；信息系统集成服务", "industry_tags": "软件和信息技术服务业",
    }, True, [], 0.7)


def demo_policies() -> list[PolicyView]:
    """The demo licence's enterprise matched against the default store's real conditions, best first."""
    from kiosk.policy.profile import profile_from_fields
    from kiosk.policy.taxonomy import load_taxonomy
    from kiosk.root import Kiosk
    from kiosk.ui.presenters import policy_view, profile_fields

    fields = profile_fields(dict(demo_scan().fields), load_taxonomy().resolve_tag)
    matches = Kiosk().matcher.match(profile_from_fields(fields))
    return [policy_view(m) for m in matches if m.status in ("met", "one_step")][:4]


def demo_ticket() -> TicketView:
    return TicketView("XH20261123-0042", [
        TicketItemView("园区门口人行道路砖破损，影响员工通行", "属地街道", "蒋村街道城管科", "11月26日前", "已办结"),
        TicketItemView("咨询高新技术企业认定的申报时间", "政策服务专区", "区科技局", "11月24日前", "已派单"),
    ], [("11-23 09:41", "已受理", "自助一体机提交"), ("11-23 09:41", "已派单", "拆分为 2 项，分别派往 2 个部门"),
        ("11-23 10:05", "处理中", "蒋村街道已接单，安排现场查看"), ("11-23 15:20", "已办结", "路砖已更换，请您评价")],
        "部分办结", "XH20261123-0042", True)


def demo_guide() -> GuideView:
    m = GuideMaterial
    return GuideView(
        "restaurant", "开一家餐馆（一件事）", "营业执照、食品经营许可、消防、招牌设置一次申请、并联办理。",
        [("area_over_300", "经营面积是否超过 300 平方米？"), ("outdoor_sign", "是否要设置户外招牌？"),
         ("liquor", "是否销售酒类？")],
        [GuideStep("线上填报一张表", "企业服务中心", "“浙里办”一件事专区", "当天"),
         GuideStep("窗口收件，并联审批", "市场监管局 · 消防救援大队 · 城管局", "综合受理 1 号窗口", "1 个工作日"),
         GuideStep("领取营业执照和许可证", "企业服务中心", "综合出件窗口", "当场")],
        [m("营业执照申请书", "一表通填"), m("法定代表人身份证", "原件，现场核验"), m("经营场所证明", "房产证或租赁合同"),
         m("食品经营许可申请书"), m("厨房布局平面图"), m("消防安全检查申请", "面积超过 300 平方米时需要", "area_over_300"),
         m("户外招牌设置申请", "含效果图", "outdoor_sign"), m("酒类经营备案表", when="liquor")],
        "最快 1 个工作日", True)


def demo_queue() -> list[QueueRow]:
    return [
        QueueRow("XH20261121-0013", "厂区周边夜间施工噪音", "属地街道", "留下街道", "处理中", "11-22", True),
        QueueRow("XH20261122-0027", "申请人才公寓的条件", "人才服务专区", "区人才办", "已派单", "11-24"),
        QueueRow("XH20261123-0042", "园区门口人行道路砖破损", "属地街道", "蒋村街道城管科", "处理中", "11-26"),
        QueueRow("XH20261123-0045", "出口退税进度查询", "财税服务专区", "区税务局", "已受理", "11-25"),
        QueueRow("XH20261120-0008", "知识产权质押融资咨询", "金融服务专区", "区金融办", "已派单", "11-21", True),
    ]
