"""The debrief of one candidate: the packet's printed rule applied to the submitted sheets (by
`decision.decide`, the code its simulation proves), and what the committee should look at before it
talks: each competency against its bar, sheets that disagree, competencies nobody saw, sheets that
came in after other interviewers' had, and stages with no sheet yet.

Scoring independently and combining mechanically before any discussion is what the research supports
(Conway, Jako & Goodman 1995); this module only computes, the committee decides.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from .decision import ANY_MEAN, HIRE, HOLD, MUST_HAVE_MEAN, NO_HIRE, Decision, decide, minus, next_level
from .model import Competency, Level
from .plan import StagePlan
from .sheets import Panel, Sheet, SheetRating, utc

DISAGREEMENT = 2  # points of spread, in distance from the bar, between sheets rating one competency
EXIT_CODES = {HIRE: 0, NO_HIRE: 10, HOLD: 11}  # 1 is bad input, 2 a command-line mistake


@dataclass(frozen=True)
class Standing:
    """One competency against its bar, over the scored ratings the rule counts."""

    competency: Competency
    must_have: bool
    scores: tuple[int, ...]
    bars: tuple[int, ...]  # each rating's question bar at the packet's level

    @property
    def mean_score(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def mean_bar(self) -> float | None:
        return statistics.fmean(self.bars) if self.bars else None

    @property
    def distance(self) -> float | None:
        return statistics.fmean(s - b for s, b in zip(self.scores, self.bars)) if self.scores else None

    @property
    def floor(self) -> int:
        """The lowest mean distance the rule accepts for this competency."""
        return MUST_HAVE_MEAN if self.must_have else ANY_MEAN

    @property
    def verdict(self) -> str:
        if self.distance is None:
            return "no evidence"
        return f"{'at or above' if self.distance >= self.floor else 'below'} the rule's {minus(self.floor)}"


@dataclass(frozen=True)
class Disagreement:
    """Sheets whose ratings of one competency lie `DISAGREEMENT` or more points apart (from the bar)."""

    competency: Competency
    ratings: tuple[tuple[Sheet, SheetRating, int], ...]  # sheet, rating, distance from its question's bar

    @property
    def spread(self) -> int:
        distances = [distance for _, _, distance in self.ratings]
        return max(distances) - min(distances)


@dataclass(frozen=True)
class Late:
    """A counted sheet submitted after another counted interviewer's came in while it was still open (its
    interview had happened): its author could have read the other before scoring, so it may not be
    independent. Shadows' sheets are left out on both sides: the rule does not count them."""

    sheet: Sheet
    after: tuple[Sheet, ...]


@dataclass(frozen=True)
class Debrief:
    panel: Panel
    decision: Decision
    standings: tuple[Standing, ...]
    disagreements: tuple[Disagreement, ...]
    late: tuple[Late, ...]
    missing: tuple[StagePlan, ...]  # stages with no counted sheet

    @property
    def silent(self) -> tuple[Competency, ...]:
        """Competencies with no scored rating at all."""
        return tuple(s.competency for s in self.standings if not s.scores)

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.decision.outcome]


def debrief(panel: Panel, levels: dict[str, Level]) -> Debrief:
    packet = panel.packet
    level = packet.level.id
    decision = decide(packet, panel.ratings(), next_level(levels, packet.level))
    asked = {q.id: q for q in packet.questions}
    counted = [sheet for sheet in panel.sheets if not sheet.shadowing]
    standings = tuple(Standing(f.competency, f.must_have, f.scores, tuple(s - d for s, d in zip(f.scores, f.distances)))
                      for f in decision.findings)
    disagreements = []
    for competency in packet.competencies:
        rated = tuple((sheet, r, r.point - asked[r.question].bar[level].meets) for sheet in counted
                      for r in sheet.ratings if r.competency == competency.id and r.point is not None)
        found = Disagreement(competency, rated)
        if len(rated) >= 2 and found.spread >= DISAGREEMENT:
            disagreements.append(found)
    late = tuple(Late(sheet, after) for sheet in sorted(counted, key=lambda s: s.submitted)
                 if (after := tuple(other for other in counted if other.interviewer != sheet.interviewer
                                    and sheet.interviewed <= other.submitted < sheet.submitted)))
    staffed = {sheet.stage for sheet in counted}
    missing = tuple(plan for plan in packet.stages if plan.stage.id not in staffed)
    return Debrief(panel, decision, standings, tuple(disagreements), late, missing)


def summary(result: Debrief) -> list[str]:
    """The debrief in a few lines, for the terminal and for scripts that read it."""
    panel, decision = result.panel, result.decision
    lines = [f"{panel.candidate} · {panel.packet.title} · {len(panel.sheets)} sheet(s)",
             f"outcome: {decision.summary}"]
    lines += [f"  because {reason}" for reason in decision.reasons]
    for s in result.standings:
        if s.scores:
            lines.append(f"{s.competency.name}{' (must have)' if s.must_have else ''}: mean {s.mean_score:.2f} "
                         f"against bar {s.mean_bar:.2f}, distance {minus(round(s.distance, 2))} over {len(s.scores)} "
                         f"rating(s): {s.verdict}")
        else:
            lines.append(f"{s.competency.name}{' (must have)' if s.must_have else ''}: no evidence")
    for d in result.disagreements:
        rated = ", ".join(f"{sheet.interviewer} ({sheet.stage}) {r.point}" for sheet, r, _ in d.ratings)
        lines.append(f"disagreement on {d.competency.name}: {d.spread} points apart from the bar: {rated}")
    for late in result.late:
        lines.append(f"independence: {late.sheet.interviewer} ({late.sheet.stage}) submitted {utc(late.sheet.submitted)}, "
                     f"after {', '.join(f'{o.interviewer} ({utc(o.submitted)})' for o in late.after)}")
    for plan in result.missing:
        lines.append(f"no sheet yet for stage {plan.stage.id} ({plan.stage.name})")
    return lines
