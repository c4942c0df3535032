"""The language model's file deleted while the kiosk runs: the visitor in front of it still gets answers, the
next start runs without the model (the grounded extractive answer) and `kiosk doctor` names what to reinstall."""

from __future__ import annotations

from pathlib import Path

import pytest
from support_llm import write_tiny_gguf

from kiosk import doctor, modelstore
from kiosk.events import AnswerDone
from kiosk.root import Kiosk

QUESTION = "市场主体歇业最长可以多久？"


@pytest.fixture
def tiny_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(tmp_path / "models"))
    source = write_tiny_gguf(tmp_path / "usb" / "tiny.gguf")
    modelstore.import_path(source.parent, role="llm", name="tiny")
    return modelstore.path_for("llm")


def _done(manager, session) -> AnswerDone:
    events = list(manager.respond(session, QUESTION))
    done = [e for e in events if isinstance(e, AnswerDone)]
    assert len(done) == 1
    return done[0]


def test_a_model_deleted_mid_session_degrades_and_doctor_names_it(tiny_model: Path) -> None:
    manager = Kiosk().manager("llm")
    session = manager.new_session()
    assert "3年" in _done(manager, session).answer
    tiny_model.unlink()
    assert "3年" in _done(manager, session).answer  # the loaded model keeps serving this visitor
    restarted = Kiosk().manager("auto")  # the next start
    after = _done(restarted, restarted.new_session())
    assert after.engine == "extractive" and "3年" in after.answer
    found = [f for f in doctor.run(only=["models"], checksums=False).problems if "tiny" in f.message]
    assert found and "没有安装" in found[0].message and "kiosk models import" in found[0].fix
