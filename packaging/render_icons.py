"""Renders the application icon (resources/icons/qteditor.svg) to the PNG sizes of the hicolor
theme, a Windows .ico and a macOS .iconset, with Qt's SVG renderer.

    python packaging/render_icons.py OUT_DIR
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QByteArray, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: bytes, size: int) -> QImage:
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def main(out: Path) -> None:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = (ROOT / "resources" / "icons" / "qteditor.svg").read_bytes()
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        render(svg, size).save(str(target / "qteditor.png"))
    render(svg, 256).save(str(out / "qteditor.ico"))
    iconset = out / "qteditor.iconset"
    iconset.mkdir(exist_ok=True)
    for size in (16, 32, 128, 256, 512):
        render(svg, size).save(str(iconset / f"icon_{size}x{size}.png"))
        render(svg, size * 2).save(str(iconset / f"icon_{size}x{size}@2x.png"))
    del _app


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "icons")
