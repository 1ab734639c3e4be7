"""Real git in temporary repositories: a bare remote, the desktop's clone and the web CMS's
clone, holding real corpus entries (their bytes, read in place). Each test's git config is its
own (GIT_CONFIG_GLOBAL in the test's folder), never the user's."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CORPUS

ENTRIES = (
    "accounting-and-finance/how-can-tax-and-compliance-issues-be-mitigated.md",
    "accounting-and-finance/how-are-credit-transactions-recorded-in-journal-entries.md",
    "biology/define-adaptation-and-explain-its-importance-in-evolutionary-biology.md",
    "english-literature/what-impact-did-the-modernization-of-paris-have-on-artistic-representation"
    "-during-the-19th-century.md",
)


def git(cwd: Path, *args: str, check: bool = True, env: dict | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=str(cwd), capture_output=True, encoding="utf-8", env={**os.environ, **(env or {})}
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}{proc.stdout}")
    return proc.stdout


def own_git_config(tmp_path: Path, monkeypatch) -> Path:
    """A git config of the test's own: a user, main as the first branch, file:// allowed."""
    cfg = tmp_path / "gitconfig"
    cfg.write_text(
        "[user]\n\tname = Desk Writer\n\temail = desk@example.org\n"
        '[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n'
        "[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
        newline="",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(cfg))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    return cfg


@dataclass
class Site:
    remote: Path  # the bare repository everyone pushes to
    desk: Path  # the desktop's clone (where qteditor runs)
    cms: Path  # the web CMS's clone
    url: str

    def entry(self, where: Path, i: int = 0) -> Path:
        return where / "content" / "learn" / ENTRIES[i]

    def learn(self, where: Path) -> Path:
        return where / "content" / "learn"


def make_site(tmp_path: Path, url: str | None = None, remote: Path | None = None) -> Site:
    remote = remote or tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    url = url or remote.as_uri()
    desk = tmp_path / "desk"
    git(tmp_path, "clone", "-q", url, str(desk))
    for rel in ENTRIES:
        target = desk / "content" / "learn" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((CORPUS / rel).read_bytes())  # the bytes, not the read-only mode
    (desk / "README.md").write_text("# the site\n", encoding="utf-8", newline="")
    git(desk, "add", "-A")
    git(desk, "commit", "-q", "-m", "Entries")
    git(desk, "push", "-q", "-u", "origin", "main")
    cms = tmp_path / "cms"
    git(tmp_path, "clone", "-q", url, str(cms))
    git(cms, "config", "user.name", "CloudCannon")
    git(cms, "config", "user.email", "cms@example.org")
    return Site(remote, desk, cms, url)


def cms_save(site: Site, i: int, change, message: str = "Updated 1 file via CloudCannon.") -> None:
    """The CMS edits entry i (its stored data re-dumped at width 80), commits and pushes."""
    from tests.core.merge_helpers import cms

    git(site.cms, "pull", "-q", "--no-rebase")
    path = site.entry(site.cms, i)
    path.write_bytes(cms(path.read_bytes(), change))
    git(site.cms, "commit", "-q", "-am", message)
    git(site.cms, "push", "-q")


def set_field(path: Path, **values) -> None:
    """The desktop's save of entry ``path`` with ``values`` set (the app's own writer)."""
    from tests.core.merge_helpers import desktop

    path.write_bytes(desktop(path.read_bytes(), lambda f: f.update(values)))


def stop_git_am_at_a_conflict(site: Site, tmp_path: Path) -> None:
    """``git am -3`` in the desk's clone stopped at a conflict: a patch of entry 0's title made
    on another branch, applied on main after main changed that title too."""
    e0 = site.entry(site.desk, 0)
    git(site.desk, "checkout", "-q", "-b", "other")
    set_field(e0, title="Patched title")
    git(site.desk, "commit", "-q", "-am", "Patch")
    patch = tmp_path / "p.patch"
    patch.write_text(git(site.desk, "format-patch", "-1", "--stdout"), encoding="utf-8")
    git(site.desk, "checkout", "-q", "main")
    set_field(e0, title="Main title")
    git(site.desk, "commit", "-q", "-am", "Main")
    git(site.desk, "am", "-3", str(patch), check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_site(tmp_path: Path):
    """The same site with its remote served by ``git daemon`` on 127.0.0.1 (git://): a
    generator for a fixture (it stops the daemon it started)."""
    exec_path = subprocess.run(["git", "--exec-path"], capture_output=True, encoding="utf-8").stdout.strip()
    if not (Path(exec_path) / "git-daemon").exists() and shutil.which("git-daemon") is None:
        pytest.skip("git daemon is not installed here (the file:// variant still runs)")
    base = tmp_path / "served"
    base.mkdir()
    git(base, "init", "-q", "--bare", str(base / "site.git"))
    port = free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--reuseaddr",
            "--listen=127.0.0.1",
            f"--port={port}",
            f"--base-path={base}",
            "--export-all",
            "--enable=receive-pack",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield make_site(tmp_path, f"git://127.0.0.1:{port}/site.git", base / "site.git")
    finally:
        proc.terminate()
        proc.wait(10)
