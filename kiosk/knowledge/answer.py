"""The extractive answer: the store's own sentences, each with its citation, or an honest referral.

Facts are never generated here: every sentence of an answer is copied from a cited passage. When the best
passages do not cover what was asked (or the question wants a number the passages do not state), the answer is a
refusal that names the department to ask instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from kiosk.events import Citation
from kiosk.knowledge.answer_model import AnswerModel, shipped
from kiosk.knowledge.features import (
    Candidate,
    Question,
    answerability_features,
    body,
    candidate_features,
    candidates,
    is_heading,
)
from kiosk.knowledge.normalize import clean
from kiosk.knowledge.retrieve import Hit, Retriever, TermGroup
from kiosk.knowledge.routing import referral_department
from kiosk.knowledge.sentences import bigram_similarity, split_sentences
from kiosk.store import Store
from kiosk.store.records import Department, Document
from kiosk.store.validity import notice

MAX_CITATIONS = 3
SUGGESTED = 2  # related documents a refusal names
GENERIC_SUGGESTIONS = ("开公司需要什么材料？", "专精特新企业有什么奖励？", "中心几点上班？")
MAX_ANSWER_CHARS = 220
MIN_COVERAGE = 0.3
SAME_QUESTION = 0.7  # similarity above which a stored question is taken to be the visitor's question
SENTENCE_POOL = 6


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
                 "doc_number": c.doc_number, "sample": c.sample, "quoted": list(c.quoted)}
                for c in self.citations
            ],
            "department": self.department.contact() if self.department else "",
            "suggestions": self.suggestions,
        }


@dataclass
class Choice:
    """The answer model's reading of the evidence: every candidate sentence, its features and score, the best one,
    and how probable it is that the evidence answers the question."""

    question: Question
    candidates: list[Candidate]
    rows: list[list[float]]
    scores: list[float]
    best: int
    answer_row: list[float]
    probability: float

    @property
    def sentence(self) -> Candidate:
        return self.candidates[self.best]

    def chosen(self, margin: float) -> list[Candidate]:
        """The best sentence, and another of its passage when that scores nearly as well (a fact and the condition
        it depends on, which the passage may state a sentence or two away)."""
        best = self.sentence
        out = [best]
        others = [(s, c) for c, s in zip(self.candidates, self.scores, strict=True)
                  if c.hit.passage_id == best.hit.passage_id and c.index != best.index
                  and not is_heading(c.sentence)]
        if others:
            score, other = max(others, key=lambda sc: sc[0])
            if score >= self.scores[self.best] - margin and len(best.sentence) + len(other.sentence) <= MAX_ANSWER_CHARS:
                out.append(other)
        return sorted(out, key=lambda c: c.index)


def evidence_text(c: Candidate) -> str:
    """What the chosen passage says, with the titles it stands under: where the question's terms must appear."""
    return f"{c.context} {c.hit.text}"


@dataclass
class Evidence:
    """The candidate sentences of the retrieved passages and their features, before any model has looked."""

    question: Question
    hits: list[Hit]
    candidates: list[Candidate]
    rows: list[list[float]]


def gather(question: str, hits: list[Hit], pool: list[Hit], groups: list[TermGroup]) -> Evidence | None:
    q = Question(question, groups)
    retrieved = min(len(hits), SENTENCE_POOL)
    found = candidates(pool, retrieved)
    if not found:
        return None
    return Evidence(q, hits, found, [candidate_features(q, c, retrieved) for c in found])


def read(evidence: Evidence, model: AnswerModel) -> Choice:
    """The model's choice of sentence and its judgement of whether the evidence answers."""
    scores = model.scores(evidence.rows)
    best = max(range(len(scores)), key=scores.__getitem__)
    chosen = evidence.candidates[best]
    document = " ".join(c.sentence for c in evidence.candidates if c.hit.doc_id == chosen.hit.doc_id)
    answer_row = answerability_features(evidence.question, evidence.hits, chosen, evidence.rows[best], scores,
                                        evidence_text(chosen), f"{chosen.hit.title} {document}")
    return Choice(evidence.question, evidence.candidates, evidence.rows, scores, best, answer_row,
                  model.probability(answer_row))


def compose(question: str, hits: list[Hit], store: Store | None = None, retriever: Retriever | None = None,
            groups: list[TermGroup] | None = None, model: AnswerModel | None = None,
            today: date | None = None) -> Answer:
    """Build the answer from ``hits`` (best first): the sentence the answer model ranks first, and another of its
    passage when that belongs to it, or a referral when the model judges that the evidence does not answer. An answer from
    a document that is no longer (or not yet) in force says so first, citing the document's words that say so."""
    answer = _compose(question, hits, store, retriever, groups, model or shipped())
    if not answer.refused and answer.citations and retriever:
        document = retriever.document(answer.citations[0].source)
        if document and (note := notice(document, today or date.today(), retriever.store.document_text(document.id))):
            sentence = note.text
            if note.clause:
                n = _cite_clause(answer.citations, document, note.clause, retriever.store)
                sentence = f"{note.text}[{n}]"
            answer.sentences.insert(0, sentence)
            answer.text = sentence + answer.text
    return answer


