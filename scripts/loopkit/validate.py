"""Validate loaded documents into typed models, then check what no single file can: references,
unique ids, and rubric quality. Every finding is a located Problem; nothing raises.
"""
from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
import re
import reprlib
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from . import markup
from .load import Document, LoadedBank
from .model import (BAR_POINTS, ID_PATTERN, PLACEHOLDERS, UNION_TAGS, BlockIntent, Competency, CompetenciesFile,
                    Level, LevelsFile, Loop, Question, Requisition, Role, RolesFile, StatusFile)
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
    requisitions: dict[str, tuple[Requisition, Loop]] = dataclasses.field(default_factory=dict)
    status_changes: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)  # id -> (file, reason)


FILE_MODELS: dict[str, type[BaseModel]] = {
    "roles": RolesFile, "levels": LevelsFile, "competencies": CompetenciesFile, "loop": Loop, "question": Question,
    "requisition": Requisition, "status": StatusFile,
}

ERROR_CODES = {
    "extra_forbidden": "LK002", "missing": "LK004", "rubric_points": "LK007", "invalid_key": "LK003",
    "off_scale": "LK305",  # a score sheet's point that is not 1 to 4 or no-evidence
}
TYPE_ERRORS = re.compile(r"_type$|_parsing$|^model_attributes_type$|^dict_type$|^list_type$")


def validate(*layers: LoadedBank, as_of: datetime.date | None = None) -> tuple[Bank, list[Problem]]:
    """Turn the documents of one or more bank layers into a Bank; the bank holds only what validated,
    the problems say the rest. `as_of` is the date "not reviewed in a year" counts from (none: no check).
    A later layer adds items, replaces an earlier layer's item only where it
    says `overrides: true`, and changes the status of any earlier question in its status.yaml."""
    problems = [problem for layer in layers for problem in layer.problems]
    roles: dict[str, Role] = {}
    levels: dict[str, Level] = {}
    competencies: dict[str, Competency] = {}
    loops: dict[tuple[str, str], Loop] = {}
    questions: dict[str, Question] = {}
    origin: dict[tuple, int] = {}  # (kind, key) -> the layer that defined it
    requisitions: list[Requisition] = []
    statuses: list[StatusFile] = []

    def place(into: dict, kind: str, key: object, model, layer: int, what: str) -> None:
        if (kind, key) not in origin:
            if model.overrides:
                problems.append(model.source.problem(("overrides",), "LK017",
                                f"overrides: true, but no earlier bank layer has {what}"))
        elif origin[(kind, key)] < layer and model.overrides:
            pass
        else:
            hint = "; write `overrides: true` to replace it" if origin[(kind, key)] < layer else ""
            problems.append(model.source.problem(("id",) if hasattr(model, "id") else ("role",), "LK006",
                            f"{what} is already defined in {into[key].source.path}{hint}"))
            return
        into[key] = model
        origin[(kind, key)] = layer

    upstreams = Upstreams()
    for layer, loaded in enumerate(layers):
        upstreams.next_layer()
        for document in loaded.documents:
            if document.kind == "status" and document.data is None:
                continue  # a status.yaml of comments only (the example `loopkit init` writes) changes nothing
            upstream = None
            if document.kind == "question":
                document, upstream = upstreams.read(document)
                if upstream is None and partial(document.data):
                    problems.append(document.source.problem(("overrides",), "LK017", (
                        f"a partial override of {document.data['id']!r}, but no earlier bank layer has that "
                        "question; check the id, or write the whole question without `overrides`")))
                    continue
            model = typed(document, problems)
            if model is None:
                continue
            if isinstance(model, (RolesFile, LevelsFile, CompetenciesFile)):
                field, into = {RolesFile: ("roles", roles), LevelsFile: ("levels", levels),
                               CompetenciesFile: ("competencies", competencies)}[type(model)]
                for index, item in enumerate(getattr(model, field)):
                    item._source = document.source.at(field, index)
                    place(into, field, item.id, item, layer, f"{field} id {item.id!r}")
            elif isinstance(model, Loop):
                expected = f"loops/{model.role}/{model.level}.yaml"
                if not model.source.path.endswith(expected):
                    problems.append(model.source.problem(("role",), "LK013",
                                    f"this loop is for {model.role} at {model.level}, so its file must be {expected}"))
                else:
                    place(loops, "loop", (model.role, model.level), model, layer,
                          f"a loop for {model.role} at level {model.level}")
            elif isinstance(model, Question):
                model._layer = layer
                if upstream is not None:
                    problems += stale_override(model, upstream)
                problems += check_question_path(model, loaded.root)
                place(questions, "question", model.id, model, layer, f"question id {model.id!r}")
            elif isinstance(model, Requisition):
                requisitions.append(model)
            elif isinstance(model, StatusFile):
                statuses.append(model)

    status_changes: dict[str, tuple[str, str]] = {}
    for status in statuses:
        for index, change in enumerate(status.changes):
            if change.id not in questions:
                problems.append(status.source.problem(("changes", index, "id"), "LK016",
                                f"no bank layer has a question {change.id!r} to mark {change.status}"))
            else:
                changed = questions[change.id].model_copy(update={"status": change.status})
                questions[change.id] = changed
                status_changes[change.id] = (status.source.path, change.reason)

    bank = Bank(layers[-1].root if layers else ".", roles, levels, competencies, loops, questions,
                status_changes=status_changes)
    if layers and not questions and not any(p.code == "LK011" and p.line == 0 for p in problems):
        where = f"{layers[-1].root}/questions" if layers[-1].root != "." else "questions"
        problems.append(Problem(where, 0, 0, "LK025", (
            f"no questions found in {' or '.join(layer.root for layer in layers)}; check the --bank path: a bank "
            "folder holds vocabulary/, loops/ and questions/")))
    for requisition in requisitions:
        resolved = resolve(requisition, bank, problems)
        if resolved is not None:
            if requisition.id in bank.requisitions:
                problems.append(requisition.source.problem(("id",), "LK006",
                                f"requisition id {requisition.id!r} is already used by "
                                f"{bank.requisitions[requisition.id][0].source.path}"))
            else:
                bank.requisitions[requisition.id] = (requisition, resolved)
    problems += check_competencies(bank) + check_loops(bank) + check_twins(bank)
    problems += check_questions(bank, list(bank.questions.values()), as_of)
    problems += check_text(bank) + check_names(bank) + check_file_names(bank) + check_paths(layers)
    return bank, problems


