"""Which department a visitor should be sent to when the store cannot answer, or for follow-up."""

from __future__ import annotations

from kiosk.knowledge.retrieve import Hit
from kiosk.store import Store
from kiosk.store.records import Department

DEFAULT_DEPARTMENT = "sec_policy"


def referral_department(question: str, hits: list[Hit], store: Store) -> Department | None:
    """A named town/street first, then the department whose routing words the question uses most, then the
    department responsible for the best passage's document, then the centre's policy desk; the hall's general
    window when the store has no department directory."""
    departments = store.directory()
    for dep in departments:
        if dep.kind == "street" and dep.name[:2] in question:
            return dep
    best, best_score = None, 0
    for dep in departments:
        score = sum(len(k) for k in dep.keywords if k and k in question)
        if score > best_score:
            best, best_score = dep, score
    if best:
        return best
    for hit in hits[:1]:
        doc = store.document(hit.doc_id)
        if doc and doc.department and (dep := store.department(doc.department)):
            return dep
    return store.department(DEFAULT_DEPARTMENT) or next((d for d in departments if d.kind == "section"), None)
