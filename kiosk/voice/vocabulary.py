"""The words speech recognition is biased towards.

Every term the hall knows (its core domain words, the store's titles, departments, places and services, and the
subject words its documents use, weighted by how many use each) takes part in the pinyin correction, which only
ever replaces a stretch that already sounds like the term. Whisper's prompt
is a different matter: whatever is in it, Whisper is tempted to write, so it holds only a few short terms that
recur in the questions visitors ask (the store's FAQ questions) and that general Chinese rarely uses, most
frequent first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.engines.pinyin_correct import is_hanzi

if TYPE_CHECKING:
    from kiosk.store import Store

log = logging.getLogger(__name__)

HOTWORD_LIMIT = 8
HOTWORD_BUDGET_CHARS = 40  # the prompt's characters, separators included
MIN_QUESTIONS = 2  # a term must recur: one question naming it is not a pattern
# jieba's count of a word in its general corpus (about 60 million words) above which Whisper needs no help:
# one in 60,000 words of everyday text (办理, 投诉, 公司 …).
COMMON_WORD_COUNT = 1000
# A subject word must be used by this many of the store's documents or FAQ entries: one document mentioning it in
# passing does not make it a word visitors come asking about.
MIN_USES = 2
# kiosk.knowledge.segment.topicality at or above which a word belongs to a subject rather than to everyday talk.
MIN_TOPICALITY = 0.5
# The most used subject words only: every term costs time on every transcript, and the rarely used ones are
# rarely what a visitor asks about.
USAGE_TERMS = 400
# Counts, article numbers and floors (第七条, 二楼, 一次性) are read by the number rules, not heard as terms.
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿第")
USAGE_VERSION = "4"  # bump when the way usage is counted changes, so cached counts are not reused


def core_terms() -> list[str]:
    """The domain words the knowledge package segments by (专精特新, 加计扣除, the district's streets …)."""
    text = resources.files("kiosk.knowledge").joinpath("domain_words.txt").read_text(encoding="utf-8")
    return list(dict.fromkeys(text.split()))


def store_vocabulary(store: Store | None) -> list[str]:
    """The store's terms (policy titles, departments, places, services); empty without a readable store."""
    if store is None:
        return []
    try:
        return store.vocabulary()
    except Exception:  # noqa: BLE001 - a missing or broken store must not stop speech recognition
        log.warning("store vocabulary unavailable; recognising without it", exc_info=True)
        return []


def store_usage(store: Store | None) -> dict[str, int]:
    """The subject words the store's documents and FAQ entries use (公积金, 个体户, 居住证 …), each with the
    number of documents and entries using it, most used first; counted once per store file and kept in the
    cache folder. Empty without a readable store."""
    if store is None:
        return {}
    try:
        stat = store.path.stat()
        key = hashlib.sha1(f"{store.path.resolve()}:{stat.st_mtime_ns}:{stat.st_size}:{USAGE_VERSION}".encode())
        path = _cache_dir() / f"usage-{key.hexdigest()[:16]}.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
        usage = _count_usage(store)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(usage, ensure_ascii=False), encoding="utf-8")
        return usage
    except Exception:  # noqa: BLE001 - a missing or broken store must not stop speech recognition
        log.warning("store usage unavailable; recognising without it", exc_info=True)
        return {}


def _count_usage(store: Store) -> dict[str, int]:
    from kiosk.knowledge.segment import stopwords, tokens, topicality

    texts = [store.document_text(d.id) for d in store.documents()]
    texts += [f"{faq.question}\n{faq.answer}" for faq in store.faqs()]
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({w for w in tokens(text)
                       if 2 <= len(w) <= 6 and all(map(is_hanzi, w)) and not _NUMERALS.intersection(w)})
    # 我市, 该局: a pronoun or particle before one character is a phrase of the documents' style, not a subject
    usage = {w: n for w, n in counts.most_common()
             if n >= MIN_USES and topicality(w) >= MIN_TOPICALITY and not (len(w) == 2 and w[0] in stopwords())}
    return dict(list(usage.items())[:USAGE_TERMS])


def recurring_terms(terms: Iterable[str], questions: Sequence[str], general: Mapping[str, int] | None = None,
                    limit: int = HOTWORD_LIMIT, budget_chars: int = HOTWORD_BUDGET_CHARS) -> list[str]:
    """The short terms found in at least ``MIN_QUESTIONS`` of ``questions``, most frequent first.

    Long titles never qualify (visitors do not say them, and a long prompt pulls unrelated speech towards it), nor
    do words common in general Chinese (``general``: word → count in a general corpus), which Whisper writes
    right unprompted; a term inside or around one already chosen adds nothing.
    """
    general = general or {}
    candidates = {t.strip() for t in terms if 2 <= len(t.strip()) <= 6 and all(map(is_hanzi, t.strip()))
                  and general.get(t.strip(), 0) < COMMON_WORD_COUNT}
    counts = {t: sum(t in q for q in questions) for t in candidates}
    chosen: list[str] = []
    used = 0
    for term in sorted(candidates, key=lambda t: (-counts[t], -len(t), t)):
        if counts[term] < MIN_QUESTIONS or len(chosen) == limit:
            break
        if used + len(term) + 1 > budget_chars or any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        used += len(term) + 1
    return chosen


def visitor_hotwords(store: Store | None) -> list[str]:
    """Whisper's prompt terms for ``store``, from the hall's vocabulary and the questions in its FAQ; none without
    a readable store."""
    if store is None:
        return []
    try:
        import jieba

        questions = [faq.question for faq in store.faqs()]
        jieba.setLogLevel(logging.WARNING)
        general = jieba.Tokenizer()  # the general dictionary, untouched by the hall's own word list
        general.initialize()
        terms = [*core_terms(), *store.vocabulary()]
        # Visitors say the parts of the hall's terms (公积金 of 住房公积金) more often than the terms themselves.
        parts = {w for t in terms for w in general.lcut(t)}
        return recurring_terms([*terms, *parts], questions, general.FREQ)
    except Exception:  # noqa: BLE001 - a missing or broken store must not stop speech recognition
        log.warning("store unavailable; recognising without hotwords", exc_info=True)
        return []


def _cache_dir() -> Path:
    return Path(os.environ.get("KIOSK_CACHE_DIR") or Path.home() / ".cache" / "kiosk") / "vocabulary"
