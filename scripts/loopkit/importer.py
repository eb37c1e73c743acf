"""`loopkit import`: turn a team's existing material into draft questions in the bank.

Reads Markdown (a question per heading, numbered follow-ups, "Model answer" sections, difficulty tags,
time markers such as "45-60 min", parts with their minutes) or a CSV file with one row per question.
Each question becomes a draft written the way `loopkit new question` writes one (same id rule, same
placeholders, same schema line), with every field the source could fill mapped into it: the model
answer into `model_answer`, parts into `parts`, a difficulty, tags, a time marker and a CSV column of
the team's own into `metadata`. Whatever has no field of ours (a ninth follow-up, a 1-5 rubric, a
section we do not know) is kept in `interviewer_notes` under a marked heading for a person to finish.

What a draft still needs before it can be active is not a hand-kept list: it is what the validator and
the planner say about the mapped content as if it were active (missing rubric, too few probes, a bar
per level, no block long enough for it), so it stays right when the rules change.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .load import Document, LoadedBank, Positions, load_bank
from .model import FORMATS, KINDS, MAX_PROBES
from .plan import plan
from .problems import Problem, Source, display_path
from .scaffold import question_file
from .validate import Bank, typed, validate

NOT_MAPPED = "Imported, not mapped yet"

# Section names a source uses, and where each goes.
SECTIONS = {
    "probes": r"follow[- ]?ups?(?: questions)?|probes|probing questions|further questions",
    "answer": r"(?:model|sample|suggested|example|reference|worked|expected) answer|answer|solution",
    "green": r"what to look for|green flags|strong signals|good signs|look for",
    "red": r"red flags|warning signs|weak signals|bad signs",
    "rubric": r"rubric|scoring(?: guide)?|score guide|grading",
    "by_level": r"(?:what we )?expect(?:ed|ations)?(?: story)? (?:by|per|at each) level|by level|per level|levels",
}
SECTION = {name: re.compile(rf"^(?:{pattern})$", re.I) for name, pattern in SECTIONS.items()}
META = re.compile(r"^\s*[*_]*(difficulty|level|levels|role|roles|competency|competencies|time|duration|minutes|"
                  r"tags|kind|format|category|topic)[*_]*\s*:\s*[*_]*\s*(.+?)\s*$", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LABEL = re.compile(r"^\s*(?:\*\*|__)\s*([A-Za-z][\w '/-]*?)\s*:?\s*(?:\*\*|__)\s*:?\s*(.*)$|^\s*([A-Za-z][\w '/-]*?)\s*:\s*(.*)$")
ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+(.*)$")
TIME = re.compile(r"(\d+)\s*(?:[-–—]|to)\s*(\d+)\s*(?:min|minutes|mins)\b|(\d+)\s*(?:min|minutes|mins)\b", re.I)
DIFFICULTY = re.compile(r"^(easy|medium|hard|beginner|intermediate|advanced|expert|simple|difficult)$", re.I)
POINT = re.compile(r"^\s*(?:[-*]\s*)?(?:\*\*)?(?:score\s*|level\s*)?([0-9])(?:\*\*)?\s*(?:[:.)–—-]|\*\*)\s*(.+)$", re.I)
PART = re.compile(r"part\s*\w+\s*\((\d+)\s*min", re.I)
# A part of a multi-part prompt: a line that starts with "Part 1 (20 min):", bold or not.
PART_START = re.compile(r"^\s*[*_]*part\s*\w+\s*\((\d+)\s*min(?:utes)?\)\s*:?[*_]*\s*:?\s*", re.I | re.M)
METADATA_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@dataclass
class Material:
    """One question as the source holds it, before it is mapped to our fields."""

    title: str
    origin: str  # file and line, or file and row
    prompt: str = ""
    probes: list[str] = field(default_factory=list)
    answer: str = ""
    green: list[str] = field(default_factory=list)
    red: list[str] = field(default_factory=list)
    by_level: dict[str, str] = field(default_factory=dict)
    rubric: dict[int, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    unmapped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Defaults:
    roles: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    competencies: tuple[str, ...] = ()
    author: str = "unknown"


@dataclass
class Draft:
    origin: str
    title: str
    path: Path | None = None
    text: str = ""
    mapped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    error: str | None = None


# -- reading the sources ---------------------------------------------------------------------------

def read_sources(path: Path) -> list[Material]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return read_csv(text, path.name)
    return read_markdown(text, path.name)


def read_markdown(text: str, name: str) -> list[Material]:
    """A question per heading: the heading level that repeats (under a single document title)."""
    lines = text.splitlines()
    headings, fenced = [], False
    for number, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match and not section_of(clean_heading(match.group(2))[0]):
            headings.append((number, len(match.group(1))))
    if not headings:
        return []
    levels = [level for _, level in headings]
    repeated = sorted(level for level in set(levels) if levels.count(level) > 1)
    question_level = repeated[0] if repeated else max(levels)
    starts = [number for number, level in headings if level == question_level]
    bounds = [number for number, level in headings if level <= question_level]
    found = []
    for start in starts:
        end = next((b for b in bounds if b > start), len(lines))
        found.append(markdown_question(lines[start], lines[start + 1:end], f"{name}:{start + 1}"))
    return found


def clean_heading(text: str) -> tuple[str, list[str], str | None]:
    """The heading's title without numbering, [tags] and a time marker; the tags; the time marker."""
    tags = [tag.strip() for tag in re.findall(r"\[([^\]]+)\]", text)]
    text = re.sub(r"\[[^\]]+\]", "", text)
    time = TIME.search(text)
    marker = time.group(0) if time else None
    if time:
        text = text.replace(time.group(0), "")
    for tag in re.findall(r"\((easy|medium|hard|beginner|intermediate|advanced)\)", text, re.I):
        tags.append(tag)
        text = re.sub(rf"\(\s*{tag}\s*\)", "", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"^\s*(?:q(?:uestion)?\s*)?\d+\s*[.):-]\s*", "", text, flags=re.I)
    return text.strip(" \t-–—:*_"), tags, marker


