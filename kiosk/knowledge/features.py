"""What the answer model sees: each candidate sentence of the top passages, and the question, as numbers.

Every feature is a general property of a question and a sentence (term coverage weighted by rarity, whether the
sentence states the kind of fact asked for, where the passage ranked, how long the sentence is …); the weights
that turn them into a choice are learned from data by ``scripts/train_answer_model.py``, never written here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

from kiosk.knowledge.numbers import arabic
from kiosk.knowledge.places import covers, most_specific, places_in
from kiosk.knowledge.retrieve import Hit, TermGroup
from kiosk.knowledge.segment import topicality
from kiosk.knowledge.sentences import (
    ENUMERATOR_RE,
    answers_type,
    bigram_similarity,
    char_overlap,
    has_quantity,
    kind_match,
    offers_support,
    question_focus,
    split_sentences,
    typed_clauses,
    wants_quantity,
)

_QUESTION_LINE_RE = re.compile(r"^[^\n]{2,80}[？?]\s*\n")
_ANSWER_PREFIX_RE = re.compile(r"^答[：:]\s*")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}(?=年)")
_NUMERIC_RE = re.compile(r"\d|^[零〇一二两三四五六七八九十百千万半几]+[年月日天个岁次周万元]?$")
_FILLER_PAIRS = {"多少", "多久", "什么", "怎么", "哪些", "可以", "需要", "一共", "是否", "能不", "不能", "我们", "请问"}


def body(hit: Hit) -> tuple[str, str]:
    """(the question a Q&A passage answers, its answer text); plain passages have no question."""
    if hit.kind == "faq":
        return hit.question, hit.text
    text = hit.text
    if m := _QUESTION_LINE_RE.match(text):
        return m.group(0).strip(), _ANSWER_PREFIX_RE.sub("", text[m.end():].strip())
    return "", text


def _pairs(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


@dataclass
class Question:
    """A question, with everything about it that every candidate's features reuse."""

    text: str
    groups: list[TermGroup]

    @cached_property
    def digits(self) -> str:
        return arabic(self.text)

    @cached_property
    def focus(self) -> str:
        return question_focus(self.text)

    @cached_property
    def quantity(self) -> bool:
        return wants_quantity(self.text)

    @cached_property
    def pairs(self) -> set[str]:
        return _pairs(self.text) - _FILLER_PAIRS

    @cached_property
    def years(self) -> set[str]:
        return set(_YEAR_RE.findall(self.digits))

    @cached_property
    def places(self) -> set[str]:
        # the whole country is every document's scope, not a place a document must name; "广州南沙区" asks about 南沙
        return most_specific(places_in(self.text) - {"中国"})

    @cached_property
    def subject(self) -> list[tuple[TermGroup, float]]:
        """The terms that say what the question is about, each weighted by rarity in the store and outside it;
        numbers (the visitor's age, years worked) describe their case, not the subject."""
        return [(g, g.weight * topicality(g.spellings[0])) for g in self.groups
                if not _NUMERIC_RE.search(g.spellings[0])]

    def subject_missing(self, text: str) -> tuple[float, float]:
        """(weighted share of the subject missing from ``text``, the largest missing weight against the largest).
        A term written differently ("一批" for "本批次") is half found when some of its characters are there."""
        text = text.lower()
        total = sum(w for _, w in self.subject)
        largest = max((w for _, w in self.subject), default=0.0)
        if not total or not largest:
            return 0.0, 0.0
        missing = [w * (1 - _found(g, text)) for g, w in self.subject]
        return sum(missing) / total, max(missing) / largest

    def subject_coverage(self, text: str) -> float:
        share, _ = self.subject_missing(text)
        return 1.0 - share if self.subject else 0.0

    @cached_property
    def total_weight(self) -> float:
        return sum(g.weight for g in self.groups) or 1.0

    def coverage(self, text: str, focus: bool = False) -> float:
        """IDF-weighted share of the question's terms in ``text`` (terms of the question's focus count double)."""
        text = text.lower()
        found = total = 0.0
        for g in self.groups:
            w = g.weight * (2 if focus and any(s in self.focus for s in g.spellings) else 1)
            total += w
            if any(s.lower() in text for s in g.spellings):
                found += w
        return found / total if total else 0.0

    def pair_share(self, text: str) -> float:
        return sum(p in text for p in self.pairs) / len(self.pairs) if self.pairs else 0.0


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved passage, with its neighbours for context."""

    hit: Hit
    rank: int  # the passage's place among the retrieved ones; expanded passages come after them all
    index: int
    count: int  # sentences in the passage
    sentence: str
    before: str
    after: str
    asked: str  # the question line of a Q&A passage

    @property
    def context(self) -> str:
        return f"{self.hit.title} {self.hit.heading} {self.hit.article} {self.asked}"


def candidates(pool: list[Hit], retrieved: int) -> list[Candidate]:
    """Every sentence of the pooled passages that could state an answer (wrong-place passages excluded)."""
    out: list[Candidate] = []
    for rank, hit in enumerate(pool):
        if not hit.place_ok:
            continue
        asked, text = body(hit)
        # a service item's description is one short unit: window, materials, time limit and fee belong together
        units = [text] if hit.kind in ("service", "department") else split_sentences(text)
        for i, sentence in enumerate(units):
            out.append(Candidate(hit, min(rank, retrieved), i, len(units), sentence,
                                 units[i - 1] if i else "", units[i + 1] if i + 1 < len(units) else "", asked))
    return out


def is_heading(sentence: str) -> bool:
    """A list's lead-in ("补贴条件：") or a bare heading ("3、创业租金补贴") states nothing on its own."""
    rest = ENUMERATOR_RE.sub("", sentence).strip()
    return rest.endswith(("：", ":")) or (len(rest) < 12 and not rest.endswith(("。", "；", ";")))


