"""``region``: where the enterprise is registered (a district, or one of its streets)."""

from __future__ import annotations

import numpy as np

from kiosk.policy.kinds.base import ConditionKind
from kiosk.policy.taxonomy import DISTRICT, is_place, place_chain
from kiosk.policy.verdict import Question, Status


class Region(ConditionKind):
    name = "region"
    tests = ("region",)
    order = 30

    def parse(self, node, taxonomy, report, line):
        values = node["region"] if isinstance(node["region"], list) else [node["region"]]
        if not values:
            report(node, "“region”不能为空（写镇街 id 如 street_xixi，或 西湖区 / 杭州市 等地名）")
        for v in values:
            if not (is_place(str(v)) or (str(v) in taxonomy.tags and taxonomy.tags[str(v)].category == "street")):
                report(node, f"未知地区“{v}”（写镇街 id 如 street_xixi，或 西湖区 / 杭州市 等地名）")
        return {"regions": tuple(str(v) for v in values)}

    def status(self, leaf, profile, taxonomy) -> Status:
        places = profile.places()
        if places is None:
            return Status.UNKNOWN
        if any(r in places for r in leaf.regions):
            return Status.MET
        if places[0] == DISTRICT and any(r in taxonomy.tags for r in leaf.regions):
            return Status.UNKNOWN  # in the district, street not yet known
        return Status.NOT_MET

    def vector(self, leaf, register, today):
        n = len(register)
        if any(r in place_chain(register.district) for r in leaf.regions):
            met = np.ones(n, dtype=bool)
        else:
            streets = [r for r in leaf.regions if r in register.column]
            met = np.logical_or.reduce([register.tag(s) for s in streets]) if streets else np.zeros(n, dtype=bool)
        return met, ~met  # the register knows every enterprise's street

    def explain(self, leaf, profile, taxonomy, status):
        tags = taxonomy.tags
        wanted = "、".join(tags[r].name if r in tags else r for r in leaf.regions)
        places = profile.places()
        if places is None:
            return f"还不知道注册地，本条限{wanted}", ""
        where = tags[places[0]].name if places[0] in tags else places[0]
        source = profile.tag_source(places[0]) if places[0] in tags else profile.source_of("district")
        if status is Status.MET:
            return f"注册在{where}，属于{wanted}", source
        if status is Status.UNKNOWN:
            return f"已知在{DISTRICT}，还不知道在哪个镇街，本条限{wanted}", source
        return f"注册在{where}，本条限{wanted}", source

    def question(self, leaf, taxonomy) -> Question:
        return Question(leaf.key, leaf.question or "贵单位注册在哪个区、哪个镇街？", "place", "district")

    def key(self, leaf) -> str:
        return "region:" + "|".join(leaf.regions)
