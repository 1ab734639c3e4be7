"""Screenshots of git in the window (offscreen): the browser's Git column and the commit dialog,
on a copy of the bundled sample collection made a git repository (in a temporary folder, with a
git config of its own), three entries changed.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/git_screenshots.py [out-folder]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    default = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    out.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="qte-gitshots-"))
    (base / "gitconfig").write_text("[user]\n\tname = Desk Writer\n\temail = desk@example.org\n"
                                    "[init]\n\tdefaultBranch = main\n")
    os.environ.update(GIT_CONFIG_GLOBAL=str(base / "gitconfig"), GIT_CONFIG_NOSYSTEM="1",
                      XDG_CACHE_HOME=str(base / "cache"), XDG_DATA_HOME=str(base / "data"))
    from PySide6.QtCore import QSettings, Qt

    from qteditor.core.entry import Entry
    from qteditor.ui.app import make_app
    from qteditor.ui.git_dialogs import CommitDialog
    from qteditor.ui.main_window import MainWindow, sample_collection
    from qteditor.ui.settings import Settings

    site = base / "site"
    root = site / "content" / "learn"
    shutil.copytree(sample_collection(), root)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=site, check=True, capture_output=True)

    subprocess.run(["git", "init", "-q", "--bare", str(base / "remote.git")], check=True)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "Entries"],
                 ["remote", "add", "origin", str(base / "remote.git")],
                 ["push", "-q", "-u", "origin", "main"]):
        git(*args)
    files = sorted(root.rglob("*.md"))

    def edit(path: Path, change) -> None:
        entry = Entry.from_bytes(path.read_bytes(), str(path))
        fields = entry.fields()
        change(fields)
        path.write_bytes(entry.render(fields)[0])

    edit(files[0], lambda f: f.update(title=f["title"].replace("?", " in practice?")))
    edit(files[1], lambda f: f.update(answer=f["answer"].replace("\n", " It matters in the lab.\n", 1)))
    edit(files[2], lambda f: f.update(author="Editorial Team"))
    git("add", str(files[2]))

    app = make_app(["qteditor"])
    window = MainWindow(Settings(QSettings(str(base / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1280, 800)
    window.show()
    window.open_folder(root)

    def pump(seconds: float, until=lambda: False) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            app.processEvents()
            time.sleep(0.01)

    pump(20, lambda: window.git.state == "on" and bool(window.git.states))
    window.open_file(files[0])
    window.resizeDocks([window.collection_dock], [430], Qt.Orientation.Horizontal)
    pump(1.0)
    window.grab().save(str(out / "git-window.png"))
    ws = window.git.ws
    dialog = CommitDialog(ws.commit_items(), ws.repo.author(), ws.suggest_message, window)
    dialog.show()
    pump(0.5)
    dialog.grab().save(str(out / "git-commit.png"))
    print(out / "git-window.png", out / "git-commit.png", sep="\n")
    shutil.rmtree(base, ignore_errors=True)
    os._exit(0)  # the index's workers are not waited for


if __name__ == "__main__":
    main()