class Upstreams:
    """The raw questions of the bank layers read so far, by id, so that a partial override
    (`overrides: {digest: ...}`) is merged over the question it names before it is typed: the merged
    question is checked like any other, and each problem points into the file its key comes from."""

    def __init__(self) -> None:
        self.known: dict[str, Document] = {}
        self.pending: dict[str, Document] = {}

    def next_layer(self) -> None:
        """A layer's questions become upstream only for the layers after it."""
        self.known.update(self.pending)
        self.pending = {}

    def read(self, document: Document) -> tuple[Document, Document | None]:
        """The document to type (merged, for a partial override) and the upstream it was merged over."""
        data = document.data
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return document, None
        upstream = self.known.get(data["id"]) if partial(data) else None
        if upstream is not None:
            source = dataclasses.replace(document.source, upstream=upstream.source, own=data)
            document = Document(document.kind, source, merged(upstream.data, data))
        self.pending[data["id"]] = document
        return document, upstream

    def question(self, question_id: str) -> Document | None:
        """The raw question with this id from every layer read so far (merged where overridden)."""
        return self.pending.get(question_id) or self.known.get(question_id)


def partial(data: object) -> bool:
    """Whether raw question data is a partial override: `overrides` is a mapping (with the digest)."""
    return isinstance(data, dict) and isinstance(data.get("id"), str) and isinstance(data.get("overrides"), dict)


def upstream_question(layers: list[LoadedBank], question_id: str) -> Document | None:
    """The raw question with this id as the given layers make it (merged where partially overridden)."""
    upstreams = Upstreams()
    for loaded in layers:
        upstreams.next_layer()
        for document in loaded.documents:
            if document.kind == "question":
                upstreams.read(document)
    return upstreams.question(question_id)


def merged(upstream: object, own: object) -> object:
    """`own` over `upstream`: mappings key by key, at every depth; any other value replaces the upstream's."""
    if not (isinstance(upstream, dict) and isinstance(own, dict)):
        return own
    return {**upstream, **{key: merged(upstream.get(key), value) for key, value in own.items()}}


