"""Score sheets as data: one YAML file per interviewer per candidate, typed like bank files, checked
against the packet edition it was scored on, and sealed with a digest when it is submitted.

A sheet is personal data (a candidate's scores, an interviewer's notes): it is read from a folder the
team keeps private, and nothing here writes it anywhere else.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from .decision import POINTS, Rating, next_level
from .edition import Edition
from . import report
from .load import Document, LoadedBank, load_file
from .model import Id, Level, Strict
from .plan import Packet
from .problems import Problem, display_path
from .validate import typed

NO_EVIDENCE = "no-evidence"
RECOMMENDATIONS = ("no hire", "lean no hire", "lean hire", "hire", "no decision")  # the printed sheet's choices
MIN_EVIDENCE = 12  # characters: a scored point rests on at least a short sentence of what was said or done
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$"  # ROLE/LEVEL, or requisitions/ID


class SheetRating(Strict):
    """One block of the stage: the question asked, the point its answer matched, and why."""

    competency: Id = Field(description="The block's competency id, as the stage guide lists its blocks.")
    question: Id = Field(description="The id of the question asked: the block's primary, or the alternate "
                                     "swapped in for it.")
    score: Literal[1, 2, 3, 4, "no-evidence"] = Field(description="The rubric point the answer matched, 1 to 4, or "
                                                                  "no-evidence when the question was not reached or "
                                                                  "the answer gave nothing to judge.")
    evidence: str = Field(default="", description="What the candidate said or did, and why it earns the score. "
                                                  "Required for a scored point.")
    observed: list[Id] = Field(default=[], description="Level ids whose 'observed' line is ticked on the sheet.")

    @field_validator("score", mode="before")
    @classmethod
    def _on_the_scale(cls, value: object) -> object:
        if value == NO_EVIDENCE or (type(value) is int and value in POINTS):
            return value
        raise PydanticCustomError("off_scale", "not on the scale: a score is 1, 2, 3 or 4, or no-evidence when the "
                                               "answer gave nothing to judge")

    @property
    def point(self) -> int | None:
        return None if self.score == NO_EVIDENCE else self.score


class Sheet(Strict):
    """One interviewer's score sheet for one candidate and one stage."""

    candidate: Id = Field(description="The candidate's pseudonymous id (cand-7f3a, say); never a name or an "
                                      "e-mail address.")
    packet: Annotated[str, StringConstraints(pattern=SLUG)] = Field(
        description="The packet scored on: ROLE/LEVEL (ai-application-engineer/senior) or requisitions/ID.")
    edition: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")] = Field(
        description="The packet's content digest, printed on its pages and PDFs as 'content ...'.")
    stage: Id = Field(description="The stage id, as in the stage guide's address.")
    interviewer: Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^\S(.*\S)?$")] = Field(
        description="Who scored: a name or an id the team uses, on one line.")
    shadowing: bool = Field(default=False, description="True for an interviewer in training: recorded, left out "
                                                       "of the rule.")
    interviewed: AwareDatetime = Field(description="When the interview began, with its time zone "
                                                   "(2026-11-20T10:00:00Z).")
    submitted: AwareDatetime = Field(description="When the sheet was submitted, with its time zone.")
    recommendation: Literal[RECOMMENDATIONS] | None = Field(  # type: ignore[valid-type]
        default=None, description="The stage's overall recommendation; not a score, and the rule does not use it.")
    ratings: list[SheetRating] = Field(min_length=1, description="One entry per block of the stage.")
    digest: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = Field(
        default=None, description="Written at submission (by the stage page's form or `loopkit seal`): a digest "
                                  "of everything above, so an edit made later shows.")

    def ratings_for_rule(self) -> list[Rating]:
        return [Rating(self.stage, r.competency, r.question, r.point, self.shadowing, frozenset(r.observed))
                for r in self.ratings]


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def digest(sheet: Sheet) -> str:
    """sha256 of the sheet's content in one canonical form: JSON with sorted keys and no spaces, times in
    UTC to the second. The stage page's form computes the same in the browser (assets/score-form.js), so
    a sheet saved there validates here. It shows an edit made after submission; it is no signature (anyone
    can compute it), so a team that needs proof keeps sheets in a repository it trusts."""
    content = {
        "candidate": sheet.candidate, "edition": sheet.edition, "interviewed": utc(sheet.interviewed),
        "interviewer": sheet.interviewer, "packet": sheet.packet, "recommendation": sheet.recommendation,
        "shadowing": sheet.shadowing, "stage": sheet.stage, "submitted": utc(sheet.submitted),
        "ratings": [{"competency": r.competency, "evidence": r.evidence, "observed": r.observed,
                     "question": r.question, "score": r.score} for r in sheet.ratings],
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)  # as JavaScript's JSON writes them
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Panel:
    """One candidate's sheets, all valid, and the packet they were scored on."""

    folder: str
    candidate: str
    packet: Packet
    sheets: tuple[Sheet, ...]

    def ratings(self) -> list[Rating]:
        return [rating for sheet in self.sheets for rating in sheet.ratings_for_rule()]


