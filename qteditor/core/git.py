"""Git, through the user's own ``git`` command: status, commit, sync, history, conflicts.

The application floor's git operations (the window and the CLI are their faces). Every call
runs the ``git`` the user runs in a terminal (2.30 or newer), so their credentials, SSH agent,
credential helpers, hooks and config apply exactly as there; calls never wait for a person
(``GIT_TERMINAL_PROMPT=0``, no terminal, no editor). Without git every function raises
``GitUnavailable`` and nothing else in qteditor needs it.

    repo = Repo.find(path)                       # NotARepository, GitUnavailable
    status = repo.status(scope)                  # branch, upstream, ahead/behind, entries
    repo.commit([paths], "Edit answer: …")       # those paths only, nothing else staged
    repo.sync(progress, cancel)                  # fetch, merge or rebase (pull.rebase), push
    repo.log(path)                               # the entry's commits, fields each changed
    repo.restore_field(path, commit, "title")    # through the core writer (minimal diff)
    repo.conflict(path); repo.resolve(path, choices)

``GitWorkspace`` is a collection inside its repository (what the window holds): the same
operations, scoped to the collection's entries (nothing outside it is ever staged).
``merge_driver`` and ``setup`` are what ``qteditor merge-driver`` and ``qteditor git setup`` do.
Nothing is committed, pulled or pushed unless asked; history is never rewritten.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .changes import EntryChange, FieldChange, field_changes, suggest_message
from .errors import QtEditorError

if TYPE_CHECKING:
    from .entry import Entry

Progress = Callable[[str, float | None, str], None]  # (step, fraction or None, git's text)

MIN_VERSION = (2, 30)
ZERO = "0" * 40
_VERSION_CACHE: dict[str, tuple[int, ...]] = {}

# states of an entry, as the browser shows them
MODIFIED, STAGED, NEW, UNTRACKED, CONFLICTED, DELETED = (
    "modified",
    "staged",
    "new",
    "untracked",
    "conflicted",
    "deleted",
)


class GitError(QtEditorError):
    """A git operation that failed: ``message`` in plain words, ``advice`` what to do next,
    ``detail`` what git said."""

    def __init__(
        self, message: str, path: str | None = None, advice: str = "", detail: str = "", kind: str = "other"
    ):
        super().__init__(message, path)
        self.advice = advice
        self.detail = detail
        self.kind = kind

    def __str__(self) -> str:
        text = self.message if self.path is None else f"{self.path}:{self.line}:{self.column}: {self.message}"
        return text + (f" {self.advice}" if self.advice else "")


class GitUnavailable(GitError):
    """No usable git on this machine (missing, or older than 2.30)."""


class NotARepository(GitError):
    """The path is not inside a git repository."""


class SyncError(GitError):
    """Sync stopped: ``kind`` is one of authentication, rejected, offline, conflicts,
    local-changes, no-remote, no-upstream, detached, in-progress, cancelled, other."""


# ---------------------------------------------------------------------------- the git command
def git_command() -> str:
    """The path of the user's git (on PATH), checked to be 2.30 or newer."""
    found = shutil.which("git")
    if found is None:
        raise GitUnavailable(
            "git is not installed (or not on PATH): the git features are off; everything else works.",
            advice="Install git 2.30 or newer to commit, sync and merge here.",
        )
    version = _VERSION_CACHE.get(found)
    if version is None:
        try:
            out = subprocess.run(
                [found, "--version"], capture_output=True, timeout=30, stdin=subprocess.DEVNULL
            ).stdout.decode("utf-8", "replace")
        except OSError as exc:
            raise GitUnavailable(f"git cannot be started: {exc.strerror or exc}") from None
        m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
        version = tuple(int(x) for x in m.groups("0")) if m else (0, 0, 0)
        _VERSION_CACHE[found] = version
    if version[:2] < MIN_VERSION:
        raise GitUnavailable(
            f"git {'.'.join(map(str, version))} is too old: qteditor needs 2.30 or newer.",
            advice="Update git to use the git features.",
        )
    return found


def git_version() -> tuple[int, ...]:
    return _VERSION_CACHE[git_command()]


def available() -> bool:
    try:
        git_command()
    except GitUnavailable:
        return False
    return True


def _env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",  # never ask for a user name or password
            "GIT_LITERAL_PATHSPECS": "1",  # a path is a path (no globs, no magic)
            "GIT_EDITOR": ":",
            "GIT_SEQUENCE_EDITOR": ":",
            "GIT_MERGE_AUTOEDIT": "no",
            "LC_ALL": "C",
            "LANGUAGE": "",  # git's messages in English: classified below
            "GIT_PAGER": "cat",
        }
    )
    env.pop("GIT_DIR", None)  # a driver run by git inherits these: find the repository anew
    env.pop("GIT_WORK_TREE", None)
    env.pop("GIT_INDEX_FILE", None)
    if extra:
        env.update(extra)
    return env


def _base_args() -> list[str]:
    return [git_command(), "-c", "core.quotepath=off"]


def _popen_kw() -> dict:
    if sys.platform == "win32":  # pragma: no cover - Windows
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | 0x08000000}
    return {"start_new_session": True}  # no controlling terminal: nothing can prompt


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


# ---------------------------------------------------------------------------- data
@dataclass
class StatusEntry:
    path: str  # relative to the repository's top folder, with "/"
    state: str  # modified | staged | new | untracked | conflicted | deleted
    fields: list[str] = field(default_factory=list)  # fields changed against HEAD
    xy: str = ".."  # git's index and work-tree codes
    orig_path: str | None = None  # a rename: where it was
    head: str | None = None  # object id in HEAD (None: not there)
    index: str | None = None
    changes: list[FieldChange] | None = None  # with values, when asked for
    error: str | None = None  # a version that does not read as an entry

    def as_json(self) -> dict:
        return {"path": self.path, "state": self.state, "fields": list(self.fields)}


@dataclass
class Status:
    branch: str | None  # None: detached HEAD
    upstream: str | None
    ahead: int
    behind: int
    entries: list[StatusEntry]
    head: str | None = None  # commit id (None: no commit yet)
    operation: str | None = None  # "merge" | "rebase" | "cherry-pick" | "revert" | "am" | None
    rebasing: str | None = None  # the branch a rebase in progress rebases (HEAD is detached meanwhile)
    gone: bool = False  # the upstream is set but its branch is not on the remote (deleted there)
    publish_to: str | None = None  # no upstream (or gone): the remote Publish sends the branch to
    remotes: list[str] | None = None  # the remotes, read only for a branch without upstream (or gone)

    def as_json(self) -> dict:
        return {
            "branch": self.branch,
            "upstream": self.upstream,
            "ahead": self.ahead,
            "behind": self.behind,
            "entries": [e.as_json() for e in self.entries],
        }

    def by_path(self) -> dict[str, StatusEntry]:
        return {e.path: e for e in self.entries}


@dataclass
class LogCommit:
    commit: str
    parents: list[str]
    author: str
    email: str
    date: str  # ISO 8601
    subject: str
    path: str  # the entry's path in this commit (renames are followed)
    old_path: str | None  # its path before the commit (a rename), else None
    status: str  # A (added), M, D, R (renamed) …
    fields: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    old: bytes | None = None  # the entry before and after this commit
    new: bytes | None = None

    def as_json(self) -> dict:
        return {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "subject": self.subject,
            "path": self.path,
            "fields": list(self.fields),
        }


@dataclass
class SyncResult:
    fetched: bool = False
    integrated: str | None = None  # "merge" | "rebase" | "fast-forward" | None (nothing new)
    pushed: bool = False
    changed: list[str] = field(default_factory=list)  # paths the pull changed (reload them)
    renamed: dict[str, str] = field(default_factory=dict)  # old path -> new: files the pull moved
    ahead: int = 0
    behind: int = 0
    message: str = ""


@dataclass
class CommitItem:
    """One row of the commit dialog: the entry's change and its field-level summary lines."""

    change: EntryChange
    lines: list[str]
    committable: bool = True  # a conflicted entry is resolved first, not committed

    @property
    def path(self) -> str:
        return self.change.path


@dataclass
class ConflictedEntry:
    """A file git could not merge: its three versions (None: that side has no file) and, when
    they are entries, the field-level merge with each conflict's base/ours/theirs."""

    path: str
    base: bytes | None
    ours: bytes | None
    theirs: bytes | None
    conflicts: list = field(default_factory=list)  # merge.Conflict
    mergeable: bool = True  # False: not entries (or one side deleted): whole-file choices only
    rebase: bool = False  # during a rebase "ours" is the upstream and "theirs" your commit
    error: str | None = None

    @property
    def mine(self) -> str:
        """Which side is the user's own work: "ours" in a merge, "theirs" in a rebase."""
        return "theirs" if self.rebase else "ours"

    def label(self, side: str) -> str:
        if side == "base":
            return "Base"
        return "Mine" if side == self.mine else "Theirs"


def _raw_records(rest: bytes) -> list[dict]:
    """The raw diff records after a commit in ``git log --raw -z`` (``--cc
    --combined-all-paths`` for a merge: one status letter, mode and object per parent; its
    old side is the first parent's)."""
    tokens = rest.lstrip(b"\n").split(b"\0")
    out = []
    i = 0
    while i < len(tokens):
        tok = _text(tokens[i])
        if not tok.startswith(":"):
            i += 1
            continue
        n = len(tok) - len(tok.lstrip(":"))  # parents
        meta = tok[n:].split(" ")
        oids = meta[n + 1 : 2 * n + 2]
        letters = meta[2 * n + 2] if len(meta) > 2 * n + 2 else "M"
        status = letters[:1] if letters else "M"
        if n == 1:
            two = status in ("R", "C")
            paths = [_text(t) for t in tokens[i + 1 : i + (3 if two else 2)]]
            i += 3 if two else 2
            old_path, new_path = (paths[0], paths[-1]) if two else (None, paths[-1] if paths else "")
        else:  # a merge: each parent's path, then the result's
            paths = [_text(t) for t in tokens[i + 1 : i + n + 2]]
            i += n + 2
            new_path = paths[-1] if paths else ""
            old_path = paths[0] if paths and paths[0] != new_path else None
            if old_path is not None and status == "M":
                status = "R"
        out.append(
            {
                "status": status,
                "path": new_path,
                "old_path": old_path,
                "old_oid": oids[0] if oids and oids[0] != ZERO else None,
                "new_oid": oids[-1] if oids and oids[-1] != ZERO else None,
            }
        )
    return out


def _rank(names: list[str], path: str) -> int:
    return names.index(path) if path in names else len(names)


