"""The dialogue manager on the default store: routing, session state, follow-ups, services, bad input."""

from __future__ import annotations

import pytest
from support_llm import ScriptedModel

from kiosk.dialogue import intent
from kiosk.dialogue.manager import DialogueManager
from kiosk.dialogue.session import is_yes, profile_facts
from kiosk.events import AnswerDone, AnswerLead, AnswerSentence, Notice, ServiceReply


@pytest.fixture(scope="module")
def manager(default_store_path):
    from kiosk.store import Store

    return DialogueManager(Store(default_store_path))


def turn(manager: DialogueManager, session, text: str) -> tuple[list[object], AnswerDone]:
    events = list(manager.respond(session, text))
    assert isinstance(events[-1], AnswerDone)
    return events, events[-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("你好", intent.SMALLTALK),
        ("谢谢你！", intent.SMALLTALK),
        ("今天天气怎么样", intent.OUT_OF_SCOPE),
        ("给我讲个笑话", intent.OUT_OF_SCOPE),
        ("我们厂门口的路灯坏了没人管", intent.REQUEST),
        ("我要投诉隔壁工地噪音扰民", intent.REQUEST),
        ("我们公司能享受哪些政策？", intent.ELIGIBILITY),
        ("我想开个餐馆，要办哪些手续", intent.GUIDE),
        ("企业注销需要什么流程", intent.GUIDE),
        ("社保卡照片上传后多久审核好？", intent.POLICY_QUESTION),
    ],
)
def test_rules_route_common_wordings(text: str, expected: str) -> None:
    assert intent.by_rules(text).name == expected


def test_unclear_wording_asks_the_model_with_a_grammar_and_falls_back_without() -> None:
    model = ScriptedModel('{"intent": "out_of_scope"}')
    routed = intent.IntentRouter(model).route("嗯嗯啊啊")
    assert routed == intent.Intent(intent.OUT_OF_SCOPE, "llm")
    assert model.grammars[0] and "policy_question" in model.grammars[0]
    assert intent.IntentRouter(ScriptedModel("not json")).route("嗯嗯啊啊").name == intent.POLICY_QUESTION
    assert intent.IntentRouter(None).route("嗯嗯啊啊") == intent.Intent(intent.POLICY_QUESTION, "default")
    slow = intent.IntentRouter(ScriptedModel('{"intent": "smalltalk"}', delay_s=0.5), budget_s=0.05)
    assert slow.route("嗯嗯啊啊") == intent.Intent(intent.POLICY_QUESTION, "default")


def test_policy_question_is_answered_with_citations(manager: DialogueManager) -> None:
    session = manager.new_session()
    events, done = turn(manager, session, "社保卡照片上传后多久审核好？")
    assert not done.refused and "1个至5个工作日" in done.answer
    assert done.citations[0].source == "gz_shebaoka_shenling_2026.txt"
    assert session.topic.startswith("社保卡照片上传后多久审核好") and session.offer


def test_follow_up_resolves_against_the_previous_topic(manager: DialogueManager) -> None:
    session = manager.new_session()
    turn(manager, session, "市场主体歇业最长可以多久？")
    _, done = turn(manager, session, "那需要什么材料？")
    assert done.citations and "市场主体" in done.citations[0].title
    assert session.topic.startswith("市场主体歇业最长可以多久")


def test_yes_takes_up_the_last_offer(manager: DialogueManager) -> None:
    session = manager.new_session()
    turn(manager, session, "市场主体歇业最长可以多久？")
    offered = session.offer
    assert offered
    _, done = turn(manager, session, "好的")
    assert session.offer != offered and done.citations


def test_profile_facts_are_remembered_across_turns(manager: DialogueManager) -> None:
    session = manager.new_session()
    turn(manager, session, "我们是小微企业，有30个员工，在转塘")
    turn(manager, session, "2019年成立的，做茶叶生意")
    assert session.facts == {"type": "小微企业", "employees": "30", "street": "转塘街道", "founded": "2019",
                             "industry": "茶"}
    session.reset()
    assert session.facts == {} and session.topic == ""


def test_smalltalk_out_of_scope_and_requests_without_services(manager: DialogueManager) -> None:
    session = manager.new_session()
    events, done = turn(manager, session, "你好")
    assert isinstance(events[0], AnswerLead) and "西小服" in done.answer and done.engine == "dialogue"
    _, done = turn(manager, session, "今天天气怎么样")
    assert "企业服务" in done.answer and "今天天气怎么样" in done.answer  # about what the visitor said
    _, done = turn(manager, session, "我们厂门口的路灯坏了没人管")
    assert "窗口" in done.answer and "电话" in done.answer


