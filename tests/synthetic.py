"""A synthetic but realistic set of score sheets for the debrief and calibration tests, made by a seeded
script (never committed data): 48 candidates over four packets of the bundled bank, scored by a pool of
eight interviewers, with shadows on many stages and these effects planted, which `Planted` records:

- a lenient interviewer, who scores every answer a point above what it matched;
- a question with a ceiling effect, scored 4 whoever answers it;
- disagreements: one competency of some candidates scored a point below the bar in one stage and a point
  above it in another;
- late sheets: a stage's sheet submitted at the end of the day, after later stages' sheets came in;
- holds: a must-have competency with "no evidence" in all but one stage;
- a competency nobody saw: "no evidence" on every rating of it.

Abilities, noise, swaps to alternates and shadows are drawn from one seeded generator, so every run
writes the same sheets.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from loopkit.plan import Packet
from loopkit.sheets import NO_EVIDENCE, Sheet, digest

PACKETS = ("ai-application-engineer/senior", "ml-engineer/senior", "ai-platform-engineer/staff",
           "research-engineer/junior")
PER_PACKET = 12
SEED = 16
INTERVIEWERS = ("iv-ada", "iv-ben", "iv-cho", "iv-dev", "iv-eli", "iv-fay", "iv-gus", "iv-hal")
LENIENT = "iv-gus"
SHADOWED = 0.6  # share of stages with a shadow scoring alongside the interviewer
SWAPPED = 0.1  # share of blocks where the first alternate is asked instead of the primary
DAY = datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.timezone.utc)


@dataclass
class Planted:
    lenient: str = LENIENT
    ceiling: str = ""  # question id
    disagreements: dict[str, str] = field(default_factory=dict)  # candidate -> competency id
    late: dict[str, str] = field(default_factory=dict)  # candidate -> stage id of the late sheet
    held: dict[str, str] = field(default_factory=dict)  # candidate -> must-have competency left unscored
    silent: dict[str, str] = field(default_factory=dict)  # candidate -> competency with no evidence at all
    packets: dict[str, str] = field(default_factory=dict)  # candidate -> packet slug


def clamp(point: float) -> int:
    return min(4, max(1, round(point)))


def evidence(question, point: int) -> str:
    """What an interviewer writes: the rubric's own observable behaviours at the point given."""
    return f"Matched the point-{point} anchors: " + "; ".join(question.rubric[point][:2])


