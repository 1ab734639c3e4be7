"""The Linux installer, built once and checked here: contents, metadata, and the bundled app
run from an unpacked root (version, show, a set edit byte-for-byte, the window). The Windows
installer script compiles with makensis against a placeholder tree."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

import qteditor
from qteditor.core.entry import Entry
from tests.conftest import REPO, by_reason, linux_only

# one worker builds the .deb once and runs every test of it (make test runs on several cores);
# the .deb, its tools (dpkg-deb, desktop-file-validate, appstreamcli, makensis from apt) and the
# build lock (fcntl) are Linux's: the Windows and macOS runners have none of them
pytestmark = [
    pytest.mark.xdist_group("deb"),
    linux_only("the .deb and the installer tools: bootstrap.sh installs them with apt"),
]

VERSION = qteditor.__version__
CACHE = REPO / ".cache" / "packaging"  # built once, reused while the sources are older
DEB = CACHE / "dist" / f"qteditor_{VERSION}_amd64.deb"
SOURCES = [REPO / "packaging", REPO / "qteditor", REPO / "resources", REPO / "pyproject.toml"]


def _newest_source() -> float:
    newest = 0.0
    for src in SOURCES:
        paths = [src] if src.is_file() else [p for p in src.rglob("*") if p.is_file()]
        newest = max([newest] + [p.stat().st_mtime for p in paths if "__pycache__" not in p.parts])
    return newest


@pytest.fixture(scope="session")
def deb() -> str:
    import fcntl

    CACHE.mkdir(parents=True, exist_ok=True)
    # one build at a time: test workers (pytest-xdist) that need the .deb wait for the first
    # one's build and then use it
    with open(CACHE / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not DEB.exists() or DEB.stat().st_mtime < _newest_source():
            env = dict(
                os.environ, QTEDITOR_BUILD_DIR=str(CACHE / "build"), QTEDITOR_DIST_DIR=str(CACHE / "dist")
            )
            out = subprocess.run(
                ["bash", str(REPO / "packaging" / "build.sh")],
                cwd=REPO,
                capture_output=True,
                text=True,
                env=env,
            )
            assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    return str(DEB)


@pytest.fixture(scope="session")
def root(deb, tmp_path_factory):
    target = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", deb, str(target)], check=True)
    return target


def _run(root, *args, **kw):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(root / "opt" / "qteditor" / "qteditor"), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        timeout=120,
        **kw,
    )


def test_deb_metadata_and_size(deb):
    def field(name: str) -> str:
        out = subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    assert field("Package") == "qteditor" and field("Version") == VERSION
    assert field("Architecture") == "amd64"
    depends = field("Depends")
    for lib in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1"):
        assert lib in depends
    assert os.path.getsize(deb) <= 70 * 1024 * 1024


def test_deb_contents(deb):
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    for path in (
        "./opt/qteditor/qteditor",
        "./usr/bin/qteditor -> /opt/qteditor/qteditor",
        "./usr/share/applications/io.qteditor.QtEditor.desktop",
        "./usr/share/metainfo/io.qteditor.QtEditor.metainfo.xml",
        "./usr/share/icons/hicolor/scalable/apps/qteditor.svg",
        "./usr/share/icons/hicolor/256x256/apps/qteditor.png",
        "/_internal/resources/schema/quicktakes.yaml",
        "/_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
        "/_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so",
    ):
        assert path in listing, path


def test_desktop_file_and_metainfo_validate(root):
    desktop = root / "usr" / "share" / "applications" / "io.qteditor.QtEditor.desktop"
    assert subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True).returncode == 0
    meta = root / "usr" / "share" / "metainfo" / "io.qteditor.QtEditor.metainfo.xml"
    out = subprocess.run(["appstreamcli", "validate", "--no-net", str(meta)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_bundled_app_runs_from_the_unpacked_root(root, tmp_path):
    assert _run(root, "--version").stdout.strip() == f"qteditor {VERSION}"
    src = by_reason("title-with-colon-or-hash")[0]
    shown = _run(root, "show", "--json", src)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["fields"] == json.loads(json.dumps(Entry.load(src).fields(), default=str))
    target = tmp_path / src.name
    target.write_bytes(src.read_bytes())  # not its mode: the shared corpus is read-only
    edited = _run(root, "set", target, "seo.page_keywords=one, two", "id=5")
    assert edited.returncode == 0, edited.stderr
    entry = Entry.load(src)
    fields = entry.fields()
    fields["seo"]["page_keywords"] = "one, two"
    fields["id"] = 5
    assert target.read_bytes() == entry.render(fields)[0]  # the same bytes as the source tree
    fragment = _run(root, "render", "--fragment", src)
    assert fragment.returncode == 0 and "<p>" in fragment.stdout  # frozen resources found


def test_bundled_window_opens_and_closes(root):
    sample = root / "opt" / "qteditor" / "_internal" / "resources" / "sample" / "content" / "learn"
    entry = next(sample.glob("physics/*.md"))
    out = _run(root, "--startup-probe", entry)
    assert out.returncode == 0 and out.stdout.strip() == "shown", out.stderr


def test_nsis_script_compiles(tmp_path):
    tree = tmp_path / "bundle"
    (tree / "_internal").mkdir(parents=True)
    (tree / "qteditor.exe").write_bytes(b"placeholder")
    (tree / "_internal" / "placeholder.txt").write_text("placeholder")
    out = tmp_path / "setup.exe"
    proc = subprocess.run(
        [
            "makensis",
            "-V2",
            f"-DVERSION={VERSION}",
            f"-DSOURCE_DIR={tree}",
            f"-DOUTFILE={out}",
            str(REPO / "packaging" / "windows" / "qteditor.nsi"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert out.stat().st_size > 10_000


def test_bundled_app_is_the_merge_and_diff_driver(root, tmp_path, monkeypatch):
    """The installed app registers itself (by its absolute path) and git runs it as the driver:
    a CMS edit and a desktop edit of one entry merge field by field through ``git merge``."""
    from tests.core.git_helpers import ENTRIES, git, make_site, own_git_config
    from tests.core.merge_helpers import cms, desktop, fields_of

    own_git_config(tmp_path, monkeypatch)
    site = make_site(tmp_path)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    setup = subprocess.run(
        [str(root / "opt" / "qteditor" / "qteditor"), "git", "setup", str(site.desk)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 0, setup.stderr
    driver = git(site.desk, "config", "--get", "merge.qteditor.driver").strip()
    assert driver == f"{root / 'opt' / 'qteditor' / 'qteditor'} merge-driver --marker-size %L -- %O %A %B %P"
    theirs = site.entry(site.cms, 0)
    theirs.write_bytes(cms(theirs.read_bytes(), lambda d: d.__setitem__("author", "From the CMS")))
    git(site.cms, "commit", "-q", "-am", "CMS edit")
    git(site.cms, "push", "-q")
    ours = site.entry(site.desk, 0)
    ours.write_bytes(desktop(ours.read_bytes(), lambda f: f.update(title="Desk title")))
    git(site.desk, "commit", "-q", "-am", "Desk edit")
    expected = desktop(ours.read_bytes(), lambda f: f.update(author="From the CMS"))
    git(site.desk, "pull", "-q", "--no-rebase", "--no-edit")
    assert ours.read_bytes() == expected  # OURS's bytes, THEIRS's field; no markers
    assert fields_of(ours.read_bytes())["title"] == "Desk title"
    shown = git(site.desk, "cat-file", "--textconv", "HEAD:content/learn/" + ENTRIES[0])
    assert "\nanswer: |-\n" in shown  # the bundled textconv: the answer in real lines
