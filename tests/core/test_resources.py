"""Where qteditor keeps its per-user folders on each platform."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from qteditor.core.resources import resource, sample_site, user_folder


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_xdg_folders_win_on_every_platform_when_set(tmp_path, monkeypatch, platform):
    """The tests (and users) point the cache and the journal at a folder of their own with XDG_*:
    on macOS and Windows too, or every test there would share the user's real cache."""
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert user_folder("cache") == tmp_path / "cache" / "qteditor"
    assert user_folder("data") == tmp_path / "data" / "qteditor"


def test_without_xdg_each_platform_has_its_own_place(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert user_folder("cache") == tmp_path / ".cache" / "qteditor"
    assert user_folder("data") == tmp_path / ".local" / "share" / "qteditor"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert user_folder("cache") == tmp_path / "Library" / "Caches" / "qteditor"
    assert user_folder("data") == tmp_path / "Library" / "Application Support" / "qteditor"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.delenv("APPDATA", raising=False)
    assert user_folder("cache") == tmp_path / "Local" / "qteditor"
    assert user_folder("data") == tmp_path / "AppData" / "Roaming" / "qteditor"


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_the_sample_is_the_users_own_copy_made_once(tmp_path, monkeypatch):
    """The window's first collection: the bundled sample copied into the user's data folder
    (the bundle may be read-only, or inside qteditor's own git checkout); edits stay theirs."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    bundled = resource("sample")
    site = sample_site()
    assert site == tmp_path / "data" / "qteditor" / "sample"
    assert _files(site) == _files(bundled) and _files(site)
    for rel in _files(bundled):
        assert (site / rel).read_bytes() == (bundled / rel).read_bytes()
    entry = next((site / "content" / "learn").rglob("*.md"))
    entry.write_text("edited", encoding="utf-8")
    assert sample_site() == site and entry.read_text(encoding="utf-8") == "edited"  # kept
    assert [p.name for p in site.parent.iterdir()] == ["sample"]  # no half-made copy left


def test_a_read_only_bundle_gives_a_copy_the_user_can_write(tmp_path, monkeypatch):
    import stat

    from qteditor.core import resources

    bundle = tmp_path / "bundle"
    shutil.copytree(resource("sample"), bundle / "sample")
    for folder, _dirs, files in os.walk(bundle / "sample", topdown=False):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)
        os.chmod(folder, 0o555)
    monkeypatch.setattr(resources, "resource", lambda *parts: bundle.joinpath(*parts))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    try:
        site = sample_site()
        assert site == tmp_path / "data" / "qteditor" / "sample" and _files(site) == _files(bundle / "sample")
        for path in [site, *site.rglob("*")]:  # (root writes anything: the modes tell)
            assert os.stat(path).st_mode & stat.S_IWUSR, path
    finally:
        for folder, _dirs, _names in os.walk(bundle):
            os.chmod(folder, 0o755)


def test_the_bundled_sample_when_no_copy_can_be_made(tmp_path, monkeypatch):
    (tmp_path / "data").write_text("a file where the data folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert sample_site() == resource("sample")


def test_a_copy_left_half_made_by_a_killed_start_is_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    data = tmp_path / "data" / "qteditor"
    old, recent = data / ".sample-999999", data / ".sample-999998"
    for left in (old, recent):
        (left / "content").mkdir(parents=True)
    os.utime(old, (0, 0))  # killed long ago; the recent one may be another start's, still copying
    site = sample_site()
    assert sorted(p.name for p in data.iterdir()) == [".sample-999998", "sample"]
    assert (site / "content" / "learn").is_dir()
