"""Condition leaves found in one clause of a policy: numeric thresholds, qualifications and other tags,
registration places and registration-date windows, each in the YAML form of policies_db/conditions."""

from __future__ import annotations

import re
from typing import Any

from kiosk.content.drafting.vocabulary import vocabulary
from kiosk.knowledge.numbers import arabic
from kiosk.policy.taxonomy import load_taxonomy, place_chain
from kiosk.store.validity import DATE, parse_date

NUMBER_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元|万美元|%|％|个百分点|人|名|平方米|㎡|周岁|岁|年|个月)")
UNITS = {"亿元": "money", "万元": "money", "千元": "money", "元": "money", "万美元": "money", "%": "percent", "％": "percent",
         "个百分点": "percent", "人": "people", "名": "people", "平方米": "area", "㎡": "area", "周岁": "age",
         "岁": "age", "年": "years", "个月": "years"}
# comparison words before the number (longest first, so 不超过 is not read as 超过) and after it
BEFORE = [("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("不超过", "<="), ("不高于", "<="), ("不大于", "<="),
          ("不多于", "<="), ("不满", "<"), ("未满", "<"), ("不足", "<"), ("达到", ">="), ("突破", ">="), ("超过", ">"),
          ("高于", ">"), ("大于", ">"), ("多于", ">"), ("低于", "<"), ("少于", "<"), ("小于", "<"), ("最多", "<="),
          ("满", ">="), ("达", ">=")]
AFTER = [("（含）以上", ">="), ("及以上", ">="), ("以上", ">="), ("（含）以下", "<="), ("以下", "<="), ("以内", "<="),
         ("之内", "<="), ("内", "<=")]
ASIDE_RE = re.compile(r"（(?!不含）)([^（）]{2,15})）")  # “（不含）” ends a range: kept
SEGMENT_RE = re.compile(r"[，,；;。：:]")
# (无法, 无力 say what an enterprise cannot do: “无法正常经营的中小企业” are still 中小企业)
NEGATION_RE = re.compile(r"无(?!法|力)|未|不得|不予|不属于|除外|不适用|不包括|不含|非|没有")
ALL_RE = re.compile(r"同时|均为|并且|且为|既是")
# a name before a place or body (小微企业园, 高新技术企业协会) describes that place, not the applicant
PLACE_HEAD_RE = re.compile(r"园|基地|平台|联盟|协会|商会|集聚区")
# names in a segment that are not about the applicant itself: those it serves (“为重点用工企业、高新技术企业介绍
# 员工”, “为承租的高新技术企业减免租金的企业”), a list naming everyone (“单位和个体工商户”), and a record the
# authority waives (“不将其列入经营异常名录”); a founder's group after a hiring verb is whom the applicant hires
SERVED_RE = re.compile(r"(?<![认评确成定称作])为[^，；。]*$")
SERVICE_RE = re.compile(r"^[^，；。]*?(?:减免|减租|免租|提供|介绍|服务)")
EVERYONE_RE = re.compile(r"(?:^|[、和及与或的对为])(?:单位|企业|个人|纳税人|用人单位)(?:和|及|与|、|或)$")
WAIVED_RE = re.compile(r"不将|不再将|暂不")
HIRED_RE = re.compile(r"(?:招用|吸纳|招收|聘用|录用|雇用|招聘)[^，；。]{0,12}$")
DEFINED_RE = re.compile(r"\s*(?:应|须|需)(?:当)?(?:同时)?(?:满足|符合|具备)")
# paying tax here at all, as a condition (“申报当年在区内纳税”, “正常纳税”); a bare “依法纳税” is a general duty
TAX_RE = re.compile(r"(?:(?:区内|本区|当年)[^，；。、]{0,4}|正常|实际)纳税(?!人)")
# a number about a change, a forecast, an average or a project, not about the enterprise as it stands
# (a monthly average, “月平均在岗人数”, is how a headcount is counted)
NOT_STOCK_RE = re.compile(r"预计|预期|力争|目标|亩均|人均|年均|(?<!月)平均|新增|新招|招用|新引进|新开设|新建|增量|次年|连续")
# a bound on part of an amount or of a group (“不超过100万元的部分减半征收”, “超过100人的比例下调为10%”) sets how
# much is granted, not who may apply; a percentage before 的比例 is the ratio asked for itself
PART_RE = re.compile(r"的部分|(?<![%％])的比例")
PERSON_RE = re.compile(r"法定代表人|创办|创业|经营者|负责人|股东")
RANGE_RE = re.compile(r"\s*(?:（含）)?\s*(?:至|到|～|~|-|—)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元|%|人|名|平方米|岁|年)"
                      r"\s*(?:（含）|(?P<open>（不含）))?(?:之间)?")
# a second bound of the same measure (“成立满2年且不超过5年”) names no measure of its own
SECOND_BOUND_RE = re.compile(r"\s*(?:且|并且|但|而|、)\s*[\u4e00-\u9fff]{0,4}")
# “A或B” between two conditions of one sentence: either will do
EITHER_RE = re.compile(r"[\s、，,]*(?:或者|或)[^，,；;。、\d]{0,6}")
REGISTERED_RE = re.compile(r"注册|登记|落户|落地|位于|设立|创办|纳税|统计|税务关系|行政区域|辖区|企业$|企业[，、和及]")
ESTABLISHED_RE = re.compile(rf"({DATE})(?:\s*[（(]含[）)])?\s*(以后|之后|以来|起|后|以前|之前|前)[^，；。]{{0,6}}(?:注册|成立|设立|登记)")


def find_leaves(sentence: str, clause: str) -> list[dict[str, Any]]:
    """Every condition the sentence states, in the order stated."""
    # titles of other documents (《…》) and their numbers (…〔2024〕13号) are citations, not conditions
    text = arabic(re.sub(r"《[^》]*》|[（(][^）)]*〔\d{4}〕[^）)]*[）)]", "", sentence))
    # asides such as “（含软件）” sit between a measure's words (生产性设备（含软件）投资额); “（含）” is kept, and so
    # is an aside with one number: a bound for some (“在岗30人以上（粤东粤西粤北地区为20人以上）”) or a further
    # condition (“（登记注册5年内）”); one with two (“（超过100人的企业下调至10%）”) sets an amount for some
    text = ASIDE_RE.sub(lambda m: m.group(0) if len(re.findall(r"\d+(?:\.\d+)?", m.group(1))) == 1 else "", text)
    text = re.sub(r"^\s*第\d+条\s*", "", text)
    found = _facts(text, clause) + _tags(text, clause) + _regions(text, clause) + _established(text, clause)
    return _either(text, sorted(found, key=lambda leaf: leaf["span"]))


def _either(text: str, leaves: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The leaves in the order stated, those joined by 或 as one any_of group (“从业人员100人以下或营业收入2000万元
    以下”, “高新技术企业或上年度纳税总额不低于500万元”); the span each leaf was read from is dropped."""
    out: list[dict[str, Any]] = []
    starts: list[int] = []  # where each of out's conditions starts in the text
    end = 0  # where the conditions so far end
    for leaf in leaves:
        start, stop = leaf.pop("span")
        if out and end <= start and EITHER_RE.fullmatch(text, end, start):
            if "any_of" not in out[-1]:
                out[-1] = {"text": "", "clause": leaf["clause"], "any_of": [out[-1]]}
            out[-1]["any_of"].append(leaf)
            out[-1]["text"] = text[starts[-1]:stop].strip()
        else:
            out.append(leaf)
            starts.append(start)
        end = max(end, stop)
    return out


def _op_before(prefix: str) -> str:
    tail = prefix[-4:].rstrip("为在是 ")
    for word, op in BEFORE:
        if tail.endswith(word):
            return op
    return ""


def _op_after(suffix: str, unit: str) -> str:
    for word, op in AFTER:
        if suffix.startswith(word):
            # “3年内” is a span not yet completed: younger than three years
            return "<" if op == "<=" and word in ("内", "以内", "之内") and UNITS[unit] == "years" else op
    return ""


def _facts(text: str, clause: str) -> list[dict[str, Any]]:
    leaves: list[dict[str, Any]] = []
    ranged_end = previous_end = -1
    for m in NUMBER_RE.finditer(text):
        if m.start() < ranged_end:
            continue
        unit = m.group("unit")
        family = UNITS[unit]
        segment = max((s.end() for s in SEGMENT_RE.finditer(text, 0, m.start())), default=0)
        end = next((s.start() for s in SEGMENT_RE.finditer(text, m.end())), len(text))
        before, after = text[segment:m.start()], text[m.end():end]
        post = next((w for w, _ in AFTER if after.startswith(w)), "")
        # the words quoted for this measure start after the previous number of a list (“…2000万元、增长20%”)
        start, previous = max(segment, previous_end), previous_end
        previous_end = m.end() + len(post)
        if NOT_STOCK_RE.search(before[-12:]) or (family == "age" and not PERSON_RE.search(text)):
            continue
        if family == "years" and re.search(DATE, text[max(0, m.start() - 8):m.end() + 4]):
            continue
        fact, named = _subject(before, after, family)
        if not fact and leaves and previous >= segment and SECOND_BOUND_RE.fullmatch(text, previous, m.start()) \
                and leaves[-1]["span"][1] == previous and _family(leaves[-1]["fact"]) == family:
            fact, named = leaves[-1]["fact"], previous - segment
        value = _value(float(m.group("num")), unit, family) if fact else None
        if value is None:
            continue
        named_at = segment + named if named >= 0 else m.start()  # where the span read for this measure starts
        if (upper := RANGE_RE.match(after)) and UNITS.get(upper.group("unit"), family) == family:
            # “营业收入在200万元（含）至2亿元（不含）之间”: at least the first, at most (below) the second
            top = _value(float(upper.group("num")), upper.group("unit"), family)
            span = (named_at, m.end() + upper.end())
            phrase = text[start:span[1]].strip()
            leaves.append({"text": phrase, "clause": clause, "fact": fact, "op": ">=", "value": value, "span": span})
            leaves.append({"text": phrase, "clause": clause, "fact": fact, "op": "<" if upper.group("open") else "<=",
                           "value": top, "span": span})
            ranged_end = previous_end = span[1]
            continue
        op = _op_before(before) or _op_after(after, unit)
        if not op or PART_RE.match(text, m.end() + len(post)):
            continue
        span = (named_at, m.end() + len(post))
        leaves.append({"text": text[start:span[1]].strip(" 、和及且并或"), "clause": clause, "fact": fact, "op": op,
                       "value": value, "span": span})
    if not any(leaf["fact"] == "tax_paid" for leaf in leaves) and (tax := TAX_RE.search(text)) \
            and not NEGATION_RE.search(text[max(0, tax.start() - 6):tax.start()]):
        leaves.append({"text": tax.group(0), "clause": clause, "fact": "tax_paid", "op": ">", "value": 0,
                       "span": tax.span()})
    return leaves


def _family(fact: str) -> str:
    return next(words.unit for words in vocabulary().facts if words.fact == fact)


def _subject(before: str, after: str, family: str) -> tuple[str, int]:
    """The fact a number measures and where its name starts in ``before`` (-1 when named after the number or not
    at all): the nearest fact name before it (or, for headcounts, just after it)."""
    best, reach = "", (-1, 0)
    for words in vocabulary().facts:
        if words.unit != family:
            continue
        for m in words.names.finditer(before):
            # a duration counts only right after the registration word (注册满1年), not anywhere before it
            if family == "years" and len(before) - m.end() > 6:
                continue
            # the name nearest the number wins; of two ending there, the longer (参保职工 over 职工)
            if (m.end(), -m.start()) > reach:
                best, reach = words.fact, (m.end(), -m.start())
    if best:
        return best, -reach[1]
    if family == "people":
        for words in vocabulary().facts:
            if words.unit == "people" and words.names.search(after[:12]):
                return words.fact, -1
    return ("founder_age", -1) if family == "age" else ("", -1)


def _value(number: float, unit: str, family: str) -> Any:
    if family == "money":
        if unit == "万美元":
            return None  # a foreign-currency amount is not what a profile records
        return f"{_trim(number)}{unit}" if unit != "元" else number
    if family == "percent":
        return f"{_trim(number)}%"
    if family == "years":
        return round(number / 12, 2) if unit == "个月" else number
    return int(number) if number.is_integer() else number


def _trim(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:g}"


def _tags(text: str, clause: str) -> list[dict[str, Any]]:
    vocab = vocabulary()
    taxonomy = load_taxonomy()
    leaves = []
    for part in re.finditer(r"[^，,；;。]+", text):
        segment, at = part.group(0), part.start()
        found = [(m.start(), m.end(), vocab.tag_phrases[m.group(0)]) for m in vocab.phrase_re.finditer(segment)]
        # the thing a clause defines (“总部企业应同时满足：”) is not a condition of itself
        found = [_hired(segment, f) for f in _heads(segment, found) if not DEFINED_RE.match(segment, f[1])
                 and not PLACE_HEAD_RE.match(segment, f[1]) and not _others(segment, f)]
        found = [f for f in found if f[2]]
        if not found:
            continue
        negated = bool(NEGATION_RE.search(segment[:found[0][0]])) or bool(re.search(r"除外|不适用", segment))
        require: dict[str, list[tuple[int, int, tuple[str, ...]]]] = {}
        exclude: list[tuple[int, int, tuple[str, ...]]] = []
        for f in found:
            if negated or any(vocab.tag_mode.get(t) == "exclude" for t in f[2]):
                exclude.append(f)
            else:
                require.setdefault(taxonomy.tags[f[2][0]].category, []).append(f)
        for names in require.values():
            tags = sorted({t for _, _, ts in names for t in ts})
            span = (at + names[0][0], at + names[-1][1])
            # names of one kind in a list are alternatives (“对新认定的A、B”) unless all must hold
            if len(tags) == 1 or ALL_RE.search(segment) and len(found) > 1 and not any(len(f[2]) > 1 for f in found):
                leaves.extend({"text": segment.strip(), "clause": clause, "require": [t], "span": span} for t in tags)
            else:
                leaves.append({"text": segment.strip(), "clause": clause, "require_any": tags, "span": span})
        if exclude:
            leaves.append({"text": segment.strip(), "clause": clause,
                           "exclude": sorted({t for _, _, ts in exclude for t in ts}),
                           "span": (at + exclude[0][0], at + exclude[-1][1])})
    return leaves


def _others(segment: str, found: tuple[int, int, tuple[str, ...]]) -> bool:
    """Whether a name found in a segment is about someone other than the applicant, or a waived record."""
    before, after = segment[:found[0]], segment[found[1]:]
    waived = any(vocabulary().tag_mode.get(t) == "exclude" for t in found[2]) and WAIVED_RE.search(before)
    return bool(SERVED_RE.search(before) and SERVICE_RE.search(after) or EVERYONE_RE.search(before) or waived)


def _hired(segment: str, found: tuple[int, int, tuple[str, ...]]) -> tuple[int, int, tuple[str, ...]]:
    """A founder's group named after a hiring verb (“招用毕业2年内高校毕业生”) as whom the applicant hires (no tags
    when the taxonomy has no such hiring test)."""
    if not HIRED_RE.search(segment[:found[0]]):
        return found
    hired = vocabulary().hired
    if not any(t in hired or t.startswith("founder_") for t in found[2]):
        return found
    return found[0], found[1], tuple(hired[t] for t in found[2] if t in hired)


def _heads(segment: str, found: list[tuple[int, int, tuple[str, ...]]]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Of two names in one noun phrase (专精特新“小巨人”企业, 高新技术企业研究开发中心) the last is the head."""
    kept: list[tuple[int, int, tuple[str, ...]]] = []
    for item in found:
        if kept and not re.search(r"[、，和及与或/]|或者|以及", segment[kept[-1][1]:item[0]]) and item[0] - kept[-1][1] <= 1:
            kept[-1] = item
        else:
            kept.append(item)
    return kept


def _regions(text: str, clause: str) -> list[dict[str, Any]]:
    vocab = vocabulary()
    leaves = []
    for part in re.finditer(r"[^；;。]+", text):
        segment = part.group(0)
        named = list(vocab.place_re.finditer(segment))
        places = list(dict.fromkeys(vocab.places[m.group(0)] for m in named))
        if places and REGISTERED_RE.search(segment) and not NEGATION_RE.search(segment[:8]):
            streets = [p for p in places if p.startswith("street_")]
            leaves.append({"text": segment.strip(), "clause": clause,
                           "region": streets or [max(places, key=lambda p: len(place_chain(p)))],
                           "span": (part.start() + named[0].start(), part.start() + named[-1].end())})
    return leaves


def _established(text: str, clause: str) -> list[dict[str, Any]]:
    leaves = []
    for m in ESTABLISHED_RE.finditer(text):
        day = parse_date(m.group(1))
        if day:
            side = "to" if m.group(2) in ("以前", "之前", "前") else "from"
            leaves.append({"text": m.group(0), "clause": clause, "established": {side: day.isoformat()},
                           "span": m.span()})
    return leaves
