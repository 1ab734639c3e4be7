"""Where the bundled resources are: a source checkout, an installed wheel, or a frozen app."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # .../qteditor


@lru_cache(maxsize=1)
def resource_dir() -> Path:
    candidates = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    candidates.append(_PACKAGE / "resources")  # installed wheel: qteditor/resources
    candidates.append(_PACKAGE.parent / "resources")  # source checkout: <repo>/resources
    for path in candidates:
        if (path / "schema").is_dir():
            return path
    raise FileNotFoundError(
        "qteditor's resources were not found (looked in: " + ", ".join(str(p) for p in candidates) + ")"
    )


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


def user_folder(kind: str) -> Path:
    """The per-user folder of a kind ("cache" or "data") for this platform, with qteditor's
    name (XDG on Linux, Library on macOS, AppData on Windows). XDG_CACHE_HOME or XDG_DATA_HOME,
    when set, wins on every platform (the tests, and users who keep XDG folders elsewhere)."""
    xdg = os.environ.get("XDG_CACHE_HOME" if kind == "cache" else "XDG_DATA_HOME")
    if xdg:
        base = Path(xdg)
    elif sys.platform == "win32":
        var, fallback = (
            ("LOCALAPPDATA", "AppData/Local") if kind == "cache" else ("APPDATA", "AppData/Roaming")
        )
        base = Path(os.environ.get(var) or Path.home() / fallback)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / ("Caches" if kind == "cache" else "Application Support")
    else:
        base = Path.home() / (".cache" if kind == "cache" else ".local/share")
    return base / "qteditor"


def sample_site() -> Path:
    """The sample site (``sample/``: its ``content/learn`` collection) as the user's own copy in
    the data folder, made from the bundled one the first time it is asked for: the bundle may be
    read-only (an installed app) or inside qteditor's own git checkout, and what the user does
    to the sample stays theirs. The bundled one when no copy can be made (the data folder
    cannot be written)."""
    import shutil
    import stat
    import time

    bundled = resource("sample")
    target = user_folder("data") / "sample"
    if (target / "content" / "learn").is_dir():
        return target
    making = target.with_name(f".sample-{os.getpid()}")
    try:
        for left in target.parent.glob(".sample-*"):  # a start killed while copying left it
            try:
                stale = left == making or time.time() - left.stat().st_mtime > 3600
            except OSError:  # (another start's, gone meanwhile)
                continue
            if stale:
                shutil.rmtree(left, ignore_errors=True)
        shutil.copytree(bundled, making, copy_function=shutil.copyfile)  # (modes of the user's)
        for folder, _dirs, _files in os.walk(making):  # a read-only bundle's folders too
            os.chmod(folder, os.stat(folder).st_mode | stat.S_IWUSR)
        os.rename(making, target)  # whole or not at all; another process's copy wins
    except OSError:
        shutil.rmtree(making, ignore_errors=True)
        return target if (target / "content" / "learn").is_dir() else bundled
    return target
