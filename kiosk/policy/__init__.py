"""Policy matching: enterprise profiles, policy conditions, explainable eligibility, the district batch and push.

- ``taxonomy``: the 275 enterprise tags and the numeric facts (``taxonomy.yaml``).
- ``profile``: ``EnterpriseProfile`` with provenance per fact; ``profile_from_scan`` for a scanned licence.
- ``conditions``: the rule files in ``policies_db/conditions`` and the demo pack's (or from the store), validated with file:line.
- ``eligibility``: ``Matcher(rules).match(profile)`` → ranked ``PolicyMatch`` list with explanations and
  follow-up questions; ``answer(profile, key, value)`` records the visitor's reply.
- ``register`` / ``batch`` / ``outbox``: the district register, vectorised matching of all of it, and the SMS outbox.
"""