def section_of(label: str) -> str | None:
    label = label.strip().strip("*_: ").lower()
    return next((name for name, pattern in SECTION.items() if pattern.match(label)), None)


def markdown_question(heading: str, body: list[str], origin: str) -> Material:
    title, tags, marker = clean_heading(HEADING.match(heading).group(2))
    item = Material(title, origin)
    for tag in tags:
        key = "difficulty" if DIFFICULTY.match(tag) else "tags"
        item.meta[key] = f"{item.meta[key]}, {tag}" if key in item.meta else tag
    if marker:
        item.meta["time"] = marker
    sections: list[tuple[str, str, list[str]]] = [("prompt", "", [])]  # (kind, label, lines)
    fenced = False
    for line in body:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not fenced:
            heading = HEADING.match(line)
            if heading:
                label = clean_heading(heading.group(2))[0]
                sections.append((section_of(label) or "other", label, []))
                continue
            label = LABEL.match(line)
            if label:
                name, rest = (label.group(1), label.group(2)) if label.group(1) else (label.group(3), label.group(4))
                kind = section_of(name)
                if kind:
                    sections.append((kind, name, [rest] if rest.strip() else []))
                    continue
            meta = META.match(line)
            if meta and sections[-1][0] == "prompt" and not "".join(sections[-1][2]).strip():
                item.meta[meta.group(1).lower()] = meta.group(2).strip("*_ ")
                continue
        sections[-1][2].append(line)
    for kind, label, lines in sections:
        text = "\n".join(lines).strip()
        if kind == "prompt":
            item.prompt = text
        elif kind in ("probes", "green", "red"):
            getattr(item, kind).extend(items(lines))
        elif kind == "answer":
            item.answer = f"{item.answer}\n\n{text}".strip()
        elif kind == "by_level":
            for entry in items(lines):
                level, _, story = entry.partition(":")
                if story.strip():
                    item.by_level[level.strip("*_ ").lower()] = story.strip(" *_")
                else:
                    item.unmapped.append((label, entry))
        elif kind == "rubric":
            read_rubric(item, label, lines)
        elif text:
            item.unmapped.append((label, text))
    return item


def items(lines: list[str]) -> list[str]:
    """List items (numbered or bulleted), continuation lines joined; plain lines are items of their own."""
    found: list[str] = []
    for line in lines:
        match = ITEM.match(line)
        if match:
            found.append(match.group(1).strip())
        elif line.strip() and found and line.startswith((" ", "\t")):
            found[-1] += " " + line.strip()
        elif line.strip():
            found.append(line.strip())
    return found


def read_rubric(item: Material, label: str, lines: list[str] | str) -> None:
    """Points `N: evidence`; anything else in the section (a pass mark, say) is kept unmapped."""
    entries = items(lines) if isinstance(lines, list) else [part.strip() for part in re.split(r";|\n", lines)]
    for entry in entries:
        match = POINT.match(entry)
        if match:
            item.rubric[int(match.group(1))] = match.group(2).strip()
        elif entry:
            item.unmapped.append((label, entry))