def digest(data: object) -> str:
    """A question's content digest: its fields and values, not how the file lays them out or comments them.
    The prefix keeps YAML from reading a digest of digits alone as a number."""
    return "sha256-" + hashlib.sha256(json.dumps(plain(data), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def plain(value: object) -> object:
    """Raw YAML data as JSON can hold it: keys as text, dates as ISO dates."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def stale_override(question: Question, upstream: Document) -> list[Problem]:
    """LK215: the question a partial override changes has changed since the override was written."""
    current = digest(upstream.data)
    if current == question.overrides.digest or "LK215" in {waiver.code for waiver in question.waivers}:
        return []
    return [question.source.problem(("overrides", "digest"), "LK215", (
        f"the question this overrides ({upstream.source.path}) has changed since this override was written "
        f"(digest {question.overrides.digest}, now {current}); check what changed there, keep or adjust your "
        f"fields, then set `digest: {current}`"), "warning")]


def resolve(requisition: Requisition, bank: Bank, problems: list[Problem]) -> Loop | None:
    """The loop a requisition describes: its base loop with stages removed, replaced, re-timed and added."""
    source = requisition.source
    base = bank.loops.get((requisition.role, requisition.level))
    if base is None:
        problems.append(source.problem(("role",), "LK005", f"no loop for {requisition.role} at level "
                                       f"{requisition.level} to base this requisition on"))
        return None
    stage_ids = [stage.id for stage in base.stages]
    for index, stage_id in enumerate(requisition.remove_stages):
        if stage_id not in stage_ids:
            problems.append(unknown(source, ("remove_stages", index), "stage", stage_id, dict.fromkeys(stage_ids)))
    for stage_id in requisition.minutes:
        if stage_id not in stage_ids:
            problems.append(unknown(source, ("minutes", stage_id), "stage", stage_id, dict.fromkeys(stage_ids)))
    for index, stage in enumerate(requisition.replace_stages):
        if stage.id not in stage_ids:
            problems.append(unknown(source, ("replace_stages", index, "id"), "stage", stage.id,
                                    dict.fromkeys(stage_ids)))
    replacing = {stage.id: stage for stage in requisition.replace_stages}
    kept = [replacing.get(stage.id, stage).model_copy(
                update={"minutes": requisition.minutes.get(stage.id, replacing.get(stage.id, stage).minutes)})
            for stage in base.stages if stage.id not in requisition.remove_stages]
    try:
        loop = Loop(role=base.role, level=base.level, candidate_minutes=base.candidate_minutes,
                    must_have=base.must_have if requisition.must_have is None else requisition.must_have,
                    stages=kept + list(requisition.add_stages))
    except ValidationError as error:
        problems.extend(located(error, source, Loop))
        return None
    order = [stage.id for stage in requisition.replace_stages]
    replaced = {i: order.index(stage.id) for i, stage in enumerate(kept) if stage.id in replacing}
    loop._source = dataclasses.replace(source, positions=AddedStages(source.positions, len(kept), replaced))
    return loop


class AddedStages:
    """Positions for a requisition's resolved loop, so problems found when planning point at the
    requisition's own lines: stage i of the loop, from `offset` on, is add_stages[i - offset], and a
    replaced stage is its entry in replace_stages."""

    def __init__(self, positions, offset: int, replaced: dict[int, int] | None = None) -> None:
        self.positions, self.offset, self.replaced = positions, offset, replaced or {}

    def get(self, path: tuple, default=None):
        if len(path) >= 2 and path[0] == "stages" and isinstance(path[1], int):
            if path[1] >= self.offset:
                path = ("add_stages", path[1] - self.offset, *path[2:])
            elif path[1] in self.replaced:
                path = ("replace_stages", self.replaced[path[1]], *path[2:])
        return self.positions.get(path, default)


TOP_LEVEL = {list: "a list", str: "text"}


def typed(document: Document, problems: list[Problem], model_type: type[BaseModel] | None = None) -> BaseModel | None:
    """The document as its typed model (its kind's, unless `model_type` names another), or None with
    the problems added."""
    model_type = model_type or FILE_MODELS[document.kind]
    if not isinstance(document.data, dict):
        found = "an empty file" if document.data is None else TOP_LEVEL.get(type(document.data), "a single value")
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
        loc = tuple(part for part in item["loc"] if part not in UNION_TAGS)
        if item["type"] == "invalid_key":  # pydantic's loc spells a None key 'None'; the input is the key
            loc = loc[:-1] + (item["input"],)
        field = dotted(loc)
        kind = item["type"]
        code = ERROR_CODES.get(kind) or ("LK003" if TYPE_ERRORS.search(kind) else "LK009")
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}{' in ' + dotted(loc[:-1]) if loc[:-1] else ''}; expected one of: {', '.join(allowed_keys(model_type, loc[:-1]))}"
            own = str(loc[0]).removeprefix("x-").replace("_", "-").lower()
            if model_type is Question and len(loc) == 1 and (str(loc[0]).startswith("x-") or own in LABELS):
                message += (f"; a team's own labels go under `metadata:` (metadata: {{{own}: ...}}), an answer "
                            "to show interviewers under `model_answer:`")
        elif kind == "missing":
            message = f"missing required field {field!r}"
        elif kind == "invalid_key":
            within = f" in {dotted(loc[:-1])}" if loc[:-1] else ""
            message = (f"the key {shown(loc[-1])}{within} is not text: YAML reads null, yes, no and numbers "
                       "as values; quote the key or rename it")
        elif isinstance(item.get("input"), bool) and kind == "string_type":
            words = "yes, on or true" if item["input"] else "no, off or false"
            what = f"a key in {dotted(loc[:-2])}" if loc[-1:] == ("[key]",) else field
            message = (f"{what}: YAML reads an unquoted {words} as {str(item['input']).lower()}, not as text; "
                       f"put the word in quotes (level: 'no') where you mean an id or a name")
        elif kind == "string_pattern_mismatch" and item.get("ctx", {}).get("pattern") == ID_PATTERN:
            message = (f"{field}: {shown(item.get('input'))} is not an id; an id is lower-case letters a to z, "
                       f"digits and single hyphens between them, like rag-code-review{odd_characters(item.get('input'))}")
        elif kind == "rubric_points":
            message = rubric_points(item["input"])
        elif kind in PLAIN_WORDS:
            message = f"{field}: {PLAIN_WORDS[kind].format(**item.get('ctx', {}), **counted(item.get('input')))}"
        else:
            message = f"{field}: {item['msg']}{found_value(item.get('input'))}"
        found.append(source.problem(loc, code, message))
    return found


def odd_characters(value: object) -> str:
    """Name the characters an id may not hold, which often look like ones it may (a Cyrillic а, a dash)."""
    odd = sorted({char for char in str(value) if not (char.isascii() and (char.islower() or char.isdigit() or char == "-"))})
    if not odd:
        return ""
    named = ", ".join(f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})" for char in odd[:3])
    return f"; it holds {named}"


def rubric_points(rubric: object) -> str:
    """A rubric without exactly the points 1 to 4: which to add or remove, in plain words."""
    found = [str(key) for key in rubric] if isinstance(rubric, dict) else []
    missing = [str(point) for point in range(1, 5) if str(point) not in found]
    extra = [key for key in found if key not in ("1", "2", "3", "4")]
    has = f"the rubric has point{'s' if len(found) != 1 else ''} {', '.join(found)}" if found else "the rubric has no points"
    todo = [f"add {' and '.join(f'`{point}:`' for point in missing)} under `rubric:`, with at least two things the "
            "candidate said, did or asked" if missing else "",
            f"remove {', '.join(f'`{key}:`' for key in extra)}" if extra else ""]
    return f"{has}; it needs exactly 1, 2, 3 and 4: {'; '.join(filter(None, todo))}"


# Top-level keys imported material often carries that are a team's own labels: LK002 says where they go.
LABELS = {"difficulty", "tags", "tag", "framework", "category", "topic", "phrasings", "source-url"}


# pydantic's messages for lengths, in the words of someone writing a bank file.
PLAIN_WORDS = {
    "too_short": "needs at least {min_length} {noun}; it has {length}",
    "too_long": "takes at most {max_length} {noun}; it has {length}",
    "string_too_short": "needs at least {min_length} characters of text",
    "string_too_long": "takes at most {max_length} characters; shorten it",
}


def counted(value: object) -> dict:
    if isinstance(value, dict):
        return {"noun": "entries", "length": len(value)}
    if isinstance(value, (list, tuple)):
        return {"noun": "items", "length": len(value)}
    return {"noun": "items", "length": "none"}


def found_value(value: object) -> str:
    """What the contributor wrote, when it helps: a short value in quotes; a list or a mapping only by
    its size, never as a Python dump."""
    if isinstance(value, dict):
        return f"; found a mapping of {len(value)} entr{'y' if len(value) == 1 else 'ies'}"
    if isinstance(value, (list, tuple)):
        return f"; found a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if value is None:
        return "; found nothing (an empty value)"
    text = " ".join(str(value).split())
    if len(text) > 60:
        text = text[:60].rsplit(" ", 1)[0] + " ..."
    return f"; found '{text}'"


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


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 3, 6, 6, 80, 80


def shown(value: object) -> str:
    """A short repr of what the contributor wrote, safe for values nested hundreds of levels deep."""
    text = _REPR.repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
    for loop in [*bank.loops.values(), *(resolved for _, resolved in bank.requisitions.values())]:
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
            problems += check_stage_intent(loop, s, stage, bank)
        problems += check_phases(loop)
    return problems


SCREEN_MINUTES = (45, 60)  # a technical screen's length, from the first minute to the last
CONVERSATION_FORMATS = {"behavioural", "discussion"}


def check_phases(loop: Loop) -> list[Problem]:
    """The shape of a loop around its onsite: one screen of 45-60 minutes before everything else (LK113),
    at most one take-home that names its time box, its brief and the onsite stage it replaces, and keeps two
    ratings of every competency in that stage's place (LK114), and hiring-manager stages that are
    conversations (LK115)."""
    problems = []
    source = loop.source
    stages = {stage.id: stage for stage in loop.stages}
    screens = [i for i, stage in enumerate(loop.stages) if stage.phase == "screen"]
    for order, index in enumerate(screens):
        stage = loop.stages[index]
        low, high = SCREEN_MINUTES
        if order:
            problems.append(source.problem(("stages", index, "phase"), "LK113", f"stage {stage.id!r} is a second "
                            f"screen; a loop has one technical screen ({loop.stages[screens[0]].id!r})"))
        elif index:
            problems.append(source.problem(("stages", index, "phase"), "LK113", f"the screen {stage.id!r} is stage "
                            f"{index + 1}; it comes before the onsite, so make it the loop's first stage"))
        if not low <= stage.minutes <= high:
            problems.append(source.problem(("stages", index, "minutes"), "LK113", f"the screen {stage.id!r} lasts "
                            f"{stage.minutes} minutes; a technical screen lasts {low} to {high}"))
    take_homes = [i for i, stage in enumerate(loop.stages) if stage.phase == "take-home"]
    for order, index in enumerate(take_homes):
        stage = loop.stages[index]
        if order:
            problems.append(source.problem(("stages", index, "phase"), "LK114", f"stage {stage.id!r} is a second "
                            f"take-home; a loop offers one ({loop.stages[take_homes[0]].id!r})"))
        for field, what in (("at_home_minutes", "the time box for the work at home, at most 240 minutes"),
                            ("brief", "what the candidate is asked to do and hand in"),
                            ("replaces", "the id of the onsite stage it replaces")):
            if getattr(stage, field) is None:
                problems.append(source.problem(("stages", index, "phase"), "LK114", f"the take-home {stage.id!r} "
                                f"has no `{field}`; add {what}"))
        replaced = stages.get(stage.replaces) if stage.replaces else None
        onsite = [s.id for s in loop.stages if s.phase == "onsite"]
        if stage.replaces and (replaced is None or replaced.phase != "onsite"):
            problems.append(source.problem(("stages", index, "replaces"), "LK114", f"the take-home {stage.id!r} "
                            f"replaces {stage.replaces!r}, which is not an onsite stage of this loop; expected one "
                            f"of: {', '.join(onsite)}"))
        elif replaced is not None:
            path = [s for s in loop.stages if s.phase != "take-home" and s.id != replaced.id] + [stage]
            rated = Counter(name for s in path for name in s.competencies)
            thin = [name for name in dict.fromkeys(c for s in loop.stages for c in s.competencies) if rated[name] < 2]
            if thin:
                problems.append(source.problem(("stages", index, "replaces"), "LK114", f"with the take-home "
                                f"{stage.id!r} in place of {replaced.id!r}, {', '.join(thin)} "
                                f"{'is' if len(thin) == 1 else 'are'} rated in fewer than two stages; a candidate who "
                                "takes it home needs two ratings of every competency, as on the live path"))
    for index, stage in enumerate(loop.stages):
        if stage.phase != "take-home":
            for field in ("at_home_minutes", "brief", "replaces"):
                if getattr(stage, field) is not None:
                    problems.append(source.problem(("stages", index, field), "LK114", f"`{field}` belongs to a "
                                    f"take-home; stage {stage.id!r} is {stage.phase}: set `phase: take-home` or "
                                    "remove it"))
        if stage.hiring_manager:
            other = sorted({f for name in stage.competencies for f in stage.accepts(name)[0]} - CONVERSATION_FORMATS)
            if stage.phase != "onsite" or other:
                problems.append(source.problem(("stages", index, "hiring_manager"), "LK115", f"the hiring-manager "
                                f"stage {stage.id!r} " + (f"accepts {', '.join(other)}" if other else
                                f"is a {stage.phase}") + "; it is an onsite conversation: formats behavioural "
                                "or discussion"))
    return problems


def check_stage_intent(loop: Loop, index: int, stage, bank: Bank) -> list[Problem]:
    """A stage says what it is (the formats each block takes) and who runs it (at or above the candidate)."""
    problems = []
    source = loop.source
    for name in stage.blocks:
        if name not in stage.competencies:
            problems.append(source.problem(("stages", index, "blocks", name), "LK005",
                            f"`blocks` names {name!r}, which stage {stage.id!r} does not assess; expected one of: "
                            f"{', '.join(stage.competencies)}"))
    rated: dict[str, str] = {}
    for name, intent in stage.blocks.items():
        for r, other in enumerate(intent.rates):
            keys = ("stages", index, "blocks", name, "rates", r)
            if other not in stage.competencies:
                problems.append(source.problem(keys, "LK005", f"the {name!r} block rates {other!r}, which stage "
                                f"{stage.id!r} does not assess; add it to the stage's `competencies` first"))
            elif other == name or other in rated or stage.blocks.get(other, BlockIntent()).rates:
                why = ("its own competency" if other == name else f"already rated by the {rated[other]!r} block"
                       if other in rated else "a competency whose own block rates others")
                problems.append(source.problem(keys, "LK009", f"the {name!r} block cannot rate {other!r}, {why}; "
                                "a competency is rated by one block of a stage"))
            rated.setdefault(other, name)
    bare = [name for name in stage.block_competencies if not stage.accepts(name)[0]]
    if bare:
        problems.append(source.problem(("stages", index, "competencies"), "LK110",
                        f"stage {stage.id!r} ({stage.name}) does not say which formats its "
                        f"{', '.join(bare)} block{'s' if len(bare) > 1 else ''} accept{'' if len(bare) > 1 else 's'}; "
                        "give the stage `formats:`"))
    order = list(bank.levels)
    if stage.interviewer_level not in bank.levels:
        problems.append(unknown(source, ("stages", index, "interviewer_level"), "level", stage.interviewer_level,
                                bank.levels))
    elif loop.level in bank.levels and order.index(stage.interviewer_level) < order.index(loop.level):
        problems.append(source.problem(("stages", index, "interviewer_level"), "LK111",
                        f"stage {stage.id!r} is run by a {bank.levels[stage.interviewer_level].name} interviewer; "
                        f"this loop hires at {bank.levels[loop.level].name}"))
    return problems


def check_questions(bank: Bank, questions: list[Question], as_of: datetime.date | None) -> list[Problem]:
    """Each question on its own against the vocabularies: references, bar, calibration, rubric, wording."""
    problems = []
    for question in questions:
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
        if question.parts and sum(part.minutes for part in question.parts) > question.minutes:
            problems.append(source.problem(("parts",), "LK009", (
                f"the parts take {' + '.join(str(part.minutes) for part in question.parts)} = "
                f"{sum(part.minutes for part in question.parts)} minutes, more than the question's {question.minutes}; "
                "shorten a part or raise `minutes`")))
        problems += check_bar(question, list(bank.levels))
        problems += check_scaffold(question)
        problems += check_rubric(question)
        waived = {waiver.code for waiver in question.waivers}
        problems += [problem for problem in check_wording(question, as_of) if problem.code not in waived]
        if "LK214" not in waived:
            problems += check_ai_use(question)
    return problems


# A rubric line that scores assistant use names it: the assistant, AI, a copilot, or what it generated.
ASSISTANT = re.compile(r"\b(?:(?i:assistants?|copilot|generated)|AI)\b")


def check_ai_use(question: Question) -> list[Problem]:
    """LK214: where a candidate may use an AI assistant, how they use it is part of the answer, so at
    least one rubric line must score it; otherwise `ai_use.observe` is watched and never counted."""
    if question.format == "ai-assisted" and not question.ai_use.allowed:
        return [question.source.problem(("ai_use", "allowed"), "LK214", f"{question.id!r} is an ai-assisted "
                "exercise, built to be done with an assistant, but does not allow one; set `allowed: true` and "
                "score its use in the rubric", "warning")]
    if not question.ai_use.allowed or any(ASSISTANT.search(line) for lines in question.rubric.values()
                                          for line in lines):
        return []
    return [question.source.problem(("ai_use", "allowed"), "LK214", f"{question.id!r} allows an AI assistant, "
            "but no rubric line scores its use (none names the assistant, AI, a copilot or generated code); add "
            f"what the candidate does with it, from `ai_use.observe`: {question.ai_use.observe}", "warning")]


def check_question_path(question: Question, root: str) -> list[Problem]:
    """The file is questions/FIRST-COMPETENCY/ID.yaml: its name is its id (LK023), its folder the competency
    that decides where it can be placed (LK024). Files directly in questions/ or deeper folders keep
    whatever layout their bank chose; only the file name is checked there."""
    relative = question.source.path if root == "." else question.source.path[len(root) + 1:]
    parts = relative.split("/")
    problems = []
    stem = parts[-1].rsplit(".", 1)[0]
    if stem != question.id:
        problems.append(question.source.problem(("id",), "LK023", (
            f"the id is {question.id!r} but the file is named {parts[-1]!r}: rename the file to "
            f"{question.id}.yaml, or set `id: {stem}` if the question is new (an id never changes once used)")))
    if len(parts) == 3 and parts[0] == "questions" and parts[1] != question.competencies[0]:
        problems.append(question.source.problem(("competencies", 0), "LK024", (
            f"the file is in questions/{parts[1]}/ but its first competency is {question.competencies[0]!r}, "
            f"and the first competency decides where the question can be placed: move the file to "
            f"questions/{question.competencies[0]}/, or put {parts[1]!r} first in `competencies`")))
    return problems


_SCAFFOLD = {text for value in PLACEHOLDERS.values() if not isinstance(value, dict)
             for text in ((value,) if isinstance(value, str) else value)}
_SCAFFOLD |= {text for items in PLACEHOLDERS["rubric"].values() for text in items}
_SCAFFOLD_SEPARATES = re.compile("^" + re.escape(PLACEHOLDERS["separates"]).replace(r"\{level\}", ".+") + "$")


def check_scaffold(question: Question) -> list[Problem]:
    """LK022: text that `loopkit new question` wrote for the contributor to replace, left in a question
    that is no longer a draft: it would be read out to a candidate."""
    if question.status == "draft":
        return []
    problems = []
    for keys, text in _strings(question.model_dump(include=set(PLACEHOLDER_FIELDS)), ()):
        text = " ".join(text.split())
        if text in _SCAFFOLD or (keys[-1:] == ("separates",) and _SCAFFOLD_SEPARATES.match(text)):
            problems.append(question.source.problem(keys, "LK022", (
                f"{dotted(keys)} still holds the text `loopkit new question` wrote (\"{text[:50].rsplit(' ', 1)[0]} "
                f"...\"); replace it with the question's own, or set `status: draft` until it is written")))
    return problems


PLACEHOLDER_FIELDS = ("prompt", "interviewer_notes", "probes", "green_flags", "red_flags", "rubric", "bar", "ai_use")


def check_bar(question: Question, order: list[str]) -> list[Problem]:
    """The bar at each level leaves a point below and above it (LK018); adjacent levels, in the
    vocabulary's order, that share a bar differ in what the higher level's answer adds (LK019)."""
    problems = []
    for level, bar in question.bar.items():
        if bar.meets not in BAR_POINTS:
            problems.append(question.source.problem(("bar", level, "meets"), "LK018",
                            f"bar.{level}.meets is {bar.meets}; a bar must be {' or '.join(map(str, BAR_POINTS))}, "
                            "so that an answer can fall below it and rise above it"))
    levels = sorted((level for level in question.bar if level in order), key=order.index)
    for lower, higher in zip(levels, levels[1:]):
        low, high = question.bar[lower], question.bar[higher]
        if low.meets != high.meets:
            continue
        if " ".join(low.separates.split()).casefold() == " ".join(high.separates.split()).casefold():
            problems.append(question.source.problem(("bar", higher, "separates"), "LK019",
                            f"{lower} and {higher} both meet the bar at {high.meets} and say the same in "
                            f"`separates`; say what the {higher} answer adds, for the score sheet to record"))
        elif all(word in VAGUE for word in WORDS.findall(high.separates.lower()) if word not in (lower, higher)):
            problems.append(question.source.problem(("bar", higher, "separates"), "LK019",
                            f"{lower} and {higher} both meet the bar at {high.meets}, and bar.{higher}.separates "
                            "is adjectives only; name what the candidate said, did or asked"))
    return problems


VAGUE = set("""a an the and or but of to in on with at for is are was be very quite really somewhat
good great strong solid excellent outstanding poor weak bad average adequate decent fine ok okay
clear unclear deep shallow basic limited some little no lacks lack lacking thorough thoroughly
understanding knowledge skills skill communication answer answers response candidate shows show
demonstrates demonstrate displays display has have overall general generally exceptional
impressive mediocre minimal sufficient insufficient competent competence""".split())


WORDS = re.compile(r"[a-z']+")


# A quality ("good", "strong", "clearly") said of a trait ("understanding", "skills", "communicates"):
# "Good understanding of the causes." names a topic, not something anyone saw or heard.
QUALITIES = set("""good great strong solid excellent outstanding poor weak bad average adequate decent fine ok okay
clear clearly unclear deep deeply shallow basic limited thorough thoroughly exceptional impressive mediocre minimal
sufficient insufficient competent reasonable reasonably effective effectively well""".split())
TRAITS = set("""understanding understands knowledge knows grasp grasps awareness aware skills skill skilled
communication communicates communicator answer answers response responses insight insights experience familiarity
familiar competence expertise thinking reasoning""".split())
TOPIC_WORDS = 3  # at most this many other words: "of the causes", "debugging", "of chunking trade-offs"


def adjectives_only(text: str) -> bool:
    """An anchor or flag that judges instead of describing (LK201), as the writing guide's "Instead of
    this" column does: only vague words, or a quality said of a trait with no more than a topic."""
    words = WORDS.findall(text.lower())
    if not words:
        return False
    if all(word in VAGUE for word in words):
        return True
    rest = [word for word in words if word not in VAGUE and word not in QUALITIES and word not in TRAITS]
    return (any(word in QUALITIES for word in words) and any(word in TRAITS for word in words)
            and len(rest) <= TOPIC_WORDS and len(words) <= 8)


def check_rubric(question: Question) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for field in ("green_flags", "red_flags"):
        for index, item in enumerate(getattr(question, field)):
            if adjectives_only(item):
                problems.append(question.source.problem((field, index), "LK201", (
                    f"{field}[{index}] says \"{item.strip()}\": a judgment, not something the interviewer can see or "
                    "hear; name what the candidate said, did or asked"), "warning"))
    for point, evidence in question.rubric.items():
        for index, item in enumerate(evidence):
            words = WORDS.findall(item.lower())
            if adjectives_only(item):
                problems.append(question.source.problem(("rubric", point, index), "LK201", (
                    f"rubric point {point} says \"{item.strip()}\": a judgment, not something the interviewer can see "
                    "or hear; name what the candidate said, did or asked"), "warning"))
            key = " ".join(words)
            if key in seen and seen[key] != point:
                problems.append(question.source.problem(("rubric", point, index), "LK202",
                                f"rubric points {seen[key]} and {point} share the evidence {item!r}"))
            seen.setdefault(key, point)
    return problems


# Phrases that ask about the person rather than the job. Narrow on purpose: "race condition", "health
# check" and "a family of models" are engineering, not protected characteristics.
PROTECTED = re.compile("|".join([
    r"\bhow old\b",
    r"\byour (age|birthday|date of birth|family|children|kids|spouse|husband|wife|religion|faith|church|nationality|"
    r"citizenship|ethnicity|race|accent|health|disability|pregnancy|marital status|sexual orientation|gender)\b",
    r"\b(are|were) you (married|pregnant|religious|disabled)\b",
    r"\bdo you (have|plan to have) (children|kids)\b",
    r"\bwhere (are|were) you (from|born)\b",
    r"\b(native|first) language\b",
    r"\b(childcare|maternity|paternity)\b",
]), re.I)
CULTURE_FIT = re.compile(r"\bculture[- ]fit\b", re.I)
BRAIN_TEASER = re.compile(r"\bbrain[- ]?teasers?\b|\briddles?\b|\bgolf balls?\b|\bmanhole covers?\b|"
                          r"\bpiano tuners?\b|\bwindows in (new york|manhattan|london)\b", re.I)


# All three at once, over a question's text in lower case: one search per question instead of three per
# sentence (at 10,000 questions, 0.9 s instead of 2.3 s); only a question that matches is searched again,
# sentence by sentence, to say where.
WORDING = re.compile("|".join(pattern.pattern for pattern in (PROTECTED, CULTURE_FIT, BRAIN_TEASER)))


def check_wording(question: Question, as_of: datetime.date | None) -> list[Problem]:
    """Warnings a reviewer should see; a question keeps one only by waiving it with a reason."""
    found = []
    texts = dict(worded(question))
    if not WORDING.search("\n".join(texts.values()).casefold()):
        texts = {}
    for keys, text in texts.items():
        for code, pattern, why in (("LK204", PROTECTED, "touches a protected characteristic"),
                                   ("LK205", CULTURE_FIT, "asks for culture fit"),
                                   ("LK206", BRAIN_TEASER, "reads as a brain-teaser")):
            match = pattern.search(text)
            if match and (code != "LK206" or keys[0] in ASKED):
                found.append(question.source.problem(keys, code, f"{dotted(keys)} {why}: {match.group(0)!r}",
                                                     "warning"))
    if as_of is not None and question.status == "active" and question.reviewed < as_of - datetime.timedelta(days=365):
        found.append(question.source.problem(("reviewed",), "LK207",
                                             f"last reviewed {question.reviewed.isoformat()}, over a year before "
                                             f"{as_of.isoformat()}", "warning"))
    return found


ASKED = ("title", "prompt", "probes", "parts")  # what the candidate hears; a brain-teaser matters only there


def worded(question: Question) -> Iterator[tuple[tuple, str]]:
    """Where each sentence the wording rules read sits in the question, and the sentence."""
    yield ("title",), question.title
    yield ("prompt",), question.prompt
    for i, probe in enumerate(question.probes):
        if isinstance(probe, str):
            yield ("probes", i), probe
        else:
            yield ("probes", i, "ask"), probe.ask
    yield from ((("parts", i, "prompt"), part.prompt) for i, part in enumerate(question.parts))
    for point, items in question.rubric.items():
        yield from ((("rubric", point, i), item) for i, item in enumerate(items))
    yield from ((("green_flags", i), flag) for i, flag in enumerate(question.green_flags))
    yield from ((("red_flags", i), flag) for i, flag in enumerate(question.red_flags))

# The fields of bank files that pages show as Markdown (through `markup.block` or `markup.inline`), with
# everything inside them: `bar` holds `separates`, `calibration` holds `answer` and `why`.
MARKDOWN_FIELDS = {"prompt", "material", "interviewer_notes", "probes", "green_flags", "red_flags", "rubric", "bar",
                   "ai_use", "calibration", "parts", "model_answer", "metadata", "summary", "ships", "owns", "success", "fails_in_seat"}


def check_text(bank: Bank) -> list[Problem]:
    """Bank text, the Markdown of questions and vocabularies, read once for two things:

    - relative links. The same text lands on a question page (kit/questions/ID/), on stage guides two
      folders deeper and in PDFs with no address at all, and mkdocs does not rewrite links inside the
      HTML bank text becomes: no relative target resolves from all of them.
    - bidirectional controls, which make text show one thing and hold another.
    """
    problems = []
    items = [*bank.roles.values(), *bank.levels.values(), *bank.competencies.values(), *bank.questions.values()]
    for item in items:
        joined = "\n".join(_collect([getattr(item, name) for name in _marked_fields(item)], []))
        # Most items hold neither: a few substring tests each, no walk with positions, no parsing.
        if not ((("](" in joined or "]:" in joined) and MAY_LINK.search(joined))
                or (not joined.isascii() and BIDI_CONTROLS.search(joined))):
            continue
        for keys, text in marked_text(item):
            problems += invisible(item, keys, text, BIDI_CONTROLS)
            if "](" not in text and "]:" not in text:
                continue
            # As a block, and as the one line a list item or table cell makes of it.
            targets = markup.links(text) + (markup.links(" ".join(text.split())) if "\n" in text else [])
            for target in dict.fromkeys(targets):
                if markup.link_kind(target) == "relative":
                    problems.append(item.source.problem(keys, "LK020", (
                        f"{dotted(keys)} links to {shown(target)}, a relative address; bank text is shown at "
                        f"several folder depths and in PDFs, where it cannot resolve: link a full https:// "
                        f"address, or name the page in words")))
    return problems


# Text that may hold a link other than an autolink (autolinks are always full addresses): an inline
# link `[text](target)`, or a reference definition `[label]: target` at the start of a line.
MAY_LINK = re.compile(r"\]\(|^ {0,3}\[[^\]\n]*\]:", re.M)
_MARKED: dict[type, tuple[str, ...]] = {}


def _marked_fields(item: BaseModel) -> tuple[str, ...]:
    names = _MARKED.get(type(item))
    if names is None:
        fields = MARKDOWN_FIELDS | ({"levels"} if isinstance(item, Competency) else set())
        names = _MARKED[type(item)] = tuple(name for name in type(item).model_fields if name in fields)
    return names


def marked_text(item: BaseModel) -> Iterator[tuple[tuple, str]]:
    """Where each piece of Markdown in a question or vocabulary item sits, and the text."""
    for name in _marked_fields(item):
        yield from _strings(getattr(item, name), (name,))


def _collect(value: object, into: list[str]) -> list[str]:
    """Every string in the value, without their places: the quick first look of `check_text`."""
    if isinstance(value, str):
        into.append(value)
    elif isinstance(value, (list, tuple)):
        for part in value:
            _collect(part, into)
    elif isinstance(value, dict):
        for part in value.values():
            _collect(part, into)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _collect(getattr(value, name), into)
    return into


def _strings(value: object, keys: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, (list, tuple)):
        for index, part in enumerate(value):
            yield from _strings(part, (*keys, index))
    elif isinstance(value, dict):
        for key, part in value.items():
            yield from _strings(part, (*keys, key))
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name), (*keys, name))


# Invisible characters that change how the text around them reads: bidirectional embeddings, overrides
# and isolates (a title can show one thing and hold another), and, in titles and names, zero-width
# spaces and joiners that make two different titles look the same. ZWJ and ZWNJ stay allowed: emoji
# sequences and several scripts need them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
INVISIBLE_IN_NAMES = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\u180e\ufeff\u00ad]")


