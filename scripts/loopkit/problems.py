"""Problems found in a bank or in score sheets, carried as values from every stage to one reporter.

Every rule has a stable code. The table below is the one place that names them; the docs page of
error codes is generated from it, so a new rule cannot go undocumented.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

Severity = Literal["error", "warning", "notice"]

# code -> (what it means, how to fix it)
CODES: dict[str, tuple[str, str]] = {
    "LK001": ("The file is not valid YAML.", "Fix the syntax at the line shown; check indentation and quoting."),
    "LK002": ("A key that this kind of file does not have.", "Check the spelling against the schema, or remove the key."),
    "LK003": ("A value of the wrong type.", "Give the type named in the message (text, number, list, mapping)."),
    "LK004": ("A required field is missing.", "Add the field named in the message."),
    "LK005": ("A reference to a role, level, competency or stage that does not exist.",
              "Use an id from question_bank/vocabulary/, or add it there first."),
    "LK006": ("Two items share an id.", "Give one of them a new, unique id."),
    "LK007": ("A rubric without exactly four anchored points.",
              "Write points 1, 2, 3 and 4, each with at least two pieces of observable evidence."),
    "LK008": ("A key appears twice in one mapping.", "Keep one of the two; YAML would silently drop the first."),
    "LK009": ("A value outside what the field allows.", "Use one of the values, or a value in the range, named in the message."),
    "LK010": ("The per-level bar does not match the question's levels.",
              "Give `bar` exactly one entry for each level in `levels`."),
    "LK011": ("A file in the bank that loopkit does not know how to read.",
              "Put vocabularies in vocabulary/, loops in loops/ROLE/LEVEL.yaml and questions in questions/."),
    "LK012": ("Calibration answers that do not cover each rubric point once.",
              "Give one worked answer for each score 1, 2, 3 and 4, or none."),
    "LK013": ("A loop whose file name does not match its role and level.",
              "Name the file loops/ROLE/LEVEL.yaml after the `role` and `level` inside it."),
    "LK014": ("The file is not plain UTF-8 text: bytes that are not UTF-8, or control characters YAML forbids.",
              "Save the file as UTF-8 and retype text pasted from a terminal or a word processor."),
    "LK015": ("A file beyond loopkit's limits: over 1 MiB, nested over 1,000 levels deep, or with aliases "
              "that expand to over 100,000 values.",
              "Keep one question per file and write repeated content out instead of using YAML aliases."),
    "LK016": ("A status change for a question that no bank layer has.",
              "Use the id of a question from this bank or an earlier layer (the shared bank, say)."),
    "LK017": ("`overrides: true` on something that no earlier bank layer defines.",
              "Remove `overrides: true` (it is new), or fix the id, role or level so it matches the item to replace."),
    "LK018": ("A level's bar on the top rubric point (4) or the lowest (1): no answer can be above it, or none below it.",
              "Set `meets` to 2 or 3, and say in `separates` what the level's answer adds; the decision rule "
              "needs a point below and a point above every bar."),
    "LK019": ("Two adjacent levels share a question's bar, and the higher level's `separates` does not say "
              "what its answer adds, so nothing on the score sheet tells the levels apart.",
              "Raise the higher level's `meets`, or write its `separates` as a behaviour the interviewer can "
              "observe that the lower level's answer lacks; the score sheet prints it as a line to tick."),
    "LK020": ("A relative link in bank text (`[runbook](runbook.md)`, `../x.md`, `#part`). Bank text is shown on "
              "question pages and on stage guides at other folder depths, and printed in PDFs: no relative "
              "address reaches the same place from all of them, so it would ship broken.",
              "Link a full address (https://...), or name the question or guide in words; to point at another "
              "question, give its title or id as text."),
    "LK021": ("Two bank files whose paths differ only in upper and lower case: a checkout on macOS or Windows "
              "keeps one of them, so the bank validates and builds differently there.",
              "Rename one of the files; lower-case file and folder names, like the ids, avoid this."),
    "LK022": ("A question that is no longer a draft but still holds text `loopkit new question` wrote for you to "
              "replace (\"Write what the interviewer reads out ...\").",
              "Replace every \"Write ...\" and \"Say ...\" sentence with the question's own text, delete "
              "`interviewer_notes` if there is nothing to say, or keep `status: draft` until it is written."),
    "LK023": ("A question whose `id` differs from its file name: links, exports and score sheets use the id, "
              "contributors find the file by its name.",
              "Rename the file to ID.yaml, or, for a new question, change the id to the file's name."),
    "LK024": ("A question in questions/FOLDER/ whose first competency is another one. The first competency is "
              "the one the question is made for: it decides where the question can be placed.",
              "Move the file to questions/FIRST-COMPETENCY/, or put the folder's competency first in `competencies`."),
    "LK025": ("A bank with no questions at all: an empty folder, or a mistyped `--bank` path.",
              "Give `--bank` the folder that holds vocabulary/, loops/ and questions/ (question_bank/, say)."),
    "LK101": ("A competency that the loop assesses in fewer than two stages.",
              "Add the competency to a second stage, so two independent ratings exist."),
    "LK102": ("A loop with more than four scored onsite stages (the screen and the take-home review are not "
              "counted): Google found four interviews predicted a hire with 86% confidence and each further one "
              "added about 1%.",
              "Merge or drop onsite stages, or move one competency's first rating to the screen."),
    "LK103": ("A stage too short for its questions and the candidate's questions.",
              "Lengthen the stage, drop a competency from it, or shorten `candidate_minutes`."),
    "LK104": ("No active question can fill a stage's block.",
              "Write or activate a question for the role, level and competency named, within the minutes shown."),
    "LK105": ("A role and level with no loop.", "Add loops/ROLE/LEVEL.yaml for it."),
    "LK106": ("A must-have competency that no stage of the loop assesses.",
              "Assess it in two stages, or remove it from `must_have`."),
    "LK110": ("A stage block that does not say which formats it accepts, so any question could land in it.",
              "Give the stage `formats:` (e.g. [implementation, code-review] for a coding stage), or give the "
              "block its own under `blocks:`; then check the stage's name says the same."),
    "LK111": ("A stage interviewer below the level of the candidate the loop is for.",
              "Staff the stage with an interviewer at or above the candidate's level and set "
              "`interviewer_level`; someone junior may shadow, but their scores do not count."),
    "LK112": ("A block pins a question (`blocks: {COMPETENCY: {question: ID}}`) that cannot be its primary: no "
              "such question, not active, not for the loop's role, level or the block's competency, longer "
              "than the block, of a format the block does not take, or already asked elsewhere in the loop.",
              "Follow the reason printed: fix the id, give the block its own `minutes`, widen its `formats`, "
              "or tag the question for the role, level or competency."),
    "LK113": ("A technical screen that is not the loop's one first stage of 45 to 60 minutes.",
              "Keep one stage with `phase: screen`, first in `stages`, lasting 45 to 60 minutes."),
    "LK114": ("A take-home that does not say its time box (`at_home_minutes`, at most 240), its `brief` or the "
              "onsite stage it `replaces`, replaces a stage that is not onsite, or leaves a competency rated in "
              "fewer than two stages for a candidate who takes it instead of that stage; or take-home fields on a "
              "stage that is not a take-home; or two take-homes.",
              "Give the one `phase: take-home` stage `at_home_minutes`, `brief` and `replaces: STAGE_ID` naming an "
              "onsite stage, and rate in it what only that stage rates twice."),
    "LK115": ("A hiring-manager stage that is not an onsite conversation: its blocks accept formats other than "
              "behavioural and discussion, or it is a screen or a take-home.",
              "Give it `formats: [behavioural, discussion]` and `phase: onsite` (the default), or drop "
              "`hiring_manager: true`."),
    "LK201": ("A rubric point made of adjectives with no observable behaviour.",
              "Say what the candidate said, did or asked, e.g. 'names two failure modes of chunking'."),
    "LK202": ("Two rubric points that say the same thing.", "Make each point describe different evidence."),
    "LK204": ("Wording that touches a protected characteristic (age, family, religion, nationality, health, ...).",
              "Ask about the job, not the person's life: rewrite the question, or waive it with a written reason."),
    "LK205": ("\"Culture fit\": a judgment that invites bias instead of evidence.",
              "Name the observable behaviour the team needs, such as how the candidate handles disagreement."),
    "LK206": ("A brain-teaser or riddle: they predict nothing about the job.",
              "Replace it with a piece of the real work: a design, a review, an incident."),
    "LK207": ("A question nobody has reviewed in over a year.",
              "Check it still reflects the job and the tools, then update `reviewed`."),
    "LK203": ("A stage block with fewer than two alternates, so questions cannot rotate between candidates.",
              "Write or activate more questions for the role, level and competency named."),
    "LK210": ("Two active questions that look like one: the same `family`, or near-identical titles or prompts; "
              "candidates who meet both learn nothing new.",
              "Retire one, write one anew, give both the same `family` so no stage holds the two, or waive "
              "the warning with the reason both stay."),
    "LK211": ("An active question that no block of any loop could take, with the reason: no loop asks for its "
              "role, level, competency or format, or it is longer than every block that could take it (or shorter "
              "than half of each).",
              "Add a block that asks for it, widen a block's formats, fit the question's minutes, or retire it."),
    "LK212": ("A stage longer than about 90 minutes: past that, interviewers' notes and candidates' focus fade.",
              "Split it into two stages, or keep it with a break and say so in the stage's name."),
    "LK213": ("An onsite longer than about four hours of interviews.",
              "Shorten or merge onsite stages, or move a rating to the screen or the take-home."),
    "LK214": ("A question that allows an AI assistant but whose rubric does not score how the candidate uses "
              "it: no rubric line names the assistant, AI, a copilot or generated code; or an `ai-assisted` "
              "question that does not allow the assistant it is built around.",
              "Add a rubric line, at the points where it separates answers, that says what the candidate does "
              "with the assistant (checks its output, tests what it wrote, corrects it); set `allowed: true` on "
              "an ai-assisted question."),
    "LK215": ("A partial override (`overrides: {digest: ...}`) of a question that has changed in its earlier "
              "layer (the shared bank, after an upgrade) since the override was written: the fields the override "
              "names may no longer fit what it inherits.",
              "Read what changed in the upstream question (the message names its file), adjust the fields your "
              "override names if they need it, then set `digest` to the new value the message prints."),
    "LK219": ("A take-home whose time box is stated two ways that disagree: its `brief`, or the first paragraph "
              "of an exercise placed in its blocks (\"At home: at most 4 hours\"), names a number of hours other "
              "than `at_home_minutes` / 60, so the candidate reads one limit on the prep page and another in the "
              "exercise.",
              "Make them agree: change the hours in the brief or the exercise, or the stage's `at_home_minutes`; "
              "an exercise placed in several take-homes must fit the time box of each."),
    "LK301": ("A score sheet names a packet the bank does not have.",
              "Copy `packet:` from the stage guide's address or the sheet's header: ROLE/LEVEL, or requisitions/ID."),
    "LK302": ("A score sheet scored on another edition of its packet than the bank holds: the rubrics and bars "
              "it was scored against may have changed since.",
              "Debrief in a checkout of the commit printed on the sheet's packet, or correct `edition:` if it "
              "was mistyped (the content digest printed on the packet's pages)."),
    "LK303": ("A score sheet names a stage its packet does not have.", "Use a stage id from the packet's loop."),
    "LK304": ("A score sheet rates a question, block or level line that its stage's sheet does not print: a "
              "question from another block or stage, or one not in the packet.",
              "Use the block's primary or the alternate swapped in, under the block's competency, and tick only "
              "the level lines printed for that question."),
    "LK305": ("A score that is not on the scale.", "Write 1, 2, 3 or 4, or no-evidence."),
    "LK306": ("A scored point without the evidence it rests on.",
              "Write what the candidate said or did under `evidence:`, or score no-evidence."),
    "LK307": ("Two sheets by one interviewer for one stage of one candidate.",
              "Keep the sheet that was submitted; correct the stage or interviewer of the other."),
    "LK308": ("A sheet that does not belong in its folder: another candidate's, or scored on another packet "
              "than the candidate's other sheets.",
              "Move it to its candidate's folder, or correct `candidate:` or `packet:`."),
    "LK309": ("A score sheet that was never sealed, or that changed after it was submitted: its content does not "
              "match the digest recorded at submission.",
              "Restore the submitted text; a resubmitted sheet gets a new `submitted:` time and a new seal "
              "(`loopkit seal FILE`)."),
    "LK310": ("A score sheet that does not rate each block of its stage exactly once.",
              "Give every block one rating; write `score: no-evidence` for a block that was not reached."),
    "LK401": ("A notice, not a warning: a question's bar for a level where no packet can take the question (no loop "
              "of its roles at that level has a block for its competency, its format and its minutes), so that bar "
              "is never printed on a score sheet. `loopkit validate` counts these; `--notices` lists them.",
              "Drop the level from `levels` and `bar` if the question is not meant for it, or add a block that "
              "takes it at that level (its own `minutes`, a wider `formats`); `loopkit explain ID` says why each "
              "packet leaves it out."),
    "LK402": ("A notice, not a warning: an active question in reserve. Blocks could take it, but in this edition "
              "they fill with questions ranked ahead (calibrated ones, or ones used less), so no packet prints it; "
              "another rotation (`--rotate`) or a retirement may bring it in.",
              "Nothing to fix. To use it now, pin it to a block (`blocks: {COMPETENCY: {question: ID}}`) in a loop "
              "or requisition, or give it worked answers so it ranks with the calibrated ones."),
}


@dataclass(frozen=True)
class Problem:
    """One located finding. `line` and `col` are 1-based; 0 means the whole file."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        assert self.code in CODES, f"undocumented problem code {self.code}"


