"""Typed models of the question bank: the single source of truth for what a bank file may hold.

Files are validated into these models; the JSON Schema, the docs and the site all derive from them.
References between files (a question naming a role, a loop naming a competency) are plain ids here
and are resolved by `validate`, because the vocabularies are themselves data.
"""
from __future__ import annotations

import datetime
from typing import Annotated, Literal, get_args

from pydantic import (BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, StringConstraints, Tag,
                      ValidationInfo, field_validator)
from pydantic_core import PydanticCustomError

from .problems import Source

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Evidence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=12)]
Score = Annotated[int, Field(ge=1, le=4)]

Kind = Literal["past-behaviour", "situational", "technical", "work-sample"]
Format = Literal["design", "code-review", "incident", "implementation", "behavioural", "discussion",
                 "ai-assisted", "take-home"]
Status = Literal["draft", "active", "retired", "leaked"]
Phase = Literal["screen", "onsite", "take-home"]
KINDS: tuple[str, ...] = get_args(Kind)
FORMATS: tuple[str, ...] = get_args(Format)
STATUSES: tuple[str, ...] = get_args(Status)


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a field name must not silently drop content."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _source: Source | None = PrivateAttr(default=None)

    @property
    def source(self) -> Source:
        assert self._source is not None, "models built by validate always carry their source"
        return self._source


OVERRIDES = "Replace the item with this id from an earlier bank layer (the shared bank, say)."


class Role(Strict):
    id: Id
    overrides: bool = Field(default=False, description=OVERRIDES)
    name: Text
    summary: Text
    ships: Text
    owns: Text
    success: Text
    fails_in_seat: Text
    sources: list[Text] = []


class Level(Strict):
    id: Id
    overrides: bool = Field(default=False, description=OVERRIDES)
    name: Text
    summary: Text
    ladder: list[Text] = Field(default=[], description="Examples of what other companies' ladders call this "
                               "level (\"Google L4\", \"IC2\"), shown beside its name; an example, not a mapping.")
    sources: list[Text] = []


class Competency(Strict):
    id: Id
    overrides: bool = Field(default=False, description=OVERRIDES)
    name: Text
    summary: Text
    levels: dict[Id, Text]
    sources: list[Text] = []


class RolesFile(Strict):
    roles: list[Role] = Field(min_length=1)


class LevelsFile(Strict):
    levels: list[Level] = Field(min_length=1)


class CompetenciesFile(Strict):
    competencies: list[Competency] = Field(min_length=1)


class BlockIntent(Strict):
    """What one competency's block of a stage accepts, where it differs from the stage as a whole."""

    formats: list[Format] = Field(default=[], description="Formats this block accepts, instead of the stage's.")
    kinds: list[Kind] = Field(default=[], description="Kinds this block accepts, instead of the stage's (none: any).")
    minutes: int | None = Field(default=None, ge=10, le=120, description="This block's own minutes, for a round "
                                "longer or shorter than an equal share; the stage's other blocks share the rest.")
    assistant: bool = Field(default=False, description="The block takes only questions that allow an AI "
                            "assistant (and score its use): the coding block of an AI-assisted stage, where "
                            "`implementation` questions stand in for `ai-assisted` ones.")
    question: Id | None = Field(default=None, description="The id of a question to ask in this block as its primary "
                                "(an active question of the loop's role, level and this competency that fits "
                                "the block); its alternates are still chosen by the planner.")
    rates: list[Id] = Field(default=[], description="Other competencies of the stage that this block's one "
                            "question rates too (a long design round rating two competencies, say): they get no "
                            "block of their own, the block's questions list them all in `competencies`, and the "
                            "score sheet has a row for each.")


