"""Where the bundled resources are: a source checkout, an installed wheel, or a frozen app."""

from __future__ import annotations

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
        "qteditor's resources were not found (looked in: "
        + ", ".join(str(p) for p in candidates) + ")"
    )


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
