"""Validate loaded documents into typed models, then check what no single file can: references,
unique ids, and rubric quality. Every finding is a located Problem; nothing raises.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from .load import Document, LoadedBank
from .model import (Competency, CompetenciesFile, Level, LevelsFile, Loop, Question, Role, RolesFile)
from .problems import Problem, Source


@dataclass(frozen=True)
class Bank:
    """A bank whose files are valid and whose references resolve. Dicts keep file order."""

    root: str
    roles: dict[str, Role]
    levels: dict[str, Level]
    competencies: dict[str, Competency]
    loops: dict[tuple[str, str], Loop]
    questions: dict[str, Question]


FILE_MODELS: dict[str, type[BaseModel]] = {
    "roles": RolesFile, "levels": LevelsFile, "competencies": CompetenciesFile, "loop": Loop, "question": Question,
}

ERROR_CODES = {
    "extra_forbidden": "LK002", "missing": "LK004", "rubric_points": "LK007",
}
TYPE_ERRORS = re.compile(r"_type$|_parsing$|^model_attributes_type$|^dict_type$|^list_type$")


def validate(loaded: LoadedBank) -> tuple[Bank, list[Problem]]:
    """Turn documents into a Bank; the bank holds only what validated, the problems say the rest."""
    problems = list(loaded.problems)
    roles: dict[str, Role] = {}
    levels: dict[str, Level] = {}
    competencies: dict[str, Competency] = {}
    loops: dict[tuple[str, str], Loop] = {}
    questions: dict[str, Question] = {}

    for document in loaded.documents:
        model = typed(document, problems)
        if model is None:
            continue
        if isinstance(model, RolesFile):
            collect(model.roles, "roles", document.source, roles, problems)
        elif isinstance(model, LevelsFile):
            collect(model.levels, "levels", document.source, levels, problems)
        elif isinstance(model, CompetenciesFile):
            collect(model.competencies, "competencies", document.source, competencies, problems)
        elif isinstance(model, Loop):
            key = (model.role, model.level)
            expected = f"loops/{model.role}/{model.level}.yaml"
            if not model.source.path.endswith(expected):
                problems.append(model.source.problem(("role",), "LK013",
                                f"this loop is for {model.role} at {model.level}, so its file must be {expected}"))
            elif key in loops:
                problems.append(model.source.problem(("role",), "LK006",
                                f"a second loop for {model.role} at level {model.level}; the first is in {loops[key].source.path}"))
            else:
                loops[key] = model
        elif isinstance(model, Question):
            if model.id in questions:
                problems.append(model.source.problem(("id",), "LK006",
                                f"question id {model.id!r} is already used by {questions[model.id].source.path}"))
            else:
                questions[model.id] = model

    bank = Bank(loaded.root, roles, levels, competencies, loops, questions)
    problems += check_competencies(bank) + check_loops(bank) + check_questions(bank)
    return bank, problems


def typed(document: Document, problems: list[Problem]) -> BaseModel | None:
    model_type = FILE_MODELS[document.kind]
    if not isinstance(document.data, dict):
        found = "an empty file" if document.data is None else type(document.data).__name__
        problems.append(document.source.problem((), "LK003", f"expected a mapping of fields at the top of the file, found {found}"))
        return None
    try:
        model = model_type.model_validate(document.data)
    except ValidationError as error:
        problems.extend(located(error, document.source, model_type))
        return None
    model._source = document.source
    return model


def located(error: ValidationError, source: Source, model_type: type[BaseModel]) -> list[Problem]:
    """Translate pydantic's errors into contributor language, each at its line and column."""
    found = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        field = dotted(loc)
        kind = item["type"]
        code = ERROR_CODES.get(kind) or ("LK003" if TYPE_ERRORS.search(kind) else "LK009")
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}{' in ' + dotted(loc[:-1]) if loc[:-1] else ''}; expected one of: {', '.join(allowed_keys(model_type, loc[:-1]))}"
        elif kind == "missing":
            message = f"missing required field {field!r}"
        else:
            message = f"{field}: {item['msg']}; found {shown(item.get('input'))}"
        found.append(source.problem(loc, code, message))
    return found