class Stage(Strict):
    id: Id
    name: Text = Field(description="What the stage is; it must agree with the formats its blocks accept.")
    minutes: int = Field(ge=10, le=180)
    interviewer: Text = Field(description="Who runs the stage, as a hiring manager would staff it.")
    interviewer_level: Id = Field(description="The interviewer's level, an id from vocabulary/levels.yaml: "
                                              "at or above the candidate's. Shadows are not counted here.")
    competencies: list[Id] = Field(min_length=1, max_length=4)
    formats: list[Format] = Field(default=[], description="The formats every block of the stage accepts: a "
                                  "coding block in a `design` stage gets a design question, never a story.")
    kinds: list[Kind] = Field(default=[], description="The kinds every block accepts (none: any kind).")
    blocks: dict[Id, BlockIntent] = Field(default={}, description="Per competency id, formats or kinds that "
                                          "replace the stage's for that competency's block.")
    phase: Phase = Field(default="onsite", description="When the stage happens: `screen` (the 45-60 minute "
                         "technical screen before the onsite, with its own pass rule), `onsite`, or `take-home` "
                         "(work done at home, then this stage: a session where the candidate walks through it).")
    hiring_manager: bool = Field(default=False, description="The stage is run by the hiring manager: behavioural "
                                 "or discussion questions on judgment, leadership or customer work.")
    at_home_minutes: int | None = Field(default=None, ge=30, le=240, description="Take-home only: the time box "
                                        "for the work at home, stated to the candidate; at most 4 hours.")
    brief: Text | None = Field(default=None, description="Take-home only: what the candidate is asked to do and "
                               "hand in, printed on the candidate pages (no question text, no rubric).")
    replaces: Id | None = Field(default=None, description="Take-home only: the id of the onsite stage it "
                                "replaces; that stage is the live alternative for candidates who ask for one.")

    @property
    def block_competencies(self) -> list[str]:
        """The competencies that have a block of their own: all of them but those another block `rates`."""
        rated = {other for name, intent in self.blocks.items() if name in self.competencies for other in intent.rates}
        return [name for name in self.competencies if name not in rated]

    def rated_in(self, competency: str) -> list[str]:
        """The competencies the block of `competency` rates: its own, then those it `rates` too."""
        own = self.blocks.get(competency)
        return [competency, *(own.rates if own else ())]

    def minutes_for(self, competency: str, candidate_minutes: int) -> int:
        """A block's minutes: its own where the stage gives them, else an equal share of what the stage
        leaves after the candidate's questions and the blocks with minutes of their own."""
        blocks = self.block_competencies
        own = {name: intent.minutes for name, intent in self.blocks.items() if intent.minutes and name in blocks}
        if competency in own:
            return own[competency]
        shared = [name for name in blocks if name not in own]
        return (self.minutes - candidate_minutes - sum(own.values())) // max(len(shared), 1)

    def assisted(self, competency: str) -> bool:
        """Whether the block of `competency` takes only questions that allow an AI assistant."""
        own = self.blocks.get(competency)
        return bool(own and own.assistant)

    def accepts(self, competency: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The formats and kinds the block of `competency` takes: its own where it names them, else the stage's."""
        own = self.blocks.get(competency)
        formats = own.formats if own and own.formats else self.formats
        kinds = own.kinds if own and own.kinds else self.kinds
        return tuple(formats), tuple(kinds)


class Loop(Strict):
    overrides: bool = Field(default=False, description=OVERRIDES)
    role: Id
    level: Id
    candidate_minutes: int = Field(default=5, ge=0, le=30)
    must_have: list[Id] = []
    stages: list[Stage] = Field(min_length=1)


class Requisition(Strict):
    """A loop for one opening: a role and level's loop with stages added, removed, replaced or re-timed."""

    id: Id = Field(description="The requisition's id; the file is loops/requisitions/ID.yaml.")
    title: Text = Field(description="The opening, as a hiring manager names it.")
    role: Id
    level: Id
    remove_stages: list[Id] = Field(default=[], description="Ids of the base loop's stages to drop.")
    replace_stages: list[Stage] = Field(default=[], description="Stages that take the place of the base loop's "
                                        "stage with the same id: new competencies, formats, blocks or minutes.")
    add_stages: list[Stage] = Field(default=[], description="Stages to add after the base loop's stages.")
    minutes: dict[Id, int] = Field(default={}, description="New minutes for stages of the base loop, by stage id.")
    must_have: list[Id] | None = Field(default=None, description="Replaces the base loop's must-have competencies.")
    rotate: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)] | None = Field(
        default=None, description="A seed for this opening's own, equally valid selection of questions; change it "
                                  "to rotate questions without editing the loop.")


