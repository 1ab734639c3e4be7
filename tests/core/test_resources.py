"""Where qteditor keeps its per-user folders on each platform."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qteditor.core.resources import user_folder


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
