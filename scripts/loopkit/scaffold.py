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
from .validate import Bank


def fresh_id(title: str, taken: set[str]) -> str:
    """A kebab-case id from the title, made unique with a number if needed."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    base = "-".join(words)[:60].strip("-") or "question"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


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


def question_file(bank_dir: Path, bank: Bank, title: str, roles: list[str], levels: list[str],
                  competencies: list[str], kind: str, format: str, minutes: int, author: str,
                  today: datetime.date) -> tuple[Path, str]:
    """The path and text of a new draft question."""
    question_id = fresh_id(title, set(bank.questions))
    path = bank_dir / "questions" / competencies[0] / f"{question_id}.yaml"
    data = {
        "id": question_id, "title": title, "status": "draft", "kind": kind, "format": format,
        "roles": roles, "levels": levels, "competencies": competencies, "minutes": minutes,
        "prompt": "Write what the interviewer reads out or hands over, with the numbers that make it real.",
        "probes": ["Write a follow-up that digs into the candidate's first answer.",
                   "Write a follow-up that tests the hardest part of the problem."],
        "green_flags": ["Write something a strong candidate says or does.",
                        "Write another observable sign of a strong answer."],
        "red_flags": ["Write something that shows the candidate cannot do the job.",
                      "Write another observable sign of a weak answer."],
        "rubric": {
            1: ["Write what a candidate who is clearly below the bar says or does.",
                "Write a second observable sign at this point."],
            2: ["Write what a candidate with some but not enough of the skill says or does.",
                "Write a second observable sign at the second point."],
            3: ["Write what a candidate who meets the bar says or does.",
                "Write a second observable sign at the third point."],
            4: ["Write what a candidate well above the bar says or does.",
                "Write a second observable sign at the fourth point."],
        },
        "bar": {level: {"meets": 2 if level == next(iter(bank.levels)) else 3,
                        "separates": f"Write what separates a {bank.levels[level].name.lower()} answer to this question."}
                for level in levels},
        "ai_use": {"allowed": False, "observe": "Say whether an AI assistant may be used, and what you watch if so."},
        "sources": [], "author": author, "reviewed": today,
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return path, modeline(bank_dir, path, "question") + "\n" + text
