"""What changed in the bank's questions between two git revisions: added, changed, retired, leaked,
removed. Reads files from git itself, so it needs no checkout of either revision."""
from __future__ import annotations

import subprocess
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


class NoHistory(Exception):
    """The bank is not in a git checkout, or a ref names no commit: said in words a user can act on."""


def changes_in(bank: Path, old: str, new: str) -> list[Change]:
    """Question changes in `bank` between two refs of the checkout it is in."""
    top = git(bank, "rev-parse", "--show-toplevel")
    if not top:
        raise NoHistory(f"{bank} is not inside a git checkout")
    for ref in (old, new):
        if not git(Path(top), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"):
            raise NoHistory(f"unknown git ref {ref!r}")
    return changes_between(Path(top), bank, old, new)


def changes_between(root: Path, bank: Path, old: str, new: str) -> list[Change]:
    """Question changes from `old` to `new`, in path order. `bank` is the bank folder inside `root`."""
    diff = name_status(git(root, "diff", "-z", "--name-status", "-M", old, new, "--", questions_folder(root, bank)))
    return classified(diff, old, new, read_blobs(root, blob_names(diff, old, new)))


def history(root: Path, bank: Path, limit: int = 30) -> list[Entry]:
    """The last `limit` commits that touched questions, newest first, each with its changes (against its
    first parent). Three git calls in all, however many commits and files: one log, one batch read."""
    log = git(root, "log", f"-{limit}", "-z", "-M", "--diff-merges=first-parent", "--name-status",
              "--format=%x01%H%x09%h%x09%cs%x09%P%x09%s", "--", questions_folder(root, bank))
    commits = []
    for entry in log.split("\x01")[1:]:
        header, _, rest = entry.partition("\0")
        full, short, date, parents, subject = header.split("\t", 4)
        commits.append((full, short, date, parents.split(" ")[0] or EMPTY_TREE, subject, name_status(rest)))
    wanted = [blob for full, _, _, parent, _, diff in commits for blob in blob_names(diff, parent, full)]
    contents = read_blobs(root, wanted)
    return [Entry(short, date, subject, tuple(classified(diff, parent, full, contents)))
            for full, short, date, parent, subject, diff in commits]


def questions_folder(root: Path, bank: Path) -> str:
    return (bank.resolve().relative_to(root.resolve()) / "questions").as_posix()


def name_status(output: str) -> list[tuple[str, list[str]]]:
    """`git diff/log --name-status -z` output as (status, paths): one path, or old and new for a rename."""
    fields = output.lstrip("\n").split("\0")
    found, index = [], 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        count = 2 if status[0] in "RC" else 1
        paths = fields[index + 1:index + 1 + count]
        index += 1 + count
        if paths[-1].endswith((".yaml", ".yml")):
            found.append((status, paths))
    return found


def blob_names(diff: list[tuple[str, list[str]]], old: str, new: str) -> list[str]:
    """The `rev:path` of every file version `classified` reads."""
    names = []
    for status, paths in diff:
        if status[0] in "MRD":
            names.append(f"{old}:{paths[0]}")
        if status[0] != "D":
            names.append(f"{new}:{paths[-1]}")
    return names


def read_blobs(root: Path, names: list[str]) -> dict[str, dict]:
    """Question files as they were at given revisions (`rev:path`), parsed with the same limits as the
    bank ({} where unreadable), read by one `git cat-file --batch`."""
    if not names:
        return {}
    try:
        output = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], capture_output=True, timeout=60,
                                input="".join(f"{name}\n" for name in names).encode("utf-8")).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found, offset = {}, 0
    for name in names:
        end = output.find(b"\n", offset)
        header = output[offset:end].split()
        offset = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            data, _ = parse(output[offset:offset + size], name)
            offset += size + 1
            found[name] = data if isinstance(data, dict) else {}
    return found


def classified(diff: list[tuple[str, list[str]]], old: str, new: str, contents: dict[str, dict]) -> list[Change]:
    found = []
    for status, paths in diff:
        before = contents.get(f"{old}:{paths[0]}", {}) if status[0] in "MRD" else {}
        after = contents.get(f"{new}:{paths[-1]}", {}) if status[0] != "D" else {}
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