@pytest.mark.parametrize("said", ["换一首歌", "甚至出现交易几乎停滞的情况", "这并不是告别，这是一个篇章的结束"])
def test_an_off_topic_turn_is_answered_about_what_was_said(manager: DialogueManager, said: str) -> None:
    _, done = turn(manager, manager.new_session(), said)
    assert said.rstrip("。") in done.answer and "企业服务" in done.answer
    assert "政策库" not in done.answer and not done.citations  # no policy refusal, no unrelated documents


class FakeAdvisor:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def advise(self, text: str, facts: dict[str, str]) -> ServiceReply:
        self.calls.append((text, facts))
        if "employees" not in facts:
            return ServiceReply(["有几项政策可能适合您。"], follow_up="您的企业有多少员工？")
        return ServiceReply([f"按{facts['employees']}名员工算，可以看看小微企业房租补贴。"], data={"matches": 1})


class FakeDesk:
    def take(self, text: str, facts: dict[str, str]) -> ServiceReply:
        return ServiceReply(["已受理，工单号 XH-0001。"], data={"ticket": "XH-0001"})


class FakeGuides:
    def guide(self, text: str) -> ServiceReply | None:
        return ServiceReply(["开餐馆一件事：共三步。"]) if "餐馆" in text else None


def test_services_are_called_through_their_protocols(default_store_path) -> None:
    from kiosk.store import Store

    advisor = FakeAdvisor()
    manager = DialogueManager(Store(default_store_path), advisor=advisor, requests=FakeDesk(), guides=FakeGuides())
    session = manager.new_session()
    _, done = turn(manager, session, "我们公司能享受哪些政策？")
    assert done.answer.endswith("您的企业有多少员工？") and session.pending_intent == intent.ELIGIBILITY
    _, done = turn(manager, session, "30个人")
    assert "30名员工" in done.answer and advisor.calls[-1][1]["employees"] == "30"
    _, done = turn(manager, session, "我要投诉门口噪音")
    assert "XH-0001" in done.answer
    _, done = turn(manager, session, "我想开个餐馆，要办哪些手续")
    assert "一件事" in done.answer
    _, done = turn(manager, session, "我想开个茶馆，要办哪些手续")  # no guide fits: the knowledge base answers
    assert done.engine in ("extractive", "llm")


def test_bad_input_gets_a_friendly_reply(manager: DialogueManager) -> None:
    session = manager.new_session()
    for text in ["", "   ", "😀😀", "SELECT * FROM passages; --", 'NEAR("x" *) -', "hello world"]:
        _, done = turn(manager, session, text)
        assert done.answer
    events, done = turn(manager, session, "社保卡" * 7000)
    assert isinstance(events[0], Notice) and done.answer


def test_with_a_model_the_manager_streams_lead_first(default_store_path) -> None:
    from kiosk.store import Store

    model = ScriptedModel("您还想了解需要准备哪些材料吗？")
    manager = DialogueManager(Store(default_store_path), llm=model)
    events, done = turn(manager, manager.new_session(), "市场主体歇业最长可以多久？")
    assert isinstance(events[0], AnswerLead)
    assert [e.engine for e in events if isinstance(e, AnswerSentence)][-1] == "llm"
    assert done.engine == "llm" and "3年" in done.answer


def test_yes_detection() -> None:
    assert is_yes("好的") and is_yes("需要！") and not is_yes("好的，那材料呢")
    assert profile_facts("营业收入500万，注册资本100万") == {"revenue": "500万元", "capital": "100万元"}


def test_shared_entry_point_for_the_voice_loop_keeps_one_session(tmp_path, monkeypatch) -> None:
    from kiosk.root import Kiosk

    monkeypatch.setenv("KIOSK_MODELS_DIR", str(tmp_path / "no-models"))
    answer_events = Kiosk().answer_events
    first = list(answer_events("市场主体歇业最长可以多久？"))
    assert isinstance(first[-1], AnswerDone) and "3年" in first[-1].answer
    follow = list(answer_events("那需要什么材料？"))
    assert "市场主体" in follow[-1].citations[0].title
