"""The command-line face of qteditor.

    qteditor [PATH]                      open the window (an entry or a collection folder)
    qteditor show [--json] FILE...       print an entry's fields and body
    qteditor set [--force] --json PATCH FILE...   deep-merge a JSON object into each file's front matter
    qteditor set [--force] [--new-key] FILE... KEY=VALUE...   set dotted keys in each file,
                                         converted to each field's type
    qteditor render [--fragment] [--json] FILE...   the preview's HTML
    qteditor export FILE -o PAGE.html    a standalone page
    qteditor check [--json] PATH...      problems in files or collections (exit 1 on errors)
    qteditor fix [--rule RULE] [--dry-run] PATH...   apply the checks' fixes, minimal diffs
    qteditor git setup [PATH]            register the merge and diff drivers in the repository
    qteditor git status [--json] [PATH]  changed entries (against HEAD and the index), with fields
    qteditor git log [--json] FILE       an entry's commits (following renames), with fields
    qteditor merge-driver [--marker-size N] BASE OURS THEIRS PATH   git's %O %A %B %P (%L): merge entries
    qteditor textconv FILE               what git diff shows of an entry (answer in real lines)

Exit status: 0 when every file succeeded, 1 when any failed (the others are still processed),
2 for a usage error. Errors go to stderr as ``path:line:column: message``. Headless commands
never import Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__

if TYPE_CHECKING:  # (the commands import what they use when they run)
    from pathlib import Path

    from .core.checks import Problem
    from .core.workspace import Workspace

COMMANDS = ("show", "set", "render", "export", "check", "fix", "git", "merge-driver", "textconv")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse would exit; we keep one exit path
        raise UsageError(f"{self.prog}: {message}")


# what a command with --force can do about a file the writer refused (storage.ReadOnlyError)
_FORCE_HINTS = {
    "read-only": " (use --force, or make it writable, to save it anyway)",
    "hard-links": " (use --force to write it in place, keeping the links)",
}


def _report(exc: BaseException, path: str | None = None, forceable: bool = False) -> None:
    """An error on stderr as ``path:line:column: message``; ``forceable``: the command has
    --force, which a refused read-only or hard-linked file is told about."""
    from .core.errors import QtEditorError
    from .core.storage import ReadOnlyError

    if isinstance(exc, QtEditorError):
        exc.located(path)
        hint = _FORCE_HINTS.get(exc.reason, "") if forceable and isinstance(exc, ReadOnlyError) else ""
        print(str(exc) + hint, file=sys.stderr)
    else:
        print(f"{path or '<input>'}:1:1: {exc}", file=sys.stderr)


def _out(text: str) -> None:
    """Write to stdout in pieces, then flush: a failed or short write raises (exit 1), never a
    silently cut output."""
    step = 1 << 20
    for at in range(0, len(text), step):
        sys.stdout.write(text[at : at + step])
    sys.stdout.flush()


# ---------------------------------------------------------------------------- show
def _show_text(fields: Any, body: str) -> str:
    lines: list[str] = []

    from .core.yaml import json_safe
    from .core.yaml import key_text as _key_text

    def emit(prefix: str, value: Any) -> None:
        if isinstance(value, dict):  # every key, in its own line (1 and '1' both stay)
            if not value:
                lines.append(f"{prefix}: {{}}")
            for k, v in value.items():
                key = k if isinstance(k, str) else _key_text(k)
                emit(f"{prefix}.{key}" if prefix else key, v)
        elif isinstance(value, list):
            if not value:
                lines.append(f"{prefix}: []")
            for i, v in enumerate(value):
                emit(f"{prefix}[{i}]", v)
        else:
            value = json_safe(value)
            text = json.dumps(value) if not isinstance(value, str) else value
            if isinstance(value, (int, float, bool)) or value is None:
                text = json.dumps(value)
            elif not isinstance(value, str):
                text = str(value)
            if "\n" in text:
                lines.append(f"{prefix}: |")
                lines.extend("    " + line if line else "" for line in text.split("\n"))
            else:
                lines.append(f"{prefix}: {text}")

    emit("", fields)
    lines.append("--- body ---")
    lines.append(body)
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace) -> int:
    from .core.entry import Entry
    from .core.errors import QtEditorError
    from .core.yaml import KeyCollision, json_fields

    status = EXIT_OK
    for path in args.files:
        try:
            entry = Entry.load(path)
            fields = entry.fields()
            if args.json:
                out = {"path": path, "fields": json_fields(fields), "body": entry.body}
                text = json.dumps(out, ensure_ascii=False) + "\n"
            else:
                text = _show_text(fields, entry.body) + "\n"
                if len(args.files) > 1:
                    text = f"==> {path} <==\n" + text
        except KeyCollision as exc:  # located at the second key
            lines = (
                entry.field_lines(exc.mapping + (exc.keys[1],))
                if not any(isinstance(p, (int, tuple)) and not isinstance(p, bool) for p in exc.mapping)
                else None
            )  # a key inside a list: the file's first line
            exc.line = lines[0] if lines else 1
            _report(exc, path)
            status = EXIT_FAILED
            continue
        except QtEditorError as exc:
            _report(exc, path)
            status = EXIT_FAILED
            continue
        _out(text)
    return status


# ---------------------------------------------------------------------------- set
PATCH_MAX_BYTES = 64 * 1024 * 1024
PATCH_MAX_DEPTH = 150  # as deep as a front matter may nest


def _patch_text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UsageError(
            f"{source}:{line}:{col}: the patch is not UTF-8 text (byte "
            f"0x{data[exc.start : exc.start + 1].hex()})"
        ) from None


def _check_patch_values(patch: Any, source: str) -> None:
    """A patch nests at most PATCH_MAX_DEPTH levels and holds only text that can be written
    (no lone surrogates, from a JSON \\ud800 escape or a command line that is not UTF-8)."""
    stack = [(patch, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > PATCH_MAX_DEPTH:
            raise UsageError(f"{source}:1:1: the patch nests deeper than {PATCH_MAX_DEPTH} levels")
        if isinstance(value, dict):
            for k, v in value.items():
                stack.append((k, depth))
                stack.append((v, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise UsageError(
                    f"{source}:1:1: the patch holds {value[exc.start]!r}, which is not "
                    "a character UTF-8 can store (a lone surrogate)"
                ) from None


def _read_patch(spec: str) -> dict:
    if spec == "-":
        source = "<stdin>"
        stream = getattr(sys.stdin, "buffer", None)
        text = (
            _patch_text(stream.read(PATCH_MAX_BYTES + 1), source) if stream is not None else sys.stdin.read()
        )
    elif spec.startswith("@"):
        source = spec[1:]
        try:
            with open(source, "rb") as fh:  # a pipe is fine here (@<(…)): the user asked for it
                data = fh.read(PATCH_MAX_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"cannot read the patch file {source}: {exc.strerror or exc}") from None
        if len(data) > PATCH_MAX_BYTES:
            raise UsageError(f"{source}:1:1: the patch is larger than {PATCH_MAX_BYTES:,} bytes")
        text = _patch_text(data, source)
    else:
        text, source = spec, "<argument>"
    if len(text) > PATCH_MAX_BYTES:
        raise UsageError(f"{source}:1:1: the patch is larger than {PATCH_MAX_BYTES:,} bytes")
    try:
        patch = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{source}:{exc.lineno}:{exc.colno}: the patch is not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise UsageError(f"{source}:1:1: the patch nests deeper than {PATCH_MAX_DEPTH} levels") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise UsageError(f"{source}:1:1: the patch cannot be read: {exc}") from None
    if not isinstance(patch, dict):
        raise UsageError(f"{source}:1:1: the patch must be a JSON object")
    _check_patch_values(patch, source)
    return patch


def _split_targets(targets: list[str]) -> tuple[list[str], list[str]]:
    """FILE... KEY=VALUE...: an argument with '=' that is not an existing file is an
    assignment; the files come first."""
    import os

    files: list[str] = []
    assignments: list[str] = []
    for text in targets:
        if "=" in text and not os.path.lexists(text):
            assignments.append(text)
        elif assignments:
            raise UsageError(f"set: expected KEY=VALUE, got {text!r} (the files come first)")
        else:
            files.append(text)
    return files, assignments


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _locate_field(entry: Any, exc: Any) -> None:
    """Point a refused change at its field's line and column (or its closest parent's)."""
    field = getattr(exc, "field", None)
    if not field or (exc.line, exc.column) != (1, 1):
        return
    try:
        where = entry.field_position(field)
    except Exception:  # noqa: BLE001 - the position is a help; the message is the error
        where = None
    if where is not None:
        exc.line, exc.column = where


def _set_inputs(args: argparse.Namespace) -> tuple[list[str], list[str], dict]:
    """The files, the KEY=VALUE assignments and the --json patch of `set` (an empty patch
    with assignments, no assignments with a patch); UsageError when one is missing."""
    if args.json is not None:
        patch = _read_patch(args.json)
        if not args.targets:
            raise UsageError("set: give at least one FILE")
        return args.targets, [], patch
    if not args.targets:
        raise UsageError("set: give FILE... KEY=VALUE... or --json PATCH FILE...")
    files, assignments = _split_targets(args.targets)
    if not files:
        raise UsageError("set: give at least one FILE before the KEY=VALUE assignments")
    if not assignments:
        raise UsageError("set: give at least one KEY=VALUE after the files")
    _check_patch_values(assignments, "<argument>")  # a command line that is not UTF-8
    return files, assignments, {}


def _set_summary(changed: int, unchanged: int, failed: int) -> str:
    """The closing line of `set`: how many files changed, stayed unchanged, failed."""
    parts = [f"{_plural(changed, 'file')} changed"] if changed or not (unchanged or failed) else []
    if unchanged:
        parts.append(f"{_plural(unchanged, 'file')} unchanged")
    if failed:
        parts.append(f"{_plural(failed, 'file')} failed")
    return f"qteditor set: {', '.join(parts)}"


def cmd_set(args: argparse.Namespace) -> int:
    from .core import patch as patching
    from .core.entry import Entry
    from .core.errors import PatchError, QtEditorError

    files, assignments, patch = _set_inputs(args)
    status = EXIT_OK
    changed = unchanged = 0

    def change(entry: Entry) -> dict:
        fields = entry.fields()
        try:
            if assignments:
                if not args.new_key:
                    patching.check_keys(fields, assignments, entry.schema)
                return patching.assign(fields, assignments, entry.schema)
            return patching.merge(fields, patch, entry.schema)
        except PatchError as exc:
            _locate_field(entry, exc)
            raise

    for path in files:
        try:
            # the patch is applied to the file as it is when it is written, under its lock:
            # two writers at once each keep the other's edit
            if Entry.update(path, change, force=args.force) is not None:
                changed += 1
            else:
                unchanged += 1
        except QtEditorError as exc:
            _report(exc, path, forceable=True)
            status = EXIT_FAILED
    if not args.quiet:
        print(_set_summary(changed, unchanged, len(files) - changed - unchanged), file=sys.stderr)
    return status


# ---------------------------------------------------------------------------- render / export
def cmd_render(args: argparse.Namespace) -> int:
    from .core.errors import QtEditorError
    from .core.page import page_html
    from .core.render import render_markdown
    from .core.session import EditSession

    status = EXIT_OK
    for path in args.files:
        try:
            session = EditSession.open(path)
        except QtEditorError as exc:
            _report(exc, path)
            status = EXIT_FAILED
            continue
        # the schema's Markdown field (the answer), or the file's body
        fragment = render_markdown(session.text())
        out = fragment if args.fragment else page_html(session.fields, fragment)
        if args.json:
            print(json.dumps({"path": path, "html": out}, ensure_ascii=False))
        else:
            sys.stdout.write(out if out.endswith("\n") else out + "\n")
    return status


def cmd_export(args: argparse.Namespace) -> int:
    from .core import storage
    from .core.errors import QtEditorError
    from .core.page import check_export_target, page_html
    from .core.render import render_markdown
    from .core.session import EditSession

    try:
        check_export_target(args.output, args.file)
    except QtEditorError as exc:  # the page would replace an entry: a wrong argument
        raise UsageError(str(exc)) from None
    try:
        session = EditSession.open(args.file)
        page = page_html(session.fields, render_markdown(session.text()))
        storage.write_atomic(args.output, page.encode("utf-8"))
    except QtEditorError as exc:
        _report(exc, args.file)
        return EXIT_FAILED
    return EXIT_OK


# ---------------------------------------------------------------------------- check / fix
class _Target:
    """One PATH given to check or fix: the workspace it belongs to, which of its entries it
    names (None: all), and how their paths are shown (relative to the folder given)."""

    def __init__(self, workspace: Workspace, given: str, folder: Path | None = None, file: str | None = None):
        self.workspace = workspace
        self.given = given
        self.folder = folder  # a folder given (resolved)
        self.file = file  # a file given: its index path

    def only(self) -> set[str] | None:
        ws = self.workspace
        if self.file is not None:
            return {self.file}
        inside = ws.rel(self.folder) if self.folder is not None else None
        if inside is None or inside == ".":  # the collection, or a site root holding it
            return None
        prefix = inside + "/"
        return {path for path in ws.paths() if path.startswith(prefix)}

    def shown(self, rel: str) -> str:
        if self.file is not None:
            return self.given
        assert self.folder is not None  # _targets gives each target a file or a folder
        if not hasattr(self, "_prefix"):
            import os

            up = os.path.relpath(str(self.workspace.root), str(self.folder)).replace(os.sep, "/")
            if up == ".":
                self._prefix, self._strip = "", ""
            elif not up.startswith(".."):  # a site root holding the collection
                self._prefix, self._strip = up + "/", ""
            else:  # a folder inside the collection (a subject folder)
                self._prefix, self._strip = "", (self.workspace.rel(self.folder) or "") + "/"
        if self._strip and rel.startswith(self._strip):
            return rel[len(self._strip) :]
        return self._prefix + rel


def _targets(paths: list[str]) -> list[_Target]:
    from pathlib import Path

    from .core.errors import QtEditorError
    from .core.folders import collection_for_folder, collection_of
    from .core.workspace import Workspace

    spaces: dict[Path, Workspace] = {}
    out = []

    def space(root: Path) -> Workspace:
        if root not in spaces:
            spaces[root] = Workspace(root)
        return spaces[root]

    for given in paths:
        p = Path(given)
        try:
            if p.is_dir():
                ws = space(collection_for_folder(p))
                out.append(_Target(ws, given, folder=p.resolve()))
            elif p.is_file():
                root = collection_of(p)
                if root is None:
                    out.append(_Target(Workspace(lone=p), given, file=p.name))
                else:
                    ws = space(root)
                    out.append(_Target(ws, given, file=ws.rel(p)))
            else:
                raise UsageError(f"{given}:1:1: no such file or folder")
        except QtEditorError as exc:  # a collection's settings that cannot be read
            raise UsageError(str(exc)) from None
    return out


def _progress(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(
            f"\r{label}: {done:,}/{total:,} files read",
            end="" if done < total else "\n",
            file=sys.stderr,
            flush=True,
        )

    return show


def _refreshed(targets: list[_Target]) -> None:
    seen = set()
    for t in targets:
        ws = t.workspace
        if id(ws) in seen:
            continue
        seen.add(id(ws))
        ws.refresh(_progress(f"indexing {ws.root or ws.lone}"))
        if ws.notice:
            print(f"qteditor: {ws.notice}", file=sys.stderr)


def run_checks(paths: list[str]) -> tuple[int, list[Problem]]:
    """(files checked, problems with display paths)."""
    targets = _targets(paths)
    _refreshed(targets)
    total = 0
    found = []
    seen = set()
    overlapping = len(targets) > 1  # (one target's problems are each reported once)
    for t in targets:
        ws = t.workspace
        only = t.only()
        problems = ws.check(only)
        total += len(only) if only is not None else ws.count()
        for pr in problems:
            if overlapping:
                key = (pr.file, pr.rule, pr.field, pr.message)
                if key in seen:
                    continue
                seen.add(key)
            pr.path = t.shown(pr.path)
            found.append(pr)
    found.sort(key=lambda pr: (pr.path, pr.line or 0, pr.rule))
    return total, found


def cmd_check(args: argparse.Namespace) -> int:
    from .core.checks import ERROR, counts

    files, problems = run_checks(args.paths)
    if args.json:
        print(json.dumps({"files": files, "problems": [p.as_json() for p in problems]}, ensure_ascii=False))
    else:
        for p in problems:
            print(f"{p.path}:{p.line}: {p.severity}: {p.message} [{p.rule}]")
        c = counts(problems)
        print(
            f"{files:,} files, {len(problems):,} problems ({c['error']:,} errors, "
            f"{c['warning']:,} warnings, {c['info']:,} notes)",
            file=sys.stderr,
        )
    return EXIT_FAILED if any(p.severity == ERROR for p in problems) else EXIT_OK


def cmd_fix(args: argparse.Namespace) -> int:
    from .core.checks import RULES, fixable
    from .core.plan import Plan

    if args.rule and args.rule not in RULES:
        raise UsageError(f"fix: unknown rule {args.rule!r} (rules: {', '.join(RULES)})")
    targets = _targets(args.paths)
    _refreshed(targets)
    rules = {args.rule} if args.rule else None
    if args.rule and not fixable(args.rule):
        print(f"qteditor: {args.rule} has no automatic fix: its problems need a decision", file=sys.stderr)
    # one plan a workspace, for the union of what was given of it
    groups: dict = {}
    for t in targets:
        groups.setdefault(id(t.workspace), []).append(t)
    total = Plan("fix")
    status = EXIT_OK
    for group in groups.values():
        ws = group[0].workspace
        scopes = [t.only() for t in group]
        only = None if any(s is None for s in scopes) else set().union(*scopes)

        scoped = list(zip(group, scopes, strict=True))

        def shown(rel: str, scoped: list[tuple[_Target, set[str] | None]] = scoped) -> str:
            for t, scope in scoped:
                if scope is None or rel in scope:
                    return t.shown(rel)
            return scoped[0][0].shown(rel)

        plan = ws.plan_fix_all(rules, only, shown)
        for change in plan.changes:
            if change.error is not None:
                _report(change.error, change.shown)
                status = EXIT_FAILED
        if args.dry_run:
            sys.stdout.write(plan.diff())
        else:
            result = ws.apply(plan, force=args.force)
            for exc in result.errors:
                _report(exc, forceable=True)
                status = EXIT_FAILED
            failed = {str(e.path) for e in result.errors}
            for change in plan.writes:
                if str(change.path) in failed:
                    change.error = next(e for e in result.errors if str(e.path) == str(change.path))
        total.changes += plan.changes
        total.left += plan.left
    print(f"qteditor fix: {total.summary(dry_run=args.dry_run)}", file=sys.stderr)
    return status


# ---------------------------------------------------------------------------- git
def _git_error(exc: BaseException, path: str | None = None) -> int:
    from .core.git import GitError, GitUnavailable, NotARepository

    if isinstance(exc, GitError):
        where = (
            (path if isinstance(exc, (NotARepository, GitUnavailable)) else None) or exc.path or path or "."
        )
        text = f"{where}:1:1: {exc.message}" + (f" {exc.advice}" if exc.advice else "")
        print(text, file=sys.stderr)
        return EXIT_FAILED
    _report(exc, path)
    return EXIT_FAILED


def cmd_git_setup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .core import git
    from .core.errors import QtEditorError

    path = args.path or "."
    if not Path(path).exists():
        raise UsageError(f"{path}:1:1: no such file or folder")
    try:
        done = git.setup(path)
    except QtEditorError as exc:
        return _git_error(exc, path)
    top = Path(done["repository"])
    for m in done["moved"]:
        over = ", ".join(f"{b['text']!r} (line {b['line']})" for b in m["below"]) or "a later line"
        print(
            f"{top / '.gitattributes'}:{m['line']}:1: note: the line for {m['pattern']} is moved "
            f"to the end: {over} overrode it (the last line that matches wins in git)",
            file=sys.stderr,
        )
    failed = False
    for o in done["overridden"]:
        # "error": no entry of the collection gets the drivers; "note": some do not
        kind = "error" if o["all"] else "note"
        what = (
            f"merge=qteditor diff=qteditor ({o['pattern']}) do not apply to {o['entries']:,} of "
            f"the {o['of']:,} entries checked (e.g. {o['example']}: merge {o['merge']}, diff {o['diff']})"
            + ("; no entry of the collection gets them" if o["all"] else "")
        )
        if not o["sources"]:
            print(f"{top / '.gitattributes'}:1:1: {kind}: {what}: another attributes file", file=sys.stderr)
        for src in o["sources"]:
            print(f"{src['file']}:{src['line']}:1: {kind}: {what}: set by {src['text']!r}", file=sys.stderr)
        failed = failed or o["all"]
    changed = done["added"] or done["updated"] or done["moved"] or done["config"]
    print(
        f"qteditor: drivers registered in {done['repository']} for "
        f"{', '.join(done['patterns'])}" + ("" if changed or done["overridden"] else " (already set up)"),
        file=sys.stderr,
    )
    return EXIT_FAILED if failed else EXIT_OK


def cmd_git_status(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .core import git
    from .core.errors import QtEditorError
    from .core.folders import collection_for_folder

    path = args.path or "."
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}:1:1: no such file or folder")
    try:
        scope = p.resolve() if p.is_file() else collection_for_folder(p)
        repo = git.Repo.find(scope)
        status = repo.status([scope])
    except QtEditorError as exc:
        return _git_error(exc, path)
    if args.json:
        _out(json.dumps(status.as_json(), ensure_ascii=False) + "\n")
        return EXIT_OK
    at = f"HEAD detached at {status.head[:7]}" if status.head else "no commit yet"
    if status.branch:
        line = f"On branch {status.branch}"
    elif status.rebasing:  # git detaches HEAD while it rebases a branch
        line = f"Rebasing branch {status.rebasing} ({at} until the rebase is finished)"
    else:
        line = f"Not on a branch ({at})"
    if status.upstream:
        line += f" (tracking {status.upstream}: {status.ahead} ahead, {status.behind} behind)"
    if status.operation:
        line += f"; {git.operation_phrase(status.operation)} is in progress"
    lines = [line]
    for e in status.entries:
        lines.append(f"{e.state:<10}  {e.path}" + (f"  [{', '.join(e.fields)}]" if e.fields else ""))
    if not status.entries:
        lines.append("no changed entries")
    _out("\n".join(lines) + "\n")
    return EXIT_OK


def cmd_git_log(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .core import git
    from .core.errors import QtEditorError

    p = Path(args.file)
    if p.is_dir():
        raise UsageError(f"{args.file}:1:1: give an entry file, not a folder")
    if not p.exists() and not p.parent.exists():
        raise UsageError(f"{args.file}:1:1: no such file")
    try:
        repo = git.Repo.find(p.parent if p.parent.exists() else ".")
        commits = repo.log(p.absolute(), values=False)
    except QtEditorError as exc:
        return _git_error(exc, args.file)
    if args.json:
        out = {"path": repo.rel(p.absolute()), "commits": [c.as_json() for c in commits]}
        _out(json.dumps(out, ensure_ascii=False) + "\n")
        return EXIT_OK
    lines = []
    for c in commits:
        lines.append(f"{c.commit[:10]}  {c.date[:10]}  {c.author}  {c.subject}")
        if c.old_path:
            lines.append(f"    renamed from {c.old_path}")
        if c.status == "D":
            lines.append("    deleted")
        elif c.status == "A" and c.fields:
            lines.append("    added: " + ", ".join(c.fields))
        else:
            lines.append("    " + (", ".join(c.fields) if c.fields else "(no field changed)"))
    _out("\n".join(lines) + ("\n" if lines else ""))
    return EXIT_OK


def cmd_git(args: argparse.Namespace) -> int:
    """`qteditor git setup|status|log`: the subcommand's function."""
    commands = {"setup": cmd_git_setup, "status": cmd_git_status, "log": cmd_git_log}
    if args.git_command not in commands:
        raise UsageError("qteditor git: give setup, status or log")
    return commands[args.git_command](args)


