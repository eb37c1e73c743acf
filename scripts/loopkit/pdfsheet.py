"""Score sheets read back from stage-sheet PDFs filled in on screen.

A stage sheet (`pdf/ROLE-LEVEL-stage-STAGE.pdf`) prints its score sheet as form fields named
STAGE.candidate, STAGE.qN.score and so on, and says in its PDF keywords which packet, edition and stage it
is (`stage_sheet_keywords`, written at print time; nothing printed changes). `read_pdf` turns a filled one
into the same sealed sheet data as a CSV row group (`ats.sealed_document`), located at the page and field
of anything missing or wrong.
"""
from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass

from .edition import Edition
from .load import LoadedBank
from .plan import Packet
from .problems import Problem, Source, display_path
from .sheets import utc

MARK = "loopkit stage sheet"
KEYS = ("packet", "edition", "stage")
SCORES = {"1": 1, "2": 2, "3": 3, "4": 4, "no evidence": "no-evidence"}  # the radio values the sheet prints


def stage_sheet_keywords(packet: str, edition: str, stage: str) -> list[str]:
    """The keywords a stage sheet's PDF carries: what a filled one is a sheet of. `edition` is the stage
    sheet's own content digest (`pipeline.stage_editions`), so the sheet is not reprinted for an edit to
    another stage's questions."""
    return [MARK, f"packet {packet}", f"edition {edition}", f"stage {stage}"]


@dataclass
class Fields:
    """A PDF's form fields by name: value (text, a radio's or checkbox's state, or None when unset) and page."""

    values: dict[str, object]
    pages: dict[str, int]

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) else ""

    def state(self, name: str) -> str | None:
        """A radio group's chosen value, a checkbox's "Off" or its on state; None when nothing is chosen."""
        value = self.values.get(name)
        if value is None:
            return None
        value = str(value).lstrip("/")
        return None if value in ("", "Off") else value


