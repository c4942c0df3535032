"""What the store needs to index text for full-text search; the caller hands one in (the knowledge package's
segmenter), so that the index and the queries cut text the same way without the store knowing how."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Tokenizer(Protocol):
    def index_text(self, text: str) -> str:
        """``text`` as space-separated index terms."""

    def add_words(self, words: Iterable[str]) -> None:
        """Words to keep whole (department and service names)."""

    def fingerprint(self) -> bytes:
        """Changes whenever the tokenizer would cut text differently: then every source is re-indexed."""
