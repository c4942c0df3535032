"""The extractive answer: the store's own sentences, each with its citation, or an honest referral.

Facts are never generated here: every sentence of an answer is copied from a cited passage. When the best
passages do not cover what was asked (or the question wants a number the passages do not state), the answer is a
refusal that names the department to ask instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kiosk.events import Citation
from kiosk.knowledge.normalize import clean
from kiosk.knowledge.retrieve import Hit, Retriever, TermGroup
from kiosk.knowledge.routing import referral_department
from kiosk.knowledge.sentences import (
    ENUMERATOR_RE as _ENUMERATOR_RE,
)
from kiosk.knowledge.sentences import (
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
from kiosk.store import Store
from kiosk.store.records import Department

MAX_CITATIONS = 3
GENERIC_SUGGESTIONS = ("开公司需要什么材料？", "专精特新企业有什么奖励？", "中心几点上班？")
MAX_ANSWER_CHARS = 220
MIN_COVERAGE = 0.3
MIN_CONFIDENCE = 0.45
SAME_QUESTION = 0.7  # similarity above which a stored question is taken to be the visitor's question
SENTENCE_POOL = 6
_QUESTION_LINE_RE = re.compile(r"^[^\n]{2,80}[？?]\s*\n")
_ANSWER_PREFIX_RE = re.compile(r"^答[：:]\s*")


@dataclass
class Answer:
    question: str
    text: str
    refused: bool
    confidence: float
    engine: str = "extractive"
    citations: list[Citation] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    lead: str = ""
    department: Department | None = None
    suggestions: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "confidence": round(self.confidence, 3),
            "engine": self.engine,
            "citations": [
                {"n": c.n, "source": c.source, "title": c.title, "article": c.article, "text": c.text,
                 "doc_number": c.doc_number, "sample": c.sample}
                for c in self.citations
            ],
            "department": self.department.contact() if self.department else "",
            "suggestions": self.suggestions,
        }


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    index: int
    sentence: str
    score: float


def _body(hit: Hit) -> tuple[str, str]:
    """(the question a Q&A passage answers, its answer text); plain passages have no question."""
    if hit.kind == "faq":
        return hit.question, hit.text
    text = hit.text
    if m := _QUESTION_LINE_RE.match(text):
        return m.group(0).strip(), _ANSWER_PREFIX_RE.sub("", text[m.end():].strip())
    return "", text


def _sentence_score(groups: list[TermGroup], text: str, focus: str = "") -> float:
    """IDF-weighted share of the question's terms in ``text``; terms of the question's focus count double."""
    def weight(g: TermGroup) -> float:
        return g.weight * (2 if focus and any(s in focus for s in g.spellings) else 1)

    total = sum(weight(g) for g in groups) or 1.0
    text = text.lower()
    return sum(weight(g) for g in groups if any(s.lower() in text for s in g.spellings)) / total


def _bigram_overlap(question: str, text: str) -> float:
    """Share of the question's character pairs found in ``text``: robust to words cut differently."""
    chars = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", question)
    pairs = {chars[i:i + 2] for i in range(len(chars) - 1)} - _FILLER_PAIRS
    return sum(p in text for p in pairs) / len(pairs) if pairs else 0.0


_FILLER_PAIRS = {"多少", "多久", "什么", "怎么", "哪些", "可以", "需要", "一共", "是否", "能不", "不能", "我们", "请问"}


def _is_heading(sentence: str) -> bool:
    """A list's lead-in ("补贴条件：") or a bare heading ("3、创业租金补贴") states nothing on its own."""
    body = _ENUMERATOR_RE.sub("", sentence).strip()
    return body.endswith(("：", ":")) or (len(body) < 12 and not body.endswith(("。", "；", ";")))


def _length_penalty(sentence: str) -> float:
    """Long sentences match more words by chance; among equals, prefer the one that says it briefly."""
    return min(len(sentence), 300) / 1000


