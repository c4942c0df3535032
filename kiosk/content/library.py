"""The staff's own documents: originals kept as received, each document as a policy source the store is built
from (Markdown with YAML front matter, its passages cut explicitly), and every change recorded as a version."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.content.errors import ContentError, DuplicateDocument
from kiosk.content.extracted import Extracted
from kiosk.content.formats import read_file
from kiosk.content.metadata import Proposal, flags_for, propose
from kiosk.content.passages import Cut, cut_lines, read_document, write_document
from kiosk.content.pdftext import PageOcr
from kiosk.content.versions import History, Version

INDEX = ".content.json"  # in the source tree (versioned with it); the build skips dot files
POLICIES = "policies"
FIELDS = ("title", "doc_number", "issuer", "level", "region", "published", "effective", "expires")


@dataclass
class Imported:
    """What one import did: the new document, its passage count and what the editor should check."""

    id: str
    title: str
    passages: int
    proposal: dict[str, object]
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    replaced: str = ""
    version: int = 0


@dataclass
class Preview:
    """What importing a file would propose, for an editor to confirm before anything changes."""

    proposal: Proposal
    extracted: Extracted  # the text as read, to set beside the passages cut from it and to import on confirming
    cuts: list[Cut]
    duplicate: str  # the imported document this file repeats ("" when it is new)

    @property
    def lines(self) -> list[str]:
        return self.extracted.lines

    @property
    def notes(self) -> list[str]:
        return self.extracted.notes


def rule_file(policy: str) -> str:
    """Where, in the content source, the accepted eligibility rule of a policy document is kept."""
    return f"conditions/{Path(policy).stem}.yaml"


def who_default() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "staff"


class Library:
    def __init__(self, root: Path):
        self.root = root
        self.source = root / "source"
        self.originals = root / "originals"
        self.history = History(root)

    # reading ---------------------------------------------------------------------------------------------
    def entries(self) -> dict[str, dict]:
        path = self.source / INDEX
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def document_path(self, doc_id: str) -> Path:
        if doc_id not in self.entries():
            raise ContentError(f"没有编号为“{doc_id}”的导入文件。用 kiosk content list 查看已导入的文件。")
        return self.source / POLICIES / doc_id

    def cut(self, doc_id: str) -> tuple[dict, list[Cut]]:
        """A document's front matter and its passages as published."""
        return read_document(self.document_path(doc_id))

    # changing ---------------------------------------------------------------------------------------------
    def preview(self, path: Path, ocr: PageOcr | None = None, known: Mapping[str, tuple[str, str]] | None = None,
                read: Extracted | None = None) -> Preview:
        """What importing ``path`` would propose, without changing anything: the metadata read from its text, its
        passages, and the imported document it repeats (to offer replacing that one instead). ``read`` is the
        file's text as read before, so a scan is not recognised again."""
        extracted, data_sha, text_sha, proposal, _ = self._read(path, ocr, {}, read)
        duplicate = ""
        try:
            self._check_duplicate(self.entries(), known or {}, path.name, data_sha, text_sha, proposal, "")
        except DuplicateDocument as exc:
            duplicate = exc.existing_id
        cuts = cut_lines(extracted.lines, proposal.title, proposal.doc_number)
        return Preview(proposal, extracted, cuts, duplicate)

    def add(self, path: Path, overrides: Mapping[str, str | None] | None = None, who: str = "",
            ocr: PageOcr | None = None, replace: str = "", known: Mapping[str, tuple[str, str]] | None = None,
            read: Extracted | None = None) -> Imported:
        """Import one file as a new document (or in place of ``replace``); ``known`` maps the store's other
        documents to (title, 文号), so a document already there is never imported twice. An override of None
        keeps what the text proposed; an empty one clears it (a wrongly read date). ``read`` is the file's text
        as its preview read it."""
        extracted, data_sha, text_sha, proposal, printed = self._read(path, ocr, overrides or {}, read)
        front = _front_matter(proposal)  # a wrong date is refused before anything is written
        with self.history.locked():
            entries = self.entries()
            if replace and replace not in entries:
                raise ContentError(f"没有编号为“{replace}”的导入文件，无法替换。用 kiosk content list 查看。")
            self._check_duplicate(entries, known or {}, path.name, data_sha, text_sha, proposal, replace)
            doc_id = replace or self._new_id(proposal.title or path.stem, set(entries) | set(known or {}))
            # the title and 文号 as printed are front matter, not passages, even when the editor reworded them
            cuts = cut_lines(extracted.lines, proposal.title, proposal.doc_number, *printed)
            if not cuts:
                raise ContentError(f"“{path.name}”里没有可以切分成段落的正文，没有导入。")
            original = self.originals / data_sha / _safe_name(path.name)
            if not original.exists():
                original.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, original)
            write_document(self.source / POLICIES / doc_id, front, cuts)
            entries[doc_id] = {
                "title": proposal.title, "doc_number": proposal.doc_number, "original": str(original.relative_to(self.root)),
                "original_name": path.name, "sha256": data_sha, "text_sha": text_sha, "format": extracted.format,
                "flags": proposal.flags, "notes": extracted.notes, "proposal": proposal.as_dict(),
            }
            self._save_index(entries)
            who = who or who_default()
            action = "替换" if replace else "导入"
            version = self.history.commit(self.source, who, action, f"{action}《{proposal.title}》（{path.name}）")
        return Imported(doc_id, proposal.title, len(cuts), proposal.as_dict(), proposal.flags, extracted.notes,
                        replace, version.number if version else 0)

    def _read(self, path: Path, ocr: PageOcr | None, overrides: Mapping[str, str | None],
              read: Extracted | None = None) -> tuple[Extracted, str, str, Proposal, tuple[str, str]]:
        """The file's text and hashes, the metadata proposed and overridden, and the title and 文号 as printed."""
        extracted = read or read_file(path, ocr)  # checks the size before reading anything
        proposal = propose(extracted.lines, extracted.hints)
        printed = (proposal.title, proposal.doc_number)
        for key, value in overrides.items():
            if value is not None:
                setattr(proposal, key, value.strip())
        proposal.flags = flags_for(proposal)
        return extracted, _sha_file(path), _text_sha(extracted.lines), proposal, printed

    def recut(self, doc_id: str, who: str = "", ocr: PageOcr | None = None) -> int:
        """Cut a document again from its kept original (after the readers improved); returns its passage count."""
        entry = self.entries().get(doc_id)
        if entry is None:
            raise ContentError(f"没有编号为“{doc_id}”的导入文件。")
        meta, _ = self.cut(doc_id)
        extracted = read_file(self.root / entry["original"], ocr)
        cuts = cut_lines(extracted.lines, str(meta.get("title") or ""), str(meta.get("doc_number") or ""))
        return self.save_cut(doc_id, meta, cuts, who, f"按原件重新切分《{meta.get('title')}》")

    def save_cut(self, doc_id: str, meta: dict, cuts: list[Cut], who: str, summary: str) -> int:
        with self.history.locked():
            write_document(self.document_path(doc_id), meta, cuts)
            self.history.commit(self.source, who or who_default(), "修改", summary)
        return len(cuts)

    def update_metadata(self, doc_id: str, changes: Mapping[str, str], who: str = "") -> dict:
        """Confirm or correct what was proposed (title, 文号, issuer, dates …)."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise ContentError(f"不能修改“{'、'.join(sorted(unknown))}”：可改的项目是 {'、'.join(FIELDS)}。")
        meta, cuts = self.cut(doc_id)
        meta.update(changes)
        _check_front_matter(meta)
        meta = {k: v for k, v in meta.items() if v not in ("", None)}  # a cleared date is no date, not ''
        with self.history.locked():
            write_document(self.document_path(doc_id), meta, cuts)
            # the list, the duplicate check and the flags read the index: it follows the corrected metadata
            entries = self.entries()
            entries[doc_id].update(title=meta.get("title", ""), doc_number=meta.get("doc_number", ""),
                                   flags=_flags(meta))
            self._save_index(entries)
            labels = "、".join(LABELS.get(k, k) for k in changes)
            self.history.commit(self.source, who or who_default(), "修改", f"修改《{meta.get('title')}》的{labels}")
        return meta

    def remove(self, doc_id: str, who: str = "") -> Version | None:
        with self.history.locked():
            entries = self.entries()
            if doc_id not in entries:
                raise ContentError(f"没有编号为“{doc_id}”的导入文件。")
            title = entries.pop(doc_id)["title"]
            (self.source / POLICIES / doc_id).unlink(missing_ok=True)
            # its accepted conditions go with it (a rule about a missing document would only warn)
            (self.source / rule_file(doc_id)).unlink(missing_ok=True)
            self._save_index(entries)
            return self.history.commit(self.source, who or who_default(), "删除", f"删除《{title}》")

    def rollback(self, number: int, who: str = "") -> Version:
        """Make the content what it was after version ``number``; the rollback is itself a new version."""
        with self.history.locked():
            target = self.history.get(number)
            self.history.restore(number, self.source)
            version = self.history.commit(self.source, who or who_default(), "回滚",
                                          f"回到第 {number} 版（{target.summary}）")
        if version is None:
            raise ContentError(f"内容已经是第 {number} 版的样子，没有需要回滚的改动。")
        return version

    # helpers ----------------------------------------------------------------------------------------------
    def _check_duplicate(self, entries: dict[str, dict], known: Mapping[str, tuple[str, str]], name: str,
                         data_sha: str, text_sha: str, proposal: Proposal, replace: str) -> None:
        for doc_id, entry in entries.items():
            same_number = proposal.doc_number and entry.get("doc_number") == proposal.doc_number
            if doc_id != replace and (entry["sha256"] == data_sha or entry["text_sha"] == text_sha or same_number):
                raise DuplicateDocument(doc_id, entry["title"], name)
        for doc_id, (title, number) in known.items():
            if doc_id in entries:
                continue
            if (proposal.doc_number and number == proposal.doc_number) or (proposal.title and title == proposal.title):
                raise ContentError(f"“{name}”与政策库中已有的《{title}》（编号 {doc_id}）是同一份文件，没有重复导入。")

    def _new_id(self, title: str, taken: set[str]) -> str:
        base = slug(title)
        doc_id, n = f"{base}.md", 2
        while doc_id in taken:
            doc_id, n = f"{base}_{n}.md", n + 1
        return doc_id

    def _save_index(self, entries: dict[str, dict]) -> None:
        self.source.mkdir(parents=True, exist_ok=True)
        tmp = self.source / (INDEX + ".tmp")
        tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.source / INDEX)


def slug(title: str, words: int = 6) -> str:
    """A file name from the title's pinyin, as the store's other documents are named (xh_keji_yanfa_butie)."""
    import jieba
    from pypinyin import lazy_pinyin

    parts = ["".join(lazy_pinyin(w)) for w in jieba.lcut(re.sub(r"[^\u4e00-\u9fa5A-Za-z0-9]", "", title)) if w]
    text = "_".join(p.lower() for p in parts[:words] if p.isascii() and p.isalnum())
    return text or "wenjian_" + datetime.now(UTC).strftime("%Y%m%d%H%M%S")


def _front_matter(p: Proposal) -> dict:
    meta = {"title": p.title or "未命名文件", "issuer": p.issuer or "未注明", "level": p.level or "区",
            "doc_number": p.doc_number, "region": p.region, "published": p.published, "effective": p.effective,
            "expires": p.expires}
    _check_front_matter(meta)
    return {k: v for k, v in meta.items() if v}


LABELS = {"title": "标题", "doc_number": "文号", "issuer": "发文机关", "level": "文件级别", "region": "地区",
          "published": "发布日期", "effective": "施行日期", "expires": "失效日期"}


def _flags(meta: dict) -> list[str]:
    """What an editor must still check in a document's front matter (an issuer written as 未注明 is none)."""
    proposal = Proposal(**{k: str(meta.get(k) or "") for k in FIELDS})
    if proposal.issuer == "未注明":
        proposal.issuer = ""
    return flags_for(proposal)


def _check_front_matter(meta: dict) -> None:
    for key in ("published", "effective", "expires"):
        value = str(meta.get(key) or "")
        if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ContentError(f"{LABELS[key]}应写成 YYYY-MM-DD，例如 2025-04-01，而不是“{value}”。")
    if meta.get("level") and meta["level"] not in ("国家", "省", "市", "区"):
        raise ContentError(f"文件级别应为 国家、省、市、区 之一，而不是“{meta['level']}”。")
    for key in ("title", "issuer"):
        if key in meta and not str(meta[key]).strip():
            raise ContentError(f"{LABELS[key]}不能为空。")


def _sha_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        raise ContentError(f"找不到或无法读取文件“{path.name}”。") from None
    return digest.hexdigest()


def _text_sha(lines: list[str]) -> str:
    return hashlib.sha256("".join("".join(lines).split()).encode()).hexdigest()


def _safe_name(name: str) -> str:
    return re.sub(r"[/\\\x00]", "_", name)[-120:] or "original"