class PositionTable(Protocol):
    """Line and column by key path. load.py fills it lazily, only when a problem asks."""

    def get(self, path: tuple, default: tuple[int, int] | None = None) -> tuple[int, int] | None: ...


@dataclass(frozen=True)
class Source:
    """Where a model came from: its file and the line and column of every key and item in it.

    A partial override is made of two files: `own` is what its file says, and every key path it does
    not name comes from `upstream`, the earlier layer's question, so a problem points into that file."""

    path: str
    positions: PositionTable = field(default_factory=dict, compare=False, repr=False)
    prefix: tuple = ()
    upstream: "Source | None" = field(default=None, compare=False, repr=False)
    own: object = field(default=None, compare=False, repr=False)

    def at(self, *keys: object) -> "Source":
        """The source of a part of this file, e.g. one role inside roles.yaml."""
        return Source(self.path, self.positions, self.prefix + keys)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every file the model is made from: its own, then its upstream's (a partial override)."""
        return (self.path, *(self.upstream.paths if self.upstream else ()))

    def origin(self, keys: tuple) -> "Source":
        """The source that holds `keys`: this file, unless a partial override inherits them."""
        if self.upstream is None or names(self.own, self.prefix + keys):
            return self
        return self.upstream.origin(keys)

    def where(self, *keys: object) -> tuple[int, int]:
        """Position of the deepest known node on the path `keys` (the file's top when none)."""
        keys = self.prefix + keys
        for end in range(len(keys), -1, -1):
            found = self.positions.get(tuple(keys[:end]))
            if found:
                return found
        return (1, 1)

    def problem(self, keys: tuple, code: str, message: str, severity: Severity = "error") -> Problem:
        source = self.origin(keys)
        line, col = source.where(*keys)
        return Problem(source.path, line, col, code, message, severity)


def names(data: object, keys: tuple) -> bool:
    """Whether a file's own data holds the value at `keys`: a mapping is merged key by key, anything else
    (a list, a text) replaces the upstream value whole, so everything inside it is the file's own."""
    for key in keys:
        if not isinstance(data, dict):
            return True
        if key not in data:
            return False
        data = data[key]
    return True


def display_path(path: Path, base: Path) -> str:
    """A path as a contributor would type it: relative to where they run loopkit, when it can be."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
