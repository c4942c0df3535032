"""The offline bundle and the .deb, built for real and installed with no network.

The bundle here is the reduced one (``--no-models --no-debs``: the models and Debian packages add about 1 GB and
are the same files `kiosk models install` and apt already put on this machine); docs/reliability.md records the
full bundle's build and offline install. Everything else is the real thing: the wheelhouse pip resolved, the
bundle's own ``install`` run inside a network namespace with no network, the kiosk answering and its window
starting from the fresh prefix, and the ``.deb`` installed with dpkg.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

import pytest

from kiosk.ui.app import READY

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
APPID = "org.xixiaofu.kiosk"
NO_NETWORK = ["unshare", "-n"] if os.geteuid() == 0 else ["unshare", "-rn"]


def clean_env(home: Path) -> dict[str, str]:
    """A visitor's machine: none of this checkout's settings, a home of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "PYTHON", "PIP_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"), XDG_CACHE_HOME=str(home / ".cache"),
               XDG_CONFIG_HOME=str(home / ".config"))
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {**os.environ, "KIOSK_PYTHON": sys.executable}
    subprocess.run([str(REPO / "packaging" / "build-bundle"), "--out", str(out), "--no-models", "--no-debs"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return out / f"xixiaofu-kiosk-{VERSION}-offline.tar"


@pytest.fixture(scope="module")
def unpacked(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("usb")
    with tarfile.open(bundle) as tar:
        tops = {m.name.split("/")[0] for m in tar.getmembers()}
        tar.extractall(where, filter="tar")
    assert tops == {f"xixiaofu-kiosk-{VERSION}"}  # one top folder
    return where / f"xixiaofu-kiosk-{VERSION}"


def test_bundle_holds_an_installer_every_wheel_and_the_default_store(unpacked: Path) -> None:
    assert os.access(unpacked / "install", os.X_OK)
    wheels = {w.name.split("-")[0].lower() for w in (unpacked / "wheelhouse").glob("*.whl")}
    assert "llama_cpp_python" in wheels
    required = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for requirement in required:
        name = requirement.split(";")[0].split(">")[0].split("=")[0].split("<")[0].strip().replace("-", "_").lower()
        assert name in wheels, f"{name} missing from the wheelhouse"
    assert (unpacked / "store" / "kiosk.db").stat().st_size > 100_000
    assert (unpacked / "app" / "kiosk" / "cli" / "doctor.py").is_file()
    assert 'CONTENTS="app-only"' in (unpacked / "BUNDLE_INFO").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(unpacked: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("home")
    prefix = tmp_path_factory.mktemp("opt") / "xixiaofu"
    env = clean_env(home)
    result = subprocess.run([*NO_NETWORK, str(unpacked / "install"), "--prefix", str(prefix), "--no-start"],
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "安装完成" in result.stdout
    return prefix, env


def test_installed_offline_kiosk_answers_with_citations(installed) -> None:
    prefix, env = installed
    result = subprocess.run([*NO_NETWORK, str(prefix / "bin" / "kiosk"), "ask", "开办企业需要什么材料？", "--json"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    answer = json.loads(result.stdout)
    assert answer["citations"] and answer["answer"]


def test_installed_offline_kiosk_doctor_names_the_missing_models(installed) -> None:
    prefix, env = installed
    result = subprocess.run([*NO_NETWORK, str(prefix / "bin" / "kiosk"), "doctor", "--json", "--quick"],
                            env=env, capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert {"models", "pin"} <= {p["check"] for p in report["problems"]}, report
    assert any(c["check"] == "databases" and c["ok"] and "政策库完整" in c["message"] for c in report["checks"])


def test_installed_offline_kiosk_window_starts_headless(installed) -> None:
    prefix, env = installed
    window = subprocess.Popen([*NO_NETWORK, str(prefix / "bin" / "kiosk"), "run", "--size", "800x600"],
                              env={**env, "QT_QPA_PLATFORM": "offscreen"}, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    started = time.monotonic()
    lines = []
    try:
        for line in window.stdout:
            lines.append(line)
            if READY in line or time.monotonic() - started > 120:
                break
    finally:
        window.terminate()
        window.wait(timeout=30)
    assert any(READY in line for line in lines), "".join(lines)[-2000:]


def test_deb_has_the_uos_layout_no_maintainer_scripts_and_installs(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "deb"
    subprocess.run([str(REPO / "packaging" / "build-deb"), "--bundle", str(bundle), "--out", str(out), "--fast"],
                   check=True, env={**os.environ, "KIOSK_PYTHON": sys.executable}, stdout=subprocess.DEVNULL)
    (deb,) = out.glob("*.deb")
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], check=True, capture_output=True, text=True).stdout
    paths = [line.split()[5] for line in listing.splitlines()]
    root = f"./opt/apps/{APPID}/"
    assert all(p.startswith(root) or root.startswith(p) for p in paths), [p for p in paths if root not in p][:5]
    for part in ("files/bin/kiosk", "files/app/kiosk/__main__.py", "files/share/kiosk.db", "info",
                 f"entries/applications/{APPID}.desktop", f"entries/icons/hicolor/256x256/apps/{APPID}.png"):
        assert root + part in paths, part
    control = subprocess.run(["dpkg-deb", "-I", str(deb)], check=True, capture_output=True, text=True).stdout
    for script in ("preinst", "postinst", "prerm", "postrm", "config"):
        assert script not in control
    subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True)
    try:
        info = json.loads(Path(f"/opt/apps/{APPID}/info").read_text(encoding="utf-8"))
        assert info["appid"] == APPID and info["version"] == VERSION
        result = subprocess.run([f"/opt/apps/{APPID}/files/bin/kiosk", "doctor", "--json", "--quick"],
                                env=clean_env(tmp_path / "home"), capture_output=True, text=True, timeout=300)
        report = json.loads(result.stdout)
        assert any(c["check"] == "databases" and c["ok"] for c in report["checks"]), report
    finally:
        subprocess.run(["dpkg", "-r", APPID], check=True, capture_output=True)
    assert not Path(f"/opt/apps/{APPID}").exists()