def invisible(item: BaseModel, keys: tuple, text: str, pattern: re.Pattern) -> list[Problem]:
    found = pattern.search(text)
    if not found:
        return []
    name = unicodedata.name(found[0], "an invisible character")
    return [item.source.problem(keys, "LK009", (
        f"{dotted(keys)} holds U+{ord(found[0]):04X} {name}, an invisible character that changes how the "
        f"text reads or compares; delete it (retype the text if you cannot see where it is)"))]


def check_names(bank: Bank) -> list[Problem]:
    """Titles and names free of invisible characters (bank text is checked by `check_text`)."""
    problems = []
    for item in [*bank.roles.values(), *bank.levels.values(), *bank.competencies.values()]:
        problems += invisible(item, ("name",), item.name, INVISIBLE_IN_NAMES)
    for question in bank.questions.values():
        problems += invisible(question, ("title",), question.title, INVISIBLE_IN_NAMES)
    for loop in bank.loops.values():
        for index, stage in enumerate(loop.stages):
            problems += invisible(loop, ("stages", index, "name"), stage.name, INVISIBLE_IN_NAMES)
    for requisition, _ in bank.requisitions.values():
        problems += invisible(requisition, ("title",), requisition.title, INVISIBLE_IN_NAMES)
        for index, stage in enumerate(requisition.add_stages):
            problems += invisible(requisition, ("add_stages", index, "name"), stage.name, INVISIBLE_IN_NAMES)
    return problems


