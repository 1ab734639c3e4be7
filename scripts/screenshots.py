"""Screenshots for the README: the window on the bundled sample collection (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [out-folder]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qteditor.core.spelling import Speller  # noqa: E402
from qteditor.ui.app import dark_palette, make_app  # noqa: E402
from qteditor.ui.main_window import MainWindow, sample_collection  # noqa: E402
from qteditor.ui.settings import Settings  # noqa: E402


def settle(app: QApplication, window: MainWindow) -> None:
    import time

    deadline = time.monotonic() + 20
    app.processEvents()
    while (window.preview.pending or not window.preview.last_html) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def shoot(out: Path, name: str, entry: str, size=(1280, 800), dark: bool = False) -> Path:
    app = make_app()
    if dark:
        app.setPalette(dark_palette())
    tmp = tempfile.mkdtemp()
    settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
    speller = Speller()
    speller.wait(10)
    window = MainWindow(settings, speller=speller)
    window.resize(*size)
    window.collection_panel.cache = Path(tmp) / "cache"
    import shutil

    # a copy outside this repository: the window shows the collection as a writer has it
    site = Path(tmp) / "site" / "content" / "learn"
    shutil.copytree(sample_collection(), site)
    window.open_folder(site)
    window.open_file(site / entry)
    import time

    deadline = time.monotonic() + 20
    while not window.collection_panel.model.rows and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    window.show()
    settle(app, window)
    path = out / name
    window.grab().save(str(path))
    window.session.discard_changes()  # nothing to ask on close
    window.close()
    return path


def main() -> None:
    default = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    out.mkdir(parents=True, exist_ok=True)
    print(shoot(out, "editor-light.png", "chemistry/how-do-you-balance-the-equation-for-burning-methane.md"))
    print(shoot(out, "editor-physics.png", "physics/what-is-the-difference-between-speed-and-velocity.md"))
    print(shoot(out, "editor-dark.png", "biology/what-are-the-main-parts-of-a-plant-cell.md", dark=True))


if __name__ == "__main__":
    main()
