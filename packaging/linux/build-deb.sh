#!/usr/bin/env bash
# Builds dist/qteditor_<version>_amd64.deb from a PyInstaller one-folder bundle.
#   packaging/linux/build-deb.sh BUNDLE_DIR VERSION OUT_DIR ICONS_DIR
set -euo pipefail
bundle="$1"; version="$2"; out="$3"; icons="$4"
here="$(cd "$(dirname "$0")" && pwd)"
stage="$(mktemp -d)/qteditor_${version}_amd64"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
         "$stage/usr/share/metainfo" "$stage/usr/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$stage/opt/qteditor"
ln -s /opt/qteditor/qteditor "$stage/usr/bin/qteditor"
install -m 644 "$here/io.qteditor.QtEditor.desktop" "$stage/usr/share/applications/"
sed "s/@VERSION@/$version/" "$here/io.qteditor.QtEditor.metainfo.xml" \
  > "$stage/usr/share/metainfo/io.qteditor.QtEditor.metainfo.xml"
install -m 644 "$here/../../resources/icons/qteditor.svg" "$stage/usr/share/icons/hicolor/scalable/apps/"
cp -a "$icons/hicolor/." "$stage/usr/share/icons/hicolor/"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: qteditor
Version: $version
Section: editors
Priority: optional
Architecture: amd64
Maintainer: qteditor developers <dev@qteditor.invalid>
Installed-Size: $size
Depends: libc6 (>= 2.34), libfontconfig1, libfreetype6, libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xinerama0, libxcb-xkb1, libdbus-1-3
Description: editor for Markdown Q&A entries with YAML front matter
 A form for every front-matter field, a Markdown answer editor and a live
 preview of the page; slugs generated; saving an edited field changes only
 that field's lines. Collections are browsed, searched, checked and fixed.
CONTROL
find "$stage" -type d -exec chmod 755 {} +
mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$out/qteditor_${version}_amd64.deb" >/dev/null
echo "$out/qteditor_${version}_amd64.deb"