# Names Windows keeps for devices: a page or folder named after one (kit/questions/con.md) cannot be
# written or checked out there, whatever its extension.
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$")


# Ids that would name the same page as one loopkit generates (render.render_site lays them out): a
# question or competency `index` is its listing page, a stage `index` its packet's page, and a role
# folder beside the generated ones (kit/questions/, kit/coverage.md, ...). One page silently replaced
# the other.
TAKEN = {"question": {"index"}, "competency": {"index"}, "stage": {"index"},
         "role": {"questions", "competencies", "list", "reference", "candidates", "requisitions", "pdf", "coverage",
                  "changelog", "decisions", "practice"}}


def check_file_names(bank: Bank) -> list[Problem]:
    """Ids that name pages and folders of the site (questions, roles, levels, competencies, stages,
    requisitions) must be file names on every system, and not the name of a page loopkit makes."""
    problems = []

    def refuse(item: BaseModel, keys: tuple, value: str, what: str) -> None:
        if WINDOWS_RESERVED.match(value):
            problems.append(item.source.problem(keys, "LK009", (
                f"{what} {value!r} is a device name on Windows (CON, PRN, AUX, NUL, COM0-9, LPT0-9): its pages "
                f"could not be written or checked out there; choose another id")))
        elif value in TAKEN.get(what.split()[0], ()):
            problems.append(item.source.problem(keys, "LK009", (
                f"{what} {value!r} would name the same page as one loopkit generates, which one of them would "
                f"replace; choose another id (not {', '.join(sorted(TAKEN[what.split()[0]]))})")))

    for field, items in (("role", bank.roles), ("level", bank.levels), ("competency", bank.competencies),
                         ("question", bank.questions)):
        for item in items.values():
            refuse(item, ("id",), item.id, f"{field} id")
    for loop in bank.loops.values():
        for index, stage in enumerate(loop.stages):
            refuse(loop, ("stages", index, "id"), stage.id, "stage id")
    for requisition, _ in bank.requisitions.values():
        refuse(requisition, ("id",), requisition.id, "requisition id")
        for index, stage in enumerate(requisition.add_stages):
            refuse(requisition, ("add_stages", index, "id"), stage.id, "stage id")
    return problems


