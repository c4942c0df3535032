"""What goes wrong with a file staff bring, in plain Chinese."""

from __future__ import annotations

from kiosk.errors import FriendlyError

MAX_BYTES = 64 * 1024 * 1024  # a 40-page scanned policy is a few MB; anything far larger is not a policy document


class ContentError(FriendlyError):
    """A file cannot be imported, or an edit cannot be made; ``friendly`` says why and what to do."""


class DuplicateDocument(ContentError):
    """The file is already in the library: offer to replace that document instead of importing it twice."""

    def __init__(self, existing_id: str, title: str, name: str):
        super().__init__(f"“{name}”与已有文件《{title}》（编号 {existing_id}）内容相同或文号相同，没有重复导入。"
                         f"如要用新文件替换它，请加上 --replace {existing_id}。")
        self.existing_id = existing_id


TOO_LARGE = "“{name}”有 {size} MB，超过 {limit} MB 的上限，没有读取。请只导入政策文件本身（可拆分或压缩后再导入）。"
UNKNOWN_FORMAT = "“{name}”的格式无法导入。可以导入 PDF、Word（.docx）、网页（.html）和文本（.txt、.md）文件。"
EMPTY = "“{name}”里没有读到正文文字，没有导入。"
