"""Print problems for people (path:line:col: CODE message) or for GitHub's pull request annotations."""
from __future__ import annotations

from collections.abc import Iterable

from .problems import Problem


def ordered(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.code, p.message))


def text(problem: Problem) -> str:
    label = f" {problem.severity}:" if problem.severity != "error" else ""
    return f"{problem.path}:{problem.line}:{problem.col}: {problem.code}{label} {problem.message}"


def github(problem: Problem) -> str:
    message = problem.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{problem.severity} file={problem.path},line={max(problem.line, 1)},col={max(problem.col, 1)},title={problem.code}::{message}"


def summary(problems: list[Problem]) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