CANDIDATE_FEATURES = (
    "cov_sentence", "cov_context", "cov_focus", "cov_window", "pairs_sentence", "pairs_window", "focus_chars",
    "hit_score", "hit_coverage", "rank_recip", "expanded", "first", "position", "log_length", "heading",
    "quantity_stated", "quantity_missing", "type_stated", "type_missing", "kind_stated", "kind_missing",
    "support_missing", "asked_similarity", "unit_kind", "title_pairs", "year_named", "year_stated",
    "cov_x_rank", "pairs_x_type", "subject_sentence", "subject_context", "subject_before",
)


def candidate_features(q: Question, c: Candidate, retrieved: int) -> list[float]:
    s = c.sentence
    s_digits = arabic(s)
    window = f"{c.before}{s}{c.after}"
    cov_s = q.coverage(s)
    pairs_s = q.pair_share(s)
    typed = answers_type(q.digits, s_digits)
    kind = kind_match(q.text, s)
    quantity = has_quantity(s_digits)
    clauses = typed_clauses(q.digits, s_digits) if typed else []
    focus_chars = max((char_overlap(q.focus, f"{c.asked} {x}") for x in clauses or [s]), default=0.0)
    rank_recip = 1.0 / (1 + c.rank)
    stated_years = set(_YEAR_RE.findall(arabic(f"{c.hit.title} {window}")))
    return [
        cov_s,
        q.coverage(f"{c.context} {s}"),
        q.coverage(s, focus=True),
        q.coverage(window),
        pairs_s,
        q.pair_share(window),
        focus_chars,
        c.hit.score,
        c.hit.coverage,
        rank_recip,
        float(c.rank >= retrieved),
        float(c.index == 0),
        c.index / max(1, c.count - 1),
        math.log(1 + len(s)) / math.log(301),
        float(is_heading(s)),
        float(q.quantity and quantity),
        float(q.quantity and not quantity),
        float(typed is True),
        float(typed is False),
        float(kind is True),
        float(kind is False),
        float(offers_support(q.text, s) is False),
        bigram_similarity(q.text, c.asked) if c.asked else 0.0,
        float(c.hit.kind in ("service", "department", "faq")),
        len(q.pairs & _pairs(c.hit.title)) / len(q.pairs) if q.pairs else 0.0,
        float(bool(q.years)),
        float(bool(q.years & stated_years)),
        cov_s * rank_recip,
        pairs_s * float(typed is True),
        q.subject_coverage(s),
        q.subject_coverage(f"{c.context} {s}"),
        q.subject_coverage(c.before),
    ]