class _NameCheck:
    """Whether a raw record in a commit is the entry's: its path is one of the entry's names,
    and the entry had that name then. A name the entry left at a rename is another file's in
    the commits that came after that rename; a name it took is another file's in the commits
    before. (Asked of git only for names a rename touched.)"""

    def __init__(self, repo: Repo, renames: list[tuple[str, str, str]]):
        self.repo = repo
        self.renames = renames
        self.names = {n for _c, old, new in renames for n in (old, new)}
        self._after: dict[str, set[str]] = {}
        self._before: dict[str, set[str]] = {}

    def _commits(self, args: list[str]) -> set[str]:
        return set(self.repo.out("rev-list", *args).split())

    def after(self, commit: str) -> set[str]:
        if commit not in self._after:
            self._after[commit] = self._commits(["--ancestry-path", f"{commit}..HEAD"])
        return self._after[commit]

    def before(self, commit: str) -> set[str]:
        if commit not in self._before:
            self._before[commit] = self._commits([f"{commit}^@"])
        return self._before[commit]

    def __call__(self, sha: str, record: dict) -> bool:
        path = record["path"]
        if not self.renames:
            return True
        if record["status"] in ("R", "C") and any(
            (record["old_path"], path) == (old, new) for _c, old, new in self.renames
        ):
            return True
        if path not in self.names:
            return True
        for commit, old, new in self.renames:
            if path == old and sha in self.after(commit):
                return False
            if path == new and sha in self.before(commit):
                return False
        return True


# ---------------------------------------------------------------------------- error words
_AUTH = re.compile(
    r"Authentication failed|could not read (Username|Password)|terminal prompts "
    r"disabled|Permission denied \(|HTTP Basic: Access denied|Invalid username or "
    r"password|returned error: 40[13]|access denied|Host key verification failed",
    re.I,
)
_OFFLINE = re.compile(
    r"Could not resolve host|unable to access|Connection (refused|timed out|reset)"
    r"|Network is unreachable|No route to host|Could not read from remote "
    r"repository|does not appear to be a git repository|unable to connect|"
    r"Operation timed out|Temporary failure in name resolution|"
    r"failed to connect|remote end hung up unexpectedly",
    re.I,
)
_REJECTED = re.compile(
    r"\[rejected\]|failed to push some refs|non-fast-forward|fetch first|"
    r"Updates were rejected",
    re.I,
)
_REMOTE_REJECTED = re.compile(r"\[remote rejected\][^\n]*", re.I)
_LOCAL = re.compile(
    r"would be overwritten by (merge|checkout)|cannot (pull|rebase) with "
    r"rebase: You have unstaged changes|You have unstaged changes|Your index "
    r"contains uncommitted changes|untracked working tree files would be",
    re.I,
)


def classify(stderr: str, step: str = "") -> SyncError:
    """git's words for a failed fetch, merge, rebase or push, said plainly, with what to do."""
    detail = stderr.strip()
    m = _REMOTE_REJECTED.search(stderr)
    if m:
        return SyncError(
            "The shared repository refused your changes (a rule or hook there "
            f"said no): {m.group(0).strip()}",
            advice="Ask whoever manages the repository, or change what it refused.",
            detail=detail,
            kind="rejected",
        )
    if _AUTH.search(stderr):
        return SyncError(
            "The shared repository did not accept your credentials.",
            advice="Sign in with git in a terminal once (or set up your SSH key or "
            "credential helper), then Sync again.",
            detail=detail,
            kind="authentication",
        )
    if _REJECTED.search(stderr):
        return SyncError(
            "Someone else sent changes meanwhile, so yours were not sent.",
            advice="Sync again: their changes are brought in first, then yours are sent.",
            detail=detail,
            kind="rejected",
        )
    if _LOCAL.search(stderr):
        files = re.findall(r"^\t(.+)$", stderr, re.M)
        return SyncError(
            "Changes you have not committed are in the way of the incoming ones"
            + (f" ({', '.join(files[:5])}{'…' if len(files) > 5 else ''})" if files else "")
            + ".",
            advice="Commit (or discard) your changes to those entries, then Sync again.",
            detail=detail,
            kind="local-changes",
        )
    if _OFFLINE.search(stderr):
        return SyncError(
            "The shared repository could not be reached (offline, or its address is wrong).",
            advice="Check your connection and Sync again; your commits stay here meanwhile.",
            detail=detail,
            kind="offline",
        )
    last = detail.splitlines()[-1] if detail else f"git {step} failed"
    return SyncError(
        f"Sync stopped: {last}", advice="See the details; nothing was lost.", detail=detail, kind="other"
    )


