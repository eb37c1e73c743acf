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
    phase: str = "onsite"  # screen, onsite or take-home
    at_home_minutes: int | None = None  # a take-home's time box
    brief: str | None = None  # a take-home's brief, written for the candidate
    instead_of: str | None = None  # the name of the live stage a take-home replaces


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
    ladder: tuple[str, ...] = ()  # what other companies' ladders call the level, as examples

    def phase(self, name: str) -> list[CandidateStage]:
        return [stage for stage in self.stages if stage.phase == name]

    @property
    def minutes(self) -> int:
        """Minutes of interviews on the live path: the take-home review stands in for a stage, never adds one."""
        return sum(stage.minutes for stage in self.stages if stage.phase != "take-home")


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
                                                   b.competency.levels[packet.level.id]) for b in plan.blocks),
            phase=plan.stage.phase, at_home_minutes=plan.stage.at_home_minutes, brief=plan.stage.brief,
            instead_of=packet.replaced.stage.name if plan.stage.phase == "take-home" and packet.replaced else None))
    return CandidatePacket(packet.slug, packet.title, packet.role.id, packet.role.name, packet.role.summary, packet.level.id, packet.level.name,
                           packet.level.summary, tuple(stages), tuple(packet.level.ladder))