def check_paths(layers: tuple[LoadedBank, ...]) -> list[Problem]:
    """Files of one bank layer whose paths differ only in case: a checkout on macOS or Windows keeps one
    of them, so the bank would validate and build differently there."""
    problems = []
    for loaded in layers:
        by_case: dict[str, list[str]] = {}
        for document in loaded.documents:
            by_case.setdefault(document.source.path.casefold(), []).append(document.source.path)
        for paths in by_case.values():
            for path in sorted(paths) if len(paths) > 1 else ():
                others = ", ".join(other for other in sorted(paths) if other != path)
                problems.append(Problem(path, 0, 0, "LK021", (
                    f"this file and {others} differ only in upper and lower case; a checkout on macOS or Windows "
                    f"keeps only one of them")))
    return problems

TWIN_TITLE = 0.65  # share of distinct title words two questions have in common (Jaccard) that makes them twins
TWIN_PROMPT = 0.8  # prompts are long: 80% of their distinct words in common is a copy with a few edits
UNTELLING = set("a an and are as at be by do does for from how in is it its of on or that the their this to "
                "was we what when which who why with you your our they not no".split())


def check_twins(bank: Bank) -> list[Problem]:
    """LK210: active questions that look like one. Each question is reported at most once, naming the
    first question (in bank order) it repeats, so a family of fifty gives 49 warnings, not 1,225."""
    active = [q for q in bank.questions.values() if q.status == "active"]
    twin: dict[str, tuple[str, str]] = {}  # question id -> (the earlier question, why)
    first_of: dict[str, str] = {}
    for question in active:
        if question.family:
            if question.family in first_of:
                twin[question.id] = (first_of[question.family], f"the same family {question.family!r}")
            else:
                first_of[question.family] = question.id
    for field, threshold in (("title", TWIN_TITLE), ("prompt", TWIN_PROMPT)):
        texts = [frozenset(w for w in WORDS.findall(getattr(q, field).lower()) if w not in UNTELLING) for q in active]
        for later, earlier, share in similar_sets(texts, threshold):
            question, other = active[later], active[earlier]
            if question.id not in twin and not (question.family and question.family == other.family):
                twin[question.id] = (other.id, f"a near-identical {field} ({share:.0%} of its words shared)")
    problems = []
    for question in active:
        if question.id in twin and "LK210" not in {waiver.code for waiver in question.waivers}:
            other, why = twin[question.id]
            problems.append(question.source.problem(("family",) if question.family else ("title",), "LK210",
                            f"{question.id!r} and {other!r} are both active with {why}", "warning"))
    return problems


def similar_sets(sets: list[frozenset], threshold: float) -> Iterator[tuple[int, int, float]]:
    """Pairs (later, earlier, Jaccard) of sets at least `threshold` alike, each later set paired with the
    first earlier one that alike. Prefix filtering keeps this near linear: words are ordered rarest first, and two
    sets that alike must share a word among the first few of each, so only those are compared."""
    frequency = Counter(word for words in sets for word in words)
    index: dict[str, list[int]] = {}
    for position, words in enumerate(sets):
        if not words:
            continue
        ordered = sorted(words, key=lambda word: (frequency[word], word))
        prefix = ordered[:len(ordered) - math.ceil(threshold * len(ordered)) + 1]
        candidates = {other for word in prefix for other in index.get(word, ())}
        size = len(words)
        for other in sorted(candidates):  # the earliest twin is the one named
            theirs = sets[other]
            if threshold * size <= len(theirs) <= size / threshold:
                shared = len(words & theirs)
                alike = shared / (size + len(theirs) - shared)
                if alike >= threshold:
                    yield position, other, alike
                    break
        for word in prefix:
            index.setdefault(word, []).append(position)
