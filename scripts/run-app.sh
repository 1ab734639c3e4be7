#!/usr/bin/env bash
# Starts qteditor from .venv; on a machine with no display it runs on a virtual one (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ] \
   && [ -z "${QT_QPA_PLATFORM:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  echo "[run] no display found: starting on a virtual screen (Xvfb)" >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m qteditor "$@"
fi
exec .venv/bin/python -m qteditor "$@"
