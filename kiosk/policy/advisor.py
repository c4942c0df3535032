""""Which policies fit my company?" in a conversation: what the visitor said → a profile → ranked matches, read out
with their clauses and the one question that would settle the most."""

from __future__ import annotations

from kiosk.events import Citation, ServiceReply
from kiosk.policy.availability import UPCOMING
from kiosk.policy.eligibility import Matcher, PolicyMatch, answer, best_questions
from kiosk.policy.profile import EnterpriseProfile
from kiosk.policy.taxonomy import Taxonomy, load_taxonomy
from kiosk.store.demo import SAMPLE_MARK

SHOWN = 3
# what the dialogue's fact extraction calls a fact → the taxonomy's fact id
_NUMERIC = {"employees": "employees", "revenue": "revenue", "capital": "registered_capital"}


class PolicyAdvisorDesk:
    """Implements the dialogue's ``PolicyAdvisor``: answers with policies, never with a guess about the company."""

    def __init__(self, matcher: Matcher, store=None, taxonomy: Taxonomy | None = None):
        self.matcher = matcher
        self.store = store
        self.taxonomy = taxonomy or load_taxonomy()

    def profile(self, facts: dict[str, str]) -> EnterpriseProfile:
        """A visitor profile from the facts stated so far; facts the taxonomy cannot read are left out."""
        profile = EnterpriseProfile()
        for key, value in facts.items():
            try:
                if key in _NUMERIC and _NUMERIC[key] in self.taxonomy.facts:
                    answer(profile, _NUMERIC[key], value, self.taxonomy)
                elif key == "founded":
                    answer(profile, "established", f"{value}-01-01", self.taxonomy)
                elif key in ("type", "industry", "street") and (tag := self.taxonomy.resolve_tag(value)):
                    answer(profile, tag, True, self.taxonomy)
            except ValueError:
                continue  # an unreadable fact is simply not known
        return profile

    def advise(self, text: str, facts: dict[str, str]) -> ServiceReply:
        """The policies that fit, then those one answer away; the dialogue asks ``follow_up`` itself."""
        matches = [m for m in self.matcher.match(self.profile(facts)) if m.availability.offered]
        met = [m for m in matches if m.status == "met"][:SHOWN]
        near = [m for m in matches if m.status == "one_step"][:SHOWN]
        sentences: list[str] = []
        citations: list[Citation] = []
        if met:
            sentences.append("按您说的情况，这些政策看起来符合：" + "、".join(self._cite(m, citations) for m in met) + "。")
        if near:
            sentences.append("再确认一个条件就可能符合的有：" + "、".join(self._cite(m, citations) for m in near) + "。")
        questions = best_questions(matches, limit=1)
        follow_up = questions[0][0].text if questions else ""
        if not met and not near:
            sentences.append("我还需要了解一下贵公司的情况，才能告诉您能享受哪些政策。")
        sentences.append("也可以扫描营业执照，我帮您逐条核对。")
        return ServiceReply(
            sentences, citations, suggestions=["扫描营业执照"], follow_up=follow_up,
            data={"matches": [m.to_dict() for m in [*met, *near]]},
        )

    def _cite(self, match: PolicyMatch, citations: list[Citation]) -> str:
        title = match.title.replace(f"（{SAMPLE_MARK}）", "")
        n = len(citations) + 1
        clause = next((c.clause for c in match.conditions if c.clause), "")
        text = self._clause_text(match.policy, clause) or match.how_to_apply
        citations.append(Citation(n, match.policy, match.title, clause, text, sample=match.sample))
        # a window still to come is part of the offer: the visitor hears when applications open
        when = f"（{match.availability.note}）" if match.availability.state == UPCOMING else ""
        return f"《{title}》[{n}]{when}"

    def _clause_text(self, doc_id: str, clause: str) -> str:
        if self.store is None or not clause:
            return ""
        article = clause.split("#")[-1]
        return next((p.text for p in self.store.passages(doc_id) if p.article == article), "")
