"""Where things live and the settings a deployer may change.

Runtime data (store, logs, requests) lives in the platform's data directory, or in ``KIOSK_DATA_DIR``.
Model files live in ``KIOSK_MODELS_DIR``, by default the repository's ``models/`` folder that the installer fills.
Settings come from ``config.toml`` in the data directory; every key has a default so the file is optional.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

APP_NAME = "xixiaofu-kiosk"
REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    path = Path(os.environ.get("KIOSK_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    return Path(os.environ.get("KIOSK_MODELS_DIR") or REPO_ROOT / "models")


def sources_dirs() -> list[Path]:
    """The folders `kiosk db build` reads: the project's own sources, then the shared public corpus."""
    env = os.environ.get("KIOSK_SOURCES")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    dirs = [REPO_ROOT / "policies_db"]
    corpus = REPO_ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        dirs.append(corpus)
    return dirs


def store_path() -> Path:
    return Path(os.environ.get("KIOSK_DB") or data_dir() / "kiosk.db")


@dataclass
class Settings:
    """Deployer-tunable settings; see README for what each one does."""

    idle_reset_seconds: int = 60
    refusal_threshold: float = 0.45
    # re-rank candidates with the embedding model when it is installed (measured: no gain on the development
    # questions, +~300 ms per question on 2 cores; see README)
    dense_rerank: bool = False
    llm_model: str = "qwen2.5-coder-0.5b"
    llm_first_token_budget_s: float = 6.0
    tts_pitch_cents: int = 250
    tts_speed: float = 1.05
    elderly_speed: float = 0.8
    staff_pin: str = "246810"
    staff_call_minutes: float = 3.0  # the wait told to a visitor who calls staff, per call in the queue
    push_endpoint: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or data_dir() / "config.toml"
        if not path.is_file():
            return cls()
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)} - {"extra"}
        settings = cls(**{k: v for k, v in raw.items() if k in known})
        settings.extra = {k: v for k, v in raw.items() if k not in known}
        return settings