CSV_COLUMNS = {
    "title": ("title", "question", "name", "summary"),
    "prompt": ("prompt", "question_text", "text", "description", "body", "details"),
    "probes": ("follow_ups", "followups", "follow_up", "follow_up_questions", "probes"),
    "answer": ("answer", "model_answer", "sample_answer", "suggested_answer", "solution", "expected_answer"),
    "green": ("green_flags", "look_for", "what_to_look_for", "signals"),
    "red": ("red_flags", "warning_signs"),
    "rubric": ("rubric", "scoring", "score_guide"),
    "difficulty": ("difficulty",),
    "competency": ("competency", "competencies", "category", "topic", "skill"),
    "level": ("level", "levels", "seniority"),
    "role": ("role", "roles"),
    "time": ("minutes", "time", "duration"),
    "kind": ("kind",),
    "format": ("format",),
    "tags": ("tags",),
}


def read_csv(text: str, name: str) -> list[Material]:
    rows = csv.DictReader(io.StringIO(text))
    columns = {}
    for header in rows.fieldnames or []:
        key = re.sub(r"[^a-z0-9]+", "_", header.strip().lower()).strip("_")
        columns[header] = next((ours for ours, names in CSV_COLUMNS.items() if key in names), None)
    found = []
    for number, row in enumerate(rows, start=2):
        values = {ours: (row.get(header) or "").strip() for header, ours in columns.items() if ours}
        prompt = values.get("prompt", "")
        title = values.get("title") or re.split(r"(?<=[.?!])\s", prompt, maxsplit=1)[0]
        item = Material(title, f"{name}:{number}", prompt=prompt, answer=values.get("answer", ""))
        for ours in ("probes", "green", "red"):
            getattr(item, ours).extend(cells(values.get(ours, "")))
        if values.get("rubric"):
            read_rubric(item, "rubric", values["rubric"])
        for key in ("difficulty", "competency", "level", "role", "time", "kind", "format", "tags"):
            if values.get(key):
                item.meta[key] = values[key]
        for header, ours in columns.items():
            if ours is None and (row.get(header) or "").strip():
                item.unmapped.append((header, row[header].strip()))
        found.append(item)
    return found


def cells(value: str) -> list[str]:
    """A list in one spreadsheet cell: one item a line, else items separated by ';' or '|'."""
    parts = value.splitlines() if "\n" in value else re.split(r"\s*[;|]\s*", value)
    return [re.sub(r"^\s*(?:\d+[.)]|[-*+])\s+", "", part).strip() for part in parts if part.strip()]


# -- mapping to our fields --------------------------------------------------------------------------

def known(value: str, vocabulary: dict) -> list[str]:
    """Ids of a vocabulary named in `value` (ids or names, several separated by commas or 'and')."""
    found = []
    for part in re.split(r"\s*(?:,|;|/|\band\b)\s*", value.lower()):
        part = part.strip()
        for key, item in vocabulary.items():
            name = item.name.lower()
            if part and (part == key or part == name or part == name.split(" / ")[0] or part == name.split(" ")[0]):
                found.append(key)
                break
    return list(dict.fromkeys(found))


def guess_shape(item: Material) -> tuple[str, str]:
    text = f"{item.title}\n{item.prompt}".lower()
    if re.search(r"tell me about a time|describe a time|a time (when|you)|walk me through a (project|decision)", text):
        return "past-behaviour", "behavioural"
    if re.search(r"\bcode review\b|\breview (this|the) (code|pull request|diff)", text):
        return "work-sample", "code-review"
    if re.search(r"\bcoding\b|\bimplement\b|\bwrite (a|the) (function|class|program|script)|\bwrite a class", text):
        return "work-sample", "implementation"
    if re.search(r"\bincident\b|\boutage\b|\bdebug\b|\bregress", text):
        return "situational", "incident"
    if re.search(r"\bdesign\b|\barchitect|\bplan\b|\bmigrat", text):
        return "situational", "design"
    return "technical", "discussion"


def minutes_of(item: Material) -> tuple[int | None, str | None]:
    marker = item.meta.get("time")
    if marker:
        match = TIME.search(marker) or re.search(r"(\d+)", marker)
        if match:
            numbers = [int(n) for n in match.groups() if n] if match.re is TIME else [int(match.group(1))]
            return max(numbers), marker
    parts = [int(n) for n in PART.findall(item.prompt)]
    if parts:
        return sum(parts), f"parts of {' + '.join(map(str, parts))} min"
    return None, None