def cmd_merge_driver(args: argparse.Namespace) -> int:
    import os

    from .core import git
    from .core.errors import QtEditorError

    for f in (args.base, args.ours, args.theirs):
        if not os.path.isfile(f):
            raise UsageError(f"{f}:1:1: no such file (git passes %O %A %B %P)")
    try:
        size = args.marker_size if args.marker_size and args.marker_size > 0 else 7
        code, note = git.merge_driver(args.base, args.ours, args.theirs, args.path, marker_size=size)
    except (QtEditorError, OSError) as exc:
        _report(exc, args.path)
        return EXIT_FAILED
    if code != 0:
        print(f"qteditor merge-driver: {note}", file=sys.stderr)
    return EXIT_OK if code == 0 else EXIT_FAILED


def cmd_textconv(args: argparse.Namespace) -> int:
    from .core.changes import textconv

    try:
        with open(args.file, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        print(f"{args.file}:1:1: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    out = textconv(raw, args.file)
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        buffer.write(out)
        buffer.flush()
    else:
        _out(out.decode("utf-8", "replace"))
    return EXIT_OK


# ---------------------------------------------------------------------------- main
EXAMPLES = """\
examples:
  qteditor content/learn                 open the window on a collection (or PATH: an entry)
  qteditor check content/learn           list the problems of every entry
  qteditor fix --dry-run content/learn   show the fixes as a diff; without --dry-run, apply them
  qteditor fix --rule related-stale-title content/learn/biology
  qteditor set a.md b.md subject=Biology "seo.title=QuickTakes | Biology"
  qteditor set --json '{"no_index": true}' content/learn/physics/*.md
  qteditor show --json entry.md          the fields and body as JSON
  qteditor render --fragment entry.md    the answer's HTML, as the preview shows it
  qteditor export entry.md -o page.html  a standalone page"""

EXIT_CODES = """\
exit status:
  0  every file succeeded
  1  some file failed (the others are still processed), or check found an error
  2  usage error (a wrong command, option or argument)
errors go to stderr as path:line:column: message."""


def _rules_help() -> str:
    from .core.checks import FIXABLE, REVIEWED, RULES

    lines = ["rules (check's findings; fix --rule RULE):"]
    width = max(map(len, RULES))
    for rule, severity in RULES.items():
        note = (
            "fixable, only when named with --rule"
            if rule in REVIEWED
            else "fixable"
            if rule in FIXABLE
            else "needs a decision"
        )
        lines.append(f"  {rule:<{width}}  {severity:<7}  {note}")
    return "\n".join(lines)


class _TopParser(_Parser):
    """The top-level parser: its help adds examples, the rule ids and the exit codes (the
    rules are read only when the help is shown: the commands do not import the checks)."""

    def format_help(self) -> str:
        self.epilog = "\n\n".join((EXAMPLES, _rules_help(), EXIT_CODES))
        return super().format_help()


def build_parser() -> _Parser:
    parser = _TopParser(
        prog="qteditor",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="qteditor [PATH]\n       qteditor COMMAND [options] ...",
        description="Edit Markdown Q&A entries with YAML front matter.\n\n"
        "qteditor PATH opens the window on an entry file or a collection folder "
        "(without PATH:\nthe last one, or the sample collection). The commands "
        "below work without a window.",
    )
    parser.add_argument("--version", action="version", version=f"qteditor {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, title="commands", metavar="COMMAND")
    show = sub.add_parser("show", help="print an entry's fields and body")
    show.add_argument("--json", action="store_true", help="one JSON object per file")
    show.add_argument("files", nargs="+", metavar="FILE")
    setp = sub.add_parser(
        "set",
        help="change front-matter fields, keeping the file's formatting",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="qteditor set [options] FILE... KEY=VALUE...\n"
        "       qteditor set [options] --json PATCH FILE...",
        description="Change front-matter fields of each FILE; only their lines change.\n\n"
        "An argument that contains '=' and is not an existing file is a KEY=VALUE "
        "assignment (the files\ncome first). KEY is dotted (seo.title); VALUE is "
        "converted to the field's type. A key that is\nneither in the schema nor "
        "in the file is refused (a typo, most often) unless --new-key.",
        epilog='examples:\n  qteditor set a.md b.md subject=Biology "seo.title=QuickTakes | Biology"\n'
        '  qteditor set --json \'{"seo": {"page_keywords": "cells, biology"}}\' a.md\n'
        "  qteditor set --new-key a.md reviewed_by=Me",
    )
    setp.add_argument(
        "--json", metavar="PATCH", help="a JSON object to deep-merge (null deletes); @FILE or - for stdin"
    )
    setp.add_argument(
        "--new-key",
        action="store_true",
        help="allow KEY=VALUE keys that are neither in the schema nor in the file",
    )
    setp.add_argument(
        "-q", "--quiet", action="store_true", help='no summary line ("3 files changed") on stderr'
    )
    setp.add_argument(
        "--force", action="store_true", help="write read-only files too, and hard-linked ones in place"
    )
    setp.add_argument("targets", nargs="*", metavar="FILE | KEY=VALUE")
    rend = sub.add_parser("render", help="print the preview's HTML (the page, or the answer alone)")
    rend.add_argument("--fragment", action="store_true", help="only the rendered answer")
    rend.add_argument("--json", action="store_true", help='one {"path", "html"} object per line')
    rend.add_argument("files", nargs="+", metavar="FILE")
    exp = sub.add_parser("export", help="write a standalone HTML page of an entry")
    exp.add_argument("file", metavar="FILE")
    exp.add_argument("-o", "--output", required=True, metavar="PAGE.html")
    chk = sub.add_parser("check", help="find problems in files or collections")
    chk.add_argument("--json", action="store_true", help='{"files": N, "problems": [...]}')
    chk.add_argument("paths", nargs="+", metavar="PATH")
    fx = sub.add_parser("fix", help="apply the checks' fixes through the format-preserving writer")
    fx.add_argument("--rule", metavar="RULE", help="only this rule's fixes")
    fx.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    fx.add_argument(
        "--force", action="store_true", help="write read-only files too, and hard-linked ones in place"
    )
    fx.add_argument("paths", nargs="+", metavar="PATH")
    gitp = sub.add_parser("git", help="git for entries: setup, status, log")
    gsub = gitp.add_subparsers(dest="git_command", parser_class=_Parser)
    gsetup = gsub.add_parser("setup", help="register the merge and diff drivers in the repository")
    gsetup.add_argument("path", nargs="?", metavar="PATH")
    gstatus = gsub.add_parser("status", help="changed entries with the fields that changed")
    gstatus.add_argument(
        "--json", action="store_true", help='{"branch", "upstream", "ahead", "behind", "entries": [...]}'
    )
    gstatus.add_argument("path", nargs="?", metavar="PATH")
    glog = gsub.add_parser("log", help="an entry's commits with the fields each changed")
    glog.add_argument("--json", action="store_true", help='{"path", "commits": [...]}')
    glog.add_argument("file", metavar="FILE")
    md = sub.add_parser("merge-driver", help="git's merge driver for entries (%%O %%A %%B %%P)")
    md.add_argument(
        "--marker-size",
        type=int,
        metavar="N",
        help="conflict markers of N characters (git's %%L, the conflict-marker-size attribute; 7)",
    )
    for name in ("base", "ours", "theirs", "path"):
        md.add_argument(name, metavar=name.upper())
    tc = sub.add_parser("textconv", help="an entry as git diff shows it (answer in real lines)")
    tc.add_argument("file", metavar="FILE")
    return parser


def _open_window(argv: list[str]) -> int:
    from pathlib import Path

    path = argv[0] if argv else None
    if path is not None and not Path(path).exists():
        print(
            f"{path}:1:1: no such file or folder (commands: {', '.join(COMMANDS)}; see qteditor --help)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        from .ui.app import run
    except ImportError as exc:  # Qt or its system libraries are missing here
        return _no_window(path, str(exc))
    return run(path, exit_process=True)


def _no_window(path: str | None, reason: str) -> int:
    """Qt cannot start here: say why, and list the entries of the collection instead."""
    from pathlib import Path

    from .core.entry import Entry
    from .core.errors import QtEditorError
    from .core.resources import resource

    root = Path(path) if path else resource("sample")
    files = [root] if root.is_file() else sorted(root.rglob("*.md"))
    print(
        f"qteditor {__version__}: the window cannot start here ({reason}); entries in {root}:",
        file=sys.stderr,
    )
    status = EXIT_OK
    for f in files:
        try:
            e = Entry.load(f)
            data = e.data if isinstance(e.data, dict) else {}
            print(
                f"  {f.relative_to(root) if f != root else f.name}  "
                f"[{data.get('subject', '?')}] {data.get('title', '?')}"
            )
        except QtEditorError as exc:
            _report(exc, str(f))
            status = EXIT_FAILED
    return status


def _startup_probe(argv: list[str]) -> int:
    """Open the window on PATH, show it, print "shown" and quit (installers and benchmarks
    use it to prove the app starts)."""
    from .ui.app import make_app
    from .ui.main_window import MainWindow
    from .ui.settings import Settings

    app = make_app()
    import tempfile

    from PySide6.QtCore import QSettings

    settings = Settings(QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(1280, 800)
    if argv:
        window.open_path(argv[0])
    window.show()
    app.processEvents()
    print("shown", flush=True)
    if window.session is not None:
        window.session.discard_changes()
    window.close()
    return EXIT_OK


def _plain_stream(stream: Any) -> None:
    """On Windows, a redirected stdout or stderr writes the ANSI code page (cp1252: no "→", an
    error on the first such title) and turns every "\n" into "\r\n" (a diff of a CRLF file
    gets "\r\r\n"): output is UTF-8 with the line ends as written, as on the other systems."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(encoding="utf-8", newline="\n")
        except (ValueError, OSError):  # a stream that was already read or written: left as it is
            pass


# each command's function, by the name the parser gives it (every name in COMMANDS)
HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "show": cmd_show,
    "set": cmd_set,
    "render": cmd_render,
    "export": cmd_export,
    "check": cmd_check,
    "fix": cmd_fix,
    "git": cmd_git,
    "merge-driver": cmd_merge_driver,
    "textconv": cmd_textconv,
}


# commands that read a whole collection: millions of objects made that hold no reference cycles,
# which Python's cyclic collector would walk again and again (a fifth of a cold check's time)
_BULK = frozenset(("check", "fix"))


def main(argv: list[str] | None = None) -> int:
    import os

    for name in ("stdout", "stderr"):  # a windowed build (Windows, macOS) has no console
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 - lives as long as the process
        elif sys.platform == "win32":
            _plain_stream(getattr(sys, name))
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--startup-probe":
        return _startup_probe(argv[1:])
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        return _open_window(argv)
    try:
        args = build_parser().parse_args(argv)
        handler = HANDLERS.get(args.command)
        if handler is not None:
            if args.command in _BULK:
                from .core.bulk import gc_paused

                with gc_paused():
                    return handler(args)
            return handler(args)
        build_parser().print_help()
        return EXIT_USAGE
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - a traceback is never the user interface
        print(f"<qteditor>:1:1: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
