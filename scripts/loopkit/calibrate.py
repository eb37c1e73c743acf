"""Calibration over many candidates' sheets: how far interviewers agree, who scores high or low against
the panel, and how each question behaves, so a team can coach interviewers and revise or retire questions.

Every figure is computed on distances from the bar (the score minus its question's bar at the packet's
level), the quantity the rule combines, so questions with different bars compare. Agreement is
Krippendorff's alpha (ordinal), from the `krippendorff` library, with a bootstrap interval over units;
published inter-rater reliabilities of structured interviews run from about .44 for separate interviews
to .74 for panels (Huffcutt, Culbertson & Weyhrauch 2013). A figure whose sample is below its minimum
is not shown, only its sample size.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

import krippendorff
import numpy as np

from .decision import HIRE, NO_HIRE, decide, next_level
from .model import Level, Question
from .sheets import Panel

MIN_UNITS = 10  # units rated two or more times before an alpha is shown
MIN_RATINGS = 10  # an interviewer's ratings shared with another interviewer before a leniency is shown
MIN_USES = 10  # scored ratings of a question before its distribution is read for floor and ceiling effects
MIN_OUTCOME = 5  # ratings of hired and of not-hired candidates before a question's tracking is shown
BOOTSTRAP = 1000  # resamples for an alpha's interval
SEED = 16
LENIENT = 0.5  # points from the panel (in distance from the bar) that flag an interviewer as lenient or severe
EDGE = 0.6  # share of scored ratings on the top (or bottom) point that flags a ceiling (or floor) effect
TRACKS = 0.5  # hires and no hires whose mean distances differ by less than this: the question tracks weakly
DOMAIN = (-2, -1, 0, 1, 2)  # every possible distance: points 1-4 against bars 2 or 3


@dataclass(frozen=True)
class Observation:
    candidate: str
    outcome: str
    group: str  # "packet · stage", where the sheet was scored
    interviewer: str
    shadowing: bool
    competency: str
    question: str
    point: int | None
    distance: int | None


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha over units (a candidate's competency, or a stage block) rated twice or more."""

    name: str
    units: int  # units with two or more ratings
    ratings: int  # ratings in those units
    alpha: float | None = None
    low: float | None = None
    high: float | None = None

    @property
    def shown(self) -> bool:
        return self.units >= MIN_UNITS and self.alpha is not None


@dataclass(frozen=True)
class Leniency:
    """How far an interviewer's ratings sit from the panel's on the same candidates and competencies."""

    interviewer: str
    ratings: int
    offset: float

    @property
    def shown(self) -> bool:
        return self.ratings >= MIN_RATINGS

    @property
    def flag(self) -> str:
        if not self.shown or abs(self.offset) < LENIENT:
            return ""
        return "lenient" if self.offset > 0 else "severe"


@dataclass(frozen=True)
class QuestionUse:
    question: Question
    uses: int  # ratings on counted sheets, "no evidence" included
    counts: dict[int | None, int]  # point (None: no evidence) -> ratings
    hires: tuple[int, ...]  # distances on candidates the rule hired
    no_hires: tuple[int, ...]

    @property
    def scored(self) -> int:
        return self.uses - self.counts.get(None, 0)

    @property
    def shown(self) -> bool:
        return self.scored >= MIN_USES

    def share(self, point: int) -> float:
        return self.counts.get(point, 0) / self.scored if self.scored else 0.0

    @property
    def effects(self) -> list[str]:
        if not self.shown:
            return []
        return [name for name, point in (("ceiling", 4), ("floor", 1)) if self.share(point) >= EDGE]

    @property
    def tracked(self) -> bool:
        return len(self.hires) >= MIN_OUTCOME and len(self.no_hires) >= MIN_OUTCOME

    @property
    def separation(self) -> float | None:
        """Mean distance on hired candidates minus on candidates not hired: how the question tracks the outcome."""
        return statistics.fmean(self.hires) - statistics.fmean(self.no_hires) if self.tracked else None


@dataclass(frozen=True)
class Calibration:
    candidates: int
    sheets: int
    outcomes: dict[str, int]
    competencies: tuple[Agreement, ...]
    stages: tuple[Agreement, ...]
    interviewers: tuple[Leniency, ...]
    questions: tuple[QuestionUse, ...]


def observations(panels: list[Panel], levels: dict[str, Level]) -> list[Observation]:
    """Every rating on every sheet, with its distance from the bar and the candidate's computed outcome."""
    found = []
    for panel in panels:
        packet = panel.packet
        outcome = decide(packet, panel.ratings(), next_level(levels, packet.level)).outcome
        asked = {q.id: q for q in packet.questions}
        stages = {plan.stage.id: plan.stage.name for plan in packet.stages}
        for sheet in panel.sheets:
            for r in sheet.ratings:
                distance = None if r.point is None else r.point - asked[r.question].bar[packet.level.id].meets
                found.append(Observation(panel.candidate, outcome, f"{packet.title} · {stages[sheet.stage]}",
                                         sheet.interviewer, sheet.shadowing, r.competency, r.question, r.point,
                                         distance))
    return found


