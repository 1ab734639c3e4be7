"""Icons (the desktop theme's first, bundled SVG as fallback) and one factory for actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QWidget

from ..core.resources import resource

_THEME = {
    "document-new": "document-new",
    "document-open": "document-open",
    "document-save": "document-save",
    "review": "document-properties",
    "lock": "changes-prevent",
    "unlock": "changes-allow",
    "add": "list-add",
    "remove": "list-remove",
    "up": "go-up",
    "down": "go-down",
    "refresh": "view-refresh",
    "warning": "dialog-warning",
}


def icon(name: str) -> QIcon:
    bundled = resource("icons", f"{name}.svg")
    fallback = QIcon(str(bundled)) if bundled.exists() else QIcon()
    theme = _THEME.get(name)
    if theme and QIcon.hasThemeIcon(theme):
        return QIcon.fromTheme(theme)
    return fallback


def app_icon() -> QIcon:
    return QIcon(str(resource("icons", "qteditor.svg")))


if TYPE_CHECKING:
    Key: TypeAlias = QKeySequence | QKeySequence.StandardKey | str  # what QKeySequence() takes


def action(
    parent: QWidget,
    text: str,
    slot: Callable | None = None,
    shortcut: Key | list[Key] | tuple[Key, ...] | None = None,
    icon_name: str | None = None,
    tip: str | None = None,
    checkable: bool = False,
) -> QAction:
    act = QAction(text, parent)
    if icon_name:
        act.setIcon(icon(icon_name))
    if shortcut is not None:
        if isinstance(shortcut, (list, tuple)):
            act.setShortcuts([QKeySequence(s) for s in shortcut])
        else:
            act.setShortcut(QKeySequence(shortcut))
    if tip:
        act.setToolTip(tip)
        act.setStatusTip(tip)
    act.setCheckable(checkable)
    if slot is not None:
        act.triggered.connect(slot)
    return act