def generate(folder: Path, packets: list[Packet], editions: dict, seed: int = SEED) -> Planted:
    """Write one folder per candidate, one sheet per interviewer and stage; return what was planted."""
    chance = random.Random(seed)
    by_slug = {packet.slug: packet for packet in packets}
    planted = Planted()
    first = by_slug[PACKETS[0]]
    # The ceiling question: the primary of a block of the first packet whose competency is not the only
    # one other effects are planted on.
    ceiling_block = first.stages[1].blocks[-1]
    planted.ceiling = ceiling_block.primary.id
    number = 0
    for slug in PACKETS:
        packet = by_slug[slug]
        level = packet.level.id
        must = [c.id for c in (packet.must_have or packet.competencies)]
        for index in range(PER_PACKET):
            number += 1
            candidate = f"cand-{number:03d}"
            planted.packets[candidate] = slug
            quality = chance.choice([-1.0, -0.5, 0.0, 0.0, 0.5, 1.0])
            ability = {c.id: quality + chance.gauss(0, 0.4) for c in packet.competencies}
            panel = chance.sample(INTERVIEWERS, len(packet.stages))
            spare = [name for name in INTERVIEWERS if name not in panel]
            fixed: dict[tuple[int, str], int | str] = {}  # (stage index, competency) -> planted score
            if index in (0, 1):  # a disagreement on a competency assessed in two stages
                competency = next(c.id for c in packet.competencies
                                  if len(packet.stages_assessing(c)) >= 2 and c.id != ceiling_block.competency.id)
                stages = [i for i, plan in enumerate(packet.stages) if competency in plan.stage.competencies][:2]
                planted.disagreements[candidate] = competency
                fixed[(stages[0], competency)] = "below"
                fixed[(stages[1], competency)] = "above"
            if index == 2:  # a hold: a must-have scored in one stage only
                competency = must[0]
                planted.held[candidate] = competency
                for i, plan in enumerate(packet.stages):
                    if competency in plan.stage.competencies:
                        fixed[(i, competency)] = NO_EVIDENCE
                first_stage = next(i for i, plan in enumerate(packet.stages) if competency in plan.stage.competencies)
                del fixed[(first_stage, competency)]
            if index == 3:  # a competency nobody saw
                others = [c.id for c in packet.competencies if c.id not in must] or must
                competency = others[-1]
                planted.silent[candidate] = competency
                for i, plan in enumerate(packet.stages):
                    if competency in plan.stage.competencies:
                        fixed[(i, competency)] = NO_EVIDENCE
            late_stage = 0 if index in (4, 5) else None
            if late_stage is not None:
                planted.late[candidate] = packet.stages[late_stage].stage.id
            day = DAY + datetime.timedelta(days=number)
            for i, plan in enumerate(packet.stages):
                interviewed = day + datetime.timedelta(hours=2 * i)
                submitted = interviewed + datetime.timedelta(minutes=plan.stage.minutes + chance.randint(10, 30))
                if i == late_stage:
                    submitted = day + datetime.timedelta(hours=2 * len(packet.stages) + 1)
                lead = panel[i]
                ratings = []
                for block in plan.blocks:
                    swap = chance.random() < SWAPPED and block.alternates and block.primary.id != planted.ceiling
                    question = block.alternates[0] if swap else block.primary
                    if question is ceiling_block.primary and block is not ceiling_block:
                        question = block.primary
                    bar = question.bar[level].meets
                    truth = bar + ability[block.competency.id]
                    planned = fixed.get((i, block.competency.id))
                    if planned == NO_EVIDENCE:
                        point = NO_EVIDENCE
                    elif planned == "below":
                        point = bar - 1
                    elif planned == "above":
                        point = bar + 1
                    elif question.id == planted.ceiling:
                        point = 4
                    else:
                        point = clamp(truth + chance.gauss(0, 0.35) + (1 if lead == LENIENT else 0))
                    ratings.append((block, question, point))
                write_sheet(folder / candidate, candidate, packet, editions[slug].digest, plan, lead, False,
                            interviewed, submitted, ratings, chance)
                if spare and chance.random() < SHADOWED:
                    shadow = chance.choice(spare)
                    shadowed = [(block, question, point if point == NO_EVIDENCE or question.id == planted.ceiling
                                 else clamp(question.bar[level].meets + ability[block.competency.id]
                                            + chance.gauss(0, 0.35) + (1 if shadow == LENIENT else 0)))
                                for block, question, point in ratings]
                    write_sheet(folder / candidate, candidate, packet, editions[slug].digest, plan, shadow, True,
                                interviewed, submitted - datetime.timedelta(minutes=5), shadowed, chance)
    return planted


def write_sheet(folder: Path, candidate: str, packet: Packet, edition: str, plan, interviewer: str,
                shadowing: bool, interviewed, submitted, ratings, chance: random.Random) -> Path:
    data = {
        "candidate": candidate, "packet": packet.slug, "edition": edition, "stage": plan.stage.id,
        "interviewer": interviewer, "shadowing": shadowing, "interviewed": interviewed, "submitted": submitted,
        "recommendation": chance.choice(["lean hire", "hire", "lean no hire", "no hire"]),
        "ratings": [{"competency": block.competency.id, "question": question.id, "score": point,
                     "evidence": "" if point == NO_EVIDENCE else evidence(question, point), "observed": []}
                    for block, question, point in ratings],
    }
    data["digest"] = digest(Sheet.model_validate(data))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{plan.stage.id}-{interviewer}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