class StatusChange(Strict):
    id: Id = Field(description="The id of a question from any bank layer.")
    status: Status
    reason: Text


class StatusFile(Strict):
    """status.yaml in a bank layer: retire or mark leaked a question from an earlier layer, by id."""

    changes: list[StatusChange] = Field(min_length=1)


class AiUse(Strict):
    allowed: bool
    observe: Text


BAR_POINTS = (2, 3)  # where a level's bar may sit: a point below it and a point above it exist at every level


class LevelBar(Strict):
    meets: Score = Field(description="The rubric point that meets the bar at this level: 2 or 3, never 1 or 4.")
    separates: Text = Field(description="What this level's answer adds, as a behaviour an interviewer can observe; "
                                        "the score sheet prints it as a line to tick.")


class WorkedAnswer(Strict):
    score: Score
    answer: Text
    why: Text


class Waiver(Strict):
    """A written reason to keep a question that a warning flags; the warning is then not printed."""

    code: Annotated[str, StringConstraints(pattern=r"^LK2\d\d$")]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20)]


MAX_PROBES = 8  # follow-ups a question may list: enough for a long design round, few enough to use them all


class Probe(Strict):
    """A follow-up with what to listen for, for material that carries both; a plain line is a probe too."""

    ask: Text = Field(description="The follow-up, as the interviewer asks it.")
    listen_for: Text | None = Field(default=None, description="What a strong answer to it says or does.")


class Part(Strict):
    """One part of a multi-part question, with its own timebox."""

    prompt: Text = Field(description="Markdown the interviewer reads out or hands over for this part.")
    minutes: int = Field(ge=1, le=90, description="This part's minutes; the parts add up to at most the question's.")
    listen_for: list[Text] = Field(default=[], description="What a strong answer to this part says or does.")


def _shape(value: object) -> str:
    """Which member of a union below a value is meant to be, from its type, so an error speaks of that one."""
    if isinstance(value, bool):
        return YES_NO
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, (list, tuple)):
        return LIST
    return TEXT if isinstance(value, str) else ASK


# How pydantic names the members of the unions below in an error's location; `validate` leaves them
# out, so the location is the file's own keys.
WHOLE, PARTIAL, TEXT, ASK, YES_NO, NUMBER, LIST = ("<whole copy>", "<partial override>", "<text>", "<ask>",
                                                   "<yes or no>", "<number>", "<list>")
UNION_TAGS = frozenset({WHOLE, PARTIAL, TEXT, ASK, YES_NO, NUMBER, LIST})

ProbeLine = Annotated[Annotated[Text, Tag(TEXT)] | Annotated[Probe, Tag(ASK)],
                      Discriminator(lambda value: TEXT if isinstance(value, str) else ASK)]
# A team's own labels: a name, and a text, a number, yes/no or a list of texts.
MetadataKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
MetadataValue = Annotated[
    Annotated[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)], Tag(TEXT)]
    | Annotated[bool, Tag(YES_NO)] | Annotated[int | float, Tag(NUMBER)]
    | Annotated[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]], Tag(LIST)],
    Discriminator(lambda value: TEXT if _shape(value) == ASK else _shape(value))]


class Review(Strict):
    """One review of a question: who checked it, when, what they checked and what it changed."""

    by: Text = Field(description="Who reviewed it, as a name or a role (\"senior AI hiring manager\").")
    date: datetime.date = Field(description="The day of the review (YYYY-MM-DD). The key is `date`, not `on`: "
                                "YAML reads an unquoted `on` as true.")
    checked: Text = Field(description="What was checked, concretely: \"arithmetic recomputed; planted defect run; "
                          "rubric anchors observable\".")
    changes: Text = Field(default="none", description="What the review changed in the question, or `none`.")


def described(text: str, **schema: object) -> dict:
    """Field arguments: a description editors show on hover, and any extra JSON Schema keywords."""
    return {"description": text, **({"json_schema_extra": schema} if schema else {})}


