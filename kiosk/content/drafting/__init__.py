"""Eligibility conditions drafted from a policy's own text, in the conditions YAML language."""

from kiosk.content.drafting.draft import accept, accepted, draft_rule, to_yaml

__all__ = ["accept", "accepted", "draft_rule", "to_yaml"]
