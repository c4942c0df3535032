"""Personal data in what visitors type: find it, mask it, and keep it out of logs.

Visitors write ID numbers, phone numbers, bank card numbers and names into free text ("我叫张伟，身份证…，电话…").
The kiosk stores and shows that text only masked; the contact phone a request needs is kept in its own field
(see ``kiosk.requests``). ``mask_numbers`` masks what is unambiguous anywhere (ID, mobile and bank card numbers);
``redact`` is for text a visitor wrote and also masks landlines and personal names. Both are idempotent: masked
text passes through unchanged.

Names are found two ways: introduced as names ("我叫…", "联系人：…", "…先生"), and wherever jieba's part-of-speech
tagger sees a person's name (``nr``) that starts with a common surname, is not a common word, a place ("向阳街道",
"宋城景区") or a title ("王经理"). Masking keeps the surname, so staff can still address the visitor.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "*"

# 18-digit 居民身份证 (last character may be X) and the old 15-digit form, both with a plausible birth date, so an
# order number of the same length is left alone.
_ID_18 = re.compile(
    r"(?<![0-9A-Za-z])(\d{6})[ ]?((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))[ ]?(\d{3}[0-9Xx])"
    r"(?![0-9A-Za-z])"
)
_ID_15 = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9A-Za-z])")
# Bank cards: 16 to 19 digits, often written in groups of four.
_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<![0-9A-Za-z])(0\d{2,3})[ -]?(\d{3,4})[ -]?(\d{4})(?![0-9A-Za-z])")

# The common single and compound surnames (百家姓 order); a name is a surname and one or two more characters.
_SURNAMES_1 = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方"
    "俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明"
    "臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管"
    "卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦"
    "巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺"
    "屠蒙池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾"
    "鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠"
    "须丰巢关蒯相查后荆红游竺权逯盖益桓公付覃"
)
_SURNAMES_2 = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯")
_SURNAME = "(?:" + "|".join(_SURNAMES_2) + f"|[{_SURNAMES_1}])"
_HAN = r"[\u4e00-\u9fff]"
# A name introduced as one ("我叫", "联系人："), or followed by a form of address ("先生", "女士").
_NAME_CUE = re.compile(
    r"((?:姓名|名字|联系人|负责人|经办人|申请人|法定代表人|法人代表|法人|本人|我叫|我是|叫做|称呼)\s*[:：是为叫]?\s*)"
    rf"({_SURNAME})({_HAN}{{1,2}})"
)
_NAME_TITLE = re.compile(rf"({_SURNAME})({_HAN}{{1,2}}?)(先生|女士|小姐|同志)")
_WEAK_CUES = ("我是", "本人")  # also introduce places and companies
# What follows a cue without being a name: "我是公司的…", "本人想…", "联系人：王先生" (and places, below).
_NOT_GIVEN_NAME = re.compile(r"^(?:公司|企业|单位|先生|女士|小姐|这|那|来|想|要|在|个|本|一|不|从|有|们|的|说|问|家|店|厂)")
# A name is not a person's when it contains a place character ("我是杭州…") or is followed by a place or an
# organisation, nor when it is a role ("申请人", "联系人").
_PLACE_CHARS = re.compile(r"[州市区县省镇乡村街路]")
_PLACE_AFTER = ("街道", "社区", "小区", "园区", "中心", "广场", "大厦", "景区", "公园", "大道", "路", "街", "区", "镇",
                "村", "桥", "市场", "体育", "集团", "公司", "酒店", "医院", "学校", "银行", "工业")
_TITLES = re.compile(r"^(?:经理|总|老师|主任|师傅|先生|女士|小姐|同志|书记|局长|科长|处长|所长|院长|会计|老板|阿姨|"
                     r"大爷|师|工|姐|哥)")
_tagger_lock = threading.Lock()
COMMON_WORD_FREQUENCY = 50  # in jieba's dictionary; the names it lists ("王建国", "刘德华") are below this


def mask_id(number: str) -> str:
    """Keep the first 3 and last 4 characters of an ID number."""
    number = re.sub(r"\s", "", number)
    return number if len(number) < 8 else number[:3] + MASK * (len(number) - 7) + number[-4:]


def mask_phone(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits if len(digits) < 7 else digits[:3] + MASK * 4 + digits[-4:]


def _mask_card(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(1))
    return MASK * 4 + " " + MASK * 4 + " " + MASK * 4 + " " + digits[-4:]


def mask_numbers(text: str) -> str:
    """Mask every ID-card, mobile and bank card number inside free text."""
    text = _ID_18.sub(lambda m: mask_id(m.group(0)), text)
    text = _ID_15.sub(lambda m: mask_id(m.group(0)), text)
    text = _CARD.sub(_mask_card, text)
    return _MOBILE.sub(lambda m: m.group(1) + MASK * 4 + m.group(3), text)


def _given_name(given: str) -> str:
    return MASK * len(given)


def _rare(frequency: int | None, length: int) -> bool:
    """Whether a word the tagger calls a name is rare enough to be one.

    The tagger's dictionary marks common words as names too ("谢谢", "井盖", "胡同"); a person's name is either
    unknown to it (found by its statistical model) or, with three or four characters, rare in it.
    """
    if not frequency:
        return True
    return length >= 3 and frequency < COMMON_WORD_FREQUENCY


def _frequency(word: str) -> int | None:
    import jieba

    return jieba.dt.FREQ.get(word)


def _tagged_names(text: str) -> str:
    """Mask the given names of the people jieba's tagger finds in ``text``."""
    import jieba
    import jieba.posseg

    with _tagger_lock:
        jieba.setLogLevel(logging.WARNING)
        words = [(w.word, w.flag) for w in jieba.posseg.cut(text)]
    out: list[str] = []
    for i, (word, flag) in enumerate(words):
        surname = re.match(_SURNAME, word)
        following, following_flag = words[i + 1] if i + 1 < len(words) else ("", "")
        given = word[surname.end():] if surname else ""
        # A name followed by a number is a fraction or a count ("万分之五"), not a person.
        if (flag == "nr" and given and len(word) <= 4 and _rare(_frequency(word), len(word))
                and re.fullmatch(f"{_HAN}+", given) and following_flag != "m"
                and not _PLACE_CHARS.search(given) and not _TITLES.match(given) and not given.endswith("人")
                and not following.startswith(_PLACE_AFTER)):
            word = surname.group(0) + _given_name(given)
        out.append(word)
    return "".join(out)