class Upstream(Strict):
    """A partial override's record of the question it changes, so a later upstream change is noticed."""

    digest: Annotated[str, StringConstraints(pattern=r"^sha256-[0-9a-f]{16}$")] = Field(description=(
        "The content digest of the earlier layer's question when this override was written (`loopkit new "
        "question --override ID` writes it); `loopkit validate` warns (LK215) once that question changes."))


def _partial_overrides(schema: dict) -> None:
    """In editors, a partial override needs only its id and `overrides`; any other question every field."""
    required = schema.pop("required")
    schema["if"] = {"properties": {"overrides": {"type": "object"}}, "required": ["overrides"]}
    schema["then"] = {"required": ["id", "overrides"]}
    schema["else"] = {"required": required}


class Question(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_partial_overrides)

    id: Id = Field(**described("Stable id, kebab-case, never reused; the file is questions/COMPETENCY/ID.yaml."))
    overrides: Annotated[Annotated[bool, Tag(WHOLE)] | Annotated[Upstream, Tag(PARTIAL)],
                         Discriminator(lambda value: PARTIAL if isinstance(value, (dict, Upstream)) else WHOLE)] = Field(
        default=False, description=(
        "`true`: this file replaces the earlier layer's question with this id whole. A mapping "
        "`{digest: ...}`: a partial override, which names only the fields it changes; the rest, and every "
        "key a mapping such as `bar` or `rubric` does not name, come from the earlier layer's question."))
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=120)] = Field(
        **described("What interviewers see in lists and score sheets."))
    status: Status = Field(**described("Only active questions go into packets; leaked ones are swapped out."))
    kind: Kind = Field(**described("What the question samples: past behaviour, a situation, knowledge or work."))
    format: Format = Field(**described("The shape of the exercise; a stage takes only the formats it declares."))
    family: Id | None = Field(default=None, **described(
        "The scenario family, for questions that share a scenario (two fraud-model incidents, say); "
        "no stage holds two questions of one family."))
    topics: list[Id] = Field(default=[], max_length=4, **described(
        "Subjects inside the competencies (reasoning-models, multimodal, ...), free kebab-case words that "
        "let a reader find and count the questions on one subject."))
    roles: list[Id] = Field(min_length=1, **described("Role ids from vocabulary/roles.yaml."))
    levels: list[Id] = Field(min_length=1, **described("Level ids from vocabulary/levels.yaml; each needs a `bar` entry."))
    competencies: list[Id] = Field(min_length=1, max_length=3,
                                   **described("Competency ids; the first is the one the question is made for."))
    minutes: int = Field(ge=5, le=90, **described("Timebox, including probes."))
    prompt: Text = Field(**described("Markdown the interviewer reads out or hands over."))
    material: str | None = Field(default=None, **described("Markdown handed to the candidate: code, logs, data."))
    interviewer_notes: str | None = Field(default=None, **described("Interviewer-only Markdown, e.g. planted defects."))
    parts: list[Part] = Field(default=[], **described(
        "For a multi-part question: each part's prompt, minutes and what to listen for, in the order asked."))
    probes: list[ProbeLine] = Field(min_length=2, max_length=MAX_PROBES, **described(
        "Follow-ups; interviewers use only these. A line each, or `ask:` with `listen_for:`."))
    green_flags: list[Text] = Field(min_length=2)
    red_flags: list[Text] = Field(min_length=2)
    rubric: dict[Score, Annotated[list[Evidence], Field(min_length=2)]] = Field(**described(
        "Points 1 (lowest) to 4, each with at least two things the candidate said, did or asked.",
        propertyNames={"enum": ["1", "2", "3", "4"]}, minProperties=4))
    bar: dict[Id, LevelBar] = Field(**described("For each level in `levels`: the point that meets the bar, and "
                                                "what separates that level's answer."))
    ai_use: AiUse = Field(**described("May the candidate use an AI assistant, and what is observed if so."))
    calibration: list[WorkedAnswer] = Field(default=[], **described("Worked answers scoring 1, 2, 3 and 4, or none."))
    model_answer: str | None = Field(default=None, **described(
        "Markdown: one strong answer, shown to interviewers as an example of what the question can draw out; "
        "unlike `calibration`, it is not scored at every point."))
    metadata: dict[MetadataKey, MetadataValue] = Field(default={}, **described(
        "The team's own labels (difficulty, tags, a framework code, ...): shown to interviewers on the "
        "question's page and carried into `loopkit export`; loopkit itself reads none of them."))
    sources: list[Text] = Field(default=[], **described("Reference articles a fact or figure comes from."))
    waivers: list[Waiver] = Field(default=[], **described("Warnings this question keeps, each with a reason."))
    author: Text
    reviews: list[Review] = Field(default=[], **described(
        "The reviews the question has had, oldest first: who, when, what was checked and what changed. "
        "A pull request's reviewer adds an entry; `reviewed` is then that entry's date or later."))
    reviewed: datetime.date = Field(**described("When someone last checked the question still works (YYYY-MM-DD); "
                                                "never earlier than the latest entry in `reviews`."))

    @field_validator("rubric")
    @classmethod
    def _four_points(cls, rubric: dict[int, list[str]]) -> dict[int, list[str]]:
        if sorted(rubric) != [1, 2, 3, 4]:
            found = ", ".join(map(str, sorted(rubric))) or "none"
            raise PydanticCustomError(
                "rubric_points", "rubric needs exactly the points 1, 2, 3 and 4; found {found}", {"found": found}
            )
        return rubric

    @field_validator("reviewed")
    @classmethod
    def _not_before_reviews(cls, reviewed: datetime.date, info: ValidationInfo) -> datetime.date:
        latest = max((r.date for r in info.data.get("reviews") or []), default=None)
        if latest is not None and reviewed < latest:
            raise PydanticCustomError(
                "reviewed_before_review", "{reviewed} is earlier than the latest review in `reviews` ({latest}); "
                "set `reviewed` to {latest} or later", {"reviewed": reviewed.isoformat(), "latest": latest.isoformat()})
        return reviewed

    @property
    def latest_review(self) -> Review | None:
        """The most recent entry of `reviews` (the last of the latest day), if any."""
        return max(reversed(self.reviews), key=lambda r: r.date, default=None) if self.reviews else None

    _layer: int = PrivateAttr(default=0)

    @property
    def follow_ups(self) -> tuple[Probe, ...]:
        """Every probe as a Probe, a plain line with nothing to listen for: what pages print."""
        return tuple(Probe(ask=probe) if isinstance(probe, str) else probe for probe in self.probes)

    @property
    def primary_competency(self) -> str:
        return self.competencies[0]

    @property
    def layer(self) -> int:
        """Which bank layer the question comes from: 0 for the first (shared) bank, then 1, 2, ..."""
        return self._layer


