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
from dataclasses import dataclass
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


def edition_of(files: list[Path]) -> Edition:
    files = sorted(set(files))
    hashed = hashlib.sha256()
    for path in files:
        hashed.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    folder = files[0].parent if files else Path.cwd()
    names = [str(path) for path in files]
    last = git(folder, "log", "-1", "--format=%h %cs", "--abbrev=10", "--", *names).split()
    commit, date = (last[0], last[1]) if len(last) == 2 else ("uncommitted", "undated")
    if last and git(folder, "status", "--porcelain", "--", *names):
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
    return result.stdout.strip() if result.returncode == 0 else ""
