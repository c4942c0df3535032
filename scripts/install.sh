#!/usr/bin/env bash
# Installs everything the kiosk needs on a Debian-family machine and, unless --no-start is given, starts it.
# Idempotent: re-running only fills in what is missing. Run as root (or with sudo) for the system packages.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
START=1
for arg in "$@"; do
  case "$arg" in
    --no-start) START=0 ;;
    *) echo "usage: scripts/install.sh [--no-start]" >&2; exit 2 ;;
  esac
done
CACHE="${KIOSK_CACHE:-$HOME/.cache/kiosk}"
WHEELS="$CACHE/wheels"
LLAMA_VERSION="0.3.36"

step() { printf '\n\033[1;36m== %s\033[0m\n' "$*"; }

# --- system packages -------------------------------------------------------------------------------------
APT_PACKAGES=(
  python3 python3-venv python3-dev build-essential cmake   # the virtualenv and the llama.cpp build
  libportaudio2 pulseaudio pulseaudio-utils                  # microphone/speaker via PortAudio; virtual devices
  fonts-noto-cjk                                             # Chinese glyphs in the UI and printed guides
  xvfb xauth libegl1 libgl1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1 libxcb-shape0 libxcb-randr0 libwayland-cursor0 libdbus-1-3
  poppler-utils                                              # pdftotext, to check printed guides
  chromium chromium-driver                                   # the web office's end-to-end test in a real browser
  postgresql                                                 # the office's tests on a real PostgreSQL server
)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  step "Installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- Python environment ----------------------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  step "Creating .venv"
  python3 -m venv .venv
fi
PY="$ROOT/.venv/bin/python"
"$PY" -m pip install -q --upgrade pip

# llama.cpp compiles for ~10 minutes: build its wheel once into the cache and reuse it from then on.
mkdir -p "$WHEELS"
if ! ls "$WHEELS"/llama_cpp_python-"$LLAMA_VERSION"-*.whl >/dev/null 2>&1; then
  step "Building llama-cpp-python $LLAMA_VERSION (once, about 10 minutes)"
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF" \
    "$PY" -m pip wheel --no-deps -w "$WHEELS" "llama-cpp-python==$LLAMA_VERSION"
fi

step "Installing the kiosk and its Python packages"
# pyproject.toml lists them all, with wheels for every platform (no compiler): among them pypdfium2 and
# python-docx + lxml, which `kiosk content add` needs to read PDF, Word and saved web pages offline
"$PY" -m pip install -q --find-links "$WHEELS" -e ".[llm,embed,postgres,test]"
# misaki (the Kokoro voice's Mandarin front end) declares Python < 3.13 but is pure Python and runs on newer ones
if ! "$PY" -c "import misaki.zh" >/dev/null 2>&1; then
  "$PY" -m pip install -q --no-deps --ignore-requires-python "misaki==0.9.4" addict regex
fi

# --- models and content ----------------------------------------------------------------------------------
step "Installing offline models"
# A default model that cannot be installed stops the install: a kiosk (or CI) without it would run untested.
if ! "$ROOT/.venv/bin/kiosk" models install --default; then
  echo "默认模型未能安装（原因见上方）。联网后重新运行本脚本，或用 kiosk models import U盘目录 导入后再运行。" >&2
  exit 1
fi
# The voice renders its fixed phrases (greeting, answer openings, refusals) once into ~/.cache/kiosk/voice,
# at the normal and the elderly pace, so the first start does not spend that time; this also checks the voice.
for pace in "" "--elderly"; do
  "$ROOT/.venv/bin/kiosk" say "您好" $pace --out "$CACHE/voice-check.wav" >/dev/null || echo "语音未能就绪，一体机将用备用音色。"
done

step "Building the policy store"
"$ROOT/.venv/bin/kiosk" db build

if ((START)); then
  step "Starting 西小服"
  exec "$ROOT/.venv/bin/kiosk" run
fi
