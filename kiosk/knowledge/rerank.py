"""Dense re-ranking: the lexical candidates re-ordered by their similarity to the question.

The e5-small similarity scores are compressed (a paraphrase scores ~0.93, an unrelated text ~0.82), so they only
re-order the lexical candidates, min-max scaled within one result list, and never decide whether there is an
answer. The vectors come from an embedding engine handed in (`kiosk.engines.embed.Embedder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.knowledge.retrieve import Hit, with_score

RERANK_WEIGHT = 0.2
PASSAGE_CHARS = 300  # e5-small reads 512 tokens; the head of a passage carries its subject


class Embedding(Protocol):
    def passages(self, texts: Sequence[str]) -> Sequence[Any]: ...

    def query(self, text: str) -> Any: ...


@dataclass
class DenseReranker:
    """Blends each candidate's lexical score with its cosine similarity to the question."""

    embedder: Embedding
    weight: float = RERANK_WEIGHT

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        if len(hits) < 2:
            return hits
        vectors = self.embedder.passages([f"{h.title} {h.question} {h.text}"[:PASSAGE_CHARS] for h in hits])
        q = self.embedder.query(query)
        sims = [float(v @ q) for v in vectors]
        low, high = min(sims), max(sims)
        scaled = [(s - low) / (high - low) if high > low else 0.0 for s in sims]
        blended = [with_score(h, (1 - self.weight) * h.score + self.weight * s) for h, s in zip(hits, scaled, strict=True)]
        return sorted(blended, key=lambda h: -h.score)
