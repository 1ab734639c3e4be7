"""A collection's own settings, in ``.qteditor/config.yaml`` at its root or above it (a site
root holding ``content/learn``):

    rules:                          # a rule's severity, or off
      seo-description-length: off
      subject-casing: error
    slug_rule: slugify              # instead of the one inferred from the files

Unknown rules, severities or slug rules are refused with the file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import FormatError

CONFIG = Path(".qteditor") / "config.yaml"
SEVERITIES = ("error", "warning", "info")
OFF = "off"


@dataclass
class Config:
    severities: dict[str, str] = field(default_factory=dict)  # rule -> severity or "off"
    slug_rule: str | None = None
    source: Path | None = None


def find_config(root: Path) -> Path | None:
    for folder in (root, *root.parents):
        candidate = folder / CONFIG
        if candidate.is_file():
            return candidate
    return None


def load_config(root: Path | None) -> Config:
    """The settings that apply to the collection at ``root`` (defaults when none are found)."""
    if root is None:
        return Config()
    path = find_config(Path(root).resolve())
    if path is None:
        return Config()
    from . import slugs
    from .checks import RULES
    from .yaml import parse

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read the collection settings: {exc}", str(path)) from None
    parsed = parse(text, str(path), 1)
    raw = parsed.data if isinstance(parsed.data, dict) else {}

    def where(*keys: str) -> int:
        node = parsed.root
        for key in keys:
            if node is None or node.kind != "map":
                return 1
            node = next((v for k, v in node.items if k.value == key), None)
        return node.line + 1 if node is not None else 1

    config = Config(source=path)
    rules = raw.get("rules") or {}
    if not isinstance(rules, dict):
        raise FormatError("rules must map rule ids to a severity", str(path), where("rules"))
    for rule, severity in rules.items():
        if rule not in RULES:
            raise FormatError(
                f"unknown rule {rule!r} (rules: {', '.join(RULES)})", str(path), where("rules", str(rule))
            )
        value = "off" if severity is False else str(severity).lower()
        if value not in (*SEVERITIES, OFF):
            raise FormatError(
                f"{rule}: unknown severity {severity!r} (error, warning, info, off)",
                str(path),
                where("rules", str(rule)),
            )
        config.severities[rule] = value
    slug_rule = raw.get("slug_rule")
    if slug_rule is not None:
        if slug_rule not in slugs.RULES:
            raise FormatError(
                f"unknown slug_rule {slug_rule!r} ({', '.join(slugs.RULES)})", str(path), where("slug_rule")
            )
        config.slug_rule = slug_rule
    return config