def folder_of(path: str) -> str:
    return str(PurePosixPath(path).parent)


def check_sheets(loaded: LoadedBank, packets: list[Packet], editions: dict[str, Edition], levels: dict[str, Level],
                 group: Callable[[Document], str] = lambda document: folder_of(document.source.path),
                 ) -> tuple[list[Panel], list[Problem]]:
    """Type every sheet and check it against its packet, then each group's sheets against each other: a
    group (a folder of sheet files, or one candidate's rows of a CSV) holds one candidate's sheets, for one
    packet, one sheet per interviewer and stage. Returns the panels of the groups with no problem, and
    every problem found."""
    problems = list(loaded.problems)
    by_slug = {packet.slug: packet for packet in packets}
    groups: dict[str, list[Sheet]] = defaultdict(list)
    for document in loaded.documents:
        sheet = typed(document, problems, Sheet)
        if sheet is not None:
            problems += check_sheet(sheet, by_slug, editions, levels)
            groups[group(document)].append(sheet)
    for sheets in groups.values():
        problems += check_folder(sheets)
    failed = {folder_of(p.path) for p in problems if p.severity == "error"}
    panels = [Panel(name, sheets[0].candidate, by_slug[sheets[0].packet], tuple(sheets))
              for name, sheets in sorted(groups.items())
              if name not in failed and not any(folder_of(sheet.source.path) in failed for sheet in sheets)]
    return panels, problems


def check_sheet(sheet: Sheet, packets: dict[str, Packet], editions: dict[str, Edition],
                levels: dict[str, Level]) -> list[Problem]:
    """One sheet against the packet edition it names: its stage, blocks, questions, levels, evidence and seal."""
    source = sheet.source
    problems = []
    if sheet.digest is None:
        problems.append(source.problem((), "LK309", "the sheet has no `digest:`, so nothing shows whether it changed "
                                                    "after it was submitted; seal it when it is submitted "
                                                    "(`loopkit seal FILE`, or save it from the stage page's form)"))
    elif sheet.digest != digest(sheet):
        problems.append(source.problem(("digest",), "LK309", "the sheet changed after it was submitted: its content "
                                       "no longer matches the digest recorded then; restore the submitted text, or "
                                       "have the interviewer submit it again (new `submitted:` time, delete "
                                       "`digest:`, run `loopkit seal FILE`)"))
    packet = packets.get(sheet.packet)
    if packet is None:
        known = ", ".join(sorted(packets)[:8])
        return problems + [source.problem(("packet",), "LK301", f"no packet {sheet.packet!r} in this bank; expected "
                                                                f"one of: {known}{', ...' if len(packets) > 8 else ''}")]
    edition = editions[packet.slug]
    if sheet.edition != edition.digest:
        return problems + [source.problem(("edition",), "LK302", (
            f"the sheet was scored on edition {sheet.edition} of {packet.slug}; the bank holds edition "
            f"{edition.digest} ({edition.commit}), whose rubrics and bars may differ; debrief in a checkout of "
            f"the commit the sheet's packet names (printed on its pages), or correct `edition:` if it was mistyped"))]
    plans = {plan.stage.id: plan for plan in packet.stages}
    plan = plans.get(sheet.stage)
    if plan is None:
        return problems + [source.problem(("stage",), "LK303", f"{packet.slug} has no stage {sheet.stage!r}; its "
                                                               f"stages: {', '.join(plans)}")]
    blocks = {block.competency.id: block for block in plan.blocks}
    above = next_level(levels, packet.level)
    printed = {packet.level.id, *([above.id] if above else [])}  # the level lines a sheet prints
    seen: set[str] = set()
    for number, rating in enumerate(sheet.ratings):
        at = ("ratings", number)
        block = blocks.get(rating.competency)
        if block is None:
            problems.append(source.problem((*at, "competency"), "LK304", (
                f"stage {plan.stage.id!r} has no block for competency {rating.competency!r}; its blocks: "
                f"{', '.join(blocks)}")))
            continue
        if rating.competency in seen:
            problems.append(source.problem((*at, "competency"), "LK310", (
                f"a second rating for the {rating.competency} block; a sheet rates each block once")))
        seen.add(rating.competency)
        asked = {q.id: q for q in (block.primary, *block.alternates)}
        question = asked.get(rating.question)
        if question is None:
            problems.append(source.problem((*at, "question"), "LK304", unasked(rating.question, block, plan, packet)))
            continue
        for position, level in enumerate(rating.observed):
            if level not in printed or level not in question.bar:
                lines = ", ".join(sorted(printed & set(question.bar)))
                problems.append(source.problem((*at, "observed", position), "LK304", (
                    f"the sheet prints no 'observed' line at level {level!r} for {question.id}; its lines: {lines}")))
        if rating.point is not None and len(rating.evidence.strip()) < MIN_EVIDENCE:
            problems.append(source.problem((*at, "evidence") if rating.evidence else (*at, "score"), "LK306", (
                f"a score of {rating.point} with no evidence: write what the candidate said or did that matched the "
                f"point-{rating.point} anchors under `evidence:` (at least {MIN_EVIDENCE} characters), or score "
                f"{NO_EVIDENCE}")))
    missing = [competency for competency in blocks if competency not in seen]
    if missing:
        problems.append(source.problem(("ratings",), "LK310", (
            f"no rating for the block{'s' if len(missing) > 1 else ''} {', '.join(missing)} of stage "
            f"{plan.stage.id!r}: add each with its score, or `score: {NO_EVIDENCE}` if it was not reached")))
    return problems


