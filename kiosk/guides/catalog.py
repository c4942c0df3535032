"""Where guides come from (the store, or the policies_db/guides folder directly) and finding one by name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import yaml

from kiosk import config
from kiosk.guides.model import Guide, GuideError, parse_guide
from kiosk.requests.similarity import similarity

GUIDES_DIR = config.REPO_ROOT / "policies_db" / "guides"


class Catalog:
    def __init__(self, guides: list[Guide]):
        self.guides = guides

    @classmethod
    def from_dicts(cls, raws: list[dict]) -> Catalog:
        return cls([parse_guide(r) for r in raws])

    @classmethod
    def from_folder(cls, folder: Path = GUIDES_DIR) -> Catalog:
        raws = []
        for path in sorted(folder.glob("*.yaml")):
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = f":{mark.line + 1}" if mark else ""
                raise GuideError(f"{path.name}{line}: YAML 格式错误") from None
            if isinstance(raw, dict):
                raws.append(raw)
        return cls.from_dicts(raws)

    @classmethod
    def from_store(cls, store) -> Catalog:
        return cls.from_dicts(store.guides())

    def find(self, name: str) -> Guide | None:
        """By id, name or alias; else the closest name when the visitor's words are near enough (开个饭店 → 开餐馆)."""
        name = (name or "").strip()
        if not name:
            return None
        for g in self.guides:
            if name in (g.id, g.name) or name in g.aliases:
                return g
        for g in self.guides:
            if any(_loosely_in(a, name) for a in g.aliases) or g.name.split("“")[0] in name:
                return g
        best, best_score = None, 0.0
        for g in self.guides:
            score = max(similarity(name, a) for a in (g.name, *g.aliases))
            if score > best_score:
                best, best_score = g, score
        return best if best_score >= 0.5 else None

    def names(self) -> list[str]:
        return [g.name for g in self.guides]


def _loosely_in(alias: str, text: str, slack: int = 2) -> bool:
    """``alias`` appears in ``text`` in order, allowing a couple of extra characters (开饭店 in 开个饭店)."""
    if alias in text:
        return True
    if len(alias) < 3:
        return False
    start = text.find(alias[0])
    while start != -1:
        pos = start
        for ch in alias[1:]:
            pos = text.find(ch, pos + 1)
            if pos == -1:
                break
        else:
            if pos - start + 1 <= len(alias) + slack:
                return True
        start = text.find(alias[0], start + 1)
    return False


def load_catalog(store=None) -> Catalog:
    """The guides of ``store`` (a `kiosk.store.Store`); the folder itself if it has none or cannot be read."""
    try:
        catalog = Catalog.from_store(store) if store is not None else Catalog([])
    except sqlite3.Error:  # a store from before guides existed, or mid-rebuild: the files are the truth
        catalog = Catalog([])
    return catalog if catalog.guides else Catalog.from_folder()
