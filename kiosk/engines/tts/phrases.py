"""What the kiosk says word for word, rendered ahead so it plays at once, and the clause cache that holds it.

A slow voice makes the visitor wait for the first clause of every reply. Many replies begin the same way: the
greeting, the lead of a grounded answer (“这个问题，…”), the refusal (“抱歉，…”), the out-of-scope reply, “没听清”,
“请稍等”. Their clauses are rendered once, kept in memory and on disk in the kiosk's cache folder (so a restart does not render them again),
and any other clause spoken recently is kept in a small memory cache as well.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# The opening of each reply the kiosk speaks verbatim (dialogue greeting and small talk, the answer lead and its
# generic form, the refusal, the out-of-scope reply, the not-heard prompt, the knowledge store still loading).
FIXED_PHRASES = (
    "您好，我是西小服！可以问我惠企政策、办事流程，也可以反映企业的诉求。",
    "您好！请问有什么可以帮您？可以问我政策、办事材料、办理进度，也可以提诉求。",
    "这个问题，我在政策库里查到了依据。",
    "抱歉，政策库里没有找到能准确回答这个问题的依据，我不想给您不准确的信息。",
    "这个我帮不上忙啦，我只懂企业服务方面的事：政策、办事流程和企业诉求。您有这方面的问题吗？",
    "不客气！还有什么可以帮您的吗？",
    "没听清，请再说一遍。",
    "请稍等。",
)
RECENT_CLAUSES = 32  # a few answers' worth (≈ 15 MB at most): a repeated question plays at once

Render = Callable[[str, float], np.ndarray]


def cache_dir() -> Path:
    """Rendered fixed phrases live beside the model downloads: a cache, not the visitors' data."""
    return Path(os.environ.get("KIOSK_CACHE_DIR") or Path.home() / ".cache" / "kiosk") / "voice"


class ClauseCache:
    """Clause audio by (clause, speed): pinned fixed phrases (also on disk) and a bounded set of recent ones."""

    def __init__(self, folder: Path | None = None, recent: int = RECENT_CLAUSES):
        self.folder = folder
        self.voice_key = ""  # set by the voice: its pack and model, so another voice never reads these files
        self.recent_size = recent
        self._pinned: dict[tuple[str, float], np.ndarray] = {}
        self._recent: OrderedDict[tuple[str, float], np.ndarray] = OrderedDict()

    def _file(self, key: tuple[str, float]) -> Path:
        digest = hashlib.sha1(f"{key[0]}|{key[1]:.3f}".encode()).hexdigest()[:20]
        return (self.folder or cache_dir()) / self.voice_key / f"{digest}.npy"

    def __contains__(self, item: tuple[str, float]) -> bool:
        key = (item[0], round(item[1], 3))
        return key in self._pinned or key in self._recent

    def get_or_render(self, clause: str, speed: float, render: Render) -> np.ndarray:
        key = (clause, round(speed, 3))
        if key in self._pinned:
            return self._pinned[key]
        if key in self._recent:
            self._recent.move_to_end(key)
            return self._recent[key]
        audio = render(clause, speed)
        self._recent[key] = audio
        if len(self._recent) > self.recent_size:
            self._recent.popitem(last=False)
        return audio

    def pin(self, clause: str, speed: float, render: Render) -> np.ndarray:
        """Keep the clause for good: from disk when rendered before, else rendered now and saved."""
        key = (clause, round(speed, 3))
        if key in self._pinned:
            return self._pinned[key]
        path = self._file(key)
        audio = None
        if path.is_file():
            try:
                audio = np.load(path).astype(np.float32)
            except (OSError, ValueError):
                log.info("voice cache file %s unreadable; rendering again", path.name)
        if audio is None:
            audio = self.get_or_render(clause, speed, render)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path.with_suffix(".tmp.npy"), audio)
                path.with_suffix(".tmp.npy").replace(path)
            except OSError:
                log.info("voice cache not writable; fixed phrases are rendered at each start")
        self._pinned[key] = audio
        return audio