# What `loopkit new question` writes for the contributor to replace. The validator refuses an active
# question that still holds any of it (LK022), so a placeholder never reaches a packet.
PLACEHOLDERS = {
    "prompt": "Write what the interviewer reads out or hands over, with the numbers that make it real.",
    "interviewer_notes": "Write what only the interviewer should know (what a strong answer covers, planted "
                         "defects, where candidates stall); delete this field if there is nothing.",
    "probe": ("Write a follow-up that digs into the candidate's first answer.",
              "Write a follow-up that tests the hardest part of the problem."),
    "green_flags": ("Write something a strong candidate says or does.",
                    "Write another observable sign of a strong answer."),
    "red_flags": ("Write something that shows the candidate cannot do the job.",
                  "Write another observable sign of a weak answer."),
    "rubric": {1: ("Write what a candidate who is clearly below the bar says or does.",
                   "Write a second observable sign at this point."),
               2: ("Write what a candidate with some but not enough of the skill says or does.",
                   "Write a second observable sign at the second point."),
               3: ("Write what a candidate who meets the bar says or does.",
                   "Write a second observable sign at the third point."),
               4: ("Write what a candidate well above the bar says or does.",
                   "Write a second observable sign at the fourth point.")},
    "separates": "Write what separates a {level} answer to this question.",
    "ai_use": "Say whether an AI assistant may be used, and what you watch if so.",
}

