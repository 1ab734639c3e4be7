#!/usr/bin/env bash
# Sets up what qteditor needs on this machine: system libraries (Debian/Ubuntu), a virtual
# environment in .venv with the project and its test tools. Safe to run again: it only
# installs what is missing.   usage: scripts/bootstrap.sh [app|test]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose="${1:-app}"

log() { printf '[setup] %s\n' "$*" >&2; }

# --- system packages: Qt's xcb libraries for a real window; Xvfb for tests and screenshots
apt_packages=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
              libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
              libegl1 libgl1 libfontconfig1 libdbus-1-3 xvfb xauth)
if [ "$purpose" = test ]; then
  # the site's renderer (fidelity tests) and the installer checks (.deb, .desktop, NSIS)
  apt_packages+=(nodejs npm nsis desktop-file-utils appstream)
fi
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  # node/npm may come from elsewhere than Debian: only ask for them when absent
  if command -v node >/dev/null 2>&1; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  read -r -a missing <<<"${missing[*]:-}"
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
    if [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; then
      log "installing system packages: ${missing[*]}"
      $sudo apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
    else
      log "missing system packages (install them as root): ${missing[*]}"
    fi
  fi
fi

# --- Python environment
py="${PYTHON:-python3}"
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
  log "qteditor needs Python 3.10 or newer"; exit 1; }
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$py" -m venv .venv
fi
extra=""
[ "$purpose" = test ] && extra="[test]"
stamp=".venv/.installed-${purpose}"
want="$(cat pyproject.toml | sha1sum | cut -c1-40)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing qteditor${extra} into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}" 2>&1 \
    | grep -v -e "^WARNING: Location" -e "is ignored: it is neither" >&2 || true
  .venv/bin/python -c "import qteditor, ruamel.yaml, slugify, PySide6" || {
    log "the Python install failed"; exit 1; }
  echo "$want" > "$stamp"
fi