# ---------------------------------------------------------------------------- the repository
class Repo:
    """A git repository (its work tree's top folder), found from any path inside it."""

    def __init__(self, top: Path, git_dir: Path):
        self.top = top
        self.git_dir = git_dir

    @classmethod
    def find(cls, path: str | Path) -> Repo:
        where = Path(path)
        where = where if where.is_dir() else where.parent
        if not where.exists():
            raise NotARepository(f"{path}: no such file or folder", str(path))
        proc = subprocess.run(
            _base_args() + ["rev-parse", "--show-toplevel", "--absolute-git-dir"],
            cwd=str(where),
            capture_output=True,
            env=_env(),
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            err = _text(proc.stderr)
            if "not a git repository" in err.lower():
                raise NotARepository(
                    "not inside a git repository.",
                    str(path),
                    advice="Open a folder that git manages (git init or git clone).",
                    detail=err.strip(),
                )
            raise GitError(f"git cannot read this folder: {err.strip()}", str(path), detail=err)
        lines = _text(proc.stdout).splitlines()
        if len(lines) < 2 or not lines[0]:
            raise NotARepository("not inside a git work tree (a bare repository?)", str(path))
        return cls(Path(lines[0]).resolve(), Path(lines[1]).resolve())

    # ------------------------------------------------------------------ running git
    def run(
        self,
        args: list[str],
        input: bytes | None = None,
        check: bool = True,
        env: dict | None = None,
        optional_locks: bool = True,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess:
        cmd = _base_args()
        if not optional_locks:
            cmd.append("--no-optional-locks")
        try:
            proc = subprocess.run(
                cmd + args,
                cwd=str(self.top),
                input=input,
                capture_output=True,
                env=_env(env),
                timeout=timeout,
                stdin=None if input is not None else subprocess.DEVNULL,
                **_popen_kw(),
            )
        except OSError as exc:
            raise GitUnavailable(f"git cannot be started: {exc.strerror or exc}") from None
        if check and proc.returncode != 0:
            err = _text(proc.stderr).strip()
            last = err.splitlines()[-1] if err else f"exit status {proc.returncode}"
            raise GitError(f"git {args[0]} failed: {last.removeprefix('fatal: ')}", detail=err)
        return proc

    def out(self, *args: str, **kw: Any) -> str:
        return _text(self.run(list(args), **kw).stdout)

    def config(self, key: str) -> str | None:
        proc = self.run(["config", "--get", key], check=False)
        return _text(proc.stdout).strip() if proc.returncode == 0 else None

    def set_config(self, key: str, value: str) -> None:
        """Set ``key`` in the repository's own config, in place (every value it had replaced)."""
        self.run(["config", "--local", "--replace-all", key, value])

    def rel(self, path: str | Path) -> str:
        """A path as git names it (relative to the top folder, with "/"). A relative path is
        taken relative to the top folder."""
        p = Path(path)
        if not p.is_absolute():
            p = self.top / p
        parent = p.parent.resolve()  # the file itself may be gone (a deleted entry)
        try:
            return (parent / p.name).relative_to(self.top).as_posix()
        except ValueError:
            raise GitError(f"{path} is outside the repository at {self.top}", str(path)) from None

    def abspath(self, rel: str) -> Path:
        return self.top / rel

    def operation(self) -> str | None:
        """What git is in the middle of (it stopped at conflicts, or was told to stop): "rebase",
        "am" (``git am``, which keeps its state where a rebase does), "merge", "cherry-pick" or
        "revert"; None when nothing is."""
        if (self.git_dir / "rebase-merge").is_dir():
            return "rebase"
        if (self.git_dir / "rebase-apply").is_dir():
            return "am" if (self.git_dir / "rebase-apply" / "applying").exists() else "rebase"
        if (self.git_dir / "MERGE_HEAD").exists():
            return "merge"
        if (self.git_dir / "CHERRY_PICK_HEAD").exists():
            return "cherry-pick"
        if (self.git_dir / "REVERT_HEAD").exists():
            return "revert"
        return None

    def rebasing(self) -> str | None:
        """The branch a rebase in progress is rebasing (git detaches HEAD until the rebase is
        finished and keeps the branch's name in rebase-merge/ or rebase-apply/head-name), as
        its short name; None when no rebase is in progress or it rebases a detached HEAD."""
        for folder in ("rebase-merge", "rebase-apply"):
            try:
                name = (self.git_dir / folder / "head-name").read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                continue
            return name.removeprefix("refs/heads/") if name.startswith("refs/heads/") else None
        return None

    @property
    def common_dir(self) -> Path:
        """Where refs, config and info live (the main repository's for a linked worktree)."""
        try:
            pointer = (self.git_dir / "commondir").read_text(encoding="utf-8").strip()
        except OSError:
            return self.git_dir
        return (self.git_dir / pointer).resolve()

    def state_stamp(self, upstream: str | None = None, ignores: Iterable[Path] = ()) -> tuple:
        """A cheap stamp (a few stats, no git process) of what ``status`` reads besides the
        entries' own files: the index, HEAD and the ref it names, the upstream's ref, packed
        refs, FETCH_HEAD, a merge or rebase in progress, the config, the ignore files (the
        top folder's, info/exclude and ``ignores``). Equal stamps: git's part of a status
        read again would say the same."""
        common = self.common_dir

        def stat(p: Path) -> tuple | None:
            try:
                st = os.stat(p)
            except OSError:
                return None
            return (st.st_mtime_ns, st.st_size, st.st_ino)

        try:
            head = (self.git_dir / "HEAD").read_bytes()
        except OSError:
            head = b""
        ref = _text(head[5:]).strip() if head.startswith(b"ref: ") else None
        files = [self.git_dir / n for n in ("index", "FETCH_HEAD", "MERGE_HEAD", "ORIG_HEAD")]
        files += [self.git_dir / n for n in ("CHERRY_PICK_HEAD", "REVERT_HEAD")]
        files += [self.git_dir / n for n in ("rebase-merge", "rebase-apply")]
        files += [self.git_dir / "config.worktree", common / "config", common / "packed-refs"]
        files += [common / "FETCH_HEAD", common / "info" / "exclude", self.top / ".gitignore"]
        if ref:
            files.append(common / ref)
        if upstream:
            files += [common / "refs" / "remotes" / upstream, common / "refs" / "heads" / upstream]
        files += list(ignores)
        return (head, tuple(stat(f) for f in files))

    def remotes(self) -> list[str]:
        """The repository's remotes (its shared copies), by name."""
        return self.out("remote").split()

    def publish_remote(self, branch: str, remotes: list[str] | None = None) -> str | None:
        """The remote a branch without upstream is published to: the one ``git push`` would
        use (``branch.<name>.pushRemote``, ``remote.pushDefault``, the branch's remote),
        else ``origin``, else the only one; None when there is none, or several and none of
        them is that one."""
        remotes = self.remotes() if remotes is None else remotes
        for key in (f"branch.{branch}.pushRemote", "remote.pushDefault", f"branch.{branch}.remote"):
            name = self.config(key)
            if name and name in remotes:
                return name
        if "origin" in remotes:
            return "origin"
        return remotes[0] if len(remotes) == 1 else None

    def head(self) -> str | None:
        proc = self.run(["rev-parse", "--verify", "-q", "HEAD"], check=False)
        if proc.returncode != 0:
            return None
        return _text(proc.stdout).strip() or None

    def author(self) -> str | None:
        """ "Name <email>" as commits would be signed (git config), or None when not set."""
        proc = self.run(["var", "GIT_AUTHOR_IDENT"], check=False)
        if proc.returncode != 0:
            return None
        m = re.match(r"(.*?) (\d+) [+-]\d{4}$", _text(proc.stdout).strip())
        return m.group(1) if m else _text(proc.stdout).strip()

    # ------------------------------------------------------------------ objects
    def blobs(self, specs: Iterable[str]) -> dict[str, bytes | None]:
        """Many objects at once (``git cat-file --batch``): object ids or ``rev:path``;
        None for those that do not exist."""
        specs = [s for s in dict.fromkeys(specs) if s]
        out: dict[str, bytes | None] = {}
        todo = [s for s in specs if "\n" not in s]
        for s in specs:
            if "\n" in s:
                out[s] = None
        if not todo:
            return out
        proc = self.run(["cat-file", "--batch"], input=("\n".join(todo) + "\n").encode("utf-8"))
        data, pos = proc.stdout, 0
        for spec in todo:
            nl = data.index(b"\n", pos)
            header = data[pos:nl].split(b" ")
            pos = nl + 1
            if len(header) == 3 and header[1] != b"missing":
                size = int(header[2])
                out[spec] = data[pos : pos + size] if header[1] == b"blob" else None
                pos += size + 1
            else:
                out[spec] = None
        return out

    def show(self, rev: str, path: str) -> bytes | None:
        return self.blobs([f"{rev}:{self.rel(path)}"]).get(f"{rev}:{self.rel(path)}")

    # ------------------------------------------------------------------ status
    def status(
        self,
        scope: Iterable[str | Path] | None = None,
        fields: bool = True,
        values: bool = False,
        entries_only: bool = True,
    ) -> Status:
        """Branch, upstream, ahead/behind and the changed files (against HEAD and the index)
        under ``scope`` (paths or folders; None: the whole work tree), each with the fields
        that changed (``fields``; with ``values`` their old and new values too). Only ``.md``
        files unless ``entries_only`` is False."""
        args = ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"]
        pathspec = [self.rel(p) for p in scope] if scope is not None else []
        pathspec = [p for p in pathspec if p not in ("", ".")]
        proc = self.run(args + (["--"] + pathspec if pathspec else []), optional_locks=False)
        status = _parse_status(proc.stdout, entries_only)
        status.operation = self.operation()
        if status.branch and (status.upstream is None or status.gone):
            status.remotes = self.remotes()
            status.publish_to = self.publish_remote(status.branch, status.remotes)
        if status.operation == "rebase" and status.branch is None:
            status.rebasing = self.rebasing()
        if fields and status.entries:
            self.fill_fields(status.entries, values)
        return status

    def fill_fields(self, entries: list[StatusEntry], values: bool = False) -> None:
        """The fields each entry changed against HEAD (its conflicting fields when conflicted),
        read in one ``cat-file`` for all the HEAD versions."""
        from .entry import Entry
        from .errors import QtEditorError
        from .storage import read_file

        heads = self.blobs([e.head for e in entries if e.head])
        conflicted = [e for e in entries if e.state == CONFLICTED]
        for e in entries:
            if e.state == CONFLICTED:
                continue
            try:
                raw = heads.get(e.head) if e.head else None
                old = Entry.from_bytes(raw, e.path) if raw else None
                new = None
                if e.state != DELETED:
                    try:
                        new = Entry.from_bytes(read_file(str(self.top / e.path)), e.path)
                    except FileNotFoundError:
                        new = None
            except (QtEditorError, OSError) as exc:
                e.error = str(exc)
                e.fields = []
                continue
            changes = field_changes(
                old.fields() if old else None,
                new.fields() if new else None,
                old.body if old and new else None,
                new.body if old and new else None,
            )
            if old is None and new is not None:  # a new entry: its fields, not "added" each
                changes = [
                    FieldChange((k,), None, v, "added")
                    for k, v in (new.fields().items() if isinstance(new.fields(), dict) else ())
                ]
            e.fields = [c.name for c in changes] if new is not None else []  # deleted: no fields
            e.changes = changes if values else None
        for e in conflicted:
            try:
                c = self.conflict(e.path)
            except GitError as exc:
                e.error = str(exc)
                continue
            e.fields = sorted({".".join(map(str, k.path)) if k.path else "body" for k in c.conflicts})

    # ------------------------------------------------------------------ commit
    def commit(self, paths: Iterable[str | Path], message: str, within: Path | None = None) -> str:
        """Commit exactly these files (their work-tree versions: new, changed or deleted) with
        ``message``; anything else staged stays staged and out of the commit. ``within``: every
        path must be inside that folder (the collection). Returns the new commit's id."""
        rels = list(dict.fromkeys(self.rel(p) for p in paths))
        if not rels:
            raise GitError("Choose at least one entry to commit.")
        if not message.strip():
            raise GitError("Write a commit message: it says what changed and why.")
        if within is not None:
            scope = self.rel(within)
            for r in rels:
                if scope not in ("", ".") and not (r == scope or r.startswith(scope.rstrip("/") + "/")):
                    raise GitError(f"{r} is outside the collection: nothing was committed.", r)
        op = self.operation()
        if op is not None:  # git refuses a commit of some paths only in the middle of one
            raise GitError(
                f"{in_progress(op)}: resolve its conflicts and finish it first.",
                advice="Resolve each conflicted entry, then Sync again.",
                kind="in-progress",
            )
        if self.author() is None:
            raise GitError(
                "git does not know your name and email yet, so it cannot sign the commit.",
                advice='Set them once: git config --global user.name "Your '
                'Name" and git config --global user.email you@example.org',
            )
        spec = b"\0".join(r.encode("utf-8") for r in rels) + b"\0"
        self.run(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], input=spec)
        proc = self.run(
            ["commit", "--only", "-m", message, "--pathspec-from-file=-", "--pathspec-file-nul"],
            input=spec,
            check=False,
        )
        if proc.returncode != 0:
            err = _text(proc.stderr + proc.stdout).strip()
            if "nothing to commit" in err or "no changes added" in err:
                raise GitError("Nothing to commit: those entries are as in the last commit.", detail=err)
            raise GitError(
                f"The commit did not happen: {err.splitlines()[-1] if err else 'git failed'}",
                advice="A hook may have refused it; see the details.",
                detail=err,
            )
        return self.out("rev-parse", "HEAD").strip()

    # ------------------------------------------------------------------ log
    def log(self, path: str | Path, limit: int | None = None, values: bool = True) -> list[LogCommit]:
        """The commits that changed this entry, newest first (``--date-order``), following its
        renames; each with the fields it changed (and with ``values`` the old and new values
        and both versions).

        Like ``git log FILE``, and unlike ``git log --follow``: every name the entry had is
        followed at once (an edit made on one branch under the old name while another branch
        renamed it is listed), and a merge is listed when the entry in it differs from every
        parent (a resolved conflict, or both sides' edits merged: git's ``--cc``), with the
        fields it changed against its first parent (what the merge changed on that branch).
        A deletion changed no field (its ``status`` is "D")."""
        rel = self.rel(path)
        if self.head() is None:
            return []
        renames = self._renames(rel)
        names = list(dict.fromkeys([rel] + [old for _c, old, _new in renames]))
        data = self.run(
            [
                "log",
                "--date-order",
                "--cc",
                "--combined-all-paths",
                "-M",
                "--raw",
                "--no-abbrev",
                "-z",
                "--format=%x1e%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%s",
                "--",
                *names,
            ]
        ).stdout
        valid = _NameCheck(self, renames)
        listed: list[tuple[list[str], dict]] = []
        for record in data.split(b"\x1e")[1:]:
            head, _, rest = record.partition(b"\0")
            parts = _text(head).split("\x1f")
            if len(parts) < 6:
                continue
            found = [r for r in _raw_records(rest) if valid(parts[0], r)]
            if found:  # a rename of the entry first, then its newest name
                found.sort(key=lambda r: (r["status"] not in ("R", "C"), _rank(names, r["path"])))
                listed.append((parts[:6], found[0]))
        # the entry was created once: what its oldest name held before that was another file
        created = next((i for i, (p, r) in enumerate(listed) if r["status"] == "A" and " " not in p[1]), None)
        if created is not None and created + 1 < len(listed) and listed[created][0][1]:
            before = valid.before(listed[created][0][0])
            listed = listed[: created + 1] + [x for x in listed[created + 1 :] if x[0][0] not in before]
        if limit:
            listed = listed[:limit]
        commits: list[LogCommit] = []
        pairs: list[tuple[str | None, str | None]] = []
        for (sha, parents, name, email, date, subject), r in listed:
            where = (r["path"], r["old_path"], r["status"])
            commits.append(LogCommit(sha, parents.split(), name, email, date, subject, *where))
            pairs.append((r["old_oid"], r["new_oid"]))
        self._fill_log(commits, pairs, values)
        return commits

    def _renames(self, rel: str) -> list[tuple[str, str, str]]:
        """(commit, old path, new path) of each rename of the entry, newest first, as
        ``git log --follow`` finds them (only it looks for a rename's source outside the
        path)."""
        data = self.run(
            ["log", "--follow", "-M", "--format=%x1e%H", "--name-status", "-z", "--diff-filter=R", "--", rel]
        ).stdout
        out = []
        current = rel
        for record in data.split(b"\x1e")[1:]:
            head, _, rest = record.partition(b"\0")
            tokens = [_text(t) for t in rest.lstrip(b"\n").split(b"\0")]
            for i in range(len(tokens) - 2):
                if tokens[i].startswith("R") and tokens[i + 2] == current:
                    out.append((_text(head).strip(), tokens[i + 1], tokens[i + 2]))
                    current = tokens[i + 1]
                    break
        return out

    def _fill_log(self, commits: list[LogCommit], pairs: list, values: bool) -> None:
        from .entry import Entry
        from .errors import QtEditorError

        blobs = self.blobs(o for pair in pairs for o in pair if o)
        for c, (old_oid, new_oid) in zip(commits, pairs, strict=True):
            c.old = blobs.get(old_oid) if old_oid else None
            c.new = blobs.get(new_oid) if new_oid else None
            try:
                old = Entry.from_bytes(c.old, c.path) if c.old is not None else None
                new = Entry.from_bytes(c.new, c.path) if c.new is not None else None
            except QtEditorError:
                c.fields = ["(not an entry)"]
                continue
            if new is None:  # deleted: no field changed (as git status says of a deleted entry)
                changes: list[FieldChange] = []
            else:
                changes = field_changes(
                    old.fields() if old else None,
                    new.fields(),
                    old.body if old else None,
                    new.body if old else None,
                )
            c.fields = [x.name for x in changes]
            if values:
                c.changes = changes
            else:
                c.old = c.new = None

    # ------------------------------------------------------------------ restore
    def restore_field(
        self,
        path: str | Path,
        rev: str,
        field_path: str | tuple,
        rev_path: str | None = None,
        force: bool = False,
    ) -> bool:
        """Put one field back as it was in commit ``rev`` (removed when it was absent there),
        through the core writer: only that field's lines change. True when the file changed."""
        from .entry import Entry

        old = self._version(path, rev, rev_path)
        keys = tuple(field_path.split(".")) if isinstance(field_path, str) else tuple(field_path)
        if keys in ((), ("body",)) and not _has_key(old.fields(), keys):
            return self._write_version(path, None, old.body, force)
        value = _get(old.fields(), keys)

        def change(entry: Entry) -> Any:
            fields = entry.fields()
            _set(fields, keys, value)
            return fields

        return Entry.update(str(self.top / self.rel(path)), change, force=force) is not None

    def restore_version(
        self, path: str | Path, rev: str, rev_path: str | None = None, force: bool = False
    ) -> bool:
        """Put the whole entry back as it was in commit ``rev`` (every field and the body),
        written through the core writer onto the file as it is (a minimal diff)."""
        old = self._version(path, rev, rev_path)
        return self._write_version(path, old.fields(), old.body, force, old.raw)

    def _version(self, path: str | Path, rev: str, rev_path: str | None) -> Entry:
        from .entry import Entry
        from .errors import QtEditorError

        where = rev_path or self.rel(path)
        raw = self.blobs([f"{rev}:{where}"]).get(f"{rev}:{where}")
        if raw is None:
            raise GitError(f"{where} is not in commit {rev[:10]}", where)
        try:
            return Entry.from_bytes(raw, where)
        except QtEditorError as exc:
            raise GitError(f"that version does not read as an entry: {exc.message}", where) from None

    def _write_version(
        self, path: str | Path, fields: Any, body: str, force: bool, raw: bytes | None = None
    ) -> bool:
        from . import storage
        from .entry import Entry
        from .errors import QtEditorError

        target = str(self.top / self.rel(path))

        def compute(current: bytes | None) -> bytes | None:
            if current is None:
                return raw
            try:
                entry = Entry.from_bytes(current, target)
            except QtEditorError:
                return raw  # the file does not read (conflict markers…): the old bytes as they were
            rendered = entry.render(fields if fields is not None else entry.fields(), body)
            return None if rendered is None else rendered[0]

        return storage.update(target, compute, force=force) is not None

    # ------------------------------------------------------------------ conflicts
    def conflicted(self, scope: Iterable[str | Path] | None = None) -> list[str]:
        args = ["diff", "--name-only", "--diff-filter=U", "-z"]
        spec = [self.rel(p) for p in scope] if scope is not None else []
        spec = [p for p in spec if p not in ("", ".")]
        out = self.run(args + (["--"] + spec if spec else [])).stdout
        return [_text(p) for p in out.split(b"\0") if p]

    def stages(self, path: str | Path) -> dict[int, bytes]:
        rel = self.rel(path)
        out = self.run(["ls-files", "-u", "-z", "--", rel]).stdout
        oids = {}
        for rec in out.split(b"\0"):
            if not rec:
                continue
            meta, _, _name = rec.partition(b"\t")
            parts = _text(meta).split()
            if len(parts) == 3:
                oids[int(parts[2])] = parts[1]
        blobs = self.blobs(oids.values())
        return {n: data for n, o in oids.items() if (data := blobs.get(o)) is not None}

    def conflict(self, path: str | Path) -> ConflictedEntry:
        """A conflicted file's three versions (git's stages 1, 2 and 3) and the field-level
        merge of them: every conflict with its base, ours and theirs; everything else merged."""
        from .merge import NotMergeable, merge_bytes
        from .schema import schema_for

        rel = self.rel(path)
        st = self.stages(rel)
        if not st:
            raise GitError(f"{rel} is not in conflict", rel)
        c = ConflictedEntry(rel, st.get(1), st.get(2), st.get(3), rebase=self.operation() == "rebase")
        if c.ours is None or c.theirs is None:
            c.mergeable = False
            return c
        try:
            outcome = merge_bytes(c.base, c.ours, c.theirs, rel, schema=schema_for(self.top / rel))
        except NotMergeable as exc:
            c.mergeable = False
            c.error = str(exc)
            return c
        c.conflicts = outcome.conflicts
        return c

    def resolution(self, path: str | Path, choices: dict) -> bytes:
        """The bytes a resolution writes: the entry merged, each conflict decided by
        ``choices`` (conflict key -> "ours" | "theirs" | "base" | merge.Value); conflicts
        not named keep ours. Written into ours's version, so its formatting is kept."""
        from .entry import Entry
        from .merge import OURS, merge_entry
        from .schema import schema_for

        rel = self.rel(path)
        st = self.stages(rel)
        if 2 not in st or 3 not in st:
            raise GitError(f"{rel}: one side deleted the file; choose a whole version", rel)
        schema = schema_for(self.top / rel)
        ours = Entry.from_bytes(st[2], rel, schema)
        theirs = Entry.from_bytes(st[3], rel, schema)
        base = Entry.from_bytes(st[1], rel, schema) if st.get(1) else None
        m = merge_entry(
            base.fields() if base else {},
            ours.fields(),
            theirs.fields(),
            base.body if base else "",
            ours.body,
            theirs.body,
            schema,
            lambda c: choices.get(c.key, OURS),
        )
        rendered = ours.render(m.fields, m.body)
        return st[2] if rendered is None else rendered[0]

    def resolve(self, path: str | Path, choices: dict, force: bool = False, replace: bool = False) -> None:
        """Write the resolution through the core writer (atomically, under the file's lock) and
        stage it (``git add``): the entry is no longer in conflict. A file edited since git
        stopped (its markers gone, not one of git's versions) is refused (GitError, kind
        "edited") unless ``replace``: the resolution is made from git's versions and would
        replace those edits."""
        from . import storage

        rel = self.rel(path)
        data = self.resolution(rel, choices)
        stages = self.stages(rel)
        storage.update(
            str(self.top / rel), lambda now: _unless_edited(rel, now, data, stages, replace), force=force
        )
        self.run(["add", "--", rel])

    def resolve_whole(self, path: str | Path, side: str, force: bool = False, replace: bool = False) -> None:
        """Take one whole version ("ours", "theirs" or "base"; a side without the file deletes
        it) and stage it. A file edited since git stopped is refused as ``resolve`` does."""
        from . import storage

        rel = self.rel(path)
        st = self.stages(rel)
        data = st.get({"base": 1, "ours": 2, "theirs": 3}[side])
        target = str(self.top / rel)
        if data is None:
            current = storage.read_file(target) if os.path.lexists(target) else None
            _unless_edited(rel, current, None, st, replace)
            if current is not None:
                storage.remove(target, expected=current)  # (refused if it changes meanwhile)
            self.run(["rm", "-q", "--cached", "--", rel], check=False)
            return
        storage.update(target, lambda now: _unless_edited(rel, now, data, st, replace), force=force)
        self.run(["add", "--", rel])

    def abort(self) -> None:
        """Give up the merge, rebase, cherry-pick, revert or am in progress: back to how things
        were before it started."""
        op = self.operation()
        if op is not None:
            self.run([op, "--abort"])

    def finish(self) -> str:
        """Conclude the operation in progress once every conflict is resolved (and staged): a
        merge commit, or the rebase, cherry-pick, revert or am continued."""
        left = self.conflicted()
        if left:
            raise GitError(
                f"{len(left)} entr{'ies are' if len(left) != 1 else 'y is'} still in "
                f"conflict: {', '.join(left[:3])}{'…' if len(left) > 3 else ''}",
                advice="Resolve each one first.",
                kind="conflicts",
            )
        op = self.operation()
        if op == "merge":
            self.run(["commit", "--no-edit"])
        elif op is not None:
            proc = self.run([op, "--continue"], check=False)
            if proc.returncode != 0:
                if self.conflicted():
                    raise SyncError(
                        "The next of your commits conflicts too."
                        if op == "rebase"
                        else f"The next commit of the {op} conflicts too.",
                        advice="Resolve those entries, then continue.",
                        kind="conflicts",
                        detail=_text(proc.stderr),
                    )
                err = _text(proc.stderr + proc.stdout).strip()
                raise GitError(
                    f"git {op} --continue failed: {err.splitlines()[-1] if err else 'git failed'}",
                    detail=err,
                )
        return self.head() or ""

    # ------------------------------------------------------------------ sync
    def sync(
        self,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | threading.Event | None = None,
        publish: bool = False,
    ) -> SyncResult:
        """Fetch, bring the upstream's commits in (merge, or rebase when ``pull.rebase`` says
        so), then push. ``progress(step, fraction or None, text)``; ``cancel()`` stops a
        network step (nothing is lost: a stopped fetch or push changes nothing). Raises
        SyncError with a plain-words message and what to do next."""
        return _Sync(self, progress, cancel, publish).run()

    # ------------------------------------------------------------------ streaming runs
    def stream(
        self, args: list[str], on_text: Callable[[str], None] | None, cancelled: Callable[[], bool]
    ) -> tuple[int, str, str]:
        """Run git reading its stderr as it comes (progress lines end with CR); stop it when
        ``cancelled()`` turns true. (exit status, stdout, stderr); -1 when cancelled."""
        proc = subprocess.Popen(
            _base_args() + args,
            cwd=str(self.top),
            env=_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **_popen_kw(),
        )
        err_parts: list[bytes] = []
        out_parts: list[bytes] = []
        err, out = proc.stderr, proc.stdout
        assert err is not None and out is not None  # both are pipes (stdout=, stderr=PIPE)

        def read_err() -> None:
            pending = b""
            while True:
                chunk = err.read1(4096) if hasattr(err, "read1") else err.read(4096)
                if not chunk:
                    break
                err_parts.append(chunk)
                pending += chunk
                *done, pending = re.split(rb"[\r\n]", pending)
                if on_text:
                    for line in done:
                        if line.strip():
                            on_text(_text(line))

        def read_out() -> None:
            out_parts.append(out.read())

        readers = [
            threading.Thread(target=read_err, daemon=True),
            threading.Thread(target=read_out, daemon=True),
        ]
        for r in readers:
            r.start()
        stopped = False
        while proc.poll() is None:
            if cancelled():
                stopped = True
                _kill(proc)
                break
            time.sleep(0.05)
        proc.wait()
        for r in readers:
            r.join(5)
        code = -1 if stopped else proc.returncode
        return code, _text(b"".join(out_parts)), _text(b"".join(err_parts))


_PHRASES = {"am": "git am", "rebase": "a rebase", "merge": "a merge"}


def operation_phrase(op: str) -> str:
    """An operation in progress (``Repo.operation``) as a sentence names it: "git am", "a
    rebase", "a merge", "a cherry-pick", "a revert" (never "a am" or "an am")."""
    return _PHRASES.get(op, f"an {op}" if op[:1] in "aeiou" else f"a {op}")


def in_progress(op: str) -> str:
    """ "A rebase is in progress", "Git am is in progress": the start of a sentence."""
    phrase = operation_phrase(op)
    return phrase[:1].upper() + phrase[1:] + " is in progress"


def _kill(proc: subprocess.Popen) -> None:
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows
            # the whole tree: git and the ssh or credential helper it started
            subprocess.run(
                ["taskkill", "/T", "/F", "/PID", str(proc.pid)],
                capture_output=True,
                timeout=10,
                check=False,
            )
            proc.terminate()
        else:
            import signal

            os.killpg(proc.pid, signal.SIGTERM)  # git and the ssh or helper it started
    except (OSError, subprocess.SubprocessError):  # gone already, or not ours to end
        pass


_PROGRESS = re.compile(r"^(?:remote: )?([A-Za-z][A-Za-z ]+):\s+(\d+)%")


class _Sync:
    def __init__(
        self,
        repo: Repo,
        progress: Progress | None,
        cancel: Callable[[], bool] | threading.Event | None,
        publish: bool,
    ):
        self.repo = repo
        self.progress: Progress = progress or (lambda step, frac, text: None)
        self.cancelled: Callable[[], bool]
        if cancel is None:
            self.cancelled = lambda: False
        elif isinstance(cancel, threading.Event):
            self.cancelled = cancel.is_set
        else:
            self.cancelled = cancel
        self.publish = publish
        self.result = SyncResult()

    def check_cancel(self) -> None:
        if self.cancelled():
            raise SyncError("Sync was cancelled; nothing was lost.", kind="cancelled")

    def network(self, step: str, args: list[str]) -> tuple[str, str]:
        def on_text(line: str) -> None:
            m = _PROGRESS.match(line)
            self.progress(step, int(m.group(2)) / 100 if m else None, line)

        code, out, err = self.repo.stream(args, on_text, self.cancelled)
        if code == -1:
            raise SyncError("Sync was cancelled; nothing was lost.", kind="cancelled")
        if code != 0:
            raise classify(err, step)
        return out, err

    def run(self) -> SyncResult:
        repo = self.repo
        op = repo.operation()
        if op is not None:
            left = repo.conflicted()
            raise SyncError(
                in_progress(op)
                + (f" with {len(left)} conflicted entr{'ies' if len(left) != 1 else 'y'}" if left else "")
                + ".",
                advice="Resolve the conflicted entries and finish it (or abort it), then Sync again.",
                kind="conflicts" if left else "in-progress",
            )
        branch = repo.out("symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
        if not branch:
            raise SyncError(
                "You are not on a branch (a detached HEAD), so there is nothing to sync.",
                advice="Check out a branch first (git switch main).",
                kind="detached",
            )
        remote = repo.config(f"branch.{branch}.remote")
        merge_ref = repo.config(f"branch.{branch}.merge")
        if not remote or not merge_ref:
            remotes = repo.remotes()
            if not remotes:
                raise SyncError(
                    "This repository has no shared copy (remote) to sync with"
                    + (" or to publish to." if self.publish else "."),
                    advice="Add one (git remote add origin URL), or keep working "
                    "locally: commits, history and merges work without it.",
                    kind="no-remote",
                )
            where = repo.publish_remote(branch)
            if where is None:  # several, none of them the one git pushes to
                raise SyncError(
                    f"The branch {branch} is not shared yet (it has no upstream), and this "
                    f"repository has {len(remotes)} shared copies ({', '.join(remotes)}) with "
                    "none set as the one to push to.",
                    advice="Set the one to use (git config remote.pushDefault NAME), then "
                    f"publish; or publish it in a terminal (git push -u NAME {branch}).",
                    kind="no-remote",  # none that Publish can choose: it is not offered
                )
            if not self.publish:
                raise SyncError(
                    f"The branch {branch} is not shared yet (it has no upstream).",
                    advice=f"Publish it to send it to {where}.",
                    kind="no-upstream",
                )
            remote = where
            self.progress("fetch", None, f"Fetching from {remote}…")
            self.network("fetch", ["fetch", "--progress", remote])
            self.result.fetched = True
            self.check_cancel()
            self.progress("push", None, f"Publishing {branch} to {remote}…")
            self.network(
                "push", ["push", "--progress", "--set-upstream", remote, f"HEAD:refs/heads/{branch}"]
            )
            self.result.pushed = True
            self.result.message = f"Published {branch} to {remote}."
            return self.result
        self.progress("fetch", None, f"Fetching from {remote}…")
        self.network("fetch", ["fetch", "--progress", remote])
        self.result.fetched = True
        self.check_cancel()
        dest = merge_ref if merge_ref.startswith("refs/") else f"refs/heads/{merge_ref}"
        if not repo.out("rev-parse", "--verify", "-q", "@{upstream}", check=False).strip():
            return self.missing_upstream(branch, remote, dest)
        ahead, behind = self.counts()
        before = repo.head()
        if behind:
            self.integrate(branch)
            after = repo.head()
            if before and after and before != after:
                out = repo.run(["diff", "--name-only", "-z", before, after]).stdout
                self.result.changed = [_text(p) for p in out.split(b"\0") if p]
                self.result.renamed = self.renames(before, after)
            ahead, behind = self.counts()
        self.check_cancel()
        if ahead:
            self.progress("push", None, f"Sending {ahead} commit{'s' if ahead != 1 else ''}…")
            self.network("push", ["push", "--progress", remote, f"HEAD:{dest}"])
            self.result.pushed = True
            ahead, behind = self.counts()
        self.result.ahead, self.result.behind = ahead, behind
        got = len(self.result.changed)
        words = []
        if self.result.integrated:
            words.append(f"brought in changes to {got} file{'s' if got != 1 else ''}")
        if self.result.pushed:
            words.append("sent your commits")
        self.result.message = (
            ("Synced: " + " and ".join(words) + ".")
            if words
            else "Already up to date: nothing to bring in or send."
        )
        return self.result

    def missing_upstream(self, branch: str, remote: str, dest: str) -> SyncResult:
        """The branch has an upstream whose branch the remote does not have (after the fetch):
        a clone of an empty repository (its first commits are sent: nobody else's work is
        there), or the branch was deleted there (said, and sent again only when publishing).
        Counting against a ref that does not exist said "Already up to date" and sent nothing."""
        repo = self.repo
        name = dest.removeprefix("refs/heads/")
        if repo.head() is None:
            self.result.message = f"Nothing to sync yet: no commit here, and {remote} has no {name} either."
            return self.result
        others = [
            r
            for r in repo.out("for-each-ref", "--format=%(refname)", f"refs/remotes/{remote}/").split()
            if not r.endswith("/HEAD")
        ]
        if others and not self.publish:
            raise SyncError(
                f"The branch {name} is not on {remote} any more (it was deleted there), so "
                "nothing was sent; your commits are here.",
                advice=f"Publish it to send it to {remote} again, or switch to another branch.",
                kind="no-upstream",
            )
        ahead = int(repo.out("rev-list", "--count", "HEAD").strip() or 0)
        self.progress("push", None, f"Sending {branch} to {remote}…")
        self.network("push", ["push", "--progress", remote, f"HEAD:{dest}"])
        self.result.pushed = True
        self.result.ahead, self.result.behind = self.counts()
        self.result.message = (
            f"Synced: sent your commit{'s' if ahead != 1 else ''} ({name} is now on {remote})."
        )
        return self.result

    def renames(self, before: str, after: str) -> dict[str, str]:
        """The files the pull moved (git's rename detection, as ``git diff -M`` finds them):
        the open entry follows its new name."""
        out = self.repo.run(["diff", "-M", "--name-status", "-z", before, after], check=False).stdout
        tokens = [_text(t) for t in out.split(b"\0")]
        moved, i = {}, 0
        while i < len(tokens) and tokens[i]:
            letter = tokens[i][:1]
            if letter in ("R", "C"):
                if letter == "R" and i + 2 < len(tokens):
                    moved[tokens[i + 1]] = tokens[i + 2]
                i += 3
            else:
                i += 2
        return moved

    def not_clean(self, refused: SyncError) -> SyncError:
        """git rebases only a work tree whose every change is committed (any file, not only
        those the incoming commits touch): the refusal names the changed files."""
        out = self.repo.run(["diff", "HEAD", "--name-only", "-z"], check=False).stdout
        files = [_text(p) for p in out.split(b"\0") if p]
        named = f" ({', '.join(files[:5])}{'…' if len(files) > 5 else ''})" if files else ""
        count = (
            "some changed files are"
            if not files
            else "1 changed file is"
            if len(files) == 1
            else (f"{len(files)} changed files are")
        )
        return SyncError(
            "Your branch is set to rebase (pull.rebase), and git rebases only when every change "
            f"is committed: {count} not{named}.",
            advice="Commit (or discard) those changes, then Sync again; nothing was changed.",
            detail=refused.detail,
            kind="local-changes",
        )

    def counts(self) -> tuple[int, int]:
        out = self.repo.out("rev-list", "--left-right", "--count", "HEAD...@{upstream}", check=False).split()
        return (int(out[0]), int(out[1])) if len(out) == 2 else (0, 0)

    def integrate(self, branch: str) -> None:
        repo = self.repo
        mode = (repo.config(f"branch.{branch}.rebase") or repo.config("pull.rebase") or "false").lower()
        rebase = mode in ("true", "merges", "interactive", "i", "m", "yes", "on", "1")
        if rebase:
            self.progress("rebase", None, "Putting your commits on top of the incoming ones…")
            args = ["rebase"] + (["--rebase-merges"] if mode in ("merges", "m") else []) + ["@{upstream}"]
            self.result.integrated = "rebase"
        else:
            ff = (repo.config("pull.ff") or "").lower()
            self.progress("merge", None, "Merging the incoming changes…")
            args = (
                ["merge", "--no-edit"]
                + (["--ff-only"] if ff == "only" else ["--no-ff"] if ff == "false" else [])
                + ["@{upstream}"]
            )
            self.result.integrated = "merge"
        proc = repo.run(args, check=False)
        if proc.returncode != 0:
            left = repo.conflicted()
            if left:
                raise SyncError(
                    f"Both you and someone else changed {len(left)} entr"
                    f"{'ies' if len(left) != 1 else 'y'} in ways that could not be "
                    f"merged: {', '.join(left[:3])}{'…' if len(left) > 3 else ''}.",
                    advice="Resolve each conflicted entry (field by field), then Sync "
                    "again; or abort to go back to how things were.",
                    detail=_text(proc.stderr + proc.stdout),
                    kind="conflicts",
                )
            err = _text(proc.stderr + proc.stdout)
            if "Not possible to fast-forward" in err or "not possible to fast-forward" in err:
                raise SyncError(
                    "Your branch and the shared one have both moved on, and git is set "
                    "to fast-forward only (pull.ff=only).",
                    advice="Set pull.rebase or pull.ff to allow a merge, then Sync again.",
                    detail=err,
                    kind="other",
                )
            refused = classify(err, args[0])
            if rebase and re.search(r"You have unstaged changes|Your index contains uncommitted", err):
                raise self.not_clean(refused)
            raise refused
        if not rebase and "Fast-forward" in _text(proc.stdout):
            self.result.integrated = "fast-forward"


_MARKER = re.compile(rb"^(?:<{7,}|>{7,})(?: |\r?$)", re.M)
_OPENER = re.compile(rb"^<{7,}(?: |\r?$)", re.M)
_SEPARATOR = re.compile(rb"^={7,}\r?$", re.M)
_CLOSER = re.compile(rb"^>{7,}(?: |\r?$)", re.M)


def conflict_markers(data: bytes) -> int | None:
    """The line (1-based) of the first conflict block's ``<<<<<<<`` marker in a file — one
    followed by its ``=======`` and ``>>>>>>>`` lines, as git and the merge driver leave a
    file they could not merge; None when the file has no such block."""
    for opener in _OPENER.finditer(data):
        sep = _SEPARATOR.search(data, opener.end())
        if sep is not None and _CLOSER.search(data, sep.end()) is not None:
            return data.count(b"\n", 0, opener.start()) + 1
    return None


def _unless_edited(
    rel: str, current: bytes | None, new: bytes | None, stages: dict, replace: bool
) -> bytes | None:
    """``new`` for a conflicted file, unless the file now holds edits made since git stopped
    (no conflict markers, and none of git's versions): then GitError (kind "edited")."""
    edited = (
        current is not None
        and current != new
        and current not in stages.values()
        and _MARKER.search(current) is None
    )
    if edited and not replace:
        raise GitError(
            f"{rel} was edited since git stopped at its conflict (its conflict markers are "
            "gone): resolving it here would replace those edits; nothing was written.",
            rel,
            advice="If it is resolved as it is, stage it (git add); or resolve again and replace the edits.",
            kind="edited",
        )
    return new


def _parse_status(raw: bytes, entries_only: bool) -> Status:
    branch = upstream = head = None
    ahead = behind = 0
    counted = False  # git prints branch.ab only when the upstream's ref exists
    entries: list[StatusEntry] = []
    recs = raw.split(b"\0")
    i = 0
    while i < len(recs):
        rec = _text(recs[i])
        i += 1
        if not rec:
            continue
        kind = rec[0]
        if kind == "#":
            parts = rec.split(" ", 2)
            if parts[1] == "branch.oid":
                head = None if parts[2] == "(initial)" else parts[2]
            elif parts[1] == "branch.head":
                branch = None if parts[2] == "(detached)" else parts[2]
            elif parts[1] == "branch.upstream":
                upstream = parts[2]
            elif parts[1] == "branch.ab":
                a, b = parts[2].split()
                ahead, behind = int(a), -int(b)
                counted = True
            continue
        if kind == "?":
            path = rec[2:]
            entries.append(StatusEntry(path, UNTRACKED, xy="??"))
            continue
        if kind == "1":
            p = rec.split(" ", 8)
            xy, h_head, h_index, path = p[1], p[6], p[7], p[8]
            entries.append(_entry(path, xy, h_head, h_index, None))
        elif kind == "2":
            p = rec.split(" ", 9)
            xy, h_head, h_index, path = p[1], p[6], p[7], p[9]
            orig = _text(recs[i])
            i += 1
            entries.append(_entry(path, xy, h_head, h_index, orig))
        elif kind == "u":
            p = rec.split(" ", 10)
            entries.append(StatusEntry(p[10], CONFLICTED, xy=p[1]))
    if entries_only:
        entries = [e for e in entries if e.path.endswith(".md")]
    return Status(branch, upstream, ahead, behind, entries, head, gone=upstream is not None and not counted)


def _entry(path: str, xy: str, h_head: str, h_index: str, orig: str | None) -> StatusEntry:
    x, y = xy[0], xy[1]
    if x == "D" or y == "D":
        state = DELETED
    elif x == "A":
        state = NEW
    elif y != ".":
        state = MODIFIED
    else:
        state = STAGED
    return StatusEntry(
        path,
        state,
        xy=xy,
        orig_path=orig,
        head=None if h_head == ZERO else h_head,
        index=None if h_index == ZERO else h_index,
    )


def _has_key(data: Any, keys: tuple) -> bool:
    for k in keys:
        if not isinstance(data, dict) or k not in data:
            return False
        data = data[k]
    return True


def _get(data: Any, keys: tuple) -> Any:
    from .merge import MISSING

    for k in keys:
        if not isinstance(data, dict) or k not in data:
            return MISSING
        data = data[k]
    return data


def _set(data: dict, keys: tuple, value: Any) -> None:
    from .merge import MISSING

    for k in keys[:-1]:
        nxt = data.get(k)
        if not isinstance(nxt, dict):
            if value is MISSING:
                return
            nxt = data[k] = {}
        data = nxt
    if value is MISSING:
        data.pop(keys[-1], None)
    else:
        data[keys[-1]] = value


# ---------------------------------------------------------------------------- the collection's view
class GitWorkspace:
    """A collection (or a lone file) inside its repository: git operations scoped to its
    entries. ``where`` is a ``Workspace``, a collection folder or a file."""

    def __init__(self, where: Any):
        if isinstance(where, (str, os.PathLike)):
            root, lone = Path(where), None
        else:  # a Workspace
            root, lone = where.root, where.lone
        self.root = Path(root if root is not None else lone).resolve()
        self.repo = Repo.find(self.root)
        self.scope = self.repo.rel(self.root)
        self.schema = getattr(where, "schema", None)

    def inside(self, path: str | Path) -> bool:
        rel = self.repo.rel(path)
        return self.scope in ("", ".") or rel == self.scope or rel.startswith(self.scope + "/")

    def status(self, fields: bool = True, values: bool = False) -> Status:
        return self.repo.status([self.root], fields=fields, values=values)

    def changes(self, status: Status | None = None) -> list[EntryChange]:
        """The changed entries as a commit message sees them (their titles, their fields)."""
        from .entry import Entry
        from .errors import QtEditorError
        from .storage import read_file

        status = status or self.status()
        out = []
        for e in status.entries:
            title = None
            for raw in (
                _read_or_none(read_file, self.repo.top / e.path),
                self.repo.blobs([e.head]).get(e.head) if e.head else None,
            ):
                if raw is None:
                    continue
                try:
                    data = Entry.from_bytes(raw, e.path).data
                except QtEditorError:
                    continue
                if isinstance(data, dict) and isinstance(data.get("title"), str):
                    title = data["title"]
                    break
            out.append(EntryChange(e.path, e.state, title, [tuple(_split_field(f)) for f in e.fields]))
        return out

    def suggest_message(self, changes: list[EntryChange]) -> str:
        return suggest_message(changes, self.schema)

    def commit_items(self, status: Status | None = None) -> list[CommitItem]:
        """What the commit dialog lists: each changed entry with its title and one line per
        changed field ("title: old → new", "answer: 2 paragraphs changed")."""
        from .changes import describe

        status = status or self.status(values=True)
        need = [
            e
            for e in status.entries
            if e.changes is None and not e.error and e.state not in (CONFLICTED, DELETED, NEW, UNTRACKED)
        ]
        if need:  # a status read without values (or without fields): read them for these only
            self.repo.fill_fields(need, values=True)
        by_path = {e.path: e for e in status.entries}
        items = []
        for change in self.changes(status):
            e = by_path[change.path]
            if e.state in (NEW, UNTRACKED):
                lines = ["new entry"]
            elif e.state == DELETED:
                lines = ["deleted"]
            elif e.state == CONFLICTED:
                lines = [
                    "in conflict: "
                    + (", ".join(e.fields) if e.fields else "the whole file")
                    + " (resolve it first)"
                ]
            elif e.error:
                lines = [e.error]
            else:
                lines = [describe(c, self.schema) for c in (e.changes or [])] or [
                    "formatting only (no field changed)"
                ]
            if e.orig_path:
                lines.insert(0, f"renamed from {e.orig_path}")
            items.append(CommitItem(change, lines, e.state != CONFLICTED))
        return items

    def commit(self, paths: Iterable[str | Path], message: str) -> str:
        return self.repo.commit(paths, message, within=self.root)

    def log(self, path: str | Path, limit: int | None = None) -> list[LogCommit]:
        return self.repo.log(path, limit)

    def conflicted(self) -> list[str]:
        return [p for p in self.repo.conflicted([self.root]) if p.endswith(".md")]

    # the repository's operations, as the window uses them (typed; anything else is the repo's)
    def sync(
        self,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | threading.Event | None = None,
        publish: bool = False,
    ) -> SyncResult:
        return self.repo.sync(progress, cancel, publish)

    def conflict(self, path: str | Path) -> ConflictedEntry:
        return self.repo.conflict(path)

    def resolve(self, path: str | Path, choices: dict, force: bool = False, replace: bool = False) -> None:
        self.repo.resolve(path, choices, force, replace)

    def resolve_whole(self, path: str | Path, side: str, force: bool = False, replace: bool = False) -> None:
        self.repo.resolve_whole(path, side, force, replace)

    def restore_field(
        self,
        path: str | Path,
        rev: str,
        field_path: str | tuple,
        rev_path: str | None = None,
        force: bool = False,
    ) -> bool:
        return self.repo.restore_field(path, rev, field_path, rev_path, force)

    def restore_version(
        self, path: str | Path, rev: str, rev_path: str | None = None, force: bool = False
    ) -> bool:
        return self.repo.restore_version(path, rev, rev_path, force)

    def abort(self) -> None:
        self.repo.abort()

    def finish(self) -> str:
        return self.repo.finish()

    def __getattr__(self, name: str) -> Any:  # the rest of Repo's API (stages, resolution…)
        return getattr(self.repo, name)


def _read_or_none(reader: Callable[[str], bytes], path: Path) -> bytes | None:
    try:
        return reader(str(path))
    except (OSError, QtEditorError):  # gone (a deleted entry), a folder, unreadable
        return None


def _split_field(name: str) -> list:
    if name == "body":
        return []
    return name.split(".")


# ---------------------------------------------------------------------------- drivers
def conflict_style(cwd: str | Path | None = None) -> str:
    """git's ``merge.conflictStyle`` here ("merge" when unset or git cannot say)."""
    try:
        proc = subprocess.run(
            _base_args() + ["config", "--get", "merge.conflictStyle"],
            cwd=str(cwd) if cwd else None,
            capture_output=True,
            env=_env(),
            stdin=subprocess.DEVNULL,
        )
    except (GitUnavailable, OSError):
        return "merge"
    style = _text(proc.stdout).strip().lower()
    return style if style in ("merge", "diff3", "zdiff3") else "merge"


def merge_driver(
    base: str, ours: str, theirs: str, path: str, cwd: str | Path | None = None, marker_size: int = 7
) -> tuple[int, str]:
    """What git's ``%O %A %B %P`` call does: merge the three versions, write the result into
    OURS (the file ``ours``). (exit status, note): 0 merged; 1 conflicts (markers written)."""
    from . import storage
    from .merge import NotMergeable, merge_bytes
    from .schema import schema_for

    cwd = Path(cwd) if cwd else Path.cwd()
    style = conflict_style(cwd)
    raw = [Path(p).read_bytes() for p in (base, ours, theirs)]
    where = cwd / path
    try:
        outcome = merge_bytes(
            raw[0], raw[1], raw[2], path, style, marker_size=marker_size, schema=schema_for(where)
        )
    except NotMergeable as exc:
        code, note = merge_file(base, ours, theirs, style, marker_size, cwd)
        return code, f"{path}: not merged as an entry ({exc}); merged line by line: {note}"
    except Exception as exc:  # noqa: BLE001 - a fault here must not leave OURS without markers
        code, note = merge_file(base, ours, theirs, style, marker_size, cwd)
        return code, (
            f"{path}: the entry merge failed ({type(exc).__name__}: {exc}); merged line by line: {note}"
        )
    storage.write_atomic(ours, outcome.data, durable=False, force=True)
    if outcome.clean:
        return 0, f"{path}: merged field by field"
    names = ", ".join(".".join(map(str, c.path)) if c.path else "body" for c in outcome.conflicts)
    return 1, f"{path}: conflict in {names}"


def merge_file(
    base: str,
    ours: str,
    theirs: str,
    style: str = "merge",
    marker_size: int = 7,
    cwd: str | Path | None = None,
) -> tuple[int, str]:
    """git's own line merge (``git merge-file``) of three files into OURS: the fallback for a
    file that is not an entry."""
    from . import storage

    args = _base_args() + [
        "merge-file",
        "-p",
        f"--marker-size={marker_size}",
        "-L",
        "ours",
        "-L",
        "base",
        "-L",
        "theirs",
    ]
    if style == "zdiff3" and git_version()[:2] >= (2, 35):
        args.append("--zdiff3")
    elif style in ("diff3", "zdiff3"):
        args.append("--diff3")
    proc = subprocess.run(
        args + [ours, base, theirs],
        cwd=str(cwd) if cwd else None,
        capture_output=True,
        env=_env(),
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode < 0 or proc.returncode > 127:
        return 1, f"git merge-file failed: {_text(proc.stderr).strip()}"
    storage.write_atomic(ours, proc.stdout, durable=False, force=True)
    if proc.returncode == 0:
        return 0, "merged"
    return 1, f"{proc.returncode} conflict{'s' if proc.returncode != 1 else ''}"


# where the .deb (and a hand install) put the frozen app's launcher: git's config names it so
# that the driver keeps working when an upgrade moves the bundle behind it
LAUNCHERS = (Path("/usr/bin/qteditor"), Path("/usr/local/bin/qteditor"))


def qteditor_command() -> list[str]:
    """How git should start this installation's qteditor: the frozen app (the .deb's
    /usr/bin/qteditor when it is this one, else the executable itself), or this Python with
    ``-I -m qteditor`` (a venv), or this Python told where the source folder is."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable).resolve()
        for candidate in LAUNCHERS:
            try:
                if candidate.exists() and candidate.resolve() == exe:
                    return [str(candidate)]
            except OSError:
                continue
        return [str(exe)]
    import qteditor

    # -I: git runs drivers in the repository's top folder, and a plain ``python -m`` looks
    # there first, so a ``qteditor/`` folder committed to the content would run instead of
    # this installation; isolated mode leaves the current folder (and PYTHON* variables) out
    python = str(Path(sys.executable).absolute())
    cmd = [python, "-I", "-m", "qteditor"]
    package_parent = Path(qteditor.__file__).resolve().parent.parent
    probe = subprocess.run(
        [
            python,
            "-I",
            "-c",
            "import qteditor, os; print(os.path.dirname("
            "os.path.dirname(os.path.realpath(qteditor.__file__))))",
        ],
        capture_output=True,
        cwd=os.path.expanduser("~") if os.path.isdir(os.path.expanduser("~")) else "/",
    )
    if (
        probe.returncode != 0
        or Path(_text(probe.stdout).strip() or "/nonexistent").resolve() != package_parent
    ):  # a source folder: this qteditor, put first on the path by the command itself
        start = (
            f"import sys; sys.path.insert(0, {str(package_parent)!r}); "
            "from qteditor.cli import main; sys.exit(main())"
        )
        return [python, "-I", "-c", start]
    return cmd


def _shell(cmd: list[str]) -> str:
    return " ".join(shlex.quote(c.replace("\\", "/")) for c in cmd)


_SKIP = {".git", "node_modules", ".venv", "__pycache__"}


def collection_roots(path: Path, top: Path) -> list[Path]:
    """The collections under ``path``: each content/learn tree and each folder holding
    .qteditor/ (its content root); ``path`` itself when there is none. A ``path`` inside a
    collection (a subject folder, an entry) gives that collection."""
    from .folders import MARKER, content_root, learn_tree, marked_root

    path = path.resolve()
    if path.is_file():
        path = path.parent
    found: list[Path] = []
    for dirpath, dirnames, _files in os.walk(path):
        d = Path(dirpath)
        if MARKER in dirnames:
            found.append(content_root(d))
        if d.name == "learn" and d.parent.name == "content":
            found.append(d)
            dirnames[:] = []
            continue
        dirnames[:] = [n for n in dirnames if n not in _SKIP and not n.startswith(".")]
    roots = sorted({f.resolve() for f in found})
    roots = [r for r in roots if not any(o != r and o in r.parents for o in roots)]
    if not roots:  # none under PATH: the collection PATH is in (a subject folder), or PATH
        inside = [
            p
            for p in (learn_tree(path), marked_root(path))
            if p is not None and (p == top or top in p.parents)
        ]
        roots = [
            (inside[0] if inside[0].name == "learn" else content_root(inside[0])).resolve()
            if inside
            else path
        ]
    return roots


def _root_pattern(root: Path, top: Path) -> str:
    rel = root.relative_to(top).as_posix()
    return "*.md" if rel in ("", ".") else _attr_pattern(f"/{_attr_escape(rel)}/**/*.md")


def collections_under(path: Path, top: Path) -> list[str]:
    """The .gitattributes patterns of the collections under ``path`` (``collection_roots``):
    ``/<root>/**/*.md`` each, or ``*.md`` for the top folder."""
    return list(dict.fromkeys(_root_pattern(r, top) for r in collection_roots(path, top)))


def _attr_escape(rel: str) -> str:
    return re.sub(r"([*?\[\\])", r"\\\1", rel)


def _attr_pattern(pattern: str) -> str:
    """A pattern as a .gitattributes line writes it: C-quoted when it holds spaces or quotes."""
    if not re.search(r'[\s"]', pattern):
        return pattern
    return '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line_pattern(line: str) -> tuple[str, str]:
    """A .gitattributes line's pattern (as written, quotes and all) and the rest."""
    text = line.strip()
    if not text or text.startswith("#"):
        return "", ""
    if text.startswith('"'):
        m = re.match(r'"(?:[^"\\]|\\.)*"', text)
        if m:
            return m.group(0), text[m.end() :]
    word, _, rest = text.partition(" ")
    if "\t" in word:
        word, _, more = word.partition("\t")
        rest = more + " " + rest
    return word, rest


ATTRIBUTES = ("merge=qteditor", "diff=qteditor")
_OURS_ATTR = re.compile(r"^-?!?(merge|diff)(=|$)")
BOM = "\ufeff"


@dataclass
class AttributeFile:
    """A .gitattributes file as lines, each with its own line ending (git splits at LF only
    and drops a CR before it; a UTF-8 BOM at the start is not part of the first line)."""

    bom: str
    lines: list[str]  # without their endings
    ends: list[str]  # "\r\n", "\n" or "" (the last line, without a final newline)

    @classmethod
    def parse(cls, text: str) -> AttributeFile:
        bom = BOM if text.startswith(BOM) else ""
        lines, ends = [], []
        for m in re.finditer(r"([^\n]*)(\n|$)", text[len(bom) :]):
            body, nl = m.group(1), m.group(2)
            if not body and not nl:
                break  # the empty match at the very end
            if nl and body.endswith("\r"):
                body, nl = body[:-1], "\r\n"
            lines.append(body)
            ends.append(nl)
        return cls(bom, lines, ends)

    @property
    def eol(self) -> str:
        """The file's dominant line ending (its first line's on a tie; LF for an empty file)."""
        crlf = self.ends.count("\r\n")
        lf = self.ends.count("\n")
        if crlf != lf:
            return "\r\n" if crlf > lf else "\n"
        return next((e for e in self.ends if e), "\n")

    def append(self, line: str) -> None:
        eol = self.eol
        if self.ends and not self.ends[-1]:
            self.ends[-1] = eol
        self.lines.append(line)
        self.ends.append(eol)

    def move_to_end(self, i: int) -> None:
        """Line ``i`` (not the last) put last; every line keeps its ending, and the file its
        final newline or the lack of one."""
        line, end = self.lines.pop(i), self.ends.pop(i)
        final = self.ends[-1]
        if not final:
            self.ends[-1] = end
        self.lines.append(line)
        self.ends.append(end if final else "")

    def delete(self, i: int) -> None:
        end = self.ends.pop(i)
        self.lines.pop(i)
        if i == len(self.lines) and self.lines and not end:
            self.ends[-1] = ""

    def text(self) -> str:
        return self.bom + "".join(line + end for line, end in zip(self.lines, self.ends, strict=True))


def _place_ours(attrs: AttributeFile, patterns: list[str]) -> tuple[list[str], list[str]]:
    """Our line for each pattern, updated in place (its other attributes kept, any other
    ``merge``/``diff`` replaced) or added at the end; another line of the same pattern loses
    its ``merge``/``diff`` (and goes when nothing is left). (added, updated) patterns."""
    added, updated = [], []
    for pattern in patterns:
        at = [i for i, line in enumerate(attrs.lines) if _line_pattern(line)[0] == pattern]
        if not at:
            attrs.append(" ".join((pattern,) + ATTRIBUTES))
            added.append(pattern)
            continue
        words = _line_pattern(attrs.lines[at[0]])[1].split()
        kept = [w for w in words if not _OURS_ATTR.match(w)]
        if sorted(words) != sorted(kept + list(ATTRIBUTES)):  # else right (its own order, spacing)
            attrs.lines[at[0]] = " ".join([pattern] + kept + list(ATTRIBUTES))
            updated.append(pattern)
        for i in reversed(at[1:]):  # never twice: a later line would override ours
            others = _line_pattern(attrs.lines[i])[1].split()
            rest = [w for w in others if not _OURS_ATTR.match(w)]
            if rest == others:
                continue  # it sets other attributes only
            if rest:
                attrs.lines[i] = " ".join([pattern] + rest)
            else:
                attrs.delete(i)
            updated.append(pattern)
    return added, updated


def _entry_samples(roots: list[Path], top: Path, limit: int = 4000) -> dict[Path, list[str]]:
    """Entries (.md files) of each collection as git names them, to ask git which attributes
    they get: every one up to ``limit``, else the first of each folder and an even spread of
    the others; a made-up name when a collection has none yet."""
    out: dict[Path, list[str]] = {}
    for root in roots:
        rel = root.relative_to(top).as_posix()
        prefix = "" if rel in ("", ".") else rel + "/"
        firsts: list[str] = []
        others: list[str] = []
        for dirpath, dirnames, files in os.walk(root):
            dirnames[:] = sorted(n for n in dirnames if n not in _SKIP and not n.startswith("."))
            d = Path(dirpath).relative_to(root).as_posix()
            sub = prefix + ("" if d == "." else d + "/")
            names = [sub + f for f in sorted(files) if f.endswith(".md") and "\n" not in f and _utf8(f)]
            firsts.extend(names[:1])
            others.extend(names[1:])
        if len(firsts) + len(others) > limit:
            room = max(limit - len(firsts), 0)
            step = len(others) / room if room else 0
            others = [others[int(i * step)] for i in range(room)] if room else []
        found = sorted(firsts + others)
        out[root] = found or [prefix + "entry.md", prefix + "a/entry.md"]
    return out


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a name that is not UTF-8 on disk (os.walk's surrogates)
        return False
    return True


def _check_attr(cwd: Path, paths: list[str]) -> dict[str, dict[str, str]]:
    """git's own answer: {path: {"merge": value, "diff": value}} for these paths."""
    proc = subprocess.run(
        _base_args() + ["check-attr", "-z", "--stdin", "merge", "diff"],
        cwd=str(cwd),
        input=b"".join(p.encode("utf-8") + b"\0" for p in paths),
        capture_output=True,
        env=_env(),
    )
    if proc.returncode != 0:
        raise GitError(f"git check-attr failed: {_text(proc.stderr).strip()}")
    fields = _text(proc.stdout).split("\0")
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(fields) - 2, 3):
        out.setdefault(fields[i], {})[fields[i + 1]] = fields[i + 2]
    return out


def _overridden(answers: dict[str, dict[str, str]], paths: list[str]) -> list[str]:
    return [
        p
        for p in paths
        if answers.get(p, {}).get("merge") != "qteditor" or answers.get(p, {}).get("diff") != "qteditor"
    ]


class _Scratch:
    """An empty repository of its own in a temporary folder, to ask git what some attributes
    files alone give some paths (no other attributes file of the user's counts)."""

    def __enter__(self) -> _Scratch:
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="qte-attr-")
        self.top = Path(self._dir.name)
        proc = subprocess.run(
            _base_args() + ["init", "-q", str(self.top)],
            capture_output=True,
            env=_env(),
            stdin=subprocess.DEVNULL,
        )
        if proc.returncode != 0:
            self._dir.cleanup()
            raise GitError(f"git init failed: {_text(proc.stderr).strip()}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()

    def check(self, files: dict[str, str], paths: list[str]) -> dict[str, dict[str, str]]:
        """``files``: attributes files by their folder ("" the top) and their text."""
        written = []
        for folder, text in files.items():
            target = self.top / folder / ".gitattributes"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
            written.append(target)
        try:
            return _check_attr(self.top, paths)
        finally:
            for target in written:
                target.unlink()

    def setting(self, sources: list[dict], path: str) -> list[dict]:
        """The lines among ``sources`` that set ``merge`` or ``diff`` for ``path`` (each asked
        alone, with the macros its file defines)."""
        out = []
        for src in sources:
            folder = src.get("folder", "")  # .git/info/attributes: "" (patterns as at the top)
            macros = "".join(line + "\n" for line in src.get("macros", ()))
            got = self.check({folder: macros + src["text"] + "\n"}, [path]).get(path, {})
            if got.get("merge", "unspecified") != "unspecified" or got.get("diff", "unspecified") != (
                "unspecified"
            ):
                out.append({k: src[k] for k in ("file", "line", "text")})
        return out


def _macros(lines: list[str]) -> set[str]:
    """Attribute macros (``binary``, and any ``[attr]NAME`` the file defines): a line giving one
    of them may set ``merge``/``diff`` too."""
    out = {"binary"}
    for line in lines:
        m = re.match(r"\s*\[attr\](\S+)", line)
        if m:
            out.add(m.group(1))
    return out


def _setters(file: Path, skip: str | None = None, text: str | None = None, folder: str = "") -> list[dict]:
    """The lines of an attributes file (or of ``text``, its new content) that may set
    ``merge`` or ``diff``, but our own line for the pattern ``skip``: ``{"file", "line",
    "text"}`` each (and, to ask git, the file's ``folder`` and the ``macros`` it defines)."""
    if text is None:
        try:
            text = file.read_bytes().decode("utf-8", "replace")
        except OSError:
            return []
    attrs = AttributeFile.parse(text)
    macros = _macros(attrs.lines)
    defined = [line.strip() for line in attrs.lines if line.strip().startswith("[attr]")]
    out = []
    for n, line in enumerate(attrs.lines, start=1):
        pattern, rest = _line_pattern(line)
        words = rest.split()
        if pattern == skip and set(ATTRIBUTES) <= set(words):
            continue
        if any(_OURS_ATTR.match(w) or w.lstrip("-!").split("=")[0] in macros for w in words):
            out.append(
                {"file": str(file), "line": n, "text": line.strip(), "macros": defined, "folder": folder}
            )
    return out


def _override_sources(repo: Repo, path: str) -> list[dict]:
    """Where a path's ``merge``/``diff`` may come from besides the top folder's .gitattributes:
    a .gitattributes in a folder above it (deeper ones win), then .git/info/attributes (which
    wins over every .gitattributes)."""
    out: list[dict] = []
    parts = path.split("/")[:-1]
    for depth in range(len(parts), 0, -1):
        folder = "/".join(parts[:depth])
        out += _setters(repo.top / folder / ".gitattributes", folder=folder)
    info = repo.common_dir / "info" / "attributes"
    return _setters(info) + out


def setup(path: str | Path = ".") -> dict:
    """Register the drivers in the repository holding ``path``: ``.gitattributes`` lines for
    the collections under it (added or updated, never twice; moved last when a later line of
    the file overrode them) and ``merge.qteditor.*`` / ``diff.qteditor.textconv`` in the
    repository's own config, calling this installation's qteditor; then git is asked which
    attributes the collections' entries get (``git check-attr``). Idempotent. Returns what it
    did, and in ``overridden`` what still overrides the lines (another attributes file)."""
    from . import storage

    path = Path(path).resolve()
    repo = Repo.find(path)
    roots = collection_roots(path, repo.top)
    patterns = list(dict.fromkeys(_root_pattern(r, repo.top) for r in roots))
    attributes = repo.top / ".gitattributes"
    if attributes.is_symlink():  # git ignores an in-tree symlinked one; writing through it
        raise GitError(  # could write outside the repository
            f"{attributes}:1:1: .gitattributes is a symbolic link, which git does not read: "
            "replace it with a file and run git setup again; nothing was changed"
        )
    if attributes.exists() and not attributes.is_file():
        raise GitError(f"{attributes}:1:1: .gitattributes is not a file; nothing was changed")
    try:
        old = attributes.read_bytes().decode("utf-8") if attributes.exists() else ""
    except UnicodeDecodeError as exc:
        raise GitError(
            f"{attributes}:1:{exc.start + 1}: .gitattributes is not UTF-8 text; nothing was changed"
        ) from None
    attrs = AttributeFile.parse(old)
    added, updated = _place_ours(attrs, patterns)
    samples = _entry_samples(roots, repo.top)
    everything = [p for paths in samples.values() for p in paths]
    with _Scratch() as scratch:
        # last line wins in git: a later line of this file that overrides ours for every entry
        # of a collection (``*.md -merge``, ``content/** merge=other``, ``* binary``) is what the
        # line is moved below; one that overrides some entries only is an exception, kept (said)
        alone = scratch.check({"": attrs.text()}, everything)
        moved = []
        for root, pattern in ((r, _root_pattern(r, repo.top)) for r in roots):
            paths = samples[root]
            if len(_overridden(alone, paths)) < len(paths):
                continue
            at = next(i for i, line in enumerate(attrs.lines) if _line_pattern(line)[0] == pattern)
            if at == len(attrs.lines) - 1:
                continue
            later = [
                {**x, "line": x["line"] - 1}  # numbered as in the new file
                for x in _setters(attributes, pattern, attrs.text())
                if x["line"] > at + 1
            ]
            attrs.move_to_end(at)
            below = scratch.setting(later, paths[0])
            moved.append({"pattern": pattern, "line": len(attrs.lines), "below": below})
        if moved:
            alone = scratch.check({"": attrs.text()}, everything)
        new = attrs.text()
        if new != old:  # else left as it is, byte for byte
            storage.write_atomic(str(attributes), new.encode("utf-8"))
        changed = _set_drivers(repo)
        effective = _check_attr(repo.top, everything)
        overridden = []
        for root, pattern in ((r, _root_pattern(r, repo.top)) for r in roots):
            paths = samples[root]
            lost = _overridden(effective, paths)
            by_this = set(_overridden(alone, lost))
            in_file = [p for p in lost if p in by_this]
            for group in (in_file, [p for p in lost if p not in by_this]):  # this file, others
                if not group:
                    continue
                example = group[0]
                values = effective.get(example, {})
                if group is in_file:  # the lines after ours that override it
                    ours_at = next(
                        n for n, line in enumerate(attrs.lines, 1) if _line_pattern(line)[0] == pattern
                    )
                    candidates = [x for x in _setters(attributes, pattern) if x["line"] > ours_at]
                else:
                    candidates = _override_sources(repo, example)
                overridden.append(
                    {
                        "pattern": pattern,
                        "entries": len(group),
                        "of": len(paths),
                        "example": example,
                        "merge": values.get("merge", "unspecified"),
                        "diff": values.get("diff", "unspecified"),
                        "sources": scratch.setting(candidates, example),
                        "all": len(lost) == len(paths),
                    }
                )
    return {
        "repository": str(repo.top),
        "patterns": patterns,
        "added": added,
        "updated": updated,
        "moved": moved,
        "config": changed,
        "command": _shell(qteditor_command()),
        "overridden": overridden,
    }


def driver_config() -> dict[str, str]:
    """What ``setup`` writes into the repository's config: this installation's qteditor."""
    cmd = _shell(qteditor_command())
    return {
        "merge.qteditor.name": "qteditor: entries merged field by field",
        # "--": a path git passes may start with "-" (git appends textconv's file); %L is the
        # conflict-marker-size attribute (7 unless set), so markers are as long as git's own
        "merge.qteditor.driver": f"{cmd} merge-driver --marker-size %L -- %O %A %B %P",
        "diff.qteditor.textconv": f"{cmd} textconv --",
    }


def _set_drivers(repo: Repo) -> list[str]:
    """The driver config set (an older line, such as one without %L, replaced in place); the
    keys that changed."""
    changed = []
    for key, value in driver_config().items():
        if repo.config(key) != value:
            repo.set_config(key, value)
            changed.append(key)
    return changed


def is_setup(path: str | Path) -> bool:
    """Whether the repository holding ``path`` has the drivers registered (what the window
    checks before offering ``setup`` once)."""
    repo = Repo.find(path)
    if not repo.config("merge.qteditor.driver"):
        return False
    rel = repo.rel(path)
    probe = rel if rel.endswith(".md") else ("x.md" if rel in ("", ".") else f"{rel}/x.md")
    return not _overridden(_check_attr(repo.top, [probe]), [probe])
