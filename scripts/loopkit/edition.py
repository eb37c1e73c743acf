"""The edition stamped on a packet, so a committee knows which rubrics a candidate was scored on.

An edition belongs to one packet: the digest of the files the packet is made from, and the date and
commit of the last change to them. A change to one question therefore changes the edition (and the
PDFs) of only the packets that use it. Deterministic: dates come from git or SOURCE_DATE_EPOCH,
never the clock.
"""
from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__


@dataclass(frozen=True)
class Edition:
    version: str
    date: str
    commit: str
    digest: str

    def __str__(self) -> str:
        return f"edition {self.version} · {self.date} · commit {self.commit} · content {self.digest}"


@dataclass(frozen=True)
class Changes:
    """When each file of one git checkout last changed and which have uncommitted changes, read in two git
    calls for the whole build: an edition is then a lookup, not a git call per packet.

    Files outside the checkout (the shared bank inside an installed loopkit, say) are not looked up: the
    loopkit version and the content digest already say which edition of them a packet holds."""

    top: Path | None
    commits: tuple[tuple[str, str], ...] = ()  # (short commit, date), newest first
    last: dict[Path, int] = field(default_factory=dict)  # file -> index into commits
    dirty: frozenset[Path] = frozenset()

    @classmethod
    def read(cls, root: Path, *folders: Path) -> "Changes":
        """The history of `folders` (all of `root`'s checkout when none is given) in one pass."""
        top = git(root, "rev-parse", "--show-toplevel")
        if not top:
            return cls(None)
        top_path = Path(top).resolve()
        inside = [str(folder.resolve()) for folder in folders if folder.resolve().is_relative_to(top_path)]
        if folders and not inside:
            return cls(top_path)
        paths = ["--", *inside] if inside else []
        commits, last = [], {}
        for entry in git(root, "log", "-z", "--format=%x01%h %cs", "--abbrev=10", "--name-only", *paths).split("\x01"):
            header, _, names = entry.partition("\0")
            if not header:
                continue
            commits.append(tuple(header.split(" ", 1)))
            for name in names.strip("\n").split("\0"):
                if name:
                    last.setdefault(top_path / name, len(commits) - 1)
        return cls(top_path, tuple(commits), last, frozenset(uncommitted(root, top_path, *paths)))

    def covers(self, path: Path) -> bool:
        return self.top is not None and path.is_relative_to(self.top)


def uncommitted(folder: Path, top: Path, *paths: str) -> set[Path]:
    """Files of `folder`'s checkout (whose top is `top`) that differ from HEAD: changed, added, untracked."""
    status = git(folder, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", *paths).split("\0")
    return {top / line[3:] for line in status if len(line) > 3}


def edition_of(files: list[Path], changes: Changes | None = None) -> Edition:
    """The edition of the content of `files`; `changes` is their checkout's history (read when not given)."""
    files = sorted({path.resolve() for path in files})
    hashed = hashlib.sha256()
    for path in files:
        hashed.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if changes is None:
        changes = Changes.read(files[0].parent if files else Path.cwd())
    tracked = [path for path in files if changes.covers(path)]
    known = [changes.last[path] for path in tracked if path in changes.last]
    commit, date = changes.commits[min(known)] if known else ("uncommitted", "undated")
    if known and any(path in changes.dirty or path not in changes.last for path in tracked):
        commit += " with uncommitted changes"
    pinned = pinned_date()
    return Edition(__version__, pinned.isoformat() if pinned else date, commit, hashed.hexdigest()[:12])


def as_of(bank: Path) -> datetime.date | None:
    """The date a build speaks for, for "due for review": SOURCE_DATE_EPOCH, else the bank's last commit."""
    pinned = pinned_date()
    if pinned:
        return pinned
    date = git(bank, "log", "-1", "--format=%cs", "--", ".")
    return datetime.date.fromisoformat(date) if date else None


def pinned_date() -> datetime.date | None:
    """The date SOURCE_DATE_EPOCH fixes for reproducible builds, if it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date() if epoch.isdigit() else None


def git(folder: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.rstrip() if result.returncode == 0 else ""  # porcelain lines start with a space
