"""Where an engine finds its model folder.

The model manager (``kiosk.modelstore``) knows what is installed; when it cannot answer, the folder
``models/<role>/<name>/`` under :func:`kiosk.config.models_dir` is the convention every installer follows.
"""

from __future__ import annotations

from pathlib import Path

from kiosk import config
from kiosk.errors import FriendlyError


def model_folder(role: str, name: str) -> Path | None:
    """Where one installed model is, or None when it is not there.

    This is the model manager's entry point for the model: the folder for folder models (Whisper, the Chinese
    voice), the model file itself for single-file models (a piper voice's ``.onnx``).
    """
    try:
        from kiosk.modelstore import path_for
    except ImportError:
        path_for = None
    if path_for is not None:
        found = path_for(role, name)
        if found is not None:
            return Path(found)
    folder = config.models_dir() / role / name
    return folder if folder.is_dir() else None


def role_folders(role: str) -> list[Path]:
    """Every installed model folder of one role, e.g. all voices under ``models/tts/``."""
    root = config.models_dir() / role
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


class ModelMissing(FriendlyError, RuntimeError):
    """A model an engine needs is not installed; ``friendly`` tells the deployer what to run."""

    def __init__(self, role: str, name: str):
        super().__init__(f"模型 {role}/{name} 还没有安装，请先运行：kiosk models install")
