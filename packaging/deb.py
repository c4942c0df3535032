"""Build the .deb in the layout UOS (统信) and Kylin app stores take: everything under ``/opt/apps/<appid>/``.

``files/`` is the kiosk installed by the offline bundle's own ``install`` (the app, a virtualenv of its Python
packages, the models, the default store, ``bin/kiosk``); ``entries/`` holds the desktop file and the icon the
desktop links in; ``info`` describes the app. There are no maintainer scripts: installing changes nothing
outside ``/opt/apps/<appid>/``. The system packages it needs are declared as dependencies.

``packaging/build-deb [--out DIR] [--bundle TAR] [--no-models]``; without ``--bundle`` a bundle is built first.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle  # noqa: E402 - the sibling build script

APPID = "org.xixiaofu.kiosk"
ROOT = f"/opt/apps/{APPID}"
# Run-time system packages (the bundle's list, less what the virtualenv replaces: python3-venv, pulseaudio's
# daemon is optional for a desktop that has PipeWire).
DEPENDS = ["python3 (>= 3.11)", "python3 (<< 3.12)", "libportaudio2", "fonts-noto-cjk", "libegl1", "libgl1",
           "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
           "libxcb-render-util0", "libxcb-xinerama0", "libxcb-xkb1", "libxcb-shape0", "libxcb-randr0",
           "libwayland-cursor0", "libdbus-1-3"]


def desktop_file() -> str:
    return "\n".join([
        "[Desktop Entry]", "Type=Application", "Name=西小服", "Name[zh_CN]=西小服",
        "Comment=企业服务一体机：政策问答、诉求受理、一件事指南",
        f"Exec={ROOT}/files/bin/kiosk run --fullscreen", f"Icon={APPID}", "Terminal=false",
        "Categories=Office;", "StartupNotify=false", "",
    ])


def info(version: str) -> dict:
    return {"appid": APPID, "name": "西小服", "version": version, "arch": ["amd64"],
            "permissions": {"autostart": True, "notification": False, "trayicon": False, "clipboard": False,
                            "account": False, "bluetooth": False, "camera": True, "audio_record": True,
                            "installed_apps": False}}


def control(version: str, installed_kb: int) -> str:
    return "\n".join([
        f"Package: {APPID}", f"Version: {version}", "Architecture: amd64", "Section: utils", "Priority: optional",
        "Maintainer: 西小服 <kiosk@localhost>", f"Installed-Size: {installed_kb}", f"Depends: {', '.join(DEPENDS)}",
        "Description: 西小服 offline enterprise-service kiosk",
        " An offline Chinese-language digital-human kiosk: cited policy answers, requests, one-thing guides.", "",
    ])


def _du_kb(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) // 1024


def build(out: Path, archive: Path, level: int = 6) -> Path:
    version = bundle.version()
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        work = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(work / "bundle", filter="tar")
        (top,) = (work / "bundle").iterdir()
        pkg = work / "pkg"
        files = pkg / ROOT.lstrip("/") / "files"
        # The bundle's own installer fills files/; bin/kiosk finds its prefix at run time, so the tree moves.
        subprocess.run([str(top / "install"), "--prefix", str(files), "--no-start", "--no-system"], check=True,
                       stdout=subprocess.DEVNULL)
        entries = files.parent / "entries"
        (entries / "applications").mkdir(parents=True)
        (entries / "applications" / f"{APPID}.desktop").write_text(desktop_file(), encoding="utf-8")
        icon_dir = entries / "icons" / "hicolor" / "256x256" / "apps"
        icon_dir.mkdir(parents=True)
        shutil.copyfile(bundle.REPO / "assets" / "icons" / "xixiaofu-256.png", icon_dir / f"{APPID}.png")
        (files.parent / "info").write_text(json.dumps(info(version), ensure_ascii=False, indent=2), encoding="utf-8")
        (pkg / "DEBIAN").mkdir()
        (pkg / "DEBIAN" / "control").write_text(control(version, _du_kb(pkg)), encoding="utf-8")
        deb = out / f"{APPID}_{version}_amd64.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", f"-z{level}", "--build", str(pkg), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
    print(f"{deb}  {deb.stat().st_size / 1024 ** 2:.0f} MB")
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-deb", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=bundle.REPO / "dist", help="output folder (default dist/)")
    parser.add_argument("--bundle", type=Path, help="an offline bundle already built (default: build one)")
    parser.add_argument("--no-models", action="store_true", help="leave the models out (reduced, for tests)")
    parser.add_argument("--python", default=bundle.default_python(), help="the Python whose packages are bundled")
    # gzip, since the dpkg of older UOS and Kylin releases reads neither zstd nor every xz option
    parser.add_argument("--fast", action="store_true", help="lightest gzip compression (tests; a larger .deb)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    archive = args.bundle or bundle.build(out, args.python, with_models=not args.no_models, with_debs=False)
    build(out, archive.resolve(), level=1 if args.fast else 6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
