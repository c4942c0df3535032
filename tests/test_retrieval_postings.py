"""At the scale of thousands of laws, a word found in most passages is not searched for: it costs a pass over all
of them and ranks nothing. Stores of a few hundred documents are searched exactly as before."""

from __future__ import annotations

import pytest

from kiosk.knowledge import retrieve
from kiosk.knowledge.segment import TOKENIZER
from kiosk.store import Store
from kiosk.store.importer import build


@pytest.fixture
def big_store(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    body = "\n".join(f"第{i}条 企业应当依法办理第{i}项登记手续。" for i in range(1, 41))
    (src / "cn_dengji.md").write_text(f"# 来源: 测试\n# 企业登记办法\n\n{body}\n", encoding="utf-8")
    (src / "gz_zhinajin.txt").write_text("# 来源: 测试\n# 标题: 社保补缴问答\n企业补缴社保，按日加收万分之五的滞纳金。\n",
                                         encoding="utf-8")
    build(tmp_path / "kiosk.db", [src], tokenizer=TOKENIZER)
    store = Store(tmp_path / "kiosk.db")
    yield store
    store.close()


def test_a_word_in_most_passages_is_left_out_of_the_search(big_store, monkeypatch):
    monkeypatch.setattr(retrieve, "MAX_POSTINGS", 20)  # this store's 41 passages stand for a store of laws
    retriever = retrieve.Retriever(big_store)
    assert retriever._searchable(["企业", "滞纳金"]) == ["滞纳金"]
    assert retriever._searchable(["企业"]) == ["企业"]  # nothing rarer: the common word still finds candidates
    hits = retriever.search("企业的滞纳金怎么算", k=3)
    assert hits[0].doc_id == "gz_zhinajin.txt"


def test_a_small_store_is_searched_with_every_word(big_store):
    retriever = retrieve.Retriever(big_store)
    assert retriever._searchable(["企业", "滞纳金"]) == ["企业", "滞纳金"]