def _cite_clause(citations: list[Citation], document: Document, clause: str, store: Store) -> int:
    """The number of the citation holding ``clause`` (the document's words on when it applies), added after the
    others, under the article that states it, when no cited passage holds it."""
    lines = clause.split("\n")
    for c in citations:
        if c.source == document.id and all(line in c.text for line in lines):
            return c.n
    article = next((p.article for p in store.passages(document.id) if lines[-1] in p.text), "")
    citations.append(Citation(len(citations) + 1, document.id, document.title, article, clause, document.doc_number,
                              document.sample))
    return citations[-1].n


def _compose(question: str, hits: list[Hit], store: Store | None, retriever: Retriever | None,
             groups: list[TermGroup] | None, model: AnswerModel) -> Answer:
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
    pool = retriever.expand(question, hits[:SENTENCE_POOL], groups=groups) if retriever else hits[:SENTENCE_POOL]
    evidence = gather(question, hits, pool, groups)
    choice = read(evidence, model) if evidence else None
    if choice is None or choice.probability < model.threshold:
        return _refusal(question, hits, department, choice.probability if choice else 0.0)
    chosen = choice.chosen(model.neighbour_margin)
    best = choice.sentence
    citations, numbers = _citations([*(c.hit for c in chosen), *hits])
    sentences = []
    for c in chosen:
        n = numbers[c.hit.passage_id]
        limit = MAX_ANSWER_CHARS * 2 if c.hit.kind in ("service", "department") else MAX_ANSWER_CHARS
        sentence = c.sentence if len(c.sentence) <= limit else c.sentence[:limit] + "……"
        sentences.append(f"{sentence}[{n}]")
    citations = _quoting(citations, [(numbers[c.hit.passage_id], c.sentence) for c in chosen])
    return Answer(question, "".join(sentences), False, choice.probability, citations=citations, sentences=sentences,
                  lead=_lead(best.hit), department=department, suggestions=_suggestions(hits, best.hit), hits=hits)


def _same_question(question: str, hits: list[Hit], department: Department | None) -> Answer | None:
    """When a stored FAQ (or a numbered Q&A) asks what the visitor asked, its whole answer is the answer."""
    best, best_sim = None, 0.0
    for hit in hits:
        asked, _ = body(hit)
        if asked and hit.place_ok:
            sim = bigram_similarity(question, asked)
            if sim > best_sim:
                best, best_sim = hit, sim
    if best is None or best_sim < SAME_QUESTION:
        return None
    _, answer = body(best)
    citations, numbers = _citations([best, *hits])
    text = answer if len(answer) <= MAX_ANSWER_CHARS * 2 else answer[: MAX_ANSWER_CHARS * 2] + "……"
    sentences = [f"{s}[{numbers[best.passage_id]}]" for s in split_sentences(text)]
    citations = _quoting(citations, [(numbers[best.passage_id], answer)])
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
        out.append(_citation(len(out) + 1, hit))
        if len(out) == MAX_CITATIONS:
            break
    return out, numbers


def _citation(n: int, hit: Hit, heading: str = "") -> Citation:
    """Citation ``n`` of ``hit``'s passage (an FAQ's with its question), under ``heading`` when it has one."""
    text = f"{hit.question}\n{hit.text}" if hit.kind == "faq" else hit.text
    article = hit.question if hit.kind == "faq" else hit.article
    text = f"{heading}\n{text}" if heading else text
    return Citation(n, hit.doc_id, hit.title, article, text, hit.doc_number, hit.sample)


def _suggested(hits: list[Hit]) -> list[Citation]:
    """The documents a refusal suggests, one citation each: the title it names, over the passage that made it
    relevant."""
    out: list[Citation] = []
    for hit in hits:
        if all(c.source != hit.doc_id for c in out):
            out.append(_citation(len(out) + 1, hit, heading=hit.title))
    return out[:SUGGESTED]


def _quoting(citations: list[Citation], quotes: list[tuple[int, str]]) -> list[Citation]:
    """Each citation with the sentences of its passage that the answer states."""
    return [replace(c, quoted=tuple(text for n, text in quotes if n == c.n)) for c in citations]


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
    related = _suggested([h for h in hits[:MAX_CITATIONS] if h.place_ok and h.coverage >= MIN_COVERAGE / 2])
    suggestions = [f"《{c.title.replace('（样例）', '')}》讲了什么？" for c in related]
    return Answer(question, text, True, confidence, citations=related, department=department,
                  suggestions=suggestions, hits=hits)
