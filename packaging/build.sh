#!/usr/bin/env bash
# One command for the installers of this platform:  make package
# Linux: PyInstaller bundle + dist/qteditor_<version>_amd64.deb. Windows and macOS run the same
# bundle step in .github/workflows/package.yml, then NSIS / a .dmg.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
work="${QTEDITOR_BUILD_DIR:-build}"   # intermediate files
out="${QTEDITOR_DIST_DIR:-dist}"      # the installers
"$py" -c "import PyInstaller" 2>/dev/null || "$py" -m pip install -q "pyinstaller>=6.5"
version="$("$py" -c 'import qteditor; print(qteditor.__version__)')"
"$py" packaging/render_icons.py "$work/icons"
"$py" -m PyInstaller --noconfirm --clean --log-level WARN --distpath "$work/pyinstaller/dist" \
  --workpath "$work/pyinstaller/work" packaging/qteditor.spec
if [ "$(uname)" = Linux ]; then
  bash packaging/linux/build-deb.sh "$work/pyinstaller/dist/qteditor" "$version" "$out" "$work/icons"
fi