def mask_names(text: str, thorough: bool = True) -> str:
    """Mask the given names of people in ``text``; the surname stays so staff can address them.

    ``thorough=False`` uses patterns only (names after "我叫", "联系人：", before "先生"…) and never loads the
    tagger's dictionary, which takes a second or two: cheap enough for every log line, on any thread.
    """

    def cue(m: re.Match[str]) -> str:
        # After "我是"/"本人", "广东…" is a place, not 广 + a given name: surname and next character make a
        # common word. "我叫王国庆" is a name all the same: "我叫" introduces nothing else.
        if _NOT_GIVEN_NAME.match(m.group(3)) or _PLACE_CHARS.search(m.group(3)):
            return m.group(0)
        if m.group(1).startswith(_WEAK_CUES) and not (thorough and _rare(_frequency(m.group(2) + m.group(3)[0]), 2)):
            return m.group(0)
        return m.group(1) + m.group(2) + _given_name(m.group(3))

    text = _NAME_CUE.sub(cue, text)
    text = _NAME_TITLE.sub(lambda m: m.group(1) + _given_name(m.group(2)) + m.group(3), text)
    return _tagged_names(text) if thorough and re.search(_HAN, text) else text


def redact(text: str, thorough: bool = True) -> str:
    """What a visitor wrote, fit to store and show: numbers, landlines and names masked (see ``mask_names``)."""
    text = mask_numbers(text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-" + MASK * len(m.group(2)) + m.group(3), text)
    return mask_names(text, thorough)


class _RedactingRecord(logging.LogRecord):
    """A log record whose message and traceback carry no personal numbers, nor names introduced as names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            message = self.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call keeps its own text; logging reports it later
            return
        self.msg, self.args = redact(message, thorough=False), None
        if self.exc_info and not self.exc_text:
            self.exc_text = redact(logging.Formatter().formatException(self.exc_info), thorough=False)


def install_log_redaction() -> None:
    """Every log record made from now on, by any logger and for any handler, is redacted at creation."""
    logging.setLogRecordFactory(_RedactingRecord)