def unasked(question: str, block, plan, packet: Packet) -> str:
    """Why a question cannot be rated in this block, naming where the packet does ask it, if anywhere."""
    choices = ", ".join(q.id for q in (block.primary, *block.alternates))
    for other in packet.stages:
        for other_block in other.blocks:
            if question in {q.id for q in (other_block.primary, *other_block.alternates)}:
                where = (f"the {other_block.competency.id} block" if other is plan
                         else f"stage {other.stage.id!r}, {other_block.competency.id} block")
                return (f"{question} is asked in {where}, not in the {block.competency.id} block of stage "
                        f"{plan.stage.id!r}; this block asks: {choices}")
    return f"{question} is not in {packet.slug}; the {block.competency.id} block of stage {plan.stage.id!r} asks: {choices}"


def check_folder(sheets: list[Sheet]) -> list[Problem]:
    """One folder holds one candidate's sheets for one packet, and one sheet per interviewer and stage.
    The candidate and packet are those most of its sheets name (on a tie, the first file's)."""
    problems = []
    candidate = Counter(sheet.candidate for sheet in sheets).most_common(1)[0][0]
    packet = Counter(sheet.packet for sheet in sheets).most_common(1)[0][0]
    first = sheets[0].source.path
    who: dict[tuple[str, str], Sheet] = {}
    for sheet in sorted(sheets, key=lambda s: (s.submitted, s.source.path)):  # the first submitted stands
        if sheet.candidate != candidate:
            problems.append(sheet.source.problem(("candidate",), "LK308", (
                f"a sheet of candidate {sheet.candidate!r} among the sheets of {candidate!r} (as in {first}); a "
                "folder holds one candidate's sheets: move it to that candidate's folder")))
        elif sheet.packet != packet:
            problems.append(sheet.source.problem(("packet",), "LK308", (
                f"a sheet for packet {sheet.packet} among {candidate}'s sheets for {packet}; one candidate is "
                "scored on one packet: correct `packet:`, or move the sheet")))
        key = (sheet.stage, sheet.interviewer.casefold())
        if key in who:
            problems.append(sheet.source.problem(("interviewer",), "LK307", (
                f"{sheet.interviewer} already submitted a sheet for stage {sheet.stage!r} of this candidate, "
                f"earlier ({who[key].source.path}); keep one, or correct the stage or interviewer")))
        who.setdefault(key, sheet)
    return problems


def seal_sheet(path: Path, base: Path) -> tuple[bool, str]:
    """Record a sheet as submitted: append its digest. A file that is no valid sheet, or already sealed, is
    left as it was (re-sealing an edited sheet would hide the edit). Returns whether it was sealed, and why."""
    shown = display_path(path, base)
    document, problems = load_file(path, shown, "sheet")
    sheet = typed(document, problems, Sheet) if document is not None else None
    if sheet is None or problems:
        return False, "\n".join(report.text(p) for p in report.ordered(problems)) + f"\n{shown}: not sealed"
    if sheet.digest is not None:
        return False, f"{shown}: already sealed; delete `digest:` first if the interviewer resubmits it"
    text = path.read_text(encoding="utf-8")
    path.write_text(f"{text}{'' if text.endswith(chr(10)) else chr(10)}digest: {digest(sheet)}\n", encoding="utf-8")
    return True, f"{shown}: sealed"
