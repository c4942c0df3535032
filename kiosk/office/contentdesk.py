"""What the editors' pages work on: the content library, the store it publishes into, and uploads waiting for an
editor to confirm what was read from them. No HTTP here; the pages call these and the content domain."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from kiosk import config
from kiosk.content.errors import MAX_BYTES, ContentError
from kiosk.content.extracted import Extracted
from kiosk.content.library import Imported, Library, Preview
from kiosk.content.pdftext import PageOcr
from kiosk.content.publish import Published, publish, store_documents, unpublished

TOKEN_RE = re.compile(r"[0-9a-f]{16}")
STAGED_FOR = 24 * 3600  # an upload nobody confirmed within a day is dropped at the next upload
GONE = "这次上传已经处理过或已过期，请重新上传文件。"


@dataclass
class Staged:
    token: str
    path: Path


@dataclass
class ContentDesk:
    library: Library
    store: Path
    sources: Callable[[], list[Path]] = config.sources_dirs  # asked each time: the staff folder joins once made
    demo: Path | None = None  # the demo pack the kiosk's store was built with, kept in every publish
    ocr: PageOcr | None = None
    max_upload: int = MAX_BYTES

    @classmethod
    def here(cls, store: Path | None = None, demo: Path | None = None, ocr: PageOcr | None = None) -> ContentDesk:
        """This machine's content folder and store, as `kiosk content` uses them."""
        return cls(Library(config.content_dir()), store or config.store_path(), demo=demo, ocr=ocr)

    @property
    def uploads(self) -> Path:
        return self.library.root / "uploads"

    # uploads -----------------------------------------------------------------------------------------------
    def stage(self, name: str, data: bytes) -> Staged:
        """Keep an uploaded file, under its own name, until the editor confirms or discards it."""
        self._drop_stale()
        token = secrets.token_hex(8)
        path = self.uploads / token / _file_name(name)
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        return Staged(token, path)

    def staged(self, token: str) -> Staged:
        folder = self.uploads / token
        files = sorted(folder.iterdir()) if TOKEN_RE.fullmatch(token) and folder.is_dir() else []
        if not files:
            raise ContentError(GONE)
        return Staged(token, files[0])

    def discard(self, token: str) -> None:
        if TOKEN_RE.fullmatch(token):
            shutil.rmtree(self.uploads / token, ignore_errors=True)
            self._read_path(token).unlink(missing_ok=True)

    def preview(self, staged: Staged) -> Preview:
        """What the upload would import; its text is read once and kept beside it, so showing the page again and
        confirming never read (for a scan: recognise) the file a second time."""
        kept = self._kept(staged)
        preview = self.library.preview(staged.path, self.ocr, self.known(), kept)
        if kept is None:
            self._read_path(staged.token).write_text(json.dumps(asdict(preview.extracted), ensure_ascii=False),
                                                     encoding="utf-8")
        return preview

    def add(self, staged: Staged, values: Mapping[str, str], who: str, replace: str = "") -> Imported:
        return self.library.add(staged.path, values, who, self.ocr, replace, self.known(), self._kept(staged))

    def _read_path(self, token: str) -> Path:
        # beside the upload's folder, not in it: the folder holds the file alone, whatever the file is called
        return self.uploads / f"{token}.json"

    def _kept(self, staged: Staged) -> Extracted | None:
        try:
            return Extracted(**json.loads(self._read_path(staged.token).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None  # not read yet, or the kept text is unreadable: the file is read again

    def _drop_stale(self) -> None:
        if not self.uploads.is_dir():
            return
        for entry in self.uploads.iterdir():
            if time.time() - entry.stat().st_mtime > STAGED_FOR:
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    # the store ---------------------------------------------------------------------------------------------
    def known(self) -> dict[str, tuple[str, str]]:
        """The store's documents (id → title, 文号), so nothing already in it is imported twice."""
        return store_documents(self.store)

    def publish(self) -> Published:
        from kiosk.knowledge.segment import TOKENIZER

        self.library.source.mkdir(parents=True, exist_ok=True)
        sources = self.sources()
        if self.library.source not in sources:  # a library kept elsewhere than this machine's content folder
            sources.append(self.library.source)
        return publish(self.store, sources, self.demo, tokenizer=TOKENIZER)

    def pending(self) -> list[str]:
        """The staff's files that changed since the store was last built from them."""
        ever = {path for v in self.library.history.versions() for path in v.files}
        return unpublished(self.store, self.library.source, ever)


def _file_name(name: str) -> str:
    """The name the browser gave, without any folder part, kept because it says the format and is shown later."""
    base = re.split(r"[/\\]", name or "")[-1].replace("\x00", "").strip()
    return base[-120:] if base and base not in (".", "..") else "upload"
