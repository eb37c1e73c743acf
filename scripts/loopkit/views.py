"""What each audience may see. The candidate view is built from plain values copied out of a packet:
it holds no question, rubric, probe, flag or calibration answer, so a candidate page cannot leak
them whatever its template does.
"""
from __future__ import annotations

from dataclasses import dataclass

from .plan import Packet


@dataclass(frozen=True)
class CandidateCompetency:
    name: str
    summary: str
    at_level: str


@dataclass(frozen=True)
class CandidateStage:
    name: str
    minutes: int
    candidate_minutes: int
    formats: tuple[str, ...]
    ai_assistant: str  # "allowed", "not allowed" or "allowed in some exercises"
    competencies: tuple[CandidateCompetency, ...]


@dataclass(frozen=True)
class CandidatePacket:
    slug: str  # role/level, or requisitions/ID for one opening
    title: str
    role_id: str
    role_name: str
    role_summary: str
    level_id: str
    level_name: str
    level_summary: str
    stages: tuple[CandidateStage, ...]

    @property
    def minutes(self) -> int:
        return sum(stage.minutes for stage in self.stages)


def candidate_view(packet: Packet) -> CandidatePacket:
    stages = []
    for plan in packet.stages:
        primaries = [block.primary for block in plan.blocks]
        allowed = {q.ai_use.allowed for q in primaries}
        ai = "allowed" if allowed == {True} else "not allowed" if allowed == {False} else "allowed in some exercises"
        stages.append(CandidateStage(
            name=plan.stage.name, minutes=plan.stage.minutes, candidate_minutes=plan.candidate_minutes,
            formats=tuple(dict.fromkeys(q.format for q in primaries)), ai_assistant=ai,
            competencies=tuple(CandidateCompetency(b.competency.name, b.competency.summary,
                                                   b.competency.levels[packet.level.id]) for b in plan.blocks)))
    return CandidatePacket(packet.slug, packet.title, packet.role.id, packet.role.name, packet.role.summary, packet.level.id, packet.level.name,
                           packet.level.summary, tuple(stages))
