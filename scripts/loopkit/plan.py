"""Plan packets: choose the questions for every stage of every role x level loop, and check the loop.

A stage splits its minutes, less the candidate's own questions, equally among the competencies it
assesses; each competency gets a block with one primary question and up to three alternates. A block
may have minutes of its own, and may rate other competencies of the stage with its one question
(`rates`): those get no block, only a row of their own on the score sheet.

A block takes only questions it can use: for the loop's role and level, of this competency, in a format
(and kind) the stage declares, within the block's minutes and at least half of them. Among those the planner ranks by fit, then
spread: questions made for this competency first, a team's own before the shared ones, calibrated ones
(with worked answers) next, then the ones used least so far across every packet, and last a stable
order seeded by `rotate` (the sha256 of the seed and the id), never the id itself. No stage holds two
questions of one family, and a loop's primaries avoid repeating a family. The choice is deterministic:
the same bank and seed always give the same packets; another seed gives another valid selection.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import product

from .model import Competency, Level, Loop, Question, Requisition, Role, Stage
from .problems import Problem
from .validate import Bank

ALTERNATES = 3
MIN_ALTERNATES = 2
MAX_ONSITE_STAGES = 4  # scored onsite stages; the screen and the take-home review are not counted
ONSITE_MINUTES = 240  # about four hours of onsite interviews; more is a warning
MIN_BLOCK_MINUTES = 10
LONG_STAGE = 90  # minutes: a longer stage is a warning
HOUR_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
STATED_HOURS = re.compile(rf"\b(\d+(?:\.\d+)?|{'|'.join(HOUR_WORDS)})(\s+and\s+a\s+half)?[\s*-]*(?:hours?|hrs?|h)\b",
                          re.IGNORECASE)
MAX_STATED_HOURS = 8  # a longer span in a brief (a GPU for 48 hours, a reply within 24) is not its time box


@dataclass(frozen=True)
class Block:
    competency: Competency
    minutes: int
    primary: Question
    alternates: tuple[Question, ...]
    why: str = ""  # why the primary was chosen, for the export and anyone checking the planner
    rates: tuple[Competency, ...] = ()  # other competencies its one question rates too
    shared: bool = False  # a score-sheet row of a block whose question rates several competencies

    @property
    def rated(self) -> tuple[Competency, ...]:
        return (self.competency, *self.rates)


@dataclass(frozen=True)
class StagePlan:
    stage: Stage
    blocks: tuple[Block, ...]
    candidate_minutes: int
    interviewer_level: Level | None = None  # the level the stage's interviewer is at, from the vocabulary

    @property
    def rows(self) -> tuple[Block, ...]:
        """One score-sheet row per competency rated: a block that rates several gives a row for each,
        with the same question and bar."""
        return tuple(dataclasses.replace(block, competency=c, rates=(), shared=bool(block.rates))
                     for block in self.blocks for c in block.rated)

    @property
    def question_ids(self) -> list[str]:
        """Primaries in block order, then alternates: the order the export promises."""
        primaries = [block.primary.id for block in self.blocks]
        alternates = [q.id for block in self.blocks for q in block.alternates if q.id not in primaries]
        return primaries + list(dict.fromkeys(alternates))


@dataclass(frozen=True)
class Packet:
    role: Role
    level: Level
    loop: Loop
    stages: tuple[StagePlan, ...]
    competencies: tuple[Competency, ...]
    requisition: Requisition | None = None

    @property
    def slug(self) -> str:
        return f"requisitions/{self.requisition.id}" if self.requisition else f"{self.role.id}/{self.level.id}"

    @property
    def title(self) -> str:
        return self.requisition.title if self.requisition else f"{self.role.name} · {self.level.name}"

    @property
    def must_have(self) -> tuple[Competency, ...]:
        return tuple(c for c in self.competencies if c.id in self.loop.must_have)

    @property
    def sources(self) -> set[str]:
        """Every file this packet is made from: vocabularies, its loop and its questions."""
        questions = [q for s in self.stages for b in s.blocks for q in (b.primary, *b.alternates)]
        parts = [self.role, self.level, self.loop, *self.competencies, *questions,
                 *([self.requisition] if self.requisition else [])]
        return {path for part in parts for path in part.source.paths}

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.stages for b in s.blocks for q in (b.primary, *b.alternates)]

    def stages_assessing(self, competency: Competency) -> list[StagePlan]:
        return [plan for plan in self.stages if competency.id in plan.stage.competencies]

    def phase(self, name: str) -> list[StagePlan]:
        """The stages of one phase (screen, onsite, take-home), in loop order."""
        return [plan for plan in self.stages if plan.stage.phase == name]

    @property
    def screened(self) -> tuple[Competency, ...]:
        """The competencies the screen rates, which the onsite rates again (and says so)."""
        return tuple({b.competency.id: b.competency for plan in self.phase("screen") for b in plan.blocks}.values())

    @property
    def take_home(self) -> StagePlan | None:
        return next(iter(self.phase("take-home")), None)

    @property
    def replaced(self) -> StagePlan | None:
        """The onsite stage the take-home replaces: the live alternative for candidates who ask for one."""
        home = self.take_home
        return next((plan for plan in self.stages if home and plan.stage.id == home.stage.replaces), None)

    def path(self, take_home: bool = False) -> list[StagePlan]:
        """The stages one candidate goes through: the screen and the onsite, with the take-home in place of
        the stage it replaces when the candidate chose it."""
        swap = {self.replaced.stage.id: self.take_home} if take_home and self.replaced else {}
        return [swap.get(plan.stage.id, plan) for plan in self.stages if plan.stage.phase != "take-home"]


Index = dict[tuple[str, str, str], list[Question]]


def tiebreak(seed: str, question: Question) -> str:
    """The last word between equally good questions: stable for a seed, unrelated to the alphabet."""
    return seeded(seed, question.id)


@functools.lru_cache(maxsize=1 << 16)
def seeded(seed: str, question_id: str) -> str:
    return hashlib.sha256(f"{seed}\0{question_id}".encode()).hexdigest()


@dataclass
class Spread:
    """How often each question has been chosen so far, across every packet planned."""

    primary: Counter = dataclasses.field(default_factory=Counter)
    placed: Counter = dataclasses.field(default_factory=Counter)

    def count(self, packet: "Packet") -> None:
        for stage in packet.stages:
            for block in stage.blocks:
                self.primary[block.primary.id] += 1
        for question_id in {q.id for q in packet.questions}:
            self.placed[question_id] += 1


def plan(bank: Bank, rotate: str | None = None, layer: int = 0) -> tuple[list[Packet], list[Problem]]:
    """Every loop's packet, then every requisition's; `rotate` seeds the order of equally good questions.
    Only the questions of bank layer `layer` (the top one: a team's own, in a kit) are checked for reach."""
    packets: list[Packet] = []
    problems: list[Problem] = []
    pool: Index = defaultdict(list)  # (role, level, competency) -> active questions, built once
    for question in bank.questions.values():
        if question.status == "active":
            for key in product(question.roles, question.levels, question.competencies):
                pool[key].append(question)
    spread = Spread()
    seed = rotate or ""
    loops: list[Loop] = []
    for role in bank.roles.values():
        for level in bank.levels.values():
            loop = bank.loops.get((role.id, level.id))
            if loop is None:
                problems.append(Problem(f"{bank.root}/loops/{role.id}/{level.id}.yaml", 0, 0, "LK105",
                                        f"no loop for {role.id} at level {level.id}; every role and level needs one"))
                continue
            found = check_loop(loop, bank)
            packet = plan_loop(loop, role, level, bank, pool, found, seed, spread)
            problems += found
            loops.append(loop)
            if packet is not None:
                packets.append(packet)
    for requisition, loop in bank.requisitions.values():
        found = check_loop(loop, bank)
        own = f"{seed}\0{requisition.rotate}" if requisition.rotate else seed
        packet = plan_loop(loop, bank.roles[loop.role], bank.levels[loop.level], bank, pool, found, own, spread)
        problems += found
        loops.append(loop)
        if packet is not None:
            packets.append(dataclasses.replace(packet, requisition=requisition))
    problems += placed_time_boxes(packets)
    if len(packets) == len(loops):
        problems += reach(bank, loops, packets, layer)
    return packets, problems


def check_loop(loop: Loop, bank: Bank) -> list[Problem]:
    problems = []
    onsite = [stage for stage in loop.stages if stage.phase == "onsite"]
    if len(onsite) > MAX_ONSITE_STAGES:
        problems.append(loop.source.problem(("stages",), "LK102",
                        f"{len(onsite)} scored onsite stages; at most {MAX_ONSITE_STAGES} are allowed (the screen "
                        "and the take-home review are not counted)"))
    if sum(stage.minutes for stage in onsite) > ONSITE_MINUTES:
        problems.append(loop.source.problem(("stages",), "LK213",
                        f"the onsite stages last {sum(stage.minutes for stage in onsite)} minutes; keep the onsite "
                        f"to about {ONSITE_MINUTES // 60} hours of interviews", "warning"))
    # A take-home stands in for the stage it replaces, so it never adds a second rating of its own.
    assessed: dict[str, int] = {}
    for stage in loop.stages:
        for name in stage.competencies if stage.phase != "take-home" else ():
            assessed[name] = assessed.get(name, 0) + 1
    for index, stage in enumerate(loop.stages):
        for c, name in enumerate(stage.competencies if stage.phase != "take-home" else ()):
            if assessed.get(name) == 1:
                problems.append(loop.source.problem(("stages", index, "competencies", c), "LK101",
                                f"competency {name!r} is assessed only in stage {stage.id!r}; it needs at least two stages"))
        budget = min(block_minutes(stage, loop, name) for name in stage.block_competencies)
        if budget < MIN_BLOCK_MINUTES:
            problems.append(loop.source.problem(("stages", index, "minutes"), "LK103",
                            f"stage {stage.id!r} leaves {budget} minutes for a block after {loop.candidate_minutes} "
                            f"minutes of candidate questions and the blocks' own minutes; each block needs at least "
                            f"{MIN_BLOCK_MINUTES}"))
        if stage.minutes > LONG_STAGE:
            problems.append(loop.source.problem(("stages", index, "minutes"), "LK212",
                            f"stage {stage.id!r} lasts {stage.minutes} minutes; past about {LONG_STAGE} an "
                            "interviewer's notes and a candidate's focus both fade: split it, or give it a break",
                            "warning"))
        if stage.phase == "take-home" and stage.brief and stage.at_home_minutes:
            for said, hours in stated_hours(stage.brief):
                if hours * 60 != stage.at_home_minutes:
                    problems.append(loop.source.problem(("stages", index, "brief"), "LK219", (
                        f"the brief of take-home stage {stage.id!r} says {said!r}, but the stage's time box is "
                        f"at_home_minutes: {stage.at_home_minutes}, which is {stage.at_home_minutes / 60:g} hours; "
                        f"say {stage.at_home_minutes / 60:g} hours in the brief, or change at_home_minutes"), "warning"))
    for index, name in enumerate(loop.must_have):
        if name in bank.competencies and name not in assessed:
            problems.append(loop.source.problem(("must_have", index), "LK106",
                            f"must-have competency {name!r} is not assessed by any stage of this loop"))
    return problems


def stated_hours(text: str) -> list[tuple[str, float]]:
    """The numbers of hours a text states as a time box ("4 hours", "three hours", "3 h", "2.5-hour"),
    each with the words that say it; spans longer than a take-home could be are left out."""
    found = []
    for match in STATED_HOURS.finditer(text):
        number = match.group(1).lower()
        hours = float(HOUR_WORDS.get(number, 0) or number) + (0.5 if match.group(2) else 0)
        if 0 < hours <= MAX_STATED_HOURS:
            found.append((" ".join(match.group(0).replace("*", " ").split()), hours))
    return found


def placed_time_boxes(packets: list[Packet]) -> list[Problem]:
    """LK219 for the take-home exercises a packet places: the candidate reads the exercise's own time box
    (its prompt's first paragraph, "At home: at most 3 hours") as well as the stage's, so the two must
    agree. Reported at the stage's `at_home_minutes`, once per loop and exercise."""
    problems, seen = [], set()
    for packet in packets:
        home = packet.take_home
        if home is None or not home.stage.at_home_minutes:
            continue
        minutes = home.stage.at_home_minutes
        index = next(i for i, stage in enumerate(packet.loop.stages) if stage.id == home.stage.id)
        for block in home.blocks:
            for question in (block.primary, *block.alternates):
                if question.format != "take-home" or (packet.loop.source.path, question.id) in seen:
                    continue
                first = question.prompt.split("\n\n")[0]
                wrong = [said for said, hours in stated_hours(first) if hours * 60 != minutes]
                if wrong:
                    seen.add((packet.loop.source.path, question.id))
                    prompt = question.source.origin(("prompt",))  # a partial override may inherit the prompt
                    problems.append(packet.loop.source.problem(("stages", index, "at_home_minutes"), "LK219", (
                        f"take-home stage {home.stage.id!r} gives {minutes} minutes at home ({minutes / 60:g} hours), "
                        f"but {question.id!r}, placed in its {block.competency.id} block, tells the candidate "
                        f"{wrong[0]!r} ({prompt.path}:{prompt.where('prompt')[0]}); make the exercise's time box "
                        "and at_home_minutes agree"),
                        "warning"))
    return problems


def block_minutes(stage: Stage, loop: Loop, competency: str) -> int:
    return stage.minutes_for(competency, loop.candidate_minutes)


def unfit(question_id: str, bank: Bank, loop: Loop, stage: Stage, competency: str, used: set[str]) -> str:
    """Why a pinned question cannot fill its block, in the words a loop author needs."""
    question = bank.questions.get(question_id)
    if question is None:
        return "no bank layer has a question with that id"
    if question.status != "active":
        return f"it is {question.status}"
    for field, value in (("roles", loop.role), ("levels", loop.level),
                         *(("competencies", name) for name in stage.rated_in(competency))):
        if value not in getattr(question, field):
            return f"its {field} ({', '.join(getattr(question, field))}) do not include {value}"
    if not fits_minutes(question, block_minutes(stage, loop, competency)):
        return (f"it takes {question.minutes} minutes and the block has {block_minutes(stage, loop, competency)} "
                "(a block takes questions of at least half its minutes); give the block its own `minutes`")
    if not takes(stage, competency, question):
        formats, kinds = stage.accepts(competency)
        if question.format in formats and (not kinds or question.kind in kinds):
            return "the block takes only questions that allow an AI assistant, and it does not"
        return f"the block takes {' or '.join(formats or kinds)}, and it is {question.format} ({question.kind})"
    if question.id in used:
        return "it is already the primary of another block of this loop"
    return "another question of its family is already in this stage"


def takes(stage: Stage, competency: str, question: Question) -> bool:
    """Whether the block of `competency` accepts the question's format and kind (an empty list: any), and
    its assistant policy where the block asks for one."""
    formats, kinds = stage.accepts(competency)
    return ((not formats or question.format in formats) and (not kinds or question.kind in kinds)
            and (question.ai_use.allowed or not stage.assisted(competency)))


def fits_minutes(question: Question, budget: int) -> bool:
    """Within the block's minutes, and at least half of them: a 20-minute design in a 50-minute round
    leaves the interviewer half a round with nothing planned, so a deep round gets a deep question."""
    return question.minutes <= budget and question.minutes * 2 >= budget


def eligible(pool: Index, loop: Loop, stage: Stage, competency: str) -> list[Question]:
    """Active questions the block can use: this role, level and competency (and every other competency
    the block rates), a format and kind the block accepts, within its minutes and at least half of them. In
    pool order; `ranked` orders them."""
    budget = block_minutes(stage, loop, competency)
    others = stage.rated_in(competency)[1:]
    return [q for q in pool.get((loop.role, loop.level, competency), ())
            if fits_minutes(q, budget) and takes(stage, competency, q) and all(c in q.competencies for c in others)]


CALIBRATION_CREDIT = 1  # a question with worked answers ranks as if chosen this many times fewer


def ranked(questions: list[Question], competency: str, used: Counter, seed: str,
           repeats: frozenset[str] = frozenset()) -> list[Question]:
    """Fit, then spread: made for this competency, a later bank layer (a team's own), not of a family
    already asked in this loop, then the fewest uses so far (`used`) less a credit for calibration, then
    the seeded order.

    Calibration is a credit rather than a rank of its own: ranked strictly ahead of spread, the bank's
    49 calibrated questions took 100 of 174 primary slots and only 74 distinct questions were primary
    anywhere. With the credit a calibrated question still wins every tie and one use more."""
    return sorted(questions, key=lambda q: rank_key(q, competency, used, seed, repeats))


def rank_key(question: Question, competency: str, used: Counter, seed: str,
             repeats: frozenset[str] = frozenset()) -> tuple:
    """What `ranked` sorts by; the last item is the seeded tie-break, everything before it is merit."""
    return (question.primary_competency != competency, -question.layer, question.family in repeats,
            used[question.id] - (CALIBRATION_CREDIT if question.calibration else 0), tiebreak(seed, question))


def plan_loop(loop: Loop, role: Role, level: Level, bank: Bank, pool: Index, problems: list[Problem],
              seed: str = "", spread: Spread | None = None) -> Packet | None:
    """Primaries first across the whole loop (no question is primary twice), then alternates that share
    their primary's bar; a stage never holds two questions of one family (one question may be an
    alternate in two of its blocks)."""
    spread = spread or Spread()
    known = [(i, s) for i, s in enumerate(loop.stages) if all(c in bank.competencies for c in s.competencies)]
    if len(known) < len(loop.stages):
        return None
    primaries: dict[tuple[int, str], Question] = {}
    reasons: dict[tuple[int, str], str] = {}
    used: set[str] = set()
    asked: set[str] = set()  # families of the loop's primaries
    families: dict[int, set[str]] = defaultdict(set)  # stage index -> families of its primaries
    # The blocks with the fewest questions to choose from choose first, so a block with many never takes
    # the only question of a block with few.
    blocks = sorted(((index, stage, c, name) for index, stage in known for c, name in enumerate(stage.competencies)
                     if name in stage.block_competencies),
                    key=lambda block: (len(eligible(pool, loop, block[1], block[3])), block[0], block[2]))
    for index, stage, c, name in blocks:
        fits = [q for q in eligible(pool, loop, stage, name)
                if q.id not in used and (q.family is None or q.family not in families[index])]
        pinned = stage.blocks[name].question if name in stage.blocks else None
        if pinned is not None:
            choice = next((q for q in fits if q.id == pinned), None)
            if choice is None:
                problems.append(loop.source.problem(("stages", index, "blocks", name, "question"), "LK112",
                                f"question {pinned!r} cannot be the primary of the {name!r} block of stage "
                                f"{stage.id!r}: {unfit(pinned, bank, loop, stage, name, used)}"))
                continue
            primaries[(index, name)] = choice
            reasons[(index, name)] = "pinned by the loop"
            used.add(choice.id)
            if choice.family:
                families[index].add(choice.family)
                asked.add(choice.family)
            continue
        choice = next(iter(ranked(fits, name, spread.primary, seed, frozenset(asked))), None)
        if choice is None:
            formats = stage.accepts(name)[0]
            shown = f" in format {' or '.join(formats)}" if formats else ""
            shown += " that allows an AI assistant" if stage.assisted(name) else ""
            shown += "".join(f" that also rates {other!r}" for other in stage.rated_in(name)[1:])
            problems.append(loop.source.problem(("stages", index, "competencies", c), "LK104",
                            f"no active question for role {role.id}, level {level.id}, competency {name!r}"
                            f"{shown} within {block_minutes(stage, loop, name)} minutes (stage {stage.id!r})"))
            continue
        primaries[(index, name)] = choice
        reasons[(index, name)] = why(choice, name, spread.primary, len(fits))
        used.add(choice.id)
        if choice.family:
            families[index].add(choice.family)
            asked.add(choice.family)
    if len(primaries) < sum(len(s.block_competencies) for s in loop.stages):
        return None
    stages = []
    for index, stage in known:
        held: dict[str, str] = {}  # family -> the id of the stage's question of that family
        for name in stage.block_competencies:
            if primaries[(index, name)].family:
                held[primaries[(index, name)].family] = primaries[(index, name)].id
        blocks = []
        for c, name in enumerate(stage.competencies):
            if name not in stage.block_competencies:
                continue  # rated by another block's question
            # An alternate meets the bar at the primary's point, so swapping one in leaves every score
            # meaning what the debrief rule takes it to mean.
            bar = primaries[(index, name)].bar[level.id].meets
            alternates: list[Question] = []
            for question in ranked([q for q in eligible(pool, loop, stage, name)
                                    if q.id not in used and q.bar[level.id].meets == bar], name, spread.placed, seed):
                if len(alternates) == ALTERNATES:
                    break
                if question.family is None or held.setdefault(question.family, question.id) == question.id:
                    alternates.append(question)
            if len(alternates) < MIN_ALTERNATES:
                problems.append(loop.source.problem(("stages", index, "competencies", c), "LK203",
                                f"stage {stage.id!r} has {len(alternates)} alternate(s) for {name!r} at {role.id} "
                                f"{level.id}; {MIN_ALTERNATES} let teams rotate questions", "warning"))
            blocks.append(Block(bank.competencies[name], block_minutes(stage, loop, name), primaries[(index, name)],
                                tuple(alternates), reasons[(index, name)],
                                tuple(bank.competencies[other] for other in stage.rated_in(name)[1:])))
        stages.append(StagePlan(stage, tuple(blocks), loop.candidate_minutes, bank.levels.get(stage.interviewer_level)))
    order = list(bank.competencies)
    assessed = sorted({c for s in loop.stages for c in s.competencies}, key=order.index)
    packet = Packet(role, level, loop, tuple(stages), tuple(bank.competencies[c] for c in assessed))
    spread.count(packet)
    return packet


def why(question: Question, competency: str, used: Counter, candidates: int) -> str:
    """The primary's ranking in words: fit, calibration, earlier uses, out of how many candidates."""
    fit = "made for this competency" if question.primary_competency == competency else \
        f"made for {question.primary_competency}, assesses this competency too"
    calibrated = "calibrated" if question.calibration else "not calibrated"
    return (f"{fit}; {calibrated}; primary {used[question.id]} time(s) in earlier packets; "
            f"ranked first of {candidates} candidate(s), the seeded order settling ties")


@dataclass(frozen=True)
class Unplaced:
    """Why the planner left a question out, in words (`str()` of it), and whether only a crowd of questions
    ranked ahead kept it out: blocks could take it, so it is a reserve (LK402), not a defect (LK211)."""

    why: str
    crowded: bool = False

    def __str__(self) -> str:
        return self.why


def reach(bank: Bank, loops: list[Loop], packets: list[Packet], layer: int = 0) -> list[Problem]:
    """Every active question of bank layer `layer` that no packet uses, with the reason the planner left
    it out: an LK211 warning when no block of any loop could take it (a defect of the question or the
    loops), an LK402 notice when blocks could but fill with questions ranked ahead (a reserve another
    rotation may use). A kit that replaces a shared loop hears only of its own questions: it cannot edit
    the shared ones, and its loops may leave some of them out on purpose."""
    placed = {q.id for packet in packets for q in packet.questions}
    problems = []
    for question in bank.questions.values():
        if question.status != "active" or question.id in placed or question.layer != layer:
            continue
        if "LK211" in {waiver.code for waiver in question.waivers}:
            continue
        why = unplaced_reason(question, loops)
        code, severity = ("LK402", "notice") if why.crowded else ("LK211", "warning")
        problems.append(question.source.problem(("id",), code, f"{question.id!r} is in no packet: {why}", severity))
    return problems


def unused_bars(bank: Bank, loops: list[Loop], layer: int) -> list[tuple[Question, str]]:
    """The bars (question, level) of a layer's active questions at levels where no block of any loop can
    take the question (role, level, competency, format, minutes), so the bar is never on a score sheet:
    LK401 notices, located by `unused_bar` only when someone lists them. Being crowded out is no reason:
    another seed or a retirement may place the question there."""
    blocks: dict[tuple[str, str, str], list[tuple[Stage, str, int]]] = defaultdict(list)  # like the pool, by key
    for loop in loops:
        for stage in loop.stages:
            for name in stage.block_competencies:
                blocks[(loop.role, loop.level, name)].append((stage, name, block_minutes(stage, loop, name)))
    return [(question, level) for question in bank.questions.values()
            if question.status == "active" and question.layer == layer for level in question.bar
            if not any(fits_minutes(question, minutes) and takes(stage, name, question)
                       and all(c in question.competencies for c in stage.rated_in(name))
                       for role, competency in product(question.roles, question.competencies)
                       for stage, name, minutes in blocks.get((role, level, competency), ()))]


def unused_bar(question: Question, level: str, loops: list[Loop]) -> Problem:
    """The LK401 notice of one bar `unused_bars` found, at its line, with the reason in LK211's words."""
    return question.source.problem(("bar", level), "LK401", (
        f"the {level} bar is never used: no {level} packet can take this question, as "
        f"{unplaced_reason(question, [loop for loop in loops if loop.level == level])}"), "notice")


def unplaced_reason(question: Question, loops: list[Loop]) -> Unplaced:
    """The first filter that left the question out: role, level and competency; format and kind; minutes."""
    blocks = [(loop, stage, name) for loop in loops if loop.role in question.roles and loop.level in question.levels
              for stage in loop.stages for name in stage.block_competencies
              if all(c in question.competencies for c in stage.rated_in(name))]
    if not blocks:
        return Unplaced(f"no loop for its roles ({', '.join(question.roles)}) at its levels "
                        f"({', '.join(question.levels)}) assesses its competencies ({', '.join(question.competencies)})")
    shaped = [(loop, stage, name) for loop, stage, name in blocks if takes(stage, name, question)]
    if not shaped:
        return Unplaced(f"none of the {len(blocks)} block(s) that assess its competencies at its roles and levels "
                        f"accepts format {question.format} ({question.kind})")
    longest = max(block_minutes(stage, loop, name) for loop, stage, name in shaped)
    if longest < question.minutes:
        return Unplaced(f"it takes {question.minutes} minutes and the longest of the {len(shaped)} block(s) that "
                        f"accept its format has {longest}")
    if not any(fits_minutes(question, block_minutes(stage, loop, name)) for loop, stage, name in shaped):
        shortest = min(block_minutes(stage, loop, name) for loop, stage, name in shaped)
        return Unplaced(f"it takes {question.minutes} minutes, under half of each of the {len(shaped)} block(s) "
                        f"that accept its format (the shortest has {shortest}); a block takes questions of at least "
                        "half its minutes")
    if all(name != question.primary_competency for _, _, name in shaped):
        levels = ", ".join(sorted({loop.level for loop, _, _ in shaped}))
        return Unplaced(f"crowded out: no block for {question.primary_competency}, its first competency, takes it "
                        f"at {levels}, and the {len(shaped)} block(s) of its other competencies that could "
                        f"({', '.join(sorted({name for _, _, name in shaped}))}) fill with questions made for their "
                        "own", crowded=True)
    return Unplaced(f"crowded out: the {len(shaped)} block(s) that could take it fill with questions ranked ahead "
                    "(calibrated, or used less so far)", crowded=True)


def explain(bank: Bank, packets: list[Packet], question_id: str, problems: list[Problem] = ()) -> list[str]:
    """Where a question lands in every packet and, for each packet of its roles and levels that does not
    take it, why not; the packets of other roles and levels in one line. `placements` first, as
    `validate` prints it, then the packets it misses."""
    question = bank.questions[question_id]
    lines = placements(bank, packets, question_id, problems)
    if question.status != "active":
        return lines
    held = {packet.slug for packet in packets if question_id in {q.id for q in packet.questions}}
    others = [packet for packet in packets if packet.slug not in held]
    mine = [packet for packet in others if packet.role.id in question.roles and packet.level.id in question.levels]
    lines += [f"not in {packet.slug}: {why_not(question, packet.loop)}" for packet in mine]
    if len(others) > len(mine):
        lines.append(f"not in {len(others) - len(mine)} other packet(s): they hire roles or levels it is not for "
                     f"(its roles: {', '.join(question.roles)}; its levels: {', '.join(question.levels)})")
    return lines


def why_not(question: Question, loop: Loop) -> str:
    """Why one loop of the question's role and level does not take it, in the words of `unplaced_reason`."""
    if not any(all(c in question.competencies for c in stage.rated_in(name))
               for stage in loop.stages for name in stage.block_competencies):
        return (f"no stage of this loop rates its competencies ({', '.join(question.competencies)}) in a block "
                "of its own")
    return unplaced_reason(question, [loop])


def placements(bank: Bank, packets: list[Packet], question_id: str, problems: list[Problem] = ()) -> list[str]:
    """Where a question lands, one line per stage (packet, stage, primary or alternate, the block's
    competency), or why it lands nowhere: the reason of its LK211 warning, the same words."""
    question = bank.questions[question_id]
    found = []
    for packet in packets:
        for stage in packet.stages:
            for block in stage.blocks:
                role = ("primary" if block.primary.id == question_id else
                        f"alternate {[q.id for q in block.alternates].index(question_id) + 1}"
                        if question_id in [q.id for q in block.alternates] else None)
                if role:
                    rated = "".join(f" (rating {c.id} too)" for c in block.rates)
                    found.append(f"lands in {packet.slug}, stage {stage.stage.id!r} ({stage.stage.name}), "
                                 f"{role} in the {block.competency.id} block{rated}")
    if found:
        return found
    if question.status != "active":
        path, reason = bank.status_changes.get(question_id, (None, None))
        where = f" in {path} ({reason})" if path else ""
        return [f"lands nowhere: its status is {question.status}{where}; only active questions are placed"]
    reason = next((p.message.split(": ", 1)[1] for p in problems
                   if p.code in ("LK211", "LK402") and p.message.startswith(f"{question_id!r} is in no packet")),
                  None)
    loops = [*bank.loops.values(), *(loop for _, loop in bank.requisitions.values())]
    return [f"lands nowhere: {reason or unplaced_reason(question, loops)}"]
