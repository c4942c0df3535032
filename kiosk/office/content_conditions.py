"""The editors' review of a policy document's drafted eligibility conditions, leaf by leaf.

The page shows the rule drafted from the document's passages as they stand (or the rule accepted before), each
leaf with the clause and words it came from; the editor keeps, edits or drops each one, moves it into or out of
a support item (an alternative of an any_of group), may add several the drafter missed (each 添加这一条 lists one
and offers an empty row again; nothing is saved until 保存) and choose whether the top-level conditions must all
hold or any one suffices, and saves. Saving is the
content domain's `accept`, so the rule joins `kiosk match` and its check once published. The review itself
(`kiosk.content.drafting.review`) names each problem by leaf and field.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kiosk.content.drafting import accept, accepted, draft_rule, places, review, to_yaml
from kiosk.content.drafting.additions import ADDED_CLAUSE, GROUP_WORDS, LISTED, addable, additions, listed, renumbered
from kiosk.content.drafting.asks import askable
from kiosk.content.drafting.review import (
    ADD,
    ADDED,
    LeafProblem,
    ReviewError,
    check_added,
    review_leaves,
    reviewed,
    top_group,
)
from kiosk.content.errors import ContentError
from kiosk.content.library import POLICIES, rule_file
from kiosk.office.content_pages import STALE, audit, desk, document_of
from kiosk.office.web import editor, page, read_form
from kiosk.policy.taxonomy import load_taxonomy
from kiosk.policy.verdict import OP_WORDS
from kiosk.store.records import Passage

FIELDS = ("fact", "op", "value", "direction", "tags", "region", "from", "to", "ask", "place")
DONE = {"conditions": "申报条件已采用（尚未发布）。发布后即用于政策匹配（kiosk match）。"}
NO_KIND = "请先在“添加条件”中选择要添加的条件类型并填写。"


def _base(request: Request, doc_id: str, fresh: bool) -> tuple[dict, bool]:
    """The rule the page reviews and whether it is the one accepted before (else a draft from the passages)."""
    library = desk(request).library
    saved = None if fresh else accepted(library, doc_id)
    if saved is not None:
        return saved, True
    meta, cuts = library.cut(doc_id)
    passages = [Passage(n, doc_id, n, c.article, c.heading, c.text) for n, c in enumerate(cuts)]
    return draft_rule(doc_id, str(meta.get("title") or ""), passages), False


def _asks(request: Request) -> dict[str, str]:
    """The registered questions (id → wording), those of rules editors accepted too."""
    return {a.id: a.question for a in askable([desk(request).library.source / "conditions"]).values()}


def _revision(rule: dict) -> str:
    """A fingerprint of the rule the form was made from: leaf numbers of an older page are not applied to a rule
    drafted again from passages someone has since changed."""
    return hashlib.sha256(to_yaml(rule).encode()).hexdigest()[:16]


async def conditions_page(request: Request, values: dict[str, str] | None = None,
                          problems: list[LeafProblem] | None = None, error: str = "", status: int = 200,
                          fresh: bool | None = None) -> Response:
    editor(request)
    doc_id, _ = document_of(request)
    fresh = request.query_params.get("draft") == "1" if fresh is None else fresh
    rule, saved = await run_in_threadpool(_base, request, doc_id, fresh)
    asks = await run_in_threadpool(_asks, request)
    leaves = review_leaves(rule)
    if values is None:
        values = {k: str(rule.get(k) or "") for k in review.RULE_FIELDS}
        values.update({f"{leaf.number}-{k}": v for leaf in leaves for k, v in leaf.values.items()})
        values.update({f"{leaf.number}-place": leaf.place for leaf in leaves})
        values["group"] = top_group(rule)[0]
    count = listed(values)
    added = [(n, values.get(f"{ADD}{n}-kind", "")) for n in range(1, count + 1)]
    spots = places.choices(top_group(rule)[1])
    facts = [(k, f.name) for k, f in load_taxonomy().facts.items() if f.kind == "number"]
    # the bar shows while the document or its rule differs from what the kiosk answers and matches with
    pending = bool({f"{POLICIES}/{doc_id}", rule_file(doc_id)} & set(await run_in_threadpool(desk(request).pending)))
    return page(request, "content_conditions.html", status, doc_id=doc_id, rule=rule, saved=saved, fresh=fresh,
                leaves=leaves, values=values, labels=review.LABELS, facts=facts, ops=list(OP_WORDS.items()),
                directions=list(review.DIRECTIONS.items()), rev=_revision(rule), pending=pending, error=error,
                kinds=addable(), groups=list(GROUP_WORDS.items()), added_clause=ADDED_CLAUSE,
                asks=list(asks.items()), added=added, row=f"{ADD}{count + 1}-", listed_field=LISTED,
                places=spots if len(spots) > 1 else [], place_words=dict(spots),
                problems={p.key: p.message for p in problems or []},
                done=DONE.get(request.query_params.get("done", ""), ""))


async def show(request: Request) -> Response:
    return await conditions_page(request)


async def save(request: Request) -> Response:
    session = editor(request)
    form = await read_form(request, session)
    doc_id, _ = document_of(request)
    fresh = form.get("from") == "draft"
    rule, _ = await run_in_threadpool(_base, request, doc_id, fresh)
    if form.get("rev", "") != _revision(rule):
        return await conditions_page(request, error=STALE, status=409, fresh=fresh)
    asks = await run_in_threadpool(_asks, request)
    # the rows taken out go, and the others are numbered 1, 2, … again, so each problem names the row shown
    typed = any(a.row > listed(form) for a in additions(form, asks))  # the empty row has a kind chosen
    form = renumbered(form, [a.row for a in additions(form, asks) if a.kept])
    added = additions(form, asks)
    if form.get("act") == "add":
        return await _add(request, form, added, rule, fresh, typed)
    leaves = review_leaves(rule)
    decisions = {leaf.number: None if form.get(f"{leaf.number}-keep") == "no" else
                 {k: form[f"{leaf.number}-{k}"] for k in FIELDS if f"{leaf.number}-{k}" in form}
                 for leaf in leaves}
    group = form.get("group", "")
    try:
        final = reviewed(rule, decisions, form, [(a.leaf, a.place) for a in added], group, asks)
        rel = await run_in_threadpool(accept, desk(request).library, final, session.user.name)
    except ReviewError as exc:
        return await conditions_page(request, form, exc.problems, exc.friendly, 400, fresh)
    except ContentError as exc:
        return await conditions_page(request, form, [], exc.friendly, 400, fresh)
    dropped = sum(d is None for d in decisions.values())
    audit(request, session, "conditions", doc_id, f"{rel}：采用 {len(decisions) - dropped} 条，删除 {dropped} 条")
    groups = len(places.alternatives(top_group(rule)[1]))
    for leaf in leaves:
        target = (decisions[leaf.number] or {}).get("place", leaf.place)
        if target != leaf.place:
            audit(request, session, "conditions.move", doc_id, f"{rel}：“{leaf.text}”从"
                  f"{places.words(leaf.place, groups)}移到{places.words(target, groups)}")
    for a in added:
        where = "" if a.place == places.TOP else f"（{places.words(a.place, groups)}）"
        audit(request, session, "conditions.add", doc_id, f"{rel}：添加“{a.leaf['text']}”{where}")
    if group in GROUP_WORDS and group != top_group(rule)[0]:
        audit(request, session, "conditions.regroup", doc_id, f"{rel}：改为{GROUP_WORDS[group]}")
    return RedirectResponse(f"/content/documents/{doc_id}/conditions?done=conditions", 303)


async def _add(request: Request, form: dict, added: list, rule: dict, fresh: bool, typed: bool) -> Response:
    """添加这一条: the new row is checked as saving would check it and listed, and an empty row offered again;
    nothing is saved yet. A row with a problem stays as typed, the problem beside its field."""
    if not typed:
        untyped = LeafProblem(ADDED, "kind", NO_KIND, len(added) + 1)
        return await conditions_page(request, form, [untyped], str(untyped), 400, fresh)
    valid = {place for place, _ in places.choices(top_group(rule)[1])}
    problems = [p for n, a in enumerate(added, 1) for p in check_added(n, a.leaf, a.place, valid)]
    if problems:
        return await conditions_page(request, form, problems, ReviewError(problems).friendly, 400, fresh)
    return await conditions_page(request, {**form, LISTED: str(len(added))}, fresh=fresh)


ROUTES = [
    Route("/content/documents/{doc_id}/conditions", show),
    Route("/content/documents/{doc_id}/conditions", save, methods=["POST"]),
]
