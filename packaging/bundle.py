"""Build the offline bundle: one tar whose top folder installs 西小服 on a machine with no network.

Run on a connected machine by ``packaging/build-bundle [--out DIR] [--no-models] [--no-debs]``. The folder holds
``install`` (from ``packaging/install.sh``), ``app/`` (the kiosk's source, policy sources, assets, model
manifest), ``wheelhouse/`` (a wheel of every Python dependency, the locally built llama-cpp-python wheel from
``~/.cache/kiosk/wheels`` included), ``models/`` (the installed default models with ``SHA256SUMS``), ``debs/``
(the Debian packages the kiosk needs at run time with their dependencies, for this machine's release),
``store/kiosk.db`` (the default policy store) and ``BUNDLE_INFO``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LLAMA_WHEELS = Path(os.environ.get("KIOSK_CACHE", Path.home() / ".cache" / "kiosk")) / "wheels"
# What the kiosk needs from the system at run time (scripts/install.sh also installs build and test tools).
RUNTIME_DEBS = [
    "python3", "python3-venv", "libportaudio2", "pulseaudio", "pulseaudio-utils", "fonts-noto-cjk", "libegl1",
    "libgl1", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
    "libxcb-render-util0", "libxcb-xinerama0", "libxcb-xkb1", "libxcb-shape0", "libxcb-randr0",
    "libwayland-cursor0", "libdbus-1-3",
]
APP_PARTS = ["kiosk", "policies_db", "assets", "models/manifest.toml", "pyproject.toml", "README.md"]


def say(text: str) -> None:
    print(f"== {text}", flush=True)


def version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def copy_app(top: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for part in APP_PARTS:
        src, dst = REPO / part, top / "app" / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, dst)
    corpus = REPO.parent / "shared" / "corpus"  # the public documents the default store is built from
    if corpus.is_dir():
        shutil.copytree(corpus, top / "shared" / "corpus", ignore=ignore)


def wheelhouse(top: Path, python: str) -> None:
    """Wheels of every runtime dependency, resolved by pip for the Python that builds the bundle."""
    house = top / "wheelhouse"
    house.mkdir(parents=True)
    subprocess.run([python, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(house), "--find-links",
                    str(LLAMA_WHEELS), f"{REPO}[llm,embed,postgres]"], check=True)
    for own in house.glob("xixiaofu_kiosk-*.whl"):  # the kiosk itself ships as source in app/
        own.unlink()
    if not any(house.glob("llama_cpp_python-*.whl")):
        raise SystemExit("wheelhouse has no llama-cpp-python wheel: run scripts/install.sh once to build it")


def _model_files(python: str) -> list[tuple[str, Path, str]]:
    """(path relative to the models folder, file, sha256 or "") of every installed default model's files."""
    code = (
        "from kiosk import modelstore, config\n"
        "for s in modelstore.load_manifest():\n"
        "    st = modelstore.status(s)\n"
        "    if not s.default or s.package: continue\n"
        "    if not st.ok: raise SystemExit(f'default model {s.name} is not installed: {st.state}')\n"
        "    for f in s.files: print(f'{s.role}/{s.name}/{f.path}\\t{st.folder / f.path}\\t{f.sha256}')\n"
        "    for p in s.produces: print(f'{s.role}/{s.name}/{p}\\t{st.folder / p}\\t')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([python, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
    return [(rel, Path(src), sha) for rel, src, sha in (line.split("\t") for line in out.splitlines())]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def models(top: Path, python: str) -> None:
    folder = top / "models"
    folder.mkdir(parents=True)
    sums = []
    for rel, src, expected in _model_files(python):
        dst = folder / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        digest = sha256(dst)
        if expected and digest != expected:
            raise SystemExit(f"{rel} does not match its manifest checksum: run kiosk models verify")
        sums.append(f"{digest}  {rel}")
    (folder / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def debs(top: Path) -> None:
    """The run-time packages and everything they depend on, as installed on this machine (where the kiosk runs,
    so its choice among alternatives such as ``libsystemd0 | libelogind0`` is one that works), at the archive's
    current versions, as a flat apt repository: the target's apt picks what it lacks or has too old."""
    folder = top / "debs"
    folder.mkdir(parents=True)
    tree = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                           "--no-breaks", "--no-replaces", "--no-enhances", *RUNTIME_DEBS],
                          check=True, capture_output=True, text=True).stdout
    names = {line.strip() for line in tree.splitlines() if line and not line[0].isspace() and not line.startswith("<")}
    installed = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\n"], check=True,
                               capture_output=True, text=True).stdout
    wanted = sorted(p for p, status in (line.split()[:2] for line in installed.splitlines() if len(line.split()) > 1)
                    if p in names and status.startswith("ii"))
    missing = [n for n in RUNTIME_DEBS if n not in wanted]
    if missing:
        raise SystemExit(f"not installed on this machine, run scripts/install.sh first: {' '.join(missing)}")
    subprocess.run(["apt-get", "download", "-q", *wanted], check=True, cwd=folder, stdout=subprocess.DEVNULL)
    flat_repository(folder)
    (folder / "WANTED").write_text("\n".join(RUNTIME_DEBS) + "\n", encoding="utf-8")