def calibrate(panels: list[Panel], levels: dict[str, Level], competency_names: dict[str, str]) -> Calibration:
    seen = observations(panels, levels)
    scored = [o for o in seen if o.distance is not None]
    rng = np.random.default_rng(SEED)
    by_competency: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_stage: dict[str, dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for o in scored:
        by_competency[o.competency][o.candidate].append(o.distance)
        by_stage[o.group][(o.candidate, o.competency)].append(o.distance)
    competencies = tuple(agreement(competency_names.get(name, name), list(units.values()), rng)
                         for name, units in sorted(by_competency.items()))
    stages = tuple(agreement(name, list(units.values()), rng) for name, units in sorted(by_stage.items()))
    questions: dict[str, list[Observation]] = defaultdict(list)
    for o in seen:
        if not o.shadowing:
            questions[o.question].append(o)
    asked = {q.id: q for panel in panels for q in panel.packet.questions}
    uses = tuple(sorted((QuestionUse(asked[qid], len(items), dict(Counter(o.point for o in items)),
                                     tuple(o.distance for o in items if o.outcome == HIRE and o.distance is not None),
                                     tuple(o.distance for o in items if o.outcome == NO_HIRE and o.distance is not None))
                         for qid, items in questions.items()), key=lambda use: (-use.uses, use.question.id)))
    outcomes = Counter(decide(p.packet, p.ratings(), next_level(levels, p.packet.level)).outcome for p in panels)
    return Calibration(len(panels), sum(len(p.sheets) for p in panels), dict(outcomes), competencies, stages,
                       leniencies(scored), uses)


def agreement(name: str, units: list[list[int]], rng: np.random.Generator) -> Agreement:
    """Alpha and its 95% bootstrap interval (units resampled), when enough units were rated twice or more."""
    pairable = [values for values in units if len(values) >= 2]
    ratings = sum(len(values) for values in pairable)
    if len(pairable) < MIN_UNITS:
        return Agreement(name, len(pairable), ratings)
    counts = np.array([[values.count(value) for value in DOMAIN] for values in pairable], dtype=float)
    value = alpha_of(counts)
    if value is None:
        return Agreement(name, len(pairable), ratings)
    draws = [alpha_of(counts[rng.integers(0, len(pairable), len(pairable))]) for _ in range(BOOTSTRAP)]
    kept = [draw for draw in draws if draw is not None]
    low, high = np.percentile(kept, [2.5, 97.5]) if kept else (None, None)
    return Agreement(name, len(pairable), ratings, value, float(low), float(high))


def alpha_of(counts: np.ndarray) -> float | None:
    """Ordinal alpha from a units x values table of counts; None when every rating has one value (alpha is
    then undefined: there is no variation to agree on)."""
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    return float(krippendorff.alpha(value_counts=counts, value_domain=DOMAIN, level_of_measurement="ordinal"))


def leniencies(scored: list[Observation]) -> tuple[Leniency, ...]:
    """Each interviewer's offset from the panel: distances modelled as a unit's level (a candidate's
    competency) plus the interviewer's offset, fitted by alternating means over units two or more
    interviewers rated. Against a plain difference from the other raters, this keeps one lenient
    colleague from making everyone who shares a panel with them look severe."""
    units: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for o in scored:
        units[(o.candidate, o.competency)].append(o)
    shared = [items for items in units.values() if len({o.interviewer for o in items}) >= 2]
    offset: dict[str, float] = defaultdict(float)
    for _ in range(50):
        level = [statistics.fmean(o.distance - offset[o.interviewer] for o in items) for items in shared]
        residuals: dict[str, list[float]] = defaultdict(list)
        for mean, items in zip(level, shared):
            for o in items:
                residuals[o.interviewer].append(o.distance - mean)
        centre = statistics.fmean(r for values in residuals.values() for r in values) if residuals else 0.0
        offset = defaultdict(float, {name: statistics.fmean(values) - centre for name, values in residuals.items()})
    counts = Counter(o.interviewer for items in shared for o in items)
    return tuple(sorted((Leniency(name, counts[name], offset[name]) for name in counts),
                        key=lambda item: (-item.offset, item.interviewer)))


def summary(result: Calibration) -> list[str]:
    """The findings in a few lines, for the terminal."""
    lines = [f"{result.candidates} candidate(s), {result.sheets} sheet(s); outcomes: "
             + ", ".join(f"{n} {outcome.lower()}" for outcome, n in sorted(result.outcomes.items()))]
    for title, rows in (("competency", result.competencies), ("stage", result.stages)):
        for a in rows:
            figure = (f"alpha {a.alpha:.2f} (95% {a.low:.2f} to {a.high:.2f})" if a.shown
                      else f"not shown: under {MIN_UNITS} units rated twice")
            lines.append(f"agreement by {title}, {a.name}: {figure}; {a.units} unit(s), {a.ratings} rating(s)")
    for item in result.interviewers:
        if item.flag:
            lines.append(f"interviewer {item.interviewer}: {item.flag}, {item.offset:+.2f} points from the panel over "
                         f"{item.ratings} rating(s)")
    for use in result.questions:
        for effect in use.effects:
            point = 4 if effect == "ceiling" else 1
            lines.append(f"question {use.question.id}: {effect} effect, {use.share(point):.0%} of {use.scored} scored "
                         f"rating(s) at {point}")
        if use.separation is not None and use.separation < TRACKS:
            lines.append(f"question {use.question.id}: tracks the outcome weakly, hires {use.separation:+.2f} points "
                         f"above no hires ({len(use.hires)} and {len(use.no_hires)} rating(s))")
    return lines
