"""How a visitor says yes or no to a question about their enterprise or their case ("有", "没有", "不需要"),
in one place for policy matching and the one-thing guides.

Two other readings are deliberately not this one: agreeing to an offer of more information (the dialogue's
"好的", "继续") and consenting to hand contact details on (the request desk's "同意"): their words mean something
else there.
"""

from __future__ import annotations

import unicodedata

YES = frozenset({"是", "是的", "有", "有的", "对", "对的", "符合", "满足", "要", "需要", "会", "已", "已经", "租", "租的",
                 "yes", "y", "true", "1"})
NO = frozenset({"否", "不", "不是", "没有", "没", "无", "未", "不要", "不需要", "不会", "不符合", "不满足",
                "no", "n", "false", "0"})
# a longer answer starting so ("有两个", "不太需要") says the same
YES_STARTS = ("是", "有", "需要", "要", "会", "已")
NO_STARTS = ("不", "没", "无", "否", "未")


def yes_or_no(text: str) -> bool | None:
    """True for yes, False for no, None when the words say neither."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower().strip("。.!！ ")
    if t in YES:
        return True
    if t in NO:
        return False
    if t.startswith(YES_STARTS):
        return True
    if t.startswith(NO_STARTS):
        return False
    return None
