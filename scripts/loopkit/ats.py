"""Score sheets in the shapes applicant tracking systems take, and back: a Greenhouse-style scorecard, an
Ashby-style feedback form submission, and a CSV with one row per rating (what a spreadsheet or most ATS
exports give) read into sheets. The mappings are documented in the *Printed packets and score sheets*
guide; ids the ATS assigns (application, form, field paths) stay for the team to fill in.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from pydantic import ValidationError

from .decision import relative
from .plan import Packet
from .load import Document, LoadedBank
from .problems import Problem, Source, display_path
from .sheets import Panel, Sheet, digest, utc
from .validate import located

# Our recommendation -> Greenhouse's overall_recommendation, in order from "no" to "yes".
RECOMMENDATION = {"no hire": "definitely_not", "lean no hire": "no", "lean hire": "yes", "hire": "strong_yes",
                  "no decision": "no_decision", None: "no_decision"}
# A point's distance from its question's bar -> Greenhouse's attribute rating. A point is a rubric
# anchor, not a verdict: only its place against the bar at the packet's level says yes or no.
RATING = {-2: "definitely_not", -1: "no", 0: "yes", 1: "strong_yes", 2: "strong_yes"}
CSV_COLUMNS = ("candidate", "packet", "edition", "stage", "interviewer", "shadowing", "interviewed", "submitted",
               "recommendation", "competency", "question", "score", "evidence", "observed")
SHEET_FIELDS = CSV_COLUMNS[:9]  # the same on every row of one sheet


def greenhouse(panel: Panel) -> list[dict]:
    """One Greenhouse-style scorecard per sheet: each rated block an attribute (the question, typed by its
    competency) with a rating from its distance to the bar, the point and evidence in its note."""
    packet = panel.packet
    asked = {q.id: q for q in packet.questions}
    stages = {plan.stage.id: plan.stage for plan in packet.stages}
    cards = []
    for sheet in panel.sheets:
        attributes = []
        grouped: dict[str, list[str]] = {name: [] for name in ("definitely_not", "no", "mixed", "yes", "strong_yes")}
        for r in sheet.ratings:
            question = asked[r.question]
            meets = question.bar[packet.level.id].meets
            if r.point is None:
                rating, note = None, f"No evidence (bar {meets})."
            else:
                rating = RATING[r.point - meets]
                note = f"Point {r.point} of 4, {relative(r.point, meets)} (bar {meets}). {r.evidence.strip()}"
                grouped[rating].append(question.title)
            attributes.append({"name": question.title, "type": competency_name(packet, r.competency), "note": note,
                               "rating": rating})
        cards.append({
            "candidate": sheet.candidate, "interview": stages[sheet.stage].name,
            "interview_step": {"id": sheet.stage, "name": stages[sheet.stage].name},
            "interviewer": {"name": sheet.interviewer}, "submitted_by": {"name": sheet.interviewer},
            "interviewed_at": utc(sheet.interviewed), "submitted_at": utc(sheet.submitted),
            "overall_recommendation": RECOMMENDATION[sheet.recommendation],
            "attributes": attributes, "ratings": grouped,
            "loopkit": provenance(sheet),
        })
    return cards


def ashby(panel: Panel) -> list[dict]:
    """One Ashby-style feedback form submission per sheet: a Score field (1 to 4, with the evidence as its
    comment) per block, its path the block's competency id; blocks with no evidence go to a notes field,
    since a Score field takes only 1 to 4."""
    submissions = []
    for sheet in panel.sheets:
        fields = [{"path": r.competency, "value": {"score": r.point,
                                                   "comments": {"type": "PlainText", "value": r.evidence.strip()}}}
                  for r in sheet.ratings if r.point is not None]
        unscored = [f"{r.competency} ({r.question}): no evidence" for r in sheet.ratings if r.point is None]
        if unscored:
            fields.append({"path": "notes", "value": "; ".join(unscored)})
        if sheet.recommendation:
            fields.append({"path": "recommendation", "value": sheet.recommendation})
        submissions.append({"candidate": sheet.candidate, "interviewer": sheet.interviewer, "stage": sheet.stage,
                            "submittedAt": utc(sheet.submitted), "feedbackForm": {"fieldSubmissions": fields},
                            "loopkit": provenance(sheet)})
    return submissions


def provenance(sheet: Sheet) -> dict:
    """Where a record came from, so it can be traced back to the sealed sheet."""
    return {"packet": sheet.packet, "edition": sheet.edition, "stage": sheet.stage, "shadowing": sheet.shadowing,
            "digest": sheet.digest}


def competency_name(packet: Packet, competency: str) -> str:
    return next(c.name for c in packet.competencies if c.id == competency)


def read_csv(path: Path, base: Path) -> LoadedBank:
    """Sheets from a CSV with a header and one row per rating, grouped by candidate, stage and interviewer
    and sealed as submitted (the ATS recorded the submission), as documents whose positions are the
    CSV's rows (lines) and columns, so every later check points into the CSV."""
    shown = display_path(path, base)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return LoadedBank(shown, [], [Problem(shown, 0, 0, "LK014" if isinstance(error, UnicodeDecodeError)
                                              else "LK011", f"cannot be read as UTF-8 text: {error}")])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [name.strip() for name in rows[0]] if rows else []
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        return LoadedBank(shown, [], [Problem(shown, 1, 1, "LK004", (
            f"the header lacks column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; expected: "
            f"{','.join(CSV_COLUMNS)}"))])
    column = {name: header.index(name) for name in CSV_COLUMNS}
    groups: dict[tuple[str, str, str], list[tuple[int, dict]]] = defaultdict(list)
    problems = []
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem(shown, line, 1, "LK003", f"{len(row)} cells; the header has {len(header)}"))
            continue
        cells = {name: row[column[name]] for name in CSV_COLUMNS}
        groups[(cells["candidate"], cells["stage"], cells["interviewer"])].append((line, cells))
    documents = []
    for members in groups.values():
        first_line, first = members[0]
        for line, cells in members[1:]:
            for name in SHEET_FIELDS:
                if cells[name] != first[name]:
                    problems.append(Problem(shown, line, column[name] + 1, "LK308", (
                        f"{name} {cells[name]!r} differs from {first[name]!r} on line {first_line}, in the same "
                        "sheet (candidate, stage and interviewer); one sheet has one value")))
        data = {name: first[name] for name in SHEET_FIELDS}
        data["shadowing"] = first["shadowing"].strip().lower() in ("true", "yes", "1")
        data["recommendation"] = first["recommendation"] or None
        data["ratings"] = [{"competency": cells["competency"], "question": cells["question"],
                            "score": int(cells["score"]) if cells["score"].strip().isdigit() else cells["score"].strip(),
                            "evidence": cells["evidence"],
                            "observed": [level.strip() for level in cells["observed"].split(";") if level.strip()]}
                           for _, cells in members]
        positions = {(): (first_line, 1)}
        for name in SHEET_FIELDS:
            positions[(name,)] = (first_line, column[name] + 1)
        for index, (line, _) in enumerate(members):
            positions[("ratings", index)] = (line, 1)
            for name in CSV_COLUMNS[9:]:
                positions[("ratings", index, name)] = (line, column[name] + 1)
        document = sealed_document(data, Source(shown, positions), problems)
        if document is not None:
            documents.append(document)
    return LoadedBank(shown, documents, problems)


