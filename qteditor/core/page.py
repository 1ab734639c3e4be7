"""The page the site shows for an entry, and its search-result snippet, as HTML."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from .related import related_items
from .render import render_markdown, safe_href
from .site import site_for

TITLE_CUT = 60  # characters search engines show of a title
DESCRIPTION_CUT = 160  # … and of a description

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TOKENS = re.compile(r"\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DD|Do|D|dddd|ddd")


def format_date(value: Any, pattern: str | None) -> str:
    """A date in the site's moment-style pattern (``MMM DD, YYYY`` → ``Feb 09, 2025``)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    pattern = pattern or "MMM DD, YYYY"

    def token(m: re.Match) -> str:
        t = m.group(0)
        if m.group(1) is not None:
            return m.group(1)
        day = value.day
        suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return {
            "YYYY": f"{value.year:04d}",
            "YY": f"{value.year % 100:02d}",
            "MMMM": _MONTHS[value.month - 1],
            "MMM": _MONTHS[value.month - 1][:3],
            "MM": f"{value.month:02d}",
            "M": str(value.month),
            "DD": f"{day:02d}",
            "Do": f"{day}{suffix}",
            "D": str(day),
            "dddd": _DAYS[value.weekday()],
            "ddd": _DAYS[value.weekday()][:3],
        }[t]

    return _TOKENS.sub(token, pattern)


def _text(fields: dict, *path: str) -> str:
    value: Any = fields
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def related(fields: dict) -> list[dict]:
    """The related articles in number order."""
    return [value for _key, value in related_items(fields)]


def snippet(fields: dict) -> dict:
    """What a search result shows: the site's <title> and description, and where they are cut."""
    title = f"Student Question : {_text(fields, 'title')} | {_text(fields, 'subject')} | QuickTakes"
    description = f"Get the full answer from QuickTakes - {_text(fields, 'seo', 'page_description')}"
    return {
        "title": title,
        "description": description,
        "url": _text(fields, "url"),
        "title_cut": len(title) > TITLE_CUT,
        "description_cut": len(description) > DESCRIPTION_CUT,
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def snippet_html(fields: dict) -> str:
    s = snippet(fields)
    return (
        '<div class="qt-snippet">'
        f'<div class="qt-snippet-url">{html.escape(s["url"])}</div>'
        f'<div class="qt-snippet-title">{html.escape(_cut(s["title"], TITLE_CUT))}</div>'
        f'<div class="qt-snippet-desc">{html.escape(_cut(s["description"], DESCRIPTION_CUT))}</div>'
        "</div>"
    )


def body_html(fields: dict, answer_html: str | None = None) -> str:
    """The entry as the site lays it out: back link, title, date, answer, related articles."""
    subject = _text(fields, "subject")
    back = site_for().section_url(subject) if subject else "/learn"
    when = format_date(fields.get("date"), _text(fields, "date_format") or None)
    posted = _text(fields, "post_on_text") or "Posted on"
    answer = answer_html if answer_html is not None else render_markdown(_text(fields, "answer"))
    parts = [
        '<div class="qt-page">',
        f'<p class="qt-back"><a href="{html.escape(back)}">&larr; back to {html.escape(subject)}</a></p>',
        f'<h1 class="qt-title">{html.escape(_text(fields, "title"))}</h1>',
        f'<p class="qt-date">{html.escape(posted)} {html.escape(when)}</p>',
        f'<div class="qt-answer">{answer}</div>',
    ]
    items = related(fields)
    if items:
        parts.append('<div class="qt-related"><h2>Related articles</h2><ul>')
        for item in items:
            title = html.escape(_text(item, "title"))
            href = safe_href(_text(item, "url"))  # javascript: and the like stay text
            link = f'<a href="{html.escape(href)}">{title}</a>' if href else f"<span>{title}</span>"
            parts.append(
                f"<li>{link}"
                f' <span class="qt-related-subject">{html.escape(_text(item, "subject"))}</span></li>'
            )
        parts.append("</ul></div>")
    parts.append("</div>")
    return "\n".join(parts)


PAGE_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2328; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.55; }
.qt-back a { color: #0b5cad; text-decoration: none; font-size: 0.9em; }
.qt-title { font-size: 1.8em; line-height: 1.25; margin: 0.3em 0; }
.qt-date { color: #59636e; font-size: 0.9em; }
.qt-answer table { border-collapse: collapse; }
.qt-answer th, .qt-answer td { border: 1px solid #d0d7de; padding: 4px 8px; }
.qt-answer pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
.qt-answer code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.qt-related { border-top: 1px solid #d0d7de; margin-top: 2em; }
.qt-related-subject { color: #59636e; font-size: 0.85em; }
div.math-display { text-align: center; margin: 0.8em 0; }
img.math-inline { vertical-align: middle; }
"""


def check_export_target(output: str, source: str | None) -> None:
    """Refuse (SaveError) to export a page over the entry itself (any name of it) or over an
    existing entry file (``.md``, or anything that starts with a front-matter line)."""
    import os

    from .errors import SaveError

    if source is not None:
        try:
            same = os.path.samefile(output, source)
        except OSError:
            same = os.path.realpath(output) == os.path.realpath(source)
        if same:
            raise SaveError(
                "the output is the entry itself; give another file name for the page (nothing was written)",
                output,
            )
    if not os.path.lexists(output) or os.path.isdir(output):
        return
    entry_like = output.lower().endswith((".md", ".markdown"))
    if not entry_like and os.path.isfile(output):  # a regular file: never a FIFO that blocks
        try:
            with open(output, "rb") as fh:
                head = fh.read(7)
        except OSError:
            return
        entry_like = head.startswith((b"---", b"\xef\xbb\xbf---"))
    if entry_like:
        raise SaveError(
            "the output is an existing entry file; a page is never written over "
            "an entry (nothing was written)",
            output,
        )


def page_html(fields: dict, answer_html: str | None = None) -> str:
    """A standalone page (export): the site's <title> and description, styles inline."""
    s = snippet(fields)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>{html.escape(s['title'])}</title>\n"
        f'<meta name="description" content="{html.escape(s["description"], quote=True)}">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        f"<style>{PAGE_CSS}</style></head>\n<body>\n{body_html(fields, answer_html)}\n</body></html>\n"
    )