def mapped_fields(item: Material, bank: Bank, defaults: Defaults, draft: Draft) -> dict:
    """Our fields that the source fills; what it holds beyond them goes to draft.kept."""
    title = " ".join(item.title.split())
    if len(title) > 120:
        draft.kept.append(f"title in full: {title}")
        title = title[:117].rsplit(" ", 1)[0] + "..."
    data: dict = {"title": title if len(title) >= 8 else f"Imported question: {title}"}
    if item.prompt:
        data["prompt"] = item.prompt
    elif title.endswith("?"):  # a heading that is itself the question
        data["prompt"] = title
    for ours, key, vocabulary in (("competencies", "competency", bank.competencies), ("levels", "level", bank.levels),
                                  ("roles", "role", bank.roles)):
        named = known(item.meta.get(key, "") or item.meta.get(key + "s", ""), vocabulary)
        if item.meta.get(key) and not named:
            draft.kept.append(f"{key} {item.meta[key]!r}: not in the vocabulary, so the default was used")
        if ours == "levels":
            named += [level for level in known(" , ".join(item.by_level), vocabulary) if level not in named]
        values = named or list(getattr(defaults, ours))
        if values:
            data[ours] = values
    kind, shape = guess_shape(item)
    given_kind, given_format = item.meta.get("kind", "").lower(), item.meta.get("format", "").lower()
    data["kind"] = given_kind if given_kind in KINDS else kind
    data["format"] = given_format if given_format in FORMATS else shape
    if not (given_kind in KINDS and given_format in FORMATS):
        draft.mapped.append(f"kind {data['kind']} and format {data['format']} guessed from the wording: check them")
    minutes, marker = minutes_of(item)
    if minutes:
        data["minutes"] = minutes
        draft.mapped.append(f"minutes {minutes} from {marker!r}")
    starts = list(PART_START.finditer(data.get("prompt", "")))
    if len(starts) > 1:  # a multi-part question: each part with its minutes, the text before them as the prompt
        text = data["prompt"]
        data["prompt"] = text[:starts[0].start()].strip() or title
        data["parts"] = [{"prompt": text[match.end():end].strip(), "minutes": int(match.group(1))}
                         for match, end in zip(starts, [m.start() for m in starts[1:]] + [len(text)])]
        draft.mapped.append(f"{len(starts)} parts with their minutes")
    if item.probes:
        data["probes"] = item.probes[:MAX_PROBES]
        draft.kept += [f"follow-up {n}: {probe}" for n, probe in enumerate(item.probes[MAX_PROBES:], start=MAX_PROBES + 1)]
    if item.green:
        data["green_flags"] = item.green
    if item.red:
        data["red_flags"] = item.red
    if item.rubric and sorted(item.rubric) == [1, 2, 3, 4]:
        data["rubric"] = {point: [text] for point, text in sorted(item.rubric.items())}
    elif item.rubric:
        scale = f"{min(item.rubric)}-{max(item.rubric)}"
        draft.kept.append(f"rubric on a {scale} scale (ours has the points 1-4, each with two pieces of evidence):")
        draft.kept += [f"  {point}: {text}" for point, text in sorted(item.rubric.items())]
    if item.by_level:
        levels = data.get("levels", [])
        first = next(iter(bank.levels), None)
        bar = {}
        for name, story in item.by_level.items():
            level = next(iter(known(name, bank.levels)), None)
            if level in levels:
                bar[level] = {"meets": 2 if level == first else 3, "separates": story}
            else:
                draft.kept.append(f"expected at {name}: {story}")
        if bar:
            data["bar"] = bar
            draft.mapped.append("bar.LEVEL.separates from the expected story per level (check each `meets`)")
    metadata = {key: item.meta[key] for key in ("difficulty", "time") if item.meta.get(key)}
    if item.meta.get("tags"):
        metadata["tags"] = [tag.strip() for tag in re.split(r"[,;]", item.meta["tags"]) if tag.strip()]
    for label, text in item.unmapped:  # a column of the team's own with a short value is a label of theirs
        key = re.sub(r"[^a-z0-9_-]+", "-", label.strip().lower()).strip("-")
        if item.origin.rsplit(":", 1)[0].lower().endswith(".csv") and METADATA_KEY.match(key) and len(text) <= 200 \
                and "\n" not in text and key not in metadata:
            metadata[key] = text
        else:
            draft.kept.append(f"{label}: {text}")
    if metadata:
        data["metadata"] = metadata
        draft.mapped.append(f"metadata: {', '.join(metadata)}")
    if item.answer:
        data["model_answer"] = item.answer
        draft.mapped.append("model_answer from the source's model answer")
    notes = notes_of(draft)
    if notes:
        data["interviewer_notes"] = notes
    draft.mapped.insert(0, "fields from the source: " + ", ".join(
        key for key in data if key not in ("kind", "format")))
    return data