def sealed_document(data: dict, source: Source, problems: list[Problem]) -> Document | None:
    """A sheet read from elsewhere (a CSV's rows, a filled PDF), typed and sealed as submitted, as a document
    located in its source; None, with the problems added to `problems`, when it is no valid sheet."""
    try:
        sheet = Sheet.model_validate(data)
    except ValidationError as error:
        problems.extend(located(error, source, Sheet))
        return None
    sealed = {**data, "interviewed": utc(sheet.interviewed), "submitted": utc(sheet.submitted),
              "digest": digest(sheet)}
    return Document("sheet", source, sealed)


def sheet_file(data: dict) -> str:
    """A sheet as YAML, as the import writes it."""
    import yaml

    return ("# A loopkit score sheet, imported from a CSV of ratings or a filled stage-sheet PDF. Candidate data: "
            "keep it private.\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def file_name(data: dict) -> str:
    """Where an imported sheet goes in the sheets folder: CANDIDATE/STAGE-INTERVIEWER.yaml (its candidate and
    stage are ids the model has checked)."""
    candidate, stage, interviewer = data["candidate"], data["stage"], data["interviewer"]
    slug = "".join(ch if ch.isalnum() else "-" for ch in interviewer.lower()).strip("-") or "interviewer"
    return f"{candidate}/{stage}-{slug}.yaml"
