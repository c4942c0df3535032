"""The Chinese on-screen keyboard: pinyin candidates from the store's words first, typing into the field."""

from __future__ import annotations

from support_ui import make_window, settle

from kiosk.ui.pinyin import PinyinIndex

COMMON = [("开", 900), ("办", 800), ("西", 700), ("湖", 600), ("你", 500), ("好", 400), ("你好", 300), ("开始", 200)]


def test_lookup_full_spelling_prefix_initials_and_single_syllables():
    index = PinyinIndex.build(["开办企业", "专精特新", "西湖区"], common=COMMON)
    assert index.lookup("kaibanqiye")[0].text == "开办企业"
    assert index.lookup("zjtx")[0].text == "专精特新"  # initials
    assert "开办企业" in [c.text for c in index.lookup("kaiban")]  # a spelling prefix
    first = index.lookup("nihao")
    assert first[0].text == "你好"
    kai = index.lookup("kai")
    assert kai[0].text == "开" and kai[0].consumed == 3
    assert index.lookup("xihuq")[0].text == "西湖区"
    assert index.lookup("") == []


def test_domain_words_rank_before_common_words():
    index = PinyinIndex.build(["开始申报"], common=COMMON + [("开始申报", 1)])
    assert index.lookup("kaishi")[0].text in ("开始", "开始申报")
    assert index.lookup("kssb")[0].text == "开始申报"


def test_typing_pinyin_into_the_question_field(qtbot):
    window = make_window(qtbot)
    window.navigate("conversation", keyboard=True)
    conv = window.current()
    kb = conv.keyboard
    assert kb.isVisible()
    for ch in "kaiban":
        kb.press(ch)
    settle(window)
    assert kb.shown and kb.shown[0].text.startswith("开")
    choice = next(c for c in kb.shown if c.text == "开办企业")
    kb.choose(choice)
    kb.type_text("？")
    assert conv.input.text() == "开办企业？"
    kb.backspace()
    assert conv.input.text() == "开办企业"
    kb.toggle_mode()
    kb.press("a")
    assert conv.input.text() == "开办企业a"  # English mode types letters as they are
    kb.submit.emit()
    settle(window)
    assert window.session.conversation[0].text == "开办企业a"


def test_a_late_candidate_reply_is_dropped(qtbot):
    window = make_window(qtbot)
    window.navigate("conversation", keyboard=True)
    kb = window.current().keyboard
    kb.press("k")
    kb.press("a")
    kb.show_candidates("k", [])  # the reply for "k" arrives after "ka" was typed
    settle(window)
    assert kb.letters == "ka" and kb.shown and all(c.consumed <= 2 for c in kb.shown)


def test_keyboard_index_waits_for_the_stores_vocabulary(monkeypatch, tmp_path):
    """The loaders run side by side: the index must not be built before the store has given its words."""
    import threading
    import time

    import kiosk.knowledge.retrieve as retrieve
    import kiosk.store as store_mod
    from kiosk.ui.adapter import KioskAdapter

    class SlowStore:
        path = tmp_path / "kiosk.db"  # watched for a replacing publish

        def vocabulary(self):
            return ["餐饮服务许可", "西湖区"]

        def documents(self):
            return [1, 2]

    def slow_open(*_args, **_kwargs):
        time.sleep(0.4)
        return SlowStore()

    monkeypatch.setattr(store_mod.Store, "open", staticmethod(slow_open))
    monkeypatch.setattr(retrieve, "Retriever", lambda store, reranker=None: object())
    adapter = KioskAdapter()
    keyboard = threading.Thread(target=adapter.load_pinyin)
    keyboard.start()  # the keyboard's loader may well start first
    adapter.load_knowledge()
    keyboard.join(30)
    assert adapter.pinyin_lookup("canyinfuwuxuke")[0].text == "餐饮服务许可"
    assert adapter.pinyin_lookup("cyfwxk")[0].text == "餐饮服务许可"