# -- drafts -----------------------------------------------------------------------------------------

PLACEHOLDER_FIELDS = ("prompt", "probes", "green_flags", "red_flags", "rubric", "bar", "ai_use", "minutes")


def draft_data(placeholder: dict, mapped: dict) -> dict:
    """The scaffold's placeholders with the mapped fields laid over them, status draft, in our key order."""
    data = dict(placeholder)
    for key, value in mapped.items():
        if key == "bar":
            data["bar"] = {**placeholder["bar"], **value}
        elif key in ("probes", "green_flags", "red_flags") and len(value) < 2:
            data[key] = value + placeholder[key][len(value):]  # one from the source, a placeholder for the second
        else:
            data[key] = value
    data["status"] = "draft"
    if "interviewer_notes" in mapped:
        order = list(data)
        data = {key: data[key] for key in order if key != "interviewer_notes"}
        position = list(data).index("prompt") + 1
        items_ = list(data.items())
        items_.insert(position, ("interviewer_notes", mapped["interviewer_notes"]))
        data = dict(items_)
    return data


class _Dumper(yaml.SafeDumper):
    """Text of several lines as a literal block, the way people write bank files by hand."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        value = "\n".join(line.rstrip() for line in value.strip("\n").splitlines()) + "\n"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def dumped(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def as_document(data: dict, shown: str) -> Document:
    raw = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).encode("utf-8")
    return Document("question", Source(shown, Positions(raw)), data)


def model_problems(data: dict, shown: str) -> list[Problem]:
    found: list[Problem] = []
    typed(as_document(data, shown), found)
    return found


def import_material(paths: list[Path], bank_dirs: tuple[Path, ...], root: Path, defaults: Defaults,
                    today: datetime.date) -> list[Draft]:
    """A draft (path and text, not yet written) for every question in `paths`, or why there is none."""
    layers = [load_bank(layer, base=root) for layer in bank_dirs]
    bank, _ = validate(*layers)
    top = bank_dirs[-1]
    taken = set(bank.questions)
    drafts: list[Draft] = []
    made: list[tuple[Draft, dict, dict, str]] = []  # draft, its data, the mapped fields, its path as shown
    for path in paths:
        for item in read_sources(path):
            draft = Draft(item.origin, item.title)
            drafts.append(draft)
            mapped = mapped_fields(item, bank, defaults, draft)
            missing = [what for what in ("roles", "levels", "competencies") if not mapped.get(what)]
            if missing:
                flags = ", ".join(f"--{OPTION[what]}" for what in missing)
                draft.error = f"no {', '.join(missing)} in the source and no default given ({flags})"
                continue
            holder = dataclasses.replace(bank, questions=dict.fromkeys(taken))
            placeholder_path, text = question_file(
                top, holder, mapped["title"], mapped["roles"], mapped["levels"], mapped["competencies"],
                mapped["kind"], mapped["format"], 20, defaults.author, today)
            modeline, _, body = text.partition("\n")
            placeholder = yaml.safe_load(body)
            data = draft_data(placeholder, mapped)
            shown = display_path(placeholder_path, root)
            # A mapped field our rules refuse (120 minutes, a one-word probe) goes back to its placeholder,
            # and its text to the notes, so the draft validates as a draft.
            for _ in range(len(data)):
                refused = {problem_key(p, data) for p in model_problems(data, shown)} - {None}
                if not refused:
                    break
                for key in sorted(refused):
                    draft.kept.append(f"{key} from the source, refused by the rules: {str(mapped.get(key))[:300]}")
                    if key in placeholder:
                        data[key] = placeholder[key]
                    else:
                        data.pop(key)  # a field the scaffold leaves out (parts, metadata): left out again
                    mapped.pop(key, None)
                    draft.mapped = [re.sub(rf", {key}\b|\b{key}, ", "", line) if line.startswith("fields from") else line
                                    for line in draft.mapped if not line.startswith(f"{key} ")]
                data.pop("interviewer_notes", None)
                if notes_of(draft):
                    data["interviewer_notes"] = notes_of(draft)
            taken.add(data["id"])
            draft.path, draft.title = placeholder_path, data["title"]
            made.append((draft, data, mapped, shown))
            draft.text = modeline
    needs(made, layers)
    for draft, data, _, _ in made:
        draft.text = draft.text + "\n" + header(draft, today) + dumped(data)
    return drafts


OPTION = {"roles": "role", "levels": "level", "competencies": "competency"}


def notes_of(draft: Draft) -> str:
    notes = []
    if draft.kept:
        notes.append(f"**{NOT_MAPPED}** (finish or delete before `status: active`)\n\n" +
                     "\n".join(f"    - {line.strip()}" if line.startswith("  ") else f"- {line}"
                               for line in draft.kept))
    return "\n\n".join(notes)


def problem_key(problem: Problem, data: dict) -> str | None:
    """The top-level field a problem is about."""
    match = re.match(r"(?:missing required field '|unknown key ')?([a-z_]+)", problem.message)
    key = match.group(1) if match else None
    return key if key in data and key not in ("id", "status", "roles", "levels", "competencies") else None


def needs(made: list[tuple[Draft, dict, dict, str]], layers: list[LoadedBank]) -> None:
    """What each draft still needs, from the validator and the planner run with every draft as if active:
    first on what the source gave (missing fields, too few probes, a bar per level), then on the draft
    with its placeholders (where it would land: no block long enough, no loop at its level)."""
    if not made:
        return
    for draft, data, mapped, shown in made:
        given = {key: mapped[key] if key in PLACEHOLDER_FIELDS and key in mapped else value
                 for key, value in data.items() if key not in PLACEHOLDER_FIELDS or key in mapped}
        given.update(status="active", bar=mapped.get("bar", {}))
        found: list[Problem] = []
        typed(as_document(given, shown), found)
        draft.needs += [f"{p.code} {p.message}" for p in found]
    bars = LoadedBank("import", [as_document({**data, "status": "active", "bar": mapped.get("bar", {})}, shown)
                                 for _, data, mapped, shown in made], [])
    # Both passes below keep the scaffold's placeholders, which an active question may not hold (LK022):
    # the first pass already named the fields they stand in for, so that code is left out here.
    _, problems = validate(*layers, bars)
    problems = [p for p in problems if p.code != "LK022"]
    filled = LoadedBank("import", [as_document({**data, "status": "active"}, shown) for _, data, _, shown in made], [])
    bank, checked = validate(*layers, filled)
    if not any(p.severity == "error" and p.code != "LK022" for p in checked):
        problems += plan(bank, layer=len(layers))[1]  # the drafts are the top layer
    for draft, _, _, shown in made:
        for problem in problems:
            line = f"{problem.code} {problem.message}"
            if problem.path == shown and line not in draft.needs:
                draft.needs.append(line)


def header(draft: Draft, today: datetime.date) -> str:
    lines = [f"Imported by `loopkit import` from {draft.origin} on {today.isoformat()}.",
             "Placeholders say what to write; interviewer_notes keeps what the source had that no field holds."]
    if draft.needs:
        lines.append("Before `status: active`, this draft still needs (the validator, run as if active):")
        lines += [f"  - {need}" for need in draft.needs]
    return "".join(f"# {line}\n" for line in lines)


def write_drafts(drafts: list[Draft]) -> list[Path]:
    written = []
    for draft in drafts:
        if draft.path is not None and draft.error is None:
            draft.path.parent.mkdir(parents=True, exist_ok=True)
            draft.path.write_text(draft.text, encoding="utf-8")
            written.append(draft.path)
    return written


def described(drafts: list[Draft], root: Path, dry_run: bool) -> list[str]:
    """The import report: for each question where its draft went (or why none), what was mapped, what
    was kept for a person, and what the draft needs before it can be active."""
    lines = []
    for draft in drafts:
        if draft.error:
            lines.append(f"{draft.origin}: not imported: {draft.error}")
            continue
        lines.append(f"{draft.origin} -> {display_path(draft.path, root)} "
                     f"({'would be written' if dry_run else 'draft written'})")
        lines += [f"  mapped: {line}" for line in draft.mapped]
        lines += [f"  kept in interviewer_notes: {line.strip()}" for line in draft.kept if not line.startswith("  ")]
        lines += [f"  needs: {need}" for need in draft.needs] or ["  needs: nothing; review it and set status: active"]
    return lines
