"""What changed in the bank between two git revisions: questions added, overridden, changed, retired,
leaked and removed; status changes made in the layer's status.yaml (a kit retiring a shared question);
requisitions added, changed and removed. Reads files from git itself, so it needs no checkout of either
revision."""
from __future__ import annotations

import dataclasses
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .edition import git
from .load import parse

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id for a tree with nothing in it


@dataclass(frozen=True)
class Change:
    kind: str  # added, overridden, changed, retired, leaked, reactivated, removed
    id: str
    title: str
    what: str = "question"  # question; status (a line of status.yaml); requisition
    note: str = ""  # a status change's reason; the fields a partial override changes


@dataclass(frozen=True)
class Entry:
    commit: str
    date: str
    subject: str
    changes: tuple[Change, ...]
    unlisted: int = 0  # files the commit changed beyond the first LISTED: counted, not read


LISTED = 50  # changes listed per commit: an import of a whole bank in one commit must not make a page of 10,000


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
    diff = name_status(git(root, "diff", "-z", "--name-status", "-M", old, new, "--", *tracked(root, bank)))
    return classified(diff, old, new, read_blobs(root, blob_names(diff, old, new)))


def history(root: Path, bank: Path, limit: int = 30) -> list[Entry]:
    """The last `limit` commits that touched questions, newest first, each with its changes (against its
    first parent). Three git calls in all, however many commits and files: one log, one batch read."""
    log = git(root, "log", f"-{limit}", "-z", "-M", "--diff-merges=first-parent", "--name-status",
              "--format=%x01%H%x09%h%x09%cs%x09%P%x09%s", "--", *tracked(root, bank))
    commits = []
    for entry in log.split("\x01")[1:]:
        header, _, rest = entry.partition("\0")
        full, short, date, parents, subject = header.split("\t", 4)
        diff = name_status(rest)
        commits.append((full, short, date, parents.split(" ")[0] or EMPTY_TREE, subject, diff[:LISTED],
                        max(len(diff) - LISTED, 0)))
    wanted = [blob for full, _, _, parent, _, diff, _ in commits for blob in blob_names(diff, parent, full)]
    contents = read_blobs(root, wanted)
    return [Entry(short, date, subject, tuple(classified(diff, parent, full, contents)), unlisted)
            for full, short, date, parent, subject, diff, unlisted in commits]


def questions_folder(root: Path, bank: Path) -> str:
    return (bank.resolve().relative_to(root.resolve()) / "questions").as_posix()


def tracked(root: Path, bank: Path) -> list[str]:
    """The bank's paths the changelog reads: its questions, its status.yaml and its requisitions."""
    base = bank.resolve().relative_to(root.resolve())
    return [questions_folder(root, bank), (base / "status.yaml").as_posix(),
            (base / "loops" / "requisitions").as_posix()]


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
        if paths[-1].endswith("status.yaml") and "/questions/" not in f"/{paths[-1]}":
            found += status_changes(before, after)
        elif "loops/requisitions/" in paths[-1]:
            found += requisition_changes(before, after, paths)
        else:
            found += question_changes(before, after, paths)
    return found


def question_changes(before: dict, after: dict, paths: list[str]) -> list[Change]:
    if before and after and before.get("id") != after.get("id"):  # a file reused for another question
        return [described("removed", before, paths[0]), described("added", after, paths[-1])]
    if not after:
        return [described("removed", before, paths[0])]
    if not before or (before.get("status") == "draft" and after.get("status") == "active"):
        # a later layer's copy of an earlier layer's question replaces it: that is no new question
        if after.get("overrides") not in (None, False):
            return [overridden(after, paths[-1])]
        return [described("added", after, paths[-1])]
    if after.get("status") != before.get("status") and after.get("status") in ("retired", "leaked"):
        return [described(str(after["status"]), after, paths[-1])]
    if after.get("status") == "active" and before.get("status") in ("retired", "leaked"):
        return [described("reactivated", after, paths[-1])]
    return [described("changed", after, paths[-1])]


def status_changes(before: dict, after: dict) -> list[Change]:
    """What a change to status.yaml did, question by question: a new or changed line retires, marks
    leaked or reactivates its question; a line taken out gives the question back its own status."""
    def lines(data: dict) -> dict[str, dict]:
        listed = data.get("changes") if isinstance(data, dict) else None
        return {str(line["id"]): line for line in listed or [] if isinstance(line, dict) and "id" in line}

    old, new = lines(before), lines(after)
    found = []
    for question_id, line in new.items():
        if old.get(question_id, {}).get("status") != line.get("status"):
            kind = str(line.get("status"))
            kind = kind if kind in ("retired", "leaked") else "reactivated" if kind == "active" else "changed"
            found.append(Change(kind, question_id, "", "status", str(line.get("reason", ""))))
    found += [Change("reactivated", question_id, "", "status", "no longer retired or leaked in status.yaml")
              for question_id in old if question_id not in new]
    return found


def requisition_changes(before: dict, after: dict, paths: list[str]) -> list[Change]:
    kind = "removed" if not after else "added" if not before else "changed"
    data = after or before
    return [Change(kind, str(data.get("id", Path(paths[-1]).stem)), str(data.get("title", "")), "requisition")]


def overridden(question: dict, path: str) -> Change:
    """A later layer's question over an earlier one's: a whole copy keeps its title; a partial override
    says which fields it changes."""
    change = described("overridden", question, path)
    if isinstance(question.get("overrides"), dict):
        fields = [str(key) for key in question if key not in ("id", "overrides")]
        change = dataclasses.replace(change, note=f"fields changed: {', '.join(fields) or 'none yet'}")
    return change


def described(kind: str, question: dict, path: str) -> Change:
    return Change(kind, str(question.get("id", Path(path).stem)), str(question.get("title", "")))


def changelog_line(change: Change) -> str:
    """One line of `loopkit changelog`: a question's kind, id and title, as ever; a status.yaml line or
    a requisition says which it is."""
    if change.what == "status":
        return f"{change.kind:<11} {change.id}  (status.yaml: {change.note})"
    if change.what == "requisition":
        return f"{change.kind:<11} requisition {change.id}  {change.title}"
    return "  ".join(filter(None, [f"{change.kind:<11} {change.id}", change.title, change.note and f"({change.note})"]))
