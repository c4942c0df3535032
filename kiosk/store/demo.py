"""The demo pack: invented policies, FAQs, service items, guides, eligibility rules and contacts that let a fresh
install show what the kiosk does before the district's own documents are loaded.

It lives apart from the real sources (``policies_db/demo/``, same layout as ``policies_db/``) and is built into
the store only when asked: ``demo_content = true`` in config.toml for the default build, or
``kiosk db build --demo``. Everything it contributes is marked, in one word, wherever a visitor sees or hears it.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk import config

DEMO_DIR = config.REPO_ROOT / "policies_db" / "demo"
# store keys of demo files start with this folder name, so real and demo files never collide
DEMO_PREFIX = "demo/"
SAMPLE_MARK = "样例"  # on every invented item, phone number and push message, and said aloud
# the permanent badge on screen while the store holds demo content: the same one word as every mark
DEMO_BADGE = f"{SAMPLE_MARK}内容"
SPOKEN_NOTE = f"以下是{SAMPLE_MARK}内容，仅作演示，不是正式政策。"


def default_pack(demo_content: bool) -> Path | None:
    """The demo pack for the default build: only with ``demo_content`` (the setting) on and no other sources named
    in ``KIOSK_SOURCES`` (named sources hold only the documents given)."""
    if os.environ.get("KIOSK_SOURCES") or not demo_content or not DEMO_DIR.is_dir():
        return None
    return DEMO_DIR


def marked(text: str) -> str:
    """``text`` with the sample mark after it, once."""
    return text if not text or text.endswith(f"（{SAMPLE_MARK}）") else f"{text}（{SAMPLE_MARK}）"


def sample_title(title: str, sample: bool) -> str:
    """A title as shown: a sample document's says so, unless its own wording already does."""
    return marked(title) if sample and SAMPLE_MARK not in title else title
