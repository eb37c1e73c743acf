"""Plan packets: choose the questions for every stage of every role x level loop, and check the loop.

A stage splits its minutes, less the candidate's own questions, equally among the competencies it
assesses; each competency gets a block with one primary question and up to three alternates. The
choice is deterministic: the same bank always gives the same packets.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from itertools import product

from .model import Competency, Level, Loop, Question, Requisition, Role, Stage
from .problems import Problem
from .validate import Bank

ALTERNATES = 3
MIN_ALTERNATES = 2
MAX_SCORED_STAGES = 5
MIN_BLOCK_MINUTES = 10


@dataclass(frozen=True)
class Block:
    competency: Competency
    minutes: int
    primary: Question
    alternates: tuple[Question, ...]


@dataclass(frozen=True)
class StagePlan:
    stage: Stage
    blocks: tuple[Block, ...]
    candidate_minutes: int

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
        return {part.source.path for part in parts}

    def stages_assessing(self, competency: Competency) -> list[StagePlan]:
        return [plan for plan in self.stages if competency.id in plan.stage.competencies]


Index = dict[tuple[str, str, str], list[Question]]


def plan(bank: Bank) -> tuple[list[Packet], list[Problem]]:
    packets: list[Packet] = []
    problems: list[Problem] = []
    pool: Index = defaultdict(list)  # (role, level, competency) -> active questions, built once
    for question in bank.questions.values():
        if question.status == "active":
            for key in product(question.roles, question.levels, question.competencies):
                pool[key].append(question)
    for role in bank.roles.values():
        for level in bank.levels.values():
            loop = bank.loops.get((role.id, level.id))
            if loop is None:
                problems.append(Problem(f"{bank.root}/loops/{role.id}/{level.id}.yaml", 0, 0, "LK105",
                                        f"no loop for {role.id} at level {level.id}; every role and level needs one"))
                continue
            found = check_loop(loop, bank)
            packet = plan_loop(loop, role, level, bank, pool, found)
            problems += found
            if packet is not None:
                packets.append(packet)
    for requisition, loop in bank.requisitions.values():
        found = check_loop(loop, bank)
        packet = plan_loop(loop, bank.roles[loop.role], bank.levels[loop.level], bank, pool, found)
        problems += found
        if packet is not None:
            packets.append(dataclasses.replace(packet, requisition=requisition))
    return packets, problems


def check_loop(loop: Loop, bank: Bank) -> list[Problem]:
    problems = []
    if len(loop.stages) > MAX_SCORED_STAGES:
        problems.append(loop.source.problem(("stages",), "LK102",
                        f"{len(loop.stages)} scored stages; at most {MAX_SCORED_STAGES} are allowed"))
    assessed: dict[str, int] = {}
    for stage in loop.stages:
        for name in stage.competencies:
            assessed[name] = assessed.get(name, 0) + 1
    for index, stage in enumerate(loop.stages):
        for c, name in enumerate(stage.competencies):
            if assessed.get(name) == 1:
                problems.append(loop.source.problem(("stages", index, "competencies", c), "LK101",
                                f"competency {name!r} is assessed only in stage {stage.id!r}; it needs at least two stages"))
        budget = block_minutes(stage, loop)
        if budget < MIN_BLOCK_MINUTES:
            problems.append(loop.source.problem(("stages", index, "minutes"), "LK103",
                            f"stage {stage.id!r} leaves {budget} minutes per competency after {loop.candidate_minutes} "
                            f"minutes of candidate questions; each block needs at least {MIN_BLOCK_MINUTES}"))
    for index, name in enumerate(loop.must_have):
        if name in bank.competencies and name not in assessed:
            problems.append(loop.source.problem(("must_have", index), "LK106",
                            f"must-have competency {name!r} is not assessed by any stage of this loop"))
    return problems


def block_minutes(stage: Stage, loop: Loop) -> int:
    return (stage.minutes - loop.candidate_minutes) // len(stage.competencies)


def eligible(pool: Index, loop: Loop, stage: Stage, competency: str) -> list[Question]:
    """Active questions that fit the block: those made for this competency first, then those of later
    bank layers (a team's own before the shared ones), then by id."""
    budget = block_minutes(stage, loop)
    fits = [q for q in pool.get((loop.role, loop.level, competency), ())
            if q.minutes <= budget and (not stage.formats or q.format in stage.formats)]
    return sorted(fits, key=lambda q: (q.primary_competency != competency, -q.layer, q.id))


def plan_loop(loop: Loop, role: Role, level: Level, bank: Bank, pool: Index,
              problems: list[Problem]) -> Packet | None:
    """Primaries first across the whole loop (no question is primary twice), then alternates."""
    known = [(i, s) for i, s in enumerate(loop.stages) if all(c in bank.competencies for c in s.competencies)]
    if len(known) < len(loop.stages):
        return None
    primaries: dict[tuple[int, str], Question] = {}
    used: set[str] = set()
    for index, stage in known:
        for c, name in enumerate(stage.competencies):
            choice = next((q for q in eligible(pool, loop, stage, name) if q.id not in used), None)
            if choice is None:
                formats = f" in format {' or '.join(stage.formats)}" if stage.formats else ""
                problems.append(loop.source.problem(("stages", index, "competencies", c), "LK104",
                                f"no active question for role {role.id}, level {level.id}, competency {name!r}"
                                f"{formats} within {block_minutes(stage, loop)} minutes (stage {stage.id!r})"))
                continue
            primaries[(index, name)] = choice
            used.add(choice.id)
    if len(primaries) < sum(len(s.competencies) for s in loop.stages):
        return None
    stages = []
    for index, stage in known:
        blocks = []
        for c, name in enumerate(stage.competencies):
            alternates = tuple(q for q in eligible(pool, loop, stage, name) if q.id not in used)[:ALTERNATES]
            if len(alternates) < MIN_ALTERNATES:
                problems.append(loop.source.problem(("stages", index, "competencies", c), "LK203",
                                f"stage {stage.id!r} has {len(alternates)} alternate(s) for {name!r} at {role.id} "
                                f"{level.id}; {MIN_ALTERNATES} let teams rotate questions", "warning"))
            blocks.append(Block(bank.competencies[name], block_minutes(stage, loop), primaries[(index, name)], alternates))
        stages.append(StagePlan(stage, tuple(blocks), loop.candidate_minutes))
    order = list(bank.competencies)
    assessed = sorted({c for s in loop.stages for c in s.competencies}, key=order.index)
    return Packet(role, level, loop, tuple(stages), tuple(bank.competencies[c] for c in assessed))
