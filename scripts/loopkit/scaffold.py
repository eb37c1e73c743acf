"""Scaffold a new question file: valid from the first save, as a draft, with a fresh stable id.

The placeholders say what each field needs, and the file passes validation, so a contributor can
build and see their draft before writing the rest.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

import yaml

from .edition import git
from .schema import modeline
from .model import PLACEHOLDERS
from .load import Document
from .validate import Bank, digest


def fresh_id(title: str, taken: set[str]) -> str:
    """A kebab-case id from the title, cut after a whole word (60 characters at most), made unique with a
    number if needed."""
    base = ""
    for word in re.findall(r"[a-z0-9]+", title.lower()):
        if base and len(base) + 1 + len(word) > ID_LENGTH:
            break
        base = f"{base}-{word}" if base else word[:ID_LENGTH]
    base = base or "question"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


ID_LENGTH = 60
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def id_problem(question_id: str, taken: set[str]) -> str | None:
    """Why a chosen id cannot be used, if it cannot."""
    if not ID.match(question_id) or len(question_id) > 80:
        return f"--id {question_id!r} is not an id: use lower-case words and digits joined by hyphens, e.g. stale-index-after-migration"
    if question_id in taken:
        return f"--id {question_id!r} is taken by another question; choose another"
    return None


def default_author(root: Path) -> str:
    """Who the new question is by, when not given: git's user.name."""
    return git(root, "config", "user.name") or "unknown"


def unknown_ids(bank: Bank, roles: list[str], levels: list[str], competencies: list[str]) -> list[str]:
    problems = []
    for values, known, what in ((roles, bank.roles, "role"), (levels, bank.levels, "level"),
                                (competencies, bank.competencies, "competency")):
        problems += [f"unknown {what} {value!r}; expected one of: {', '.join(known)}"
                     for value in values if value not in known]
    return problems


# Comments written above fields of a new question, where a contributor needs them while writing.
COMMENTS = {
    "status": "Keep `draft` while you write: a draft never reaches a packet. `active` is refused while any\n"
              "\"Write ...\" text is left (LK022).",
    "competencies": "The FIRST competency decides where the question can be placed: it names the folder\n"
                    "(questions/FIRST/ID.yaml), and only stages that assess it take the question ahead of\n"
                    "others; in the blocks of the other competencies it waits behind questions made for them.\n"
                    "`loopkit validate` says where it lands (packet, stage, primary or alternate).",
    "format": "A stage takes only the formats it declares; check the loops before choosing.",
    "interviewer_notes": "Interviewer-only notes; never shown to candidates.",
    "rubric": "Four points, 1 (lowest) to 4, each with at least two things the candidate said, did or asked.\n"
              "Keep every `- ` line at the same column: a deeper one is read as more text of the line above.",
}


def question_file(bank_dir: Path, bank: Bank, title: str, roles: list[str], levels: list[str],
                  competencies: list[str], kind: str, format: str, minutes: int, author: str,
                  today: datetime.date, question_id: str | None = None) -> tuple[Path, str]:
    """The path and text of a new draft question."""
    question_id = question_id or fresh_id(title, set(bank.questions))
    path = bank_dir / "questions" / competencies[0] / f"{question_id}.yaml"
    data = {
        "id": question_id, "title": title, "status": "draft", "kind": kind, "format": format,
        "roles": roles, "levels": levels, "competencies": competencies, "minutes": minutes,
        "prompt": PLACEHOLDERS["prompt"],
        "interviewer_notes": PLACEHOLDERS["interviewer_notes"],
        "probes": list(PLACEHOLDERS["probe"]),
        "green_flags": list(PLACEHOLDERS["green_flags"]),
        "red_flags": list(PLACEHOLDERS["red_flags"]),
        "rubric": {point: list(items) for point, items in PLACEHOLDERS["rubric"].items()},
        "bar": {level: {"meets": 2 if level == next(iter(bank.levels)) else 3,
                        "separates": PLACEHOLDERS["separates"].format(level=bank.levels[level].name.lower())}
                for level in levels},
        "ai_use": {"allowed": False, "observe": PLACEHOLDERS["ai_use"]},
        "sources": [], "author": author, "reviewed": today,
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    lines = []
    for line in text.splitlines(keepends=True):
        key = line.split(":", 1)[0]
        if not line.startswith(" ") and key in COMMENTS:
            lines += [f"# {comment}\n" for comment in COMMENTS[key].splitlines()]
        lines.append(line)
    return path, modeline(bank_dir, path, "question") + "\n" + "".join(lines)


def override_file(bank_dir: Path, upstream: Document) -> tuple[Path, str]:
    """The path and text of a partial override of an earlier layer's question: its id, the upstream's
    digest, and the upstream's fields as comments, to uncomment only where the team changes them."""
    data = upstream.data
    competencies = data.get("competencies") or ["unsorted"]
    path = bank_dir / "questions" / str(competencies[0]) / f"{data['id']}.yaml"
    fields = {key: value for key, value in data.items() if key not in ("id", "overrides")}
    shown = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100)
    within = upstream.source.path[upstream.source.path.rfind("questions/"):]  # no path of this machine
    lines = [
        f"# A partial override of {data['id']!r} ({within} of an earlier bank layer).\n",
        "# Uncomment and change only the fields you change; every other field, and every key of `bar` or\n",
        "# `rubric` you leave out, still comes from that question, so upgrades of loopkit keep reaching it.\n",
        "# `digest` records the question as it is now: `loopkit validate` warns (LK215) once it changes.\n",
        *yaml.safe_dump({"id": data["id"], "overrides": {"digest": digest(data)}}, sort_keys=False).splitlines(True),
        *(f"# {line}" for line in shown.splitlines(True)),
    ]
    return path, modeline(bank_dir, path, "question") + "\n" + "".join(lines)
