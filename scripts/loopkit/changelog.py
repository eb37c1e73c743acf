"""What changed in the bank's questions between two git revisions: added, changed, retired, leaked,
removed. Reads files from git itself, so it needs no checkout of either revision."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .edition import git
from .load import parse

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id for a tree with nothing in it


@dataclass(frozen=True)
class Change:
    kind: str  # added, changed, retired, leaked, reactivated, removed
    id: str
    title: str


@dataclass(frozen=True)
class Entry:
    commit: str
    date: str
    subject: str
    changes: tuple[Change, ...]


def question_at(root: Path, ref: str, path: str) -> dict:
    """A question file as it was at `ref`, parsed with the same limits as the bank; {} if unreadable."""
    data, _ = parse(git(root, "show", f"{ref}:{path}").encode("utf-8"), path)
    return data if isinstance(data, dict) else {}


def changes_between(root: Path, bank: Path, old: str, new: str) -> list[Change]:
    """Question changes from `old` to `new`, in path order. `bank` is the bank folder inside `root`."""
    folder = (bank.resolve().relative_to(root.resolve()) / "questions").as_posix()
    found = []
    for line in git(root, "diff", "--name-status", "-M", old, new, "--", folder).splitlines():
        status, *paths = line.split("\t")
        if not paths[-1].endswith((".yaml", ".yml")):
            continue
        before = question_at(root, old, paths[0]) if status[0] in "MRD" else {}
        after = question_at(root, new, paths[-1]) if status[0] != "D" else {}
        if before and after and before.get("id") != after.get("id"):  # a file reused for another question
            found += [described("removed", before, paths[0]), described("added", after, paths[-1])]
        elif not after:
            found.append(described("removed", before, paths[0]))
        elif not before or (before.get("status") == "draft" and after.get("status") == "active"):
            found.append(described("added", after, paths[-1]))
        elif after.get("status") != before.get("status") and after.get("status") in ("retired", "leaked"):
            found.append(described(str(after["status"]), after, paths[-1]))
        elif after.get("status") == "active" and before.get("status") in ("retired", "leaked"):
            found.append(described("reactivated", after, paths[-1]))
        else:
            found.append(described("changed", after, paths[-1]))
    return found


def described(kind: str, question: dict, path: str) -> Change:
    return Change(kind, str(question.get("id", Path(path).stem)), str(question.get("title", "")))


def history(root: Path, bank: Path, limit: int = 30) -> list[Entry]:
    """The last `limit` commits that touched questions, newest first, each with its changes."""
    folder = (bank.resolve().relative_to(root.resolve()) / "questions").as_posix()
    entries = []
    for line in git(root, "log", f"-{limit}", "--format=%H%x09%h%x09%cs%x09%s", "--", folder).splitlines():
        full, short, date, subject = line.split("\t", 3)
        parent = git(root, "rev-parse", "--verify", "--quiet", f"{full}^") or EMPTY_TREE
        entries.append(Entry(short, date, subject, tuple(changes_between(root, bank, parent, full))))
    return entries