def flat_repository(folder: Path) -> None:
    """``Packages`` and ``Release`` for the .deb files in ``folder``, so apt can install from it offline."""
    stanzas = []
    for deb in sorted(folder.glob("*.deb")):
        fields = subprocess.run(["dpkg-deb", "-f", str(deb)], check=True, capture_output=True, text=True).stdout
        data = deb.read_bytes()
        stanzas.append(fields.rstrip("\n") + f"\nFilename: ./{deb.name}\nSize: {len(data)}\n"
                       f"MD5sum: {hashlib.md5(data).hexdigest()}\nSHA256: {hashlib.sha256(data).hexdigest()}\n")
    packages = "\n".join(stanzas).encode("utf-8")
    (folder / "Packages").write_bytes(packages)
    (folder / "Release").write_text(
        f"Origin: xixiaofu-kiosk\nLabel: xixiaofu-kiosk offline\nSuite: offline\nCodename: offline\n"
        f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S UTC', time.gmtime())}\nSHA256:\n"
        f" {hashlib.sha256(packages).hexdigest()} {len(packages)} Packages\n", encoding="utf-8")


def store(top: Path, python: str) -> None:
    target = top / "store" / "kiosk.db"
    target.parent.mkdir(parents=True)
    # A settings-free data folder: the store of a fresh install (demo pack per the default demo_content)
    env = {**os.environ, "PYTHONPATH": str(REPO), "KIOSK_DB": str(target), "KIOSK_DATA_DIR": str(top / ".data")}
    env.pop("KIOSK_SOURCES", None)
    subprocess.run([python, "-m", "kiosk", "db", "build", "--full"], check=True, env=env, stdout=subprocess.DEVNULL)
    shutil.rmtree(top / ".data")


def python_tag(python: str) -> str:
    return subprocess.run([python, "-c", "import sys; print(f'cp{sys.version_info[0]}{sys.version_info[1]}')"],
                          check=True, capture_output=True, text=True).stdout.strip()


def build(out: Path, python: str, with_models: bool = True, with_debs: bool = True) -> Path:
    name = f"xixiaofu-kiosk-{version()}"
    stage = out / f".stage-{name}"
    shutil.rmtree(stage, ignore_errors=True)
    top = stage / name
    top.mkdir(parents=True)
    started = time.monotonic()
    say("app")
    copy_app(top)
    say("wheelhouse")
    wheelhouse(top, python)
    if with_models:
        say("models")
        models(top, python)
    if with_debs:
        say("Debian packages")
        debs(top)
    say("default store")
    store(top, python)
    shutil.copy2(REPO / "packaging" / "install.sh", top / "install")
    (top / "install").chmod(0o755)
    contents = " ".join(p for p, on in (("models", with_models), ("debs", with_debs)) if on) or "app-only"
    (top / "BUNDLE_INFO").write_text(
        f'VERSION="{version()}"\nPYTHON_TAG="{python_tag(python)}"\nCONTENTS="{contents}"\n'
        f'BUILT="{time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}"\n', encoding="utf-8")
    archive = out / f"{name}-offline.tar"
    say(f"archive {archive}")
    with tarfile.open(archive, "w") as tar:  # uncompressed: wheels and models are compressed already
        tar.add(top, arcname=name)
    shutil.rmtree(stage)
    size = archive.stat().st_size
    print(f"{archive}  {size / 1024 ** 2:.0f} MB  ({contents}, {time.monotonic() - started:.0f} s)")
    return archive


def default_python() -> str:
    for candidate in (os.environ.get("KIOSK_PYTHON"), REPO / ".venv" / "bin" / "python"):
        if candidate and Path(candidate).exists():
            return str(candidate)
    return sys.executable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-bundle", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="output folder (default dist/)")
    parser.add_argument("--no-models", action="store_true",
                        help="leave the models out (a reduced bundle for tests; `kiosk models import` adds them)")
    parser.add_argument("--no-debs", action="store_true", help="leave the Debian packages out (target already has them)")
    parser.add_argument("--python", default=default_python(), help="the Python whose packages are bundled")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.out.resolve(), args.python, with_models=not args.no_models, with_debs=not args.no_debs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