def rank_sentences(question: str, pool: list[Hit], groups: list[TermGroup]) -> list[_Candidate]:
    """Every sentence of the pooled passages, best answer first."""
    quantity = wants_quantity(question)
    focus = question_focus(question)
    candidates: list[_Candidate] = []
    for hit in pool:
        if not hit.place_ok:
            continue
        asked, body = _body(hit)
        context = f"{hit.title} {hit.heading} {hit.article} {asked}"
        # a service item's description is one short unit: window, materials, time limit and fee belong together
        units = [body] if hit.kind in ("service", "department") else split_sentences(body)
        for i, sentence in enumerate(units):
            if _is_heading(sentence):
                continue
            score = 0.4 * hit.score + 0.25 * _sentence_score(groups, f"{context} {sentence}") \
                + 0.35 * _sentence_score(groups, sentence, focus)
            if hit.kind not in ("service", "department"):
                score -= _length_penalty(sentence)
            if quantity:
                typed = answers_type(question, sentence)
                if typed:
                    clauses = typed_clauses(question, sentence) or [sentence]
                    local = max(_bigram_overlap(question, c) for c in clauses)
                    focused = max(char_overlap(focus, f"{asked} {c}") for c in clauses)
                    score += 0.15 + 0.15 * local + 0.25 * focused
                elif typed is None and has_quantity(sentence):
                    score += 0.1
            if kind_match(question, sentence):
                score += 0.2
            candidates.append(_Candidate(hit, i, sentence, score))
    candidates.sort(key=lambda c: -c.score)
    return candidates


def compose(question: str, hits: list[Hit], store: Store | None = None, retriever: Retriever | None = None,
            groups: list[TermGroup] | None = None, min_confidence: float = MIN_CONFIDENCE) -> Answer:
    """Build the answer from ``hits`` (best first). ``groups`` (the question's weighted terms) sharpen sentence
    choice; without them every content word counts the same."""
    question = clean(question)
    if groups is None:
        groups = retriever.term_groups(question) if retriever else []
    department = referral_department(question, hits, store) if store else None
    if question and not groups:
        text = ("您想了解哪方面呢？可以说得具体一些，比如“开公司要什么材料”“专精特新企业有什么奖励”，"
                "或者扫描营业执照，我帮您看看能享受哪些政策。")
        return Answer(question, text, True, 0.0, department=department, suggestions=list(GENERIC_SUGGESTIONS))
    if not question or not hits:
        return _refusal(question, hits, department, 0.0)
    if same := _same_question(question, hits, department):
        return same
    quantity = wants_quantity(question)
    top = hits[0]
    pool = retriever.expand(question, hits[:SENTENCE_POOL], groups=groups) if retriever else hits[:SENTENCE_POOL]
    candidates = rank_sentences(question, pool, groups)
    if not candidates:
        return _refusal(question, hits, department, 0.0)
    best = candidates[0]
    confidence = min(1.0, 0.5 * top.coverage + 0.5 * best.score)
    if (best.hit.coverage < MIN_COVERAGE or confidence < min_confidence
            or (quantity and not has_quantity(best.sentence)) or answers_type(question, best.sentence) is False
            or offers_support(question, best.sentence) is False):
        return _refusal(question, hits, department, confidence)
    chosen = [best]
    for c in candidates[1:4]:
        if (c.hit.passage_id == best.hit.passage_id and abs(c.index - best.index) == 1 and c.score >= 0.8 * best.score
                and sum(len(x.sentence) for x in chosen) + len(c.sentence) <= MAX_ANSWER_CHARS):
            chosen.append(c)
            break
    chosen.sort(key=lambda c: (c.hit.passage_id != best.hit.passage_id, c.index))
    citations, numbers = _citations([*(c.hit for c in chosen), *hits])
    sentences = []
    for c in chosen:
        n = numbers[c.hit.passage_id]
        limit = MAX_ANSWER_CHARS * 2 if c.hit.kind in ("service", "department") else MAX_ANSWER_CHARS
        sentence = c.sentence if len(c.sentence) <= limit else c.sentence[:limit] + "……"
        sentences.append(f"{sentence}[{n}]")
    lead = _lead(best.hit)
    return Answer(question, "".join(sentences), False, confidence, citations=citations, sentences=sentences,
                  lead=lead, department=department, suggestions=_suggestions(hits, best.hit), hits=hits)


