"""When a document applies, read from the public corpus's own words and stored by the importer."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.knowledge.segment import TOKENIZER
from kiosk.store import Store
from kiosk.store.importer import build
from kiosk.store.records import Document
from kiosk.store.validity import (
    ValidityNote,
    Window,
    cn_number,
    notice,
    parse_date,
    parse_validity,
    parse_window,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NCP = CORPUS.parent / "eval" / "external" / "ncp" / "docs"


def corpus(name: str) -> str:
    path = CORPUS / name
    if not path.is_file():
        pytest.fail(f"the shared corpus is missing {name}")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "effective", "expires"),
    [
        # page header “实施日期：2019年10月16日 / 失效日期：2024年10月15日”
        ("gz_jiuye_jianxi_jidi_2019.txt", date(2019, 10, 16), date(2024, 10, 15)),
        # “本办法自2023年9月8日起施行，有效期3年”
        ("gz_tianhe_gangao_qingnian_2023.txt", date(2023, 9, 8), date(2026, 9, 7)),
        # “本细则自印发之日起实施，有效期5年”, signed 2022年7月7日
        ("gz_rencai_ruhu_shishi_xize.txt", date(2022, 7, 7), date(2027, 7, 6)),
        # “自印发之日起施行，有效期至2026年12月31日”, signed 2025年6月30日 (the page's 2025-07-05 is its posting date)
        ("gz_jifen_ruhu_banfa_2025.txt", date(2025, 6, 30), date(2026, 12, 31)),
        # a law: in force from a date, no end
        ("cn_shehui_baoxianfa.md", date(2011, 7, 1), None),
        # a residence card's own validity (“电子居住证有效期为一年”) is not the document's
        ("gz_dianzi_juzhuzheng.txt", None, None),
    ],
)
def test_effective_and_expiry_dates_from_corpus_text(name, effective, expires):
    validity = parse_validity(corpus(name))
    assert (validity.effective, validity.expires) == (effective, expires)


def test_application_windows_from_corpus_text():
    # “申请时间：2025年8月11日至8月22日”: the end date takes the start's year
    assert parse_validity(corpus("gz_tianhe_rencai_gongyu_2025.txt")).windows == (
        Window(date(2025, 8, 11), date(2025, 8, 22)),)
    # “申报时间是：2025年10月10日9时至2025年11月10日17时”
    assert parse_validity(corpus("gz_jifen_ruhu_13wen_2025.txt")).windows == (
        Window(date(2025, 10, 10), date(2025, 11, 10)),)


def test_chinese_numeral_dates():
    assert cn_number("三十一") == 31 and cn_number("二〇二五") == 2025 and cn_number("十") == 10
    assert parse_date("二〇二五年三月一日") == date(2025, 3, 1)
    assert parse_date("二零二四年十二月三十一日") == date(2024, 12, 31)
    assert parse_date("2020年底") == date(2020, 12, 31)
    assert parse_date("二〇二五年二月三十日") is None  # no such day
    text = "第十条 本办法自二〇二五年三月一日起施行，有效期二年。"
    assert parse_validity(text) == parse_validity("第十条 本办法自2025年3月1日起施行，有效期2年。")
    assert parse_validity(text).expires == date(2027, 2, 28)


def test_external_documents_with_year_end_and_months():
    found = {p.name: parse_validity(p.read_text(encoding="utf-8")) for p in sorted(NCP.glob("*.txt"))}
    if not found:
        pytest.fail("the external NCP documents are missing")
    # “自印发之日起实施，有效期至2020年底”
    assert any(v.expires == date(2020, 12, 31) for v in found.values())
    # “本政策自发布之日起施行，施行期暂定为6个月”
    assert any(v.effective and v.expires and (v.expires - v.effective).days in range(180, 184)
               for v in found.values())


def test_annual_windows_and_front_matter_forms():
    text = ("第九条 每年9月1日至9月30日通过“亲清在线”平台申报。第七条 每年6月由区科技部门组织申报。"
            "第八条 每年3月31日前申报。第六条 每年1月1日至11月30日在线申领。第五条 每年5月组织培训。")
    windows = parse_validity(text).windows
    assert [w.describe() for w in windows] == ["每年9月1日至9月30日", "每年6月1日至6月30日", "每年1月1日至11月30日"]
    autumn = windows[0]
    assert autumn.is_open(date(2026, 9, 15)) and not autumn.is_open(date(2026, 12, 2))
    assert autumn.bounds(date(2026, 12, 2)) == (date(2027, 9, 1), date(2027, 9, 30))
    assert parse_window("2025-04-01~2025-04-30") == Window(date(2025, 4, 1), date(2025, 4, 30))
    assert parse_window("2025年4月1日至4月30日") == Window(date(2025, 4, 1), date(2025, 4, 30))
    assert parse_window("每年4月1日至4月30日").annual
    assert parse_window("随时") is None


def test_notice_comes_first_for_an_expired_document(store):
    expired = store.document("gz_jiuye_jianxi_jidi_2019.txt")
    # without the document's text only the stored date can be said, and there is nothing to cite
    assert notice(expired, date(2026, 12, 2)) == ValidityNote("该政策已于2024年10月15日失效，以下内容仅供参考。")
    assert notice(expired, date(2020, 1, 1)) is None
    assert notice(store.document("cn_shehui_baoxianfa.md"), date(2026, 12, 2)) is None
    assert "尚未生效" in notice(store.document("cn_shehui_baoxianfa.md"), date(2010, 1, 1)).text


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def test_a_date_computed_from_a_period_is_said_as_the_period_its_clause_states():
    text = "第一条 为了……制定本办法。\n第十三条 本办法自2023年9月8日起施行，有效期3年。本办法有效期满而资金尚未支付完毕的，应继续执行。"
    doc = Document("t.txt", "测试办法", effective="2023-09-08", expires="2026-09-07")
    note = notice(doc, date(2026, 12, 2), text)
    # the computed last day (2026-09-07) is written nowhere, so the note does not say it
    assert "2026" not in note.text and "期满" in note.text
    assert note.clause and note.clause in text
    assert _numbers(note.text) and all(n in note.clause for n in _numbers(note.text))
    # “自印发之日起施行” starts on the signature's date, which the clause then carries too
    issued = "第九条 本办法自印发之日起施行，有效期五年。\n\n2019年10月16日\n"
    doc = Document("i.txt", "测试通知", effective="2019-10-16", expires="2024-10-15")
    note = notice(doc, date(2026, 12, 2), issued)
    assert all(line in issued for line in note.clause.split("\n"))
    assert all(n in note.clause for n in _numbers(note.text)) and "五年" in note.text


def test_the_front_matter_date_is_kept_when_the_text_states_another():
    doc = Document("t.md", "测试办法", expires="2025-01-31")
    note = notice(doc, date(2026, 12, 2), "第二条 本办法自2020年3月1日起施行，有效期至2030年12月31日。")
    assert note == ValidityNote("该政策已于2025年1月31日失效，以下内容仅供参考。")


@pytest.mark.parametrize("when", ["expired", "pending"])
def test_every_corpus_notice_states_only_figures_its_own_words_hold(when):
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.*")) if p.suffix in (".txt", ".md")}
    notes = []
    for name, text in texts.items():
        validity = parse_validity(text)
        day = validity.expires if when == "expired" else validity.effective
        if day is None:
            continue
        doc = Document(name, name, effective=validity.effective.isoformat() if validity.effective else "",
                       expires=validity.expires.isoformat() if validity.expires else "")
        today = day + timedelta(days=1) if when == "expired" else day - timedelta(days=1)
        if when == "expired":
            doc = replace(doc, effective="")  # judged on its expiry alone
        note = notice(doc, today, text)
        assert note is not None, name
        notes.append((name, text, note))
    assert notes, "the corpus states no such dates"
    for name, text, note in notes:
        flat = re.sub(r"\s+", "", text)
        assert note.clause and all(re.sub(r"\s+", "", line) in flat for line in note.clause.split("\n")), name
        assert all(n in note.clause for n in _numbers(note.text)), (name, note)


def test_importer_stores_dates_and_front_matter_overrides_the_text(tmp_path):
    src = tmp_path / "src"
    (src / "policies").mkdir(parents=True)
    (src / "policies" / "t.md").write_text(
        "---\ntitle: 测试办法\nissuer: 测试局\nlevel: 区\nexpires: 2030-01-01\nwindows: [每年4月1日至4月30日]\n---\n"
        "第一条 每年9月1日至9月30日申报。\n第二条 本办法自2025年3月1日起施行，有效期至2026年12月31日。\n",
        encoding="utf-8")
    (src / "t_notice.txt").write_text("# 标题: 测试通知\n\n第三条 本办法自2024年1月1日起施行，有效期1年。\n", encoding="utf-8")
    build(tmp_path / "k.db", [src], tokenizer=TOKENIZER)
    store = Store(tmp_path / "k.db")
    doc = store.document("t.md")
    assert (doc.effective, doc.expires) == ("2025-03-01", "2030-01-01")
    assert [w.describe() for w in doc.windows] == ["每年4月1日至4月30日"]
    notice_doc = store.document("t_notice.txt")
    assert (notice_doc.effective, notice_doc.expires) == ("2024-01-01", "2024-12-31")


def test_db_info_lists_what_expires_within_30_days(real_store_path, capsys):
    from kiosk.cli import main

    assert main(["db", "info", "--json", "--db", str(real_store_path), "--today", "2026-08-20"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in info["expiring"]] == ["gz_tianhe_gangao_qingnian_2023.txt"]
    assert info["expiring"][0]["expires"] == "2026-09-07"
    assert "gz_jiuye_jianxi_jidi_2019.txt" in [d["id"] for d in info["expired"]]
    assert main(["db", "info", "--db", str(real_store_path), "--today", "2026-08-20"]) == 0
    assert "30 天内到期：1 份" in capsys.readouterr().out


def test_a_store_of_the_older_schema_is_rebuilt_on_open(tmp_path, monkeypatch):
    import sqlite3

    src = tmp_path / "src"
    src.mkdir()
    (src / "t_notice.txt").write_text("# 标题: 测试通知\n\n第三条 本办法自2024年1月1日起施行，有效期1年。\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_SOURCES", str(src))
    db = tmp_path / "k.db"
    build(db, [src], tokenizer=TOKENIZER)
    conn = sqlite3.connect(db)
    conn.executescript("ALTER TABLE documents DROP COLUMN windows; UPDATE meta SET value='1' WHERE key='schema_version';")
    conn.close()
    assert Store.open(db, TOKENIZER).document("t_notice.txt").expires == "2024-12-31"
