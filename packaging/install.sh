#!/usr/bin/env bash
# Installs 西小服 from this offline bundle alone: no network is used. Copied into the bundle as `install`.
#   ./install --prefix P [--no-start] [--no-system]
# P/bin/kiosk is then the command. As root, the Debian packages in debs/ that are not installed yet are installed
# first (--no-system skips them); the Python packages come from wheelhouse/, the models from models/ (checked
# against their sha256), the default policy store from store/.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX=""
START=1
SYSTEM=1
usage() { echo "用法：./install --prefix 安装目录 [--no-start] [--no-system]" >&2; exit 2; }
while (($#)); do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage; PREFIX="$2"; shift 2 ;;
    --prefix=*) PREFIX="${1#--prefix=}"; shift ;;
    --no-start) START=0; shift ;;
    --no-system) SYSTEM=0; shift ;;
    *) usage ;;
  esac
done
[ -n "$PREFIX" ] || usage
step() { printf '\n== %s\n' "$*"; }
# shellcheck disable=SC1091
. "$HERE/BUNDLE_INFO"

# --- system packages (Debian family) -----------------------------------------------------------------------
# debs/ is a flat apt repository: apt, told to read only it, installs what this machine lacks or has too old.
if ((SYSTEM)) && [ -f "$HERE/debs/Packages" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "提示：不是 root，跳过系统组件（声音、字体、图形库）。缺什么，装好后 kiosk doctor 会列出。" >&2
  else
    step "安装系统组件（离线，来自 debs/）"
    APT_DIR="$(mktemp -d)"
    trap 'rm -rf "$APT_DIR"' EXIT
    mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial"
    echo "deb [trusted=yes] file:$HERE/debs ./" > "$APT_DIR/sources.list"
    APT=(apt-get -q -o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/none"
         -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache::Archives=$APT_DIR/archives"
         -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root")
    "${APT[@]}" update >/dev/null
    # shellcheck disable=SC2046
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y --no-install-recommends $(cat "$HERE/debs/WANTED") \
      || { echo "系统组件安装失败（见上方 apt 的说明）。" >&2; exit 1; }
  fi
fi

# --- Python ------------------------------------------------------------------------------------------------
PYTHON="${KIOSK_PYTHON:-}"
for candidate in /usr/bin/python3 python3; do
  [ -n "$PYTHON" ] && break
  command -v "$candidate" >/dev/null && PYTHON="$(command -v "$candidate")"
done
[ -n "$PYTHON" ] || { echo "找不到 python3：请先安装 python3 和 python3-venv（以 root 运行本脚本会自动安装）。" >&2; exit 1; }
tag="$("$PYTHON" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
if [ "$tag" != "$PYTHON_TAG" ]; then
  echo "本安装包为 Python ${PYTHON_TAG#cp} 构建，而本机 $PYTHON 是 ${tag#cp}：请使用对应系统版本的安装包。" >&2
  exit 1
fi

mkdir -p "$PREFIX"
PREFIX="$(cd "$PREFIX" && pwd)"
step "安装程序到 $PREFIX"
rm -rf "$PREFIX/app.new"
cp -a "$HERE/app" "$PREFIX/app.new"
for kept in "$PREFIX"/app/models/*/; do  # models installed earlier stay (an upgrade does not re-copy them)
  if [ -d "$kept" ] && [ ! -e "$PREFIX/app.new/models/$(basename "$kept")" ]; then mv "$kept" "$PREFIX/app.new/models/"; fi
done
rm -rf "$PREFIX/app" && mv "$PREFIX/app.new" "$PREFIX/app"
if [ -d "$HERE/shared" ]; then rm -rf "$PREFIX/shared" && cp -a "$HERE/shared" "$PREFIX/shared"; fi

step "安装 Python 组件（离线，来自 wheelhouse）"
[ -x "$PREFIX/venv/bin/python" ] || "$PYTHON" -m venv "$PREFIX/venv"
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$PREFIX/venv/bin/python" -m pip install -q --no-index --no-deps \
  "$HERE"/wheelhouse/*.whl
# Compiled now, so a kiosk installed read-only (/opt, a .deb) never writes bytecode beside its sources.
"$PREFIX/venv/bin/python" -m compileall -q "$PREFIX/app" >/dev/null

if compgen -G "$HERE/models/*/*" >/dev/null; then
  step "安装模型并校验"
  cp -a "$HERE"/models/*/ "$PREFIX/app/models/"
  (cd "$PREFIX/app/models" && sha256sum --quiet -c "$HERE/models/SHA256SUMS")
fi

mkdir -p "$PREFIX/share" "$PREFIX/bin"
cp "$HERE/store/kiosk.db" "$PREFIX/share/kiosk.db"
cat > "$PREFIX/bin/kiosk" <<'LAUNCHER'
#!/bin/sh
# 西小服: run the kiosk installed in this prefix. A user's first run gets a copy of the default policy store.
P="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
DATA="${KIOSK_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/xixiaofu-kiosk}"
if [ -z "${KIOSK_DB:-}" ] && [ ! -f "$DATA/kiosk.db" ] && [ -f "$P/share/kiosk.db" ]; then
  mkdir -p "$DATA" 2>/dev/null && cp "$P/share/kiosk.db" "$DATA/kiosk.db" 2>/dev/null || true
fi
# -P: the installed kiosk, never a kiosk/ folder that happens to be in the directory it is started from
PYTHONPATH="$P/app${PYTHONPATH:+:$PYTHONPATH}" exec "$P/venv/bin/python" -P -m kiosk "$@"
LAUNCHER
chmod +x "$PREFIX/bin/kiosk"

step "体检"
"$PREFIX/bin/kiosk" doctor --quick || echo "（以上问题不影响安装；处理后可再运行 $PREFIX/bin/kiosk doctor）"
echo "安装完成：$PREFIX/bin/kiosk"
if ((START)); then
  exec "$PREFIX/bin/kiosk" run --fullscreen
fi
