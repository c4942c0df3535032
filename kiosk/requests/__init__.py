"""Enterprise requests run like delivery orders: intake (split, classify, route), lifecycle with deadlines,
reminders, escalation and ratings, durable persistence in their own SQLite file, and sync with the district
platform. No Qt, no model library: a language-model splitter is handed in from outside.
"""

from kiosk.requests.intake import Intake, LlmSplitter, RuleSplitter, Splitter
from kiosk.requests.lifecycle import InvalidTransition, State
from kiosk.requests.routing import Route, Router
from kiosk.requests.service import Receipt, RequestService, SubmitForm
from kiosk.requests.validate import RequestError

__all__ = [
    "Intake", "InvalidTransition", "LlmSplitter", "Receipt", "RequestError", "RequestService", "Route", "Router",
    "RuleSplitter", "Splitter", "State", "SubmitForm",
]
