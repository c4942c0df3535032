"""The district enterprise register as columns, and a seeded generator of a synthetic one.

The register is what the batch matches: one boolean row per taxonomy tag (tag-major, so each tag is one contiguous
array) and one float64 column per numeric fact, NaN where the register does not know it. Tags are closed-world:
the register is authoritative, so a missing tag is a "no".

The generator stands in for the real register (176,000 enterprises, 275 tags, about 11 each) with skew modelled on
an urban, service-heavy district: software, internet, trade and business services dominate, most firms are micro
and young, qualifications like 高新技术企业 cluster in technology industries and correlate with R&D spending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from kiosk.policy.profile import EnterpriseProfile, Fact
from kiosk.policy.taxonomy import DISTRICT, Taxonomy, load_taxonomy

GENERATOR_VERSION = 2
DISTRICT_SIZE = 176_000
EPOCH = date(1970, 1, 1)

# Divisions (大类) where Xihu's enterprises concentrate, with relative weights; every other division gets 0.25.
_DIVISION_WEIGHTS = {
    65: 16, 64: 7, 51: 14, 52: 12, 72: 11, 75: 6, 74: 4, 73: 2, 62: 6, 70: 3, 50: 3, 88: 2.5, 87: 1.5, 86: 0.8,
    80: 2.5, 82: 1.5, 81: 1, 61: 1, 83: 1.5, 84: 1, 54: 1, 58: 1, 59: 0.6, 71: 1, 39: 1, 40: 0.6, 35: 0.6,
    34: 0.5, 27: 0.6, 15: 0.8, 1: 0.5, 5: 0.4, 63: 0.8, 67: 0.6, 69: 0.8, 66: 0.3, 68: 0.3, 77: 0.4, 89: 0.5,
    90: 0.6, 47: 0.6, 48: 0.5, 49: 0.6, 14: 0.3, 13: 0.3, 18: 0.4, 24: 0.3, 38: 0.4, 29: 0.3, 33: 0.3, 36: 0.2,
}
_NO_ENTERPRISES = {91, 92, 93, 94, 96, 97}  # party and state organs, international bodies
TECH_DIVISIONS = (27, 34, 35, 38, 39, 40, 63, 64, 65, 73, 74, 75)
TRADE_DIVISIONS = (51, 52, 61, 62)

_STREET_WEIGHTS = {
    "street_beishan": 4, "street_xixi": 14, "street_lingyin": 3, "street_cuiyuan": 13, "street_wenxin": 12,
    "street_gudang": 9, "street_xihu": 3, "street_liuxia": 7, "street_zhuantang": 9, "street_jiangcun": 10,
    "street_sandun": 13, "street_shuangpu": 3,
}
_OWNERSHIP = {"own_private": 0.80, "own_partnership": 0.03, "own_foreign": 0.02, "own_hmt": 0.01,
              "own_state": 0.02, "own_collective": 0.005, "own_coop": 0.005}
_INDIVIDUAL_SHARE = {52: 0.45, 62: 0.55, 61: 0.3, 80: 0.5, 81: 0.5, 82: 0.3, 51: 0.12, 1: 0.3}

# Sector tags that follow from the division: (division, sector, probability); other pairs get 0.003.
_SECTORS = [
    (65, "sector_digital_core", 0.9), (65, "sector_ai", 0.15), (65, "sector_cloud", 0.15),
    (65, "sector_security", 0.05), (65, "sector_blockchain", 0.03), (65, "sector_industrial_internet", 0.04),
    (65, "sector_metaverse", 0.02), (65, "sector_fintech", 0.03), (65, "sector_education_tech", 0.03),
    (64, "sector_digital_core", 0.9), (64, "sector_ecommerce", 0.3), (64, "sector_livestream", 0.1),
    (64, "sector_ai", 0.08), (64, "sector_cloud", 0.1), (63, "sector_digital_core", 0.9), (63, "sector_iot", 0.2),
    (39, "sector_digital_core", 0.6), (39, "sector_ic", 0.2), (39, "sector_iot", 0.3),
    (39, "sector_smart_security", 0.2), (40, "sector_high_end_equipment", 0.3), (40, "sector_iot", 0.2),
    (40, "sector_med_device", 0.1), (27, "sector_biomed", 0.8), (27, "sector_innovative_drug", 0.3),
    (27, "sector_synbio", 0.05), (27, "sector_health", 0.5), (35, "sector_high_end_equipment", 0.5),
    (35, "sector_med_device", 0.2), (34, "sector_high_end_equipment", 0.4), (36, "sector_ev", 0.5),
    (38, "sector_new_energy", 0.3), (38, "sector_energy_saving", 0.2), (26, "sector_new_materials", 0.3),
    (29, "sector_new_materials", 0.2), (30, "sector_new_materials", 0.2), (52, "sector_ecommerce", 0.2),
    (52, "sector_livestream", 0.08), (52, "sector_cross_border", 0.04), (51, "sector_cross_border", 0.06),
    (51, "sector_ecommerce", 0.1), (51, "sector_tea", 0.03), (15, "sector_tea", 0.5), (1, "sector_tea", 0.3),
    (1, "sector_modern_agri", 0.6), (5, "sector_modern_agri", 0.5), (62, "sector_catering_chain", 0.1),
    (61, "sector_homestay", 0.3), (61, "sector_tourism", 0.4), (72, "sector_consulting", 0.3),
    (72, "sector_hr_service", 0.1), (72, "sector_exhibition", 0.06), (72, "sector_legal_service", 0.05),
    (72, "sector_design", 0.05), (72, "sector_ip_service", 0.03), (73, "sector_tech_service", 0.5),
    (73, "sector_biomed", 0.1), (73, "sector_ai", 0.1), (74, "sector_testing", 0.2), (74, "sector_design", 0.2),
    (74, "sector_tech_service", 0.3), (75, "sector_tech_service", 0.6), (75, "sector_ip_service", 0.1),
    (86, "sector_cultural_creative", 0.8), (87, "sector_cultural_creative", 0.8), (87, "sector_film", 0.5),
    (88, "sector_cultural_creative", 0.8), (88, "sector_animation_games", 0.1), (90, "sector_animation_games", 0.2),
    (90, "sector_cultural_creative", 0.4), (83, "sector_education_tech", 0.1), (84, "sector_health", 0.6),
    (85, "sector_elderly_care", 0.3), (85, "sector_childcare", 0.1), (80, "sector_elderly_care", 0.05),
    (80, "sector_childcare", 0.05), (66, "sector_fintech", 0.2), (67, "sector_fintech", 0.2),
    (69, "sector_fintech", 0.2), (77, "sector_energy_saving", 0.4), (89, "sector_tourism", 0.1),
]

# Other optional tags: base probability and what drives it (tech: technology industries and R&D; size: bigger
# firms; young: recently founded; trade: trading industries; all: no driver).
_OPTIONAL = {
    "qual_kjxzx": (0.03, "tech"), "qual_cxx": (0.02, "tech"), "qual_zjtx": (0.006, "tech"), "qual_xiaojuren": (0.0008, "tech"),
    "qual_single_champion": (0.0003, "size"), "qual_gazelle": (0.003, "tech"), "qual_unicorn": (0.0003, "tech"),
    "qual_eagle": (0.006, "young"), "qual_provincial_rd_center": (0.004, "tech"),
    "qual_enterprise_tech_center": (0.002, "tech"), "qual_key_lab": (0.0008, "tech"),
    "qual_software_enterprise": (0.01, "tech"), "qual_tech_advanced_service": (0.002, "tech"),
    "qual_ip_demo": (0.002, "tech"), "qual_cultural_key": (0.002, "size"), "qual_hq": (0.001, "size"),
    "qual_green_factory": (0.0008, "size"), "qual_zhejiang_made": (0.001, "size"),
    "qual_time_honored": (0.0005, "all"), "qual_digital_workshop": (0.001, "size"),
    "founder_graduate": (0.08, "young"), "founder_returnee": (0.015, "young"), "founder_veteran": (0.02, "all"),
    "founder_unemployed": (0.015, "young"), "founder_poverty": (0.003, "all"), "founder_returning": (0.01, "young"),
    "founder_hkmo_youth": (0.002, "young"), "founder_female": (0.32, "all"),
    "status_abnormal": (0.05, "young"), "status_dishonest": (0.004, "all"), "status_wage_arrears": (0.006, "all"),
    "status_tax_a": (0.12, "size"), "status_tax_b": (0.12, "all"), "status_safety_accident": (0.001, "size"),
    "op_export": (0.04, "trade"), "op_import": (0.03, "trade"), "op_patent_invention": (0.05, "tech"),
    "op_patent_utility": (0.06, "tech"), "op_software_copyright": (0.1, "tech"), "op_trademark": (0.2, "all"),
    "op_rent_premises": (0.5, "all"), "op_own_premises": (0.06, "size"), "op_hire_graduates": (0.12, "size"),
    "op_hire_veterans": (0.02, "size"), "op_hire_disabled": (0.03, "size"), "op_hire_key_groups": (0.04, "size"),
    "op_internship_base": (0.003, "size"), "op_postdoc_station": (0.0008, "tech"),
    "op_academician_station": (0.0006, "tech"), "op_rd_institute": (0.02, "tech"), "op_first_set": (0.001, "tech"),
    "op_new_entrant": (0.05, "young"), "op_incubated": (0.02, "young"), "op_maker_space": (0.001, "all"),
    "op_ipo_counselling": (0.0008, "size"), "op_neeq": (0.001, "size"), "op_vc_funded": (0.015, "tech"),
    "op_contest_award": (0.005, "young"), "op_digital_transform": (0.03, "size"), "op_cloud": (0.08, "tech"),
    "op_energy_retrofit": (0.01, "size"), "op_union": (0.08, "size"), "op_wage_negotiation": (0.04, "size"),
    "op_gov_procurement": (0.03, "size"), "op_fixed_investment": (0.01, "size"), "op_tech_contract": (0.02, "tech"),
    "op_standard_setter": (0.004, "tech"), "op_building_tenant": (0.1, "all"), "op_tech_transfer": (0.008, "tech"),
    "op_overseas_talent": (0.006, "tech"), "op_bank_loan": (0.15, "size"), "op_online_store": (0.12, "trade"),
    "op_new_product": (0.004, "tech"), "op_tech_award": (0.001, "tech"),
    "op_quality_award": (0.0005, "size"), "op_branch_abroad": (0.003, "size"), "op_trade_fair": (0.03, "trade"),
    "op_credit_guarantee": (0.02, "young"), "op_housing_fund": (0.22, "size"),
}

_BRAND_A = "恒瑞云杉青禾星澜博远明德嘉禾华创之江凌云思源启明汇智锦程安信天行鼎泰新程和光拓维睿"
_BRAND_B = "达科联信通源泽辰晟宇航灵峰川润茂合立卓策途谷"
_TRADE_WORD = {65: "信息技术", 64: "网络科技", 63: "通信技术", 51: "贸易", 52: "商贸", 62: "餐饮管理", 61: "酒店管理",
               72: "企业管理咨询", 73: "生物科技", 74: "工程技术", 75: "科技", 70: "房地产开发", 50: "装饰工程",
               88: "文化创意", 87: "影视传媒", 27: "医药", 39: "电子", 80: "家政服务", 83: "教育科技", 15: "茶业"}


@dataclass
class Register:
    tag_ids: list[str]
    tags: np.ndarray  # bool, shape (tags, enterprises)
    numbers: dict[str, np.ndarray]  # float64 columns, NaN = unknown; 'established' in days since 1970-01-01
    as_of: date  # the register's reference date; ages are counted to it
    seed: int = 0
    district: str = DISTRICT
    version: int = GENERATOR_VERSION
    column: dict[str, int] = field(init=False)
    _word: np.ndarray | None = field(init=False, default=None, repr=False)  # name suffix per enterprise

    def __post_init__(self) -> None:
        self.column = {t: i for i, t in enumerate(self.tag_ids)}

    def __len__(self) -> int:
        return int(self.tags.shape[1])

    @property
    def fingerprint(self) -> str:
        return f"gen{self.version}-n{len(self)}-seed{self.seed}-{self.as_of.isoformat()}"

    def tag(self, tag_id: str) -> np.ndarray:
        return self.tags[self.column[tag_id]]

    def enterprise_id(self, i: int) -> str:
        return f"XH{i + 1:07d}"

    def enterprise_ids(self, rows: np.ndarray) -> list[str]:
        return [f"XH{i + 1:07d}" for i in (rows + 0).tolist()]

    def name(self, i: int) -> str:
        """A synthetic enterprise name, stable for an index."""
        return self.names(np.array([i]))[0]

    def names(self, rows: np.ndarray) -> list[str]:
        if self._word is None:
            first = self.column["ind_01"]
            division = self.tags[first:first + 97].argmax(axis=0) + 1
            words = np.array(["实业"] + [_TRADE_WORD.get(d, "实业") for d in range(1, 98)])
            self._word = np.where(self.tags[self.column["own_individual"]], "", words[division])
        a, b = len(_BRAND_A), len(_BRAND_B)
        return [f"杭州{_BRAND_A[i % a]}{_BRAND_B[(i // a) % b]}{w}有限公司" if w else
                f"杭州市西湖区{_BRAND_A[i % a]}{_BRAND_B[(i // a) % b]}商行"
                for i, w in zip(rows.tolist(), self._word[rows].tolist(), strict=True)]

    def profile(self, i: int) -> EnterpriseProfile:
        """One row as a closed profile, every fact from the register."""
        profile = EnterpriseProfile(name=self.name(i), credit_code=self.enterprise_id(i), closed=True)
        for row in np.flatnonzero(self.tags[:, i]):
            profile.tags[self.tag_ids[row]] = Fact(True, "register")
        for fact, col in self.numbers.items():
            value = col[i]
            if np.isnan(value):
                continue
            if fact == "established":
                profile.facts[fact] = Fact((EPOCH + timedelta(days=int(value))).isoformat(), "register")
            else:
                profile.facts[fact] = Fact(float(value), "register")
        profile.facts["district"] = Fact(self.district, "register")
        return profile

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, tags=np.packbits(self.tags, axis=1), n=len(self), tag_ids=np.array(self.tag_ids),
                 as_of=self.as_of.isoformat(), seed=self.seed, version=self.version, **{f"num_{k}": v for k, v in self.numbers.items()})
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Register:
        with np.load(path) as data:
            n = int(data["n"])
            tags = np.unpackbits(data["tags"], axis=1, count=n).astype(bool)
            numbers = {k.removeprefix("num_"): data[k] for k in data.files if k.startswith("num_")}
            version = int(data["version"]) if "version" in data.files else 1
            return cls([str(t) for t in data["tag_ids"]], tags, numbers, date.fromisoformat(str(data["as_of"])),
                       int(data["seed"]), version=version)


def generate(n: int = DISTRICT_SIZE, seed: int = 2026, as_of: date = date(2026, 6, 30),
             taxonomy: Taxonomy | None = None) -> Register:
    """A synthetic register of ``n`` enterprises; the same arguments always give the same register."""
    tax = taxonomy or load_taxonomy()
    rng = np.random.default_rng(seed)
    tags = np.zeros((len(tax.tag_ids), n), dtype=bool)
    col = tax.column

    def put(tag_id: str, mask: np.ndarray) -> None:
        tags[col[tag_id]] |= mask

    # industry: a division, and the section that contains it
    weights = np.array([0.0 if d in _NO_ENTERPRISES else _DIVISION_WEIGHTS.get(d, 0.25) for d in range(1, 98)])
    division = rng.choice(97, size=n, p=weights / weights.sum()) + 1
    section_of = np.array([col[tax.section_of(f"ind_{d:02d}")] for d in range(1, 98)])
    tags[col["ind_01"] + division - 1, np.arange(n)] = True
    tags[section_of[division - 1], np.arange(n)] = True
    tech = np.isin(division, TECH_DIVISIONS)
    trade = np.isin(division, TRADE_DIVISIONS) | (division <= 43) & (division >= 13)
    manufacturing = (division >= 13) & (division <= 43)

    # ownership: individual businesses concentrate in retail, catering and household services
    individual_p = np.array([_INDIVIDUAL_SHARE.get(d, 0.03) for d in range(1, 98)])[division - 1]
    individual = rng.random(n) < individual_p
    own_names = list(_OWNERSHIP)
    own_p = np.array(list(_OWNERSHIP.values()))
    own = rng.choice(len(own_names), size=n, p=own_p / own_p.sum())
    put("own_individual", individual)
    for k, name in enumerate(own_names):
        put(name, ~individual & (own == k))

    # people and money: heavy-tailed, bigger in technology and manufacturing
    median_staff = np.where(individual, 1.5, np.where(tech | manufacturing, 12.0, 6.0))
    employees = np.clip(np.round(np.exp(rng.normal(np.log(median_staff), 1.1))), 1, 20000)
    revenue = employees * np.exp(rng.normal(np.log(3.5e5), 0.8, n))
    revenue[rng.random(n) < 0.1] = np.nan
    revenue_growth = np.where(np.isnan(revenue), np.nan, np.round(rng.normal(8.0, 20.0, n), 1))
    age = np.clip(rng.exponential(6.0, n), 0.02, 40.0)
    established = (as_of - EPOCH).days - np.round(age * 365.25)
    capital = np.where(individual, np.exp(rng.normal(np.log(5e4), 1.0, n)), np.exp(rng.normal(np.log(1e6), 1.3, n)))
    tax_paid = revenue * np.exp(rng.normal(np.log(0.04), 0.5, n))

    # qualifications that shape R&D figures
    gaoxin = ~individual & (employees >= 5) & (rng.random(n) < np.where(tech, 0.12, 0.006))
    put("qual_gaoxin", gaoxin)
    rd_ratio = np.where(tech, np.exp(rng.normal(np.log(3.0), 0.8, n)),
                        np.where(rng.random(n) < 0.6, 0.0, np.exp(rng.normal(np.log(0.8), 0.8, n))))
    rd_ratio = np.where(gaoxin, np.maximum(rd_ratio, np.exp(rng.normal(np.log(6.0), 0.4, n))), rd_ratio)
    rd_ratio = np.round(np.minimum(rd_ratio, 60.0), 2)
    rd_ratio[(rng.random(n) < 0.35) | individual] = np.nan
    rd_growth = np.where(rd_ratio > 0, np.round(rng.normal(10.0, 25.0, n), 1), np.nan)
    rd_staff = np.where(tech, np.clip(np.round(rng.normal(25.0, 12.0, n)), 0, 100), np.nan)
    gaoxin_year = np.where(gaoxin, rng.integers(2016, 2026, n).astype(float), np.nan)

    # size by staff, with the industrial thresholds for manufacturing (simplified 划型标准)
    small_cut, medium_cut = np.where(manufacturing, 20, 10), np.where(manufacturing, 300, 100)
    large_cut = np.where(manufacturing, 1000, 300)
    put("size_micro", employees < small_cut)
    put("size_small", (employees >= small_cut) & (employees < medium_cut))
    put("size_medium", (employees >= medium_cut) & (employees < large_cut))
    put("size_large", employees >= large_cut)
    for tag, lo, hi in (("age_0_1", 0, 1), ("age_1_3", 1, 3), ("age_3_5", 3, 5), ("age_5_10", 5, 10),
                        ("age_10p", 10, 99)):
        put(tag, (age >= lo) & (age < hi))

    streets = list(_STREET_WEIGHTS)
    street_p = np.array(list(_STREET_WEIGHTS.values()), dtype=float)
    street = rng.choice(len(streets), size=n, p=street_p / street_p.sum())
    for k, name in enumerate(streets):
        put(name, street == k)

    # statistical thresholds follow from revenue
    rev = np.nan_to_num(revenue)
    put("qual_guishang", manufacturing & (rev >= 2e7))
    put("qual_xianshang", ((division == 51) & (rev >= 2e7)) | ((division == 52) & (rev >= 5e6))
        | np.isin(division, (61, 62)) & (rev >= 2e6))
    put("qual_guifu", ~manufacturing & ~np.isin(division, TRADE_DIVISIONS) & (rev >= 1e7))
    put("qual_listed", (rev >= 1e8) & (rng.random(n) < 0.15))

    sector_p = np.full((98, len(tax.categories["sector"].tags)), 0.003)
    sector_col = {t: k for k, t in enumerate(tax.categories["sector"].tags)}
    for d, sector, p in _SECTORS:
        sector_p[d, sector_col[sector]] = p
    for sector, k in sector_col.items():
        put(sector, rng.random(n, dtype=np.float32) < sector_p[division, k])

    size_factor = np.clip(np.log10(employees + 1) / np.log10(11), 0.3, 4.0)
    drivers = {
        "tech": np.where(tech, 4.0, 0.4) * np.where(gaoxin, 3.0, 1.0),
        "size": size_factor * np.where(individual, 0.2, 1.0),
        "young": np.where(age < 3, 2.5, 0.5),
        "trade": np.where(trade, 3.0, 0.4),
        "all": np.ones(n),
    }
    for tag, (base, driver) in _OPTIONAL.items():
        put(tag, rng.random(n, dtype=np.float32) < np.minimum(base * drivers[driver], 0.95))
    put("op_rd_investment", rd_ratio > 0)
    put("op_social_insurance", ~individual & (rng.random(n) < 0.85))
    insured = np.where(tags[col["op_social_insurance"]], np.round(employees * rng.uniform(0.6, 1.0, n)), 0.0)

    numbers = {
        "revenue": np.round(revenue, -2), "revenue_growth": revenue_growth, "rd_ratio": rd_ratio,
        "rd_expense": np.round(revenue * rd_ratio / 100, -2), "rd_growth": rd_growth, "rd_staff_ratio": rd_staff,
        "employees": employees, "insured_employees": insured, "tax_paid": np.round(tax_paid, -2),
        "registered_capital": np.round(capital, -3), "gaoxin_year": gaoxin_year,
        "established": established.astype(np.float64),
    }
    return Register(list(tax.tag_ids), tags, {k: v.astype(np.float64) for k, v in numbers.items()}, as_of, seed)