def allowed_keys(model_type: type[BaseModel], loc: tuple) -> list[str]:
    """The fields a contributor may write at `loc`, found by walking the model's annotations."""
    current: object = model_type
    for key in loc:
        if isinstance(key, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        annotation = current.model_fields[key].annotation if key in current.model_fields else None
        current = innermost_model(annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def innermost_model(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        model = innermost_model(arg)
        if model is not None:
            return model
    return None


def dotted(loc: tuple) -> str:
    """A location as a contributor reads it: probes[1], rubric.3[0], bar.senior.meets, rubric key 5."""
    text = ""
    for key in loc:
        if key == "[key]":
            text = text.rsplit(".", 1)[0] + f" key {text.rsplit('.', 1)[-1]}"
        elif isinstance(key, int) and not text.endswith("rubric"):
            text += f"[{key}]"
        else:
            text += f"{'.' if text else ''}{key}"
    return text or "file"


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def collect(items: list, field: str, source: Source, into: dict, problems: list[Problem]) -> None:
    for index, item in enumerate(items):
        item._source = source.at(field, index)
        if item.id in into:
            problems.append(item.source.problem(("id",), "LK006", f"{field} id {item.id!r} appears twice"))
        else:
            into[item.id] = item


def unknown(source: Source, keys: tuple, what: str, value: str, known: dict) -> Problem:
    return source.problem(keys, "LK005", f"unknown {what} {value!r}; expected one of: {', '.join(known) or '(none defined)'}")


def check_competencies(bank: Bank) -> list[Problem]:
    problems = []
    for competency in bank.competencies.values():
        for level in competency.levels:
            if level not in bank.levels:
                problems.append(unknown(competency.source, ("levels", level), "level", level, bank.levels))
        for level in bank.levels:
            if level not in competency.levels:
                problems.append(competency.source.problem(("levels",), "LK004",
                                f"competency {competency.id!r} does not say what it looks like at level {level!r}"))
    return problems


def check_loops(bank: Bank) -> list[Problem]:
    problems = []
    for loop in bank.loops.values():
        source = loop.source
        if loop.role not in bank.roles:
            problems.append(unknown(source, ("role",), "role", loop.role, bank.roles))
        if loop.level not in bank.levels:
            problems.append(unknown(source, ("level",), "level", loop.level, bank.levels))
        for index, name in enumerate(loop.must_have):
            if name not in bank.competencies:
                problems.append(unknown(source, ("must_have", index), "competency", name, bank.competencies))
        for dup, count in Counter(stage.id for stage in loop.stages).items():
            if count > 1:
                problems.append(source.problem(("stages",), "LK006", f"stage id {dup!r} appears {count} times in this loop"))
        for s, stage in enumerate(loop.stages):
            for c, name in enumerate(stage.competencies):
                if name not in bank.competencies:
                    problems.append(unknown(source, ("stages", s, "competencies", c), "competency", name, bank.competencies))
    return problems


def check_questions(bank: Bank) -> list[Problem]:
    problems = []
    for question in bank.questions.values():
        source = question.source
        for field, known, what in (("roles", bank.roles, "role"), ("levels", bank.levels, "level"),
                                   ("competencies", bank.competencies, "competency")):
            for index, value in enumerate(getattr(question, field)):
                if value not in known:
                    problems.append(unknown(source, (field, index), what, value, known))
        if set(question.bar) != set(question.levels):
            missing = [level for level in question.levels if level not in question.bar]
            extra = [level for level in question.bar if level not in question.levels]
            detail = "; ".join(filter(None, [missing and f"missing {', '.join(missing)}",
                                             extra and f"not in levels: {', '.join(extra)}"]))
            problems.append(source.problem(("bar",), "LK010", f"bar must have one entry per level in `levels` ({detail})"))
        if question.calibration and sorted(answer.score for answer in question.calibration) != [1, 2, 3, 4]:
            found = ", ".join(str(answer.score) for answer in question.calibration)
            problems.append(source.problem(("calibration",), "LK012", f"calibration needs one answer for each score 1-4; found scores {found}"))
        problems += check_rubric(question)
    return problems


VAGUE = set("""a an the and or but of to in on with at for is are was be very quite really somewhat
good great strong solid excellent outstanding poor weak bad average adequate decent fine ok okay
clear unclear deep shallow basic limited some little no lacks lack lacking thorough thoroughly
understanding knowledge skills skill communication answer answers response candidate shows show
demonstrates demonstrate displays display has have overall general generally exceptional
impressive mediocre minimal sufficient insufficient competent competence""".split())


def check_rubric(question: Question) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for point, evidence in question.rubric.items():
        for index, item in enumerate(evidence):
            words = re.findall(r"[a-z']+", item.lower())
            if words and all(word in VAGUE for word in words):
                problems.append(question.source.problem(("rubric", point, index), "LK201",
                                f"rubric point {point} says {item!r}: adjectives only; name what the candidate said, did or asked",
                                "warning"))
            key = " ".join(words)
            if key in seen and seen[key] != point:
                problems.append(question.source.problem(("rubric", point, index), "LK202",
                                f"rubric points {seen[key]} and {point} share the evidence {item!r}"))
            seen.setdefault(key, point)
    return problems
