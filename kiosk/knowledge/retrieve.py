"""Retrieval: BM25 over the jieba-segmented index, re-scored by how much of the question a passage covers.

BM25 finds candidates; coverage (the IDF-weighted share of the visitor's terms found in the passage and its
titles) decides between them and, later, whether there is an answer at all. A dense re-ranker joins in when an
embedding model is installed.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, replace
from typing import Protocol

from kiosk.knowledge.normalize import clean, normalize, synonyms
from kiosk.knowledge.places import covers, document_places, places_in
from kiosk.knowledge.segment import add_vocabulary, content_terms
from kiosk.store import Store
from kiosk.store.records import Document

CANDIDATES = 60
# Scoring a term costs a pass over every passage holding it; a term in more passages than this (a store of
# thousands of laws: 企业, 规定, 管理) is left out of the BM25 search when the question has rarer terms, which find
# the candidates; it still counts in coverage. No term of a store of a few hundred documents is this common.
MAX_POSTINGS = 2000
BM25_WEIGHTS = (5.0, 2.0, 1.0)  # title (or FAQ question / service name), heading + article, body
WRONG_PLACE_FACTOR = 0.5
UNKNOWN_TERM_WEIGHT = 2.0
SAME_DOCUMENT_FACTOR = 0.85


@dataclass(frozen=True)
class Hit:
    passage_id: int
    doc_id: str
    title: str
    article: str
    heading: str
    text: str
    doc_number: str
    level: str
    sample: bool
    score: float
    kind: str  # passage | faq | service | department
    coverage: float = 0.0
    place_ok: bool = True
    question: str = ""  # the FAQ question when kind == "faq"


class Reranker(Protocol):
    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]: ...


@dataclass(frozen=True)
class TermGroup:
    """One thing the visitor asked about: satisfied when any of its spellings appears in a passage."""

    spellings: tuple[str, ...]
    weight: float
    known: bool = True  # whether the store uses any of its terms at all


class Retriever:
    def __init__(self, store: Store, reranker: Reranker | None = None):
        self.store = store
        self.reranker = reranker
        self._documents: dict[str, Document] = {}
        self._places: dict[str, set[str]] = {}
        self._total = 1
        self.reload()

    def reload(self) -> None:
        """Re-read document metadata after the store was rebuilt."""
        self._documents = {d.id: d for d in self.store.documents(include_collections=True)}
        self._places = {i: document_places(d) for i, d in self._documents.items()}
        self._total = max(1, self.store.conn.execute("SELECT count(*) FROM passages").fetchone()[0])
        add_vocabulary(self.store.vocabulary())

    def document(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def _document_frequency(self, terms: list[str]) -> dict[str, int]:
        marks = ",".join("?" * len(terms))
        return dict(self.store.conn.execute(f"SELECT term, doc FROM passage_vocab WHERE term IN ({marks})", terms))  # noqa: S608

    def _idf(self, df: dict[str, int], term: str) -> float:
        # a word no passage uses is more often a colloquialism or a recognition slip than the heart of the
        # question, so it counts, but not as much as the rarest word the store does know
        n = self._total
        return math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5)) if df.get(term) else UNKNOWN_TERM_WEIGHT

    def term_groups(self, question: str) -> list[TermGroup]:
        """What the question asks about, weighted by rarity; colloquial phrases count once, in any spelling."""
        text = clean(question)
        groups: list[tuple[tuple[str, ...], list[str]]] = []
        for phrase, official in synonyms().items():
            if phrase in text:
                groups.append(((phrase, *official), content_terms(" ".join(official)) or [phrase]))
                text = text.replace(phrase, " ")
        groups.extend(((t,), [t]) for t in content_terms(text))
        all_terms = sorted({t for _, ts in groups for t in ts})
        if not all_terms:
            return []
        df = self._document_frequency(all_terms)
        return [TermGroup(spellings, max(self._idf(df, t) for t in ts), any(df.get(t) for t in ts))
                for spellings, ts in groups]

    def search(self, question: str, k: int = 5) -> list[Hit]:
        query_terms = content_terms(normalize(question))
        if not query_terms:
            return []
        groups = self.term_groups(question)
        asked_places = places_in(clean(question))
        match = " OR ".join(f'"{t}"' for t in self._searchable(query_terms))
        try:
            rows = self.store.conn.execute(
                "SELECT p.id, p.doc_id, p.kind, p.article, p.heading, p.text, bm25(passage_fts, ?, ?, ?) AS rank "
                "FROM passage_fts JOIN passages p ON p.id = passage_fts.rowid "
                "WHERE passage_fts MATCH ? ORDER BY rank LIMIT ?",
                (*BM25_WEIGHTS, match, CANDIDATES),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        if not rows:
            return []
        faq_questions = self._faq_questions([r[0] for r in rows if r[2] == "faq"])
        best = min(r[6] for r in rows) or -1.0
        hits = []
        for pid, doc_id, kind, article, heading, text, rank in rows:
            doc = self._documents.get(doc_id) or Document(id=doc_id, title=doc_id)
            question_text = faq_questions.get(pid, "")
            haystack = f"{doc.title} {heading} {article} {question_text} {text}".lower()
            coverage = _coverage(groups, haystack)
            place_ok = covers(self._places.get(doc_id, set()), asked_places)
            score = 0.6 * coverage + 0.4 * (rank / best)
            if not place_ok:
                score *= WRONG_PLACE_FACTOR
            hits.append(Hit(pid, doc_id, doc.title, article, heading, text, doc.doc_number, doc.level, doc.sample,
                            round(score, 4), kind, round(coverage, 4), place_ok, question_text))
        hits.sort(key=lambda h: -h.score)
        if self.reranker:
            hits = self.reranker.rerank(question, hits[: max(k, 10)])
        return hits[:k]

    def _searchable(self, terms: list[str]) -> list[str]:
        if self._total <= MAX_POSTINGS:
            return terms
        df = self._document_frequency(terms)
        return [t for t in terms if df.get(t, 0) <= MAX_POSTINGS] or sorted(terms, key=lambda t: df.get(t, 0))[:2]

    def expand(self, question: str, hits: list[Hit], documents: int = 2,
               groups: list[TermGroup] | None = None) -> list[Hit]:
        """``hits`` plus every other passage of the best documents, so the answering sentence can be found
        even where the question's wording matched another part of the document better."""
        groups = self.term_groups(question) if groups is None else groups
        seen = {h.passage_id for h in hits}
        out = list(hits)
        best_docs: list[Hit] = []
        for hit in hits:
            if hit.kind == "passage" and hit.place_ok and hit.doc_id not in {h.doc_id for h in best_docs}:
                best_docs.append(hit)
            if len(best_docs) == documents:
                break
        for lead in best_docs:
            doc = self._documents.get(lead.doc_id)
            for p in self.store.passages(lead.doc_id):
                if p.id in seen:
                    continue
                haystack = f"{lead.title} {p.heading} {p.article} {p.text}".lower()
                coverage = _coverage(groups, haystack)
                out.append(Hit(p.id, p.doc_id, lead.title, p.article, p.heading, p.text, lead.doc_number, lead.level,
                               bool(doc and doc.sample), round(lead.score * SAME_DOCUMENT_FACTOR, 4), "passage",
                               round(max(coverage, lead.coverage * SAME_DOCUMENT_FACTOR), 4), True))
        return out

    def _faq_questions(self, passage_ids: list[int]) -> dict[int, str]:
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = self.store.conn.execute(
            f"SELECT passage_id, question FROM faqs WHERE passage_id IN ({marks})", passage_ids  # noqa: S608
        )
        return dict(rows)


def _coverage(groups: list[TermGroup], haystack: str) -> float:
    total = sum(g.weight for g in groups)
    if total <= 0:
        return 0.0
    found = sum(g.weight for g in groups if any(s.lower() in haystack for s in g.spellings))
    return found / total


def with_score(hit: Hit, score: float) -> Hit:
    return replace(hit, score=round(score, 4))