def _same_question(question: str, hits: list[Hit], department: Department | None) -> Answer | None:
    """When a stored FAQ (or a numbered Q&A) asks what the visitor asked, its whole answer is the answer."""
    best, best_sim = None, 0.0
    for hit in hits:
        asked, body = _body(hit)
        if asked and hit.place_ok:
            sim = bigram_similarity(question, asked)
            if sim > best_sim:
                best, best_sim = hit, sim
    if best is None or best_sim < SAME_QUESTION:
        return None
    _, body = _body(best)
    citations, numbers = _citations([best, *hits])
    text = body if len(body) <= MAX_ANSWER_CHARS * 2 else body[: MAX_ANSWER_CHARS * 2] + "……"
    sentences = [f"{s}[{numbers[best.passage_id]}]" for s in split_sentences(text)]
    return Answer(question, "".join(sentences), False, min(1.0, best_sim), citations=citations,
                  sentences=sentences, lead=_lead(best), department=department,
                  suggestions=_suggestions(hits, best), hits=hits)


def _citations(hits: list[Hit]) -> tuple[list[Citation], dict[int, int]]:
    """Up to three distinct passages, numbered from 1, and each passage's number."""
    out: list[Citation] = []
    numbers: dict[int, int] = {}
    for hit in hits:
        if hit.passage_id in numbers:
            continue
        numbers[hit.passage_id] = len(out) + 1
        text = f"{hit.question}\n{hit.text}" if hit.kind == "faq" else hit.text
        article = hit.question if hit.kind == "faq" else hit.article
        out.append(Citation(len(out) + 1, hit.doc_id, hit.title, article, text, hit.doc_number, hit.sample))
        if len(out) == MAX_CITATIONS:
            break
    return out, numbers


def _lead(hit: Hit) -> str:
    """A grounded first sentence that can be spoken before anything else is ready."""
    title = hit.title.replace("（样例）", "")
    where = f"《{title}》{hit.article}" if hit.article and not hit.article.startswith("问") else f"《{title}》"
    return f"这个问题，{where}有相关规定。"


def _suggestions(hits: list[Hit], used: Hit) -> list[str]:
    out: list[str] = []
    for hit in hits:
        if hit.kind == "faq" and hit.passage_id != used.passage_id and hit.question not in out:
            out.append(hit.question)
    if len(out) < 3:
        title = used.title.replace("（样例）", "")
        for follow in (f"《{title}》需要准备什么材料？", f"《{title}》到哪里办理？"):
            if follow not in out:
                out.append(follow)
    return out[:3]


def _refusal(question: str, hits: list[Hit], department: Department | None, confidence: float) -> Answer:
    if not question:
        text = "您好，请问有什么可以帮您？可以问我惠企政策、办事流程，或者扫描营业执照看看能享受哪些政策。"
        return Answer(question, text, True, 0.0, department=department, suggestions=list(GENERIC_SUGGESTIONS))
    where = f"建议您咨询{department.contact()}" if department else "建议您到综合受理窗口咨询工作人员"
    text = f"抱歉，政策库里没有找到能准确回答这个问题的依据，我不想给您不准确的信息。{where}。"
    related = [h for h in hits[:MAX_CITATIONS] if h.place_ok and h.coverage >= MIN_COVERAGE / 2]
    suggestions = [f"《{h.title.replace('（样例）', '')}》讲了什么？" for h in related][:2]
    return Answer(question, text, True, confidence, citations=_citations(related)[0], department=department,
                  suggestions=suggestions, hits=hits)
