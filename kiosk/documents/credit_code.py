"""统一社会信用代码 (GB 32100-2015): check character, validation and OCR repair.

The code is 18 characters: registration authority (1), entity category (1), administrative division (6 digits),
the organisation code of GB 11714 (8 characters + its own check character) and a final check character over the
first 17. OCR confuses look-alike glyphs (O/0, I/1, Z/2, S/5, B/8 ...); a repair is accepted only when the
checksum confirms it, so a misread code is never silently "fixed" into someone else's.
"""

from __future__ import annotations

from dataclasses import dataclass

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}

# GB 11714 organisation code (positions 9-17): weights over 8 characters, check 0-9 or X.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Letters the code never uses, mapped to the glyph OCR most likely took them for.
_FORCED = {"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"}
# Glyph pairs OCR confuses among legitimate characters; tried only when the checksum fails.
_CONFUSABLE = {
    "0": "DQ", "D": "0", "Q": "0", "1": "L7T", "L": "1", "7": "1T", "T": "17", "2": "Z", "5": "S", "8": "B3",
    "B": "8", "3": "8", "6": "G", "G": "6", "U": "VY", "Y": "UX", "X": "YK", "K": "X", "4": "A", "A": "4",
    "E": "F", "F": "E", "M": "N", "N": "MH", "H": "N", "W": "M",
}
_DIGITS_ONLY = range(2, 8)  # the administrative division code
# Only the organisation code is covered by both checksums, so only there may a look-alike be swapped.
_ORG_SPAN = range(8, 17)


@dataclass(frozen=True)
class CodeReading:
    """A code as read, and what validation and repair made of it."""

    raw: str
    code: str  # the repaired code when the checksum confirmed a repair, else the cleaned reading
    valid: bool
    repaired: bool


def check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(c not in _VALUE for c in code):
        return False
    return check_char(code[:17]) == code[17]


def org_code_ok(code: str) -> bool:
    """GB 11714 check of the embedded organisation code; a second, independent confirmation for repairs."""
    body, check = code[8:16], code[16]
    try:
        values = [int(c, 36) for c in body]
    except ValueError:
        return False
    rest = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    expected = "X" if rest == 10 else "0" if rest == 11 else str(rest)
    return check == expected


def clean(raw: str) -> str:
    """Upper case with separators and full-width forms removed."""
    out = []
    for ch in raw.upper():
        if "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ":
            ch = chr(ord(ch) - 0xFEE0)
        if ch.isascii() and ch.isalnum():
            out.append(ch)
    return "".join(out)


def read_code(raw: str) -> CodeReading:
    """Validate a code as OCR read it, repairing look-alike glyphs when (and only when) the checksum confirms."""
    code = clean(raw)
    if is_valid(code):
        return CodeReading(raw, code, True, False)
    if len(code) != 18:
        return CodeReading(raw, code, False, False)
    forced = "".join(_FORCED.get(c, c) for c in code)
    forced = "".join(_digit_like(c) if i in _DIGITS_ONLY else c for i, c in enumerate(forced))
    if is_valid(forced):
        return CodeReading(raw, forced, True, True)
    candidate = _single_confusion(forced)
    if candidate:
        return CodeReading(raw, candidate, True, True)
    return CodeReading(raw, code, False, False)


def _digit_like(ch: str) -> str:
    return {"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "T": "7", "Z": "2", "S": "5", "B": "8", "G": "6"}.get(
        ch, ch
    )


def _single_confusion(code: str) -> str | None:
    """The one code a single look-alike substitution makes valid under both checksums; None if none or several."""
    found: set[str] = set()
    for i in _ORG_SPAN:
        for alt in _CONFUSABLE.get(code[i], ""):
            # A swap by a multiple of 11 leaves the organisation check unchanged, so it confirms nothing.
            if alt not in _VALUE or (int(alt, 36) - int(code[i], 36)) % 11 == 0:
                continue
            candidate = code[:i] + alt + code[i + 1 :]
            # One 1-in-31 checksum over ~30 candidates would pass by chance too often: the independent
            # organisation-code check must agree as well.
            if is_valid(candidate) and org_code_ok(candidate):
                found.add(candidate)
    return found.pop() if len(found) == 1 else None


def make_code(authority: str, category: str, division: str, org_body: str) -> str:
    """A well-formed code (both check characters computed), for samples and tests."""
    values = [int(c, 36) for c in org_body]
    rest = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    org_check = "X" if rest == 10 else "0" if rest == 11 else str(rest)
    first17 = f"{authority}{category}{division}{org_body}{org_check}"
    return first17 + check_char(first17)


def confusion_variants(code: str) -> list[str]:
    """Every reading with one forced look-alike (O for 0, I for 1, Z for 2, S for 5), for tests and benchmarks."""
    back = {v: k for k, v in _FORCED.items() if k != "V"}
    return [code[:i] + back[ch] + code[i + 1 :] for i, ch in enumerate(code) if ch in back]
