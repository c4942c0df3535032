"""The store's domain records: what `Store` hands to every other package."""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.store.demo import marked
from kiosk.store.validity import Window


@dataclass(frozen=True)
class Department:
    """A centre section (``kind='section'``), another unit (``'unit'``) or a town/street (``'street'``)."""

    id: str
    kind: str
    name: str
    phone: str = ""
    window: str = ""
    hours: str = ""
    address: str = ""
    duties: str = ""
    keywords: tuple[str, ...] = ()
    sample: bool = False  # invented contact data of the demo pack

    @property
    def shown_phone(self) -> str:
        """The phone number as shown or said: an invented one carries the sample mark."""
        return marked(self.phone) if self.sample else self.phone

    def contact(self) -> str:
        """One line a visitor can act on: where to go and whom to call."""
        parts = [self.name]
        if self.window:
            parts.append(marked(self.window) if self.sample and not self.phone else self.window)
        if self.phone:
            parts.append(f"电话 {self.shown_phone}")
        return "，".join(parts)


# The hall's own general window: the whole directory of a store built without a departments.yaml (real documents
# only), so requests are still taken and refusals still refer somewhere. Staff there pass each request on to the
# department responsible. It has no phone, window, hours or address: real content never carries invented contacts.
HALL_DESK = Department(id="hall_desk", kind="section", name="服务大厅综合窗口",
                       duties="接收企业的各类诉求和咨询，由工作人员转交负责的部门办理。")


@dataclass(frozen=True)
class Document:
    """A policy or law; ``id`` is the source file name, which answers cite."""

    id: str
    title: str
    issuer: str = ""
    level: str = ""  # 国家 | 省 | 市 | 区
    doc_number: str = ""
    published: str = ""
    effective: str = ""  # YYYY-MM-DD, from the front matter or the text (kiosk.store.validity)
    expires: str = ""  # YYYY-MM-DD: the last day in force
    region: str = ""
    department: str = ""
    topics: tuple[str, ...] = ()
    source: str = ""
    sample: bool = False
    windows: tuple[Window, ...] = ()  # when applications are taken, if the document says


@dataclass(frozen=True)
class Passage:
    """A citable unit: one article, one numbered Q&A or one paragraph of a document."""

    id: int
    doc_id: str
    ord: int
    article: str
    heading: str
    text: str


@dataclass(frozen=True)
class Faq:
    id: int
    question: str
    answer: str
    department: str = ""
    refs: tuple[str, ...] = ()
    source: str = ""
    sample: bool = False


@dataclass(frozen=True)
class ServiceItem:
    id: str
    name: str
    department: str
    window: str = ""
    materials: tuple[str, ...] = ()
    legal_limit_days: int | None = None
    promised_limit_days: int | None = None
    fee: str = ""
    online: str = ""
    keywords: tuple[str, ...] = ()
    sample: bool = False


@dataclass
class BuildReport:
    """What `kiosk db build` did; ``errors`` are ``file:line: reason`` strings."""

    read: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