ANSWERABILITY_FEATURES = (
    "top_score", "margin", "top_probability", "cov_sentence", "cov_context", "pairs_sentence", "hit_coverage",
    "hit_score", "first_hit_coverage", "missing_rarest", "missing_known_share", "missing_known_rarest",
    "unknown_share", "subject_missing_share", "subject_missing_largest", "document_subject_missing",
    "year_missing", "place_missing", "quantity_missing", "type_missing", "kind_missing",
    "support_missing", "focus_chars", "asked_similarity", "wrong_place_above",
)


def answerability_features(q: Question, hits: list[Hit], best: Candidate, best_row: list[float],
                           scores: list[float], evidence: str, document: str) -> list[float]:
    """Whether the evidence answers the question: how sure the choice was, and whether the place, year and the
    rarest terms the question names are in the evidence at all."""
    ordered = sorted(scores, reverse=True)
    top = ordered[0]
    margin = top - ordered[1] if len(ordered) > 1 else 5.0
    z = sum(math.exp(s - top) for s in ordered)
    row = dict(zip(CANDIDATE_FEATURES, best_row, strict=True))
    evidence = evidence.lower()
    missing = [g for g in q.groups if not any(s.lower() in evidence for s in g.spellings)]
    known = [g for g in q.groups if g.known]
    known_missing = [g for g in missing if g.known]
    unknown = sum(g.weight for g in q.groups if not g.known) / q.total_weight if q.groups else 0.0
    stated_years = set(_YEAR_RE.findall(arabic(evidence)))
    subject_share, subject_largest = q.subject_missing(evidence)
    best_rank = next((i for i, h in enumerate(hits) if h.passage_id == best.hit.passage_id), len(hits))
    return [
        top,
        min(margin, 5.0),
        1.0 / z,
        row["cov_sentence"],
        row["cov_context"],
        row["pairs_sentence"],
        row["hit_coverage"],
        row["hit_score"],
        hits[0].coverage if hits else 0.0,
        _rarest(missing, q.groups),
        sum(g.weight for g in known_missing) / (sum(g.weight for g in known) or 1.0),
        _rarest(known_missing, known),
        unknown,
        subject_share,
        subject_largest,
        q.subject_missing(document)[0],
        float(bool(q.years) and not (q.years & stated_years)),
        _place_missing(q.places, evidence),
        row["quantity_missing"],
        row["type_missing"],
        row["kind_missing"],
        row["support_missing"],
        row["focus_chars"],
        row["asked_similarity"],
        float(any(not h.place_ok for h in hits[:best_rank + 1])),
    ]


def _place_missing(asked: set[str], evidence: str) -> float:
    """1 when the question names a place and the evidence names none that speaks for it: a 北京 passage answers a
    question about 东城区, a 天河区 one does not answer one about 南沙区, and "国家" names no place a local figure
    could be read for."""
    if not asked:
        return 0.0
    stated = most_specific(places_in(evidence) - {"中国"})
    return float(not stated or not covers(stated, asked))


def _rarest(missing: list[TermGroup], groups: list[TermGroup]) -> float:
    """How rare the rarest missing term is, against the rarest term asked about (1: the most telling is missing)."""
    rarest = max((g.weight for g in groups), default=0.0)
    return max((g.weight for g in missing), default=0.0) / rarest if rarest else 0.0


def _found(group: TermGroup, text: str) -> float:
    """1 when a spelling of the term is in ``text``; else half the share of its characters that are."""
    if any(s.lower() in text for s in group.spellings):
        return 1.0
    term = group.spellings[0]
    return 0.5 * sum(ch in text for ch in term) / len(term) if term else 0.0
