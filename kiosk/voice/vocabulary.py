"""The words speech recognition is biased towards: the hall's core terms, then the store's vocabulary."""

from __future__ import annotations

import logging
from importlib import resources

log = logging.getLogger(__name__)


def core_terms() -> list[str]:
    """The domain words the knowledge package segments by (专精特新, 加计扣除, the district's streets …)."""
    text = resources.files("kiosk.knowledge").joinpath("domain_words.txt").read_text(encoding="utf-8")
    return list(dict.fromkeys(text.split()))


def store_vocabulary() -> list[str]:
    """The store's terms (policy titles, departments, places, services); empty when no store can be opened."""
    try:
        from kiosk.store import Store

        return Store.open().vocabulary()
    except Exception:  # noqa: BLE001 - a missing or broken store must not stop speech recognition
        log.warning("store vocabulary unavailable; recognising without it", exc_info=True)
        return []