def form_fields(path) -> tuple[Fields, str]:
    """The AcroForm fields of a PDF and its keywords (raises pypdf's errors, or ValueError, on a file that is no PDF)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    quiet = logging.getLogger("pypdf")
    level, quiet.level = quiet.level, logging.ERROR  # WeasyPrint's radio buttons repeat their group's name
    try:
        fields = reader.get_fields() or {}
    finally:
        quiet.setLevel(level)
    values = {name: chosen(field) for name, field in fields.items()}
    pages: dict[str, int] = {}
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get("/Annots") or []:
            widget = annotation.get_object()
            owner = widget.get("/Parent").get_object() if "/T" not in widget and "/Parent" in widget else widget
            if "/T" in owner:
                pages.setdefault(str(owner["/T"]), number)
    return Fields(values, pages), str((reader.metadata or {}).get("/Keywords") or "")


def chosen(field) -> str | None:
    """A field's value as text: a radio group's on state is the index of the button chosen (WeasyPrint
    names them 0, 1, ...), its printed value the entry of `/Opt` at that index."""
    value = field.get("/V")
    if value is None:
        return None
    value = str(value)
    options = field.get("/Opt")
    if options is not None and value.startswith("/") and value[1:].isdigit() and int(value[1:]) < len(options):
        option = options[int(value[1:])]
        return str(option[0] if isinstance(option, list) else option)
    return value


def identity(keywords: str) -> dict[str, str] | None:
    """Packet, edition and stage from a stage sheet's keywords; None when they are not a loopkit stage sheet's."""
    words = [word.strip() for word in keywords.split(",")]
    if MARK not in words:
        return None
    found = dict(word.split(" ", 1) for word in words if " " in word and word.split(" ", 1)[0] in KEYS)
    return found if set(found) == set(KEYS) else None


def moment(text: str) -> datetime.datetime | None:
    """A date and time with its time zone, as an interviewer types it: 2026-11-20 14:30 +01:00, or ...Z."""
    text = re.sub(r"\s*(Z|UTC)$", "+00:00", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\s+([+-]\d\d:?\d\d)$", r"\1", text)
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


Located = dict[tuple[str, int, int], str]  # (path, line, col) a sheet document's positions give -> field name


def read_pdf(path, base, packets: list[Packet], editions: dict[str, Edition]) -> tuple[LoadedBank, Located]:
    """A filled stage-sheet PDF as one sheet document (sealed as submitted), or the problems that stop it,
    each at the PDF's page of the field (line) and naming the field. Checks against the packet's blocks
    (questions asked, evidence, levels) are `sheets.check_sheets`'s, as for every sheet: the document's
    positions are (page, the field's number in the form), which `name_fields` turns back into the page and
    the field's name."""
    from .ats import sealed_document

    shown = display_path(path, base)

    def problem(field: str, code: str, message: str) -> Problem:
        return Problem(shown, fields.pages.get(field, 1) if field else 1, 1, code,
                       f"field {field}: {message}" if field else message)

    try:
        fields, keywords = form_fields(path)
    except Exception as error:  # pypdf raises its own errors, ValueError and others on a damaged file
        return LoadedBank(shown, [], [Problem(shown, 1, 1, "LK011", f"cannot be read as a PDF: {error}")]), {}
    found = identity(keywords)
    by_slug = {packet.slug: packet for packet in packets}
    if found is None:
        return LoadedBank(shown, [], [Problem(shown, 1, 1, "LK011", (
            "not a loopkit stage sheet: its PDF keywords do not name the packet, edition and stage it was printed "
            "for; import the stage sheet (pdf/ROLE-LEVEL-stage-STAGE.pdf) as loopkit printed it, filled in"))]), {}
    packet = by_slug.get(found["packet"])
    plan = next((plan for plan in packet.stages if plan.stage.id == found["stage"]), None) if packet else None
    if plan is None:
        return LoadedBank(shown, [], [Problem(shown, 1, 1, "LK301" if packet is None else "LK303", (
            f"printed for {found['packet']}, stage {found['stage']}, which this bank does not have; import it with "
            "the bank (--bank) and checkout it was printed from"))]), {}
    rows, stage = plan.rows, plan.stage.id
    printed = editions[f"{packet.slug}#{stage}"]
    if found["edition"] != printed.digest:
        return LoadedBank(shown, [], [Problem(shown, 1, 1, "LK302", (
            f"printed from edition {found['edition']} of the {stage} stage sheet of {packet.slug}; the bank holds "
            f"edition {printed.digest} ({printed.commit}), whose questions, rubrics or bars may differ; import it "
            "in a checkout of the commit printed on the sheet"))]), {}
    problems: list[Problem] = []
    positions: dict[tuple, tuple[int, int]] = {(): (1, 1)}
    where: Located = {}

    def at(field: str) -> tuple[int, int]:
        if field not in fields.values:
            return (1, 1)
        place = (fields.pages.get(field, 1), list(fields.values).index(field) + 2)  # column 1 is the file's
        where[(shown, *place)] = field
        return place

    def need(name: str, what: str) -> str:
        field = f"{stage}.{name}"
        value = fields.text(field)
        if field not in fields.values:
            problems.append(problem("", "LK004", f"no field {field}: this PDF is not the stage sheet its "
                                                 f"keywords name ({found['packet']}, stage {stage})"))
        elif not value:
            problems.append(problem(field, "LK004", f"empty; expected {what}"))
        positions[(name,)] = at(field)
        return value

    candidate = need("candidate", "the candidate's pseudonymous id (cand-7f3a, say)")
    interviewer = need("interviewer", "your name or the id your team uses")
    typed = need("submitted", "the date and time you submitted, with its time zone (2026-11-20 14:30 +01:00)")
    submitted = moment(typed) if typed else None
    if typed and submitted is None:
        problems.append(problem(f"{stage}.submitted", "LK003", (
            f"{typed!r} is not a date and time with its time zone; expected, say, 2026-11-20 14:30 +01:00 or "
            "2026-11-20T13:30Z")))
    swapped = fields.text(f"{stage}.swapped")
    swaps, unclear = alternates_named(swapped, rows)
    if unclear:
        problems.append(problem(f"{stage}.swapped", "LK304", unclear))
    elif swapped and not swaps:
        choices = "; ".join(f"question {n}: {', '.join(q.id for q in row.alternates)}"
                            for n, row in enumerate(rows, 1) if row.alternates) or "none"
        problems.append(problem(f"{stage}.swapped", "LK304", (
            f"{swapped!r} names no alternate of this stage; write the id of the alternate asked (printed under its "
            f"title in the stage guide) and why. This stage's alternates: {choices}")))
    ratings = []
    for n, row in enumerate(rows, 1):
        field = f"{stage}.q{n}"
        state = fields.state(f"{field}.score")
        if f"{field}.score" not in fields.values:
            problems.append(problem("", "LK004", f"no field {field}.score: this PDF is not the stage sheet its "
                                                 f"keywords name ({found['packet']}, stage {stage})"))
            continue
        if state is None:
            problems.append(problem(f"{field}.score", "LK004", (
                f"no score chosen for question {n} ({row.competency.name}); expected 1, 2, 3, 4, or no evidence "
                "when the question was not reached")))
        elif state not in SCORES:
            problems.append(problem(f"{field}.score", "LK305", f"{state!r} is not on the scale: 1, 2, 3, 4 or no "
                                                                "evidence"))
        question = swaps.get(row.competency.id, row.primary)
        observed = [name.removeprefix(f"{field}.observed-") for name in fields.values
                    if name.startswith(f"{field}.observed-") and fields.state(name)]
        keys, score = ("ratings", len(ratings)), at(f"{field}.score")
        positions.update({keys: score, (*keys, "competency"): score, (*keys, "score"): score,
                          (*keys, "question"): at(f"{stage}.swapped") if row.competency.id in swaps else score,
                          (*keys, "evidence"): at(f"{field}.evidence")})
        positions.update({(*keys, "observed", i): at(f"{field}.observed-{level}") for i, level in enumerate(observed)})
        ratings.append({"competency": row.competency.id, "question": question.id,
                        "score": SCORES.get(state or "", state), "evidence": fields.text(f"{field}.evidence"),
                        "observed": observed})
    if problems:
        return LoadedBank(shown, [], problems), where
    positions[("interviewed",)] = positions[("submitted",)]
    data = {**found, "edition": editions[packet.slug].digest, "candidate": candidate, "stage": stage, "interviewer": interviewer,
            "shadowing": fields.state(f"{stage}.shadowing") is not None,
            # The sheet prints no interview time: the submitted time stands for it (see the score-sheets guide).
            "interviewed": utc(submitted), "submitted": utc(submitted),
            "recommendation": fields.state(f"{stage}.recommendation"), "ratings": ratings}
    data = {name: data[name] for name in ("candidate", *KEYS[:2], "stage", "interviewer", "shadowing", "interviewed",
                                          "submitted", "recommendation", "ratings")}
    document = sealed_document(data, Source(shown, positions), problems)
    return LoadedBank(shown, [document] if document else [], problems), where


def name_fields(problems: list[Problem], where: Located) -> list[Problem]:
    """Problems found in a PDF's sheet at its page and field's number, as the page and the field's name."""
    return [Problem(p.path, p.line, 1, p.code, f"field {where[(p.path, p.line, p.col)]}: {p.message}", p.severity)
            if (p.path, p.line, p.col) in where else p for p in problems]


def alternates_named(text: str, rows) -> tuple[dict[str, object], str]:
    """The alternates the `swapped` field names, by the competency of each row of the block they replace:
    an alternate's id (printed under its title) or its full title, anywhere in the text; and why the text
    does not say which block, when an alternate named is offered by several and no `qN` picks one."""
    said = " ".join(text.casefold().split())
    numbers = {int(n) for n in re.findall(r"\b(?:q|question\s*)(\d+)\b", said)}
    blocks: dict[str, list[int]] = {}  # a block's primary -> its rows' numbers (a block rating two has two)
    for n, row in enumerate(rows, 1):
        blocks.setdefault(row.primary.id, []).append(n)
    swaps, unclear = {}, ""
    named = {q.id: q for row in rows for q in row.alternates
             if re.search(rf"(?<![a-z0-9-]){re.escape(q.id)}(?![a-z0-9-])", said)
             or " ".join(q.title.casefold().split()) in said}
    for question in named.values():
        offering = [numbers_ for numbers_ in blocks.values()
                    if any(question in rows[n - 1].alternates for n in numbers_)]
        if len(offering) > 1:
            offering = [numbers_ for numbers_ in offering if numbers & set(numbers_)]
        if len(offering) == 1:
            swaps.update({rows[n - 1].competency.id: question for n in offering[0]})
        else:
            unclear = (f"{question.id} is an alternate of more than one question on this sheet; say which it "
                       "replaced, as q1, q2 ...")
    return swaps, unclear


def read_sources(sources, base, packets: list[Packet], editions: dict[str, Edition]) -> tuple[LoadedBank, Located]:
    """The sheets of several files, each a CSV of ratings (`ats.read_csv`) or a filled stage-sheet PDF (by
    its `.pdf` name), as one loaded set, with where each PDF's fields are. `editions` holds the packets'
    and their stage sheets' editions (`pipeline.packet_editions` and `stage_editions`): a stage sheet
    whose own content is the bank's is recorded on the packet's edition."""
    from .ats import read_csv

    parts, where = [], {}
    for source in sources:
        if source.suffix.lower() == ".pdf":
            part, fields = read_pdf(source, base, packets, editions)
            where.update(fields)
        else:
            part = read_csv(source, base)
        parts.append(part)
    return LoadedBank(", ".join(part.root for part in parts), [d for part in parts for d in part.documents],
                      [problem for part in parts for problem in part.problems]), where
