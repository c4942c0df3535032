"""`kiosk match`: text and JSON for a profile file, friendly errors, the batch and the outbox on a small register."""

from __future__ import annotations

import json

from kiosk.cli import main

PROFILE = {"name": "杭州云杉信息技术有限公司", "tags": ["street_cuiyuan", "own_private", "科技型中小企业", "size_small"],
           "facts": {"established": "2019-05-01", "rd_growth": 20}}


def write(tmp_path, data, name="p.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_profile_json_has_the_documented_shape(tmp_path, capsys):
    assert main(["match", "--profile", write(tmp_path, PROFILE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["profile"]["name"] == "杭州云杉信息技术有限公司"
    # policies still offered come first, ranked by status; expired ones or closed windows after them
    offered = [m["availability"]["state"] in ("open", "upcoming") for m in out["matches"]]
    assert offered == sorted(offered, reverse=True)
    statuses = [m["status"] for m, o in zip(out["matches"], offered, strict=True) if o]
    assert statuses == sorted(statuses, key=["met", "one_step", "unknown", "not_met"].index)
    first = out["matches"][0]
    assert {"policy", "title", "status", "conditions", "how_to_apply"} <= set(first)
    assert {"text", "status", "clause", "explanation", "question"} <= set(first["conditions"][0])


def test_answers_change_the_outcome_and_text_output_explains(tmp_path, capsys):
    path = write(tmp_path, PROFILE)
    main(["match", "--profile", path, "--json"])
    before = {m["rule"]: m["status"] for m in json.loads(capsys.readouterr().out)["matches"]}
    assert before["xh_keji_yanfa_touru_buzhu"] == "unknown"
    args = ["match", "--profile", path, "--answer", "rd_ratio=4.5%", "--answer", "status_dishonest=否",
            "--answer", "status_safety_accident=否"]
    assert main([*args, "--json"]) == 0
    after = {m["rule"]: m["status"] for m in json.loads(capsys.readouterr().out)["matches"]}
    assert after["xh_keji_yanfa_touru_buzhu"] == "met"
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "【符合条件】" in text and "西湖区科技型中小企业研发投入补助办法" in text and "第三条" in text


def test_bad_inputs_give_friendly_messages(tmp_path, capsys):
    assert main(["match", "--profile", str(tmp_path / "none.json")]) == 1
    assert "找不到企业画像文件" in capsys.readouterr().err
    assert main(["match", "--profile", write(tmp_path, "{not json", "bad.json")]) == 1
    assert "不是有效的 JSON" in capsys.readouterr().err
    assert main(["match", "--profile", write(tmp_path, {"tags": ["火星企业"]}, "t.json")]) == 1
    assert "未知标签" in capsys.readouterr().err
    assert main(["match", "--profile", write(tmp_path, PROFILE), "--answer", "rd_ratio"]) == 1
    assert "键=值" in capsys.readouterr().err
    assert main(["match", "--profile", write(tmp_path, PROFILE), "--answer", "qual_gaoxin=也许"]) == 1
    assert "无法记录回答" in capsys.readouterr().err
    assert main(["match", "--scan", str(tmp_path / "none.jpg")]) == 1
    assert "找不到图片" in capsys.readouterr().err


def test_batch_then_outbox(capsys):
    assert main(["match", "--batch", "--size", "2000", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["enterprises"] == 2000 and report["rematched"] == len(report["rules"])
    assert main(["match", "--batch", "--size", "2000", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rematched"] == 0
    assert main(["match", "--outbox", "--json", "--limit", "2"]) == 0
    box = json.loads(capsys.readouterr().out)
    assert box["total"] == report["notified"] and len(box["recent"]) == min(2, box["total"])


def test_check_reports_ok(capsys):
    assert main(["match", "--check"]) == 0
    assert "0 处错误" in capsys.readouterr().out
