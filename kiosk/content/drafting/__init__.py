"""Eligibility conditions drafted from a policy's own text, in the conditions YAML language."""

from kiosk.content.drafting.draft import draft_rule, to_yaml

__all__ = ["draft_rule", "to_yaml"]
