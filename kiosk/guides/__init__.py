"""One-thing guides: procedures bundled across departments, tailored by a few questions, printed with a QR code."""

from kiosk.guides.catalog import Catalog, load_catalog
from kiosk.guides.model import Guide, GuideError
from kiosk.guides.tailor import AnswerError, Checklist, parse_answer, parse_answers, questions_to_ask, tailor

__all__ = [
    "AnswerError", "Catalog", "Checklist", "Guide", "GuideError", "load_catalog", "parse_answer", "parse_answers",
    "questions_to_ask", "tailor",
]
