"""The score scale and the debrief rule: the one place they live, as data and as the code that applies them.

Templates print the scale and the rule's steps from the data below, `decide` applies the same
thresholds, and `simulate` runs `decide` on score patterns whose outcome the printed steps fix in
advance. The tests run the simulation for every packet, so the printed rule and the computed decision
cannot drift apart.

A score is a behavioural point, 1 to 4: the rubric anchors the answer matched. It carries no verdict
of its own; whether a 3 is enough depends on the question's bar at the packet's level, so the only
labels a point gets are relative to that bar.
"""
from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .model import BAR_POINTS, Competency, Level, Question  # noqa: F401 (render reads the scale here)
from .plan import Packet

POINTS = (1, 2, 3, 4)
MIN_SCORED = 2  # scored ratings a must-have competency needs before the rule decides
BLOCKING = 1  # this score on any must-have rating blocks a hire, whatever the other scores
MUST_HAVE_MEAN = 0  # a must-have competency's mean distance from the bar may not fall below this
ANY_MEAN = -1  # no competency's mean distance from the bar may fall below this

HIRE, NO_HIRE, HOLD = "Hire", "No hire", "Hold"
OUTCOMES = (HIRE, NO_HIRE, HOLD)

# What each point means, the same at every level.
SCALE: dict[int, str] = {
    1: "The answer matched the point-1 anchors: what the candidate said or did falls short of every "
       "higher point.",
    2: "The answer matched the point-2 anchors.",
    3: "The answer matched the point-3 anchors.",
    4: "The answer matched the point-4 anchors.",
}
NO_EVIDENCE = ("Not a score: the question was not reached, or the answer gave nothing to judge. Left out "
               "of the rule, as are the ratings of an interviewer who is shadowing.")
BELOW, MEETS, ABOVE = "below the bar", "meets the bar", "above the bar"


def relative(point: int, meets: int) -> str:
    """The only label a point carries: where it lies against one question's bar at one level."""
    return BELOW if point < meets else MEETS if point == meets else ABOVE


COUNTED = {1: "one", 2: "two", 3: "three", 4: "four"}


def minus(number: float) -> str:
    return f"−{-number:g}" if number < 0 else f"{number:g}"


@dataclass(frozen=True)
class Step:
    """One printed step of the rule: the outcome it gives (or what it does), then what it says."""

    head: str
    text: str


def rule(packet: Packet, above: Level | None = None) -> tuple[Step, ...]:
    """The debrief rule for one packet, in the words every packet prints. The numbers in the
    sentences are the thresholds `decide` applies."""
    level = packet.level.name.lower()
    names = ", ".join(c.name for c in must_haves(packet))
    if not packet.must_have:
        names += "; the loop names none, so every competency counts as one"
    steps = [
        Step("Leave out", "ratings marked “no evidence” and the ratings of an interviewer who is shadowing. "
                          "Every other rating is a scored rating."),
        Step("Compare", f"each scored rating with the bar of its own question at {level} level, the point "
                        "printed as “meets the bar” on the question and the score sheet: its distance from "
                        "the bar is the score minus that point (0 at the bar, −1 one point below)."),
        Step(HOLD, f"when a must-have competency ({names}) has fewer than {COUNTED.get(MIN_SCORED, MIN_SCORED)} scored ratings. Name "
                   "the missing signal and how it will be collected; do not guess it."),
        Step(NO_HIRE, f"otherwise, when any must-have rating is a {BLOCKING}, when the mean distance of any "
                      f"must-have competency is below {minus(MUST_HAVE_MEAN)}, or when the mean distance of "
                      f"any competency is below {minus(ANY_MEAN)}."),
        Step(HIRE, "otherwise."),
    ]
    if above is not None:
        steps.append(Step("Level signal:", level_sentence(packet, above)))
    return tuple(steps)


def level_sentence(packet: Packet, above: Level) -> str:
    return (f"a Hire is also evidence for {above.name.lower()} level when every must-have competency has at "
            f"least {COUNTED.get(MIN_SCORED, MIN_SCORED)} scored ratings that meet their question's {above.name.lower()} bar with "
            f"the {above.name.lower()} line ticked “observed” on the sheet. The committee then discusses the "
            "level; the rule does not change it.")


def must_haves(packet: Packet) -> tuple[Competency, ...]:
    """The competencies the must-have steps apply to; all of them when the loop names none, so that a
    loop without must-haves cannot hire a candidate who scored below the bar everywhere."""
    return packet.must_have or packet.competencies


def next_level(levels: dict[str, Level], level: Level) -> Level | None:
    """The level above `level` in the vocabulary's order, if any."""
    order = list(levels)
    index = order.index(level.id) if level.id in order else len(order)
    return levels[order[index + 1]] if index + 1 < len(order) else None


@dataclass(frozen=True)
class Rating:
    """One question's line on a score sheet."""

    stage: str  # stage id
    competency: str  # competency id
    question: str  # the question asked: the block's primary, or the alternate swapped in
    score: int | None  # 1-4; None is "no evidence"
    shadowing: bool = False
    observed: frozenset[str] = frozenset()  # levels whose "observed" line is ticked


@dataclass(frozen=True)
class Finding:
    """What the rule found for one competency."""

    competency: Competency
    must_have: bool
    scores: tuple[int, ...]  # scored ratings, in sheet order
    distances: tuple[int, ...]  # each score minus its question's bar
    above: int  # scored ratings that also count as evidence for the level above

    @property
    def mean(self) -> float | None:
        return sum(self.distances) / len(self.distances) if self.distances else None


@dataclass(frozen=True)
class Decision:
    outcome: str
    reasons: tuple[str, ...]  # the sentences that decided it, in the rule's order
    findings: tuple[Finding, ...]
    level_above: Level | None = None  # set when a Hire is also evidence for the level above

    @property
    def summary(self) -> str:
        return self.outcome + (f" · evidence for {self.level_above.name.lower()}" if self.level_above else "")


def questions_of(packet: Packet) -> dict[str, Question]:
    return {q.id: q for plan in packet.stages for block in plan.blocks for q in (block.primary, *block.alternates)}


def decide(packet: Packet, ratings: Iterable[Rating], above: Level | None = None) -> Decision:
    """Apply the rule to one candidate's score sheets. `above` is the level above the packet's, for the
    level signal (none: no signal)."""
    asked = questions_of(packet)
    level = packet.level.id
    required = {c.id for c in must_haves(packet)}
    scored: dict[str, list[tuple[int, int, bool]]] = {c.id: [] for c in packet.competencies}
    for rating in ratings:
        if rating.shadowing or rating.score is None:
            continue
        if rating.competency not in scored:
            raise ValueError(f"competency {rating.competency!r} is not assessed in {packet.slug}")
        if rating.question not in asked:
            raise ValueError(f"question {rating.question!r} is not in {packet.slug}")
        if rating.score not in POINTS:
            raise ValueError(f"score {rating.score!r} is not one of {POINTS}")
        question = asked[rating.question]
        for_above = (above is not None and above.id in question.bar and above.id in rating.observed
                     and rating.score >= question.bar[above.id].meets)
        scored[rating.competency].append((rating.score, rating.score - question.bar[level].meets, for_above))
    findings = tuple(Finding(c, c.id in required, tuple(s for s, _, _ in scored[c.id]),
                             tuple(d for _, d, _ in scored[c.id]), sum(a for _, _, a in scored[c.id]))
                     for c in packet.competencies)

    reasons = [f"{f.competency.name}: {len(f.scores)} scored rating{'s' if len(f.scores) != 1 else ''}, "
               f"{MIN_SCORED} needed" for f in findings if f.must_have and len(f.scores) < MIN_SCORED]
    if reasons:
        return Decision(HOLD, tuple(reasons), findings)
    for f in findings:
        if f.must_have and BLOCKING in f.scores:
            reasons.append(f"{f.competency.name}: a must-have rating of {BLOCKING}")
        if f.must_have and f.mean is not None and f.mean < MUST_HAVE_MEAN:
            reasons.append(f"{f.competency.name}: mean distance {minus(round(f.mean, 2))}, below "
                           f"{minus(MUST_HAVE_MEAN)} on a must-have")
        elif f.mean is not None and f.mean < ANY_MEAN:
            reasons.append(f"{f.competency.name}: mean distance {minus(round(f.mean, 2))}, below {minus(ANY_MEAN)}")
    if reasons:
        return Decision(NO_HIRE, tuple(reasons), findings)
    supported = above is not None and all(f.above >= MIN_SCORED for f in findings if f.must_have)
    return Decision(HIRE, ("every must-have competency at or above its bar, no competency more than "
                           f"{-ANY_MEAN} point below",), findings, above if supported else None)


# The simulation: score patterns whose outcome the printed steps fix, run through `decide`.

RANDOM_SHEETS = 200
SEED = 12


@dataclass(frozen=True)
class Row:
    pattern: str
    expected: str  # what the printed steps say; empty for the random sheets, which are tallied
    decision: Decision | None = None
    tally: dict[str, int] = field(default_factory=dict)

    @property
    def computed(self) -> str:
        if self.decision is not None:
            return self.decision.summary
        return " · ".join(f"{n} {outcome.lower()}" for outcome, n in self.tally.items())

    @property
    def agrees(self) -> bool:
        return self.decision is None or self.decision.summary == self.expected


def sheet(packet: Packet, score, pick=lambda block: block.primary, observed=lambda q: frozenset(),
          take_home: bool = False) -> list[Rating]:
    """One rating per score-sheet row (a block that rates several competencies has a row for each) of every
    stage one candidate goes through (the screen and the onsite, with the take-home in place of the stage it
    replaces when `take_home`); `score(stage_index, row, question)` gives its score, the index counting every
    stage of the packet."""
    ratings = []
    taken = {plan.stage.id for plan in packet.path(take_home)}
    for index, plan in enumerate(packet.stages):
        if plan.stage.id not in taken:
            continue
        for block in plan.rows:
            question = pick(block)
            ratings.append(Rating(plan.stage.id, block.competency.id, question.id, score(index, block, question),
                                  observed=observed(question)))
    return ratings


def simulate(packet: Packet, above: Level | None = None, sheets: int = RANDOM_SHEETS,
             seed: int = SEED) -> list[Row]:
    """The rule run on fixed score patterns and on seeded random score sheets, for one packet."""
    level = packet.level.id
    bar = lambda question: question.bar[level].meets  # noqa: E731
    rows = []

    def row(pattern: str, expected: str, ratings: Sequence[Rating]) -> None:
        rows.append(Row(pattern, expected, decide(packet, ratings, above)))

    row("Every question scored at its bar", HIRE, sheet(packet, lambda i, b, q: bar(q)))
    row("Every question one point below its bar", NO_HIRE, sheet(packet, lambda i, b, q: bar(q) - 1))
    live = [i for i, plan in enumerate(packet.stages) if plan.stage.phase != "take-home"]
    for c in must_haves(packet):
        first = next(i for i in live if c.id in packet.stages[i].stage.competencies)
        row(f"A {BLOCKING} on {c.name} (must have) in stage {first + 1}, every other question at its bar", NO_HIRE,
            sheet(packet, lambda i, b, q: BLOCKING if (i, b.competency.id) == (first, c.id) else bar(q)))
    for c in must_haves(packet):
        first = next(i for i in live if c.id in packet.stages[i].stage.competencies)
        row(f"{c.name} (must have) scored in stage {first + 1} only, “no evidence” in its other stages", HOLD,
            sheet(packet, lambda i, b, q: None if b.competency.id == c.id and i != first else bar(q)))
    c = must_haves(packet)[0]
    stages = [i for i in live if c.id in packet.stages[i].stage.competencies]
    if len(stages) >= MIN_SCORED:
        row(f"On {c.name}, a {BLOCKING} in stage {stages[0] + 1} next to a 4 in stage {stages[1] + 1}; "
            "the rest at the bar", NO_HIRE,
            sheet(packet, lambda i, b, q: BLOCKING if (i, b.competency.id) == (stages[0], c.id)
                  else 4 if b.competency.id == c.id and i in stages[1:] else bar(q)))
    others = [c for c in packet.competencies if c not in must_haves(packet)]
    if others:
        names = ", ".join(c.name for c in others)
        row(f"One point below the bar on every question of {names} (not must-have), the rest at the bar", HIRE,
            sheet(packet, lambda i, b, q: bar(q) - (b.competency in others)))
    shadow = [Rating(r.stage, r.competency, r.question, BLOCKING, shadowing=True)
              for r in sheet(packet, lambda i, b, q: bar(q))]
    row(f"Every question at its bar, and a shadowing interviewer's {BLOCKING}s", HIRE,
        sheet(packet, lambda i, b, q: bar(q)) + shadow)
    most = max((len(b.alternates) for plan in packet.stages for b in plan.blocks), default=0)
    for k in range(most):
        pick = lambda b, k=k: b.alternates[min(k, len(b.alternates) - 1)] if b.alternates else b.primary  # noqa: E731
        row(f"Every primary swapped for its alternate {k + 1}, scored as the primary was (at the primary's bar)",
            HIRE, sheet(packet, lambda i, b, q: bar(b.primary), pick))
    if above is not None:
        covered = all(sum(above.id in b.primary.bar for plan in packet.path() for b in plan.rows
                          if b.competency.id == c.id) >= MIN_SCORED for c in must_haves(packet))
        row(f"Every question at its {above.name.lower()} bar where it has one (else at its bar), "
            f"its {above.name.lower()} line ticked", HIRE + (f" · evidence for {above.name.lower()}" if covered else ""),
            sheet(packet, lambda i, b, q: max(bar(q), q.bar[above.id].meets) if above.id in q.bar else bar(q),
                  observed=lambda q: frozenset({above.id})))
        row(f"Every question at its bar, its {above.name.lower()} line left blank", HIRE,
            sheet(packet, lambda i, b, q: bar(q)))
    if packet.take_home is not None:
        instead = f"The take-home in place of stage {packet.stages.index(packet.replaced) + 1}"
        row(f"{instead}, every question at its bar", HIRE, sheet(packet, lambda i, b, q: bar(q), take_home=True))
        row(f"{instead}, every question one point below its bar", NO_HIRE,
            sheet(packet, lambda i, b, q: bar(q) - 1, take_home=True))
    tally = dict.fromkeys(OUTCOMES, 0)
    for ratings in random_sheets(packet, sheets, seed, above):
        tally[decide(packet, ratings, above).outcome] += 1
    rows.append(Row(f"{sheets} random score sheets (seed {seed}): scores, “no evidence”, swaps, shadowing, "
                    "observed lines and the take-home drawn at random", "", tally=tally))
    return rows


def random_sheets(packet: Packet, count: int = RANDOM_SHEETS, seed: int = SEED,
                  above: Level | None = None) -> list[list[Rating]]:
    """Seeded random score sheets for one packet: the same sheets on every run and machine."""
    chance = random.Random(f"{seed}:{packet.slug}")
    level = packet.level.id
    sheets = []
    for _ in range(count):
        ratings = []
        for plan in packet.path(take_home=packet.take_home is not None and chance.random() < 0.3):
            for block in plan.blocks:
                question = chance.choice((block.primary,) * 3 + block.alternates)
                meets = question.bar[level].meets
                for competency in block.rated:  # one question asked, a score for each competency it rates
                    score = None if chance.random() < 0.04 else chance.choice([1, 2, 3, 4, meets - 1, meets, meets,
                                                                              meets + 1])
                    score = None if score is None else min(max(score, POINTS[0]), POINTS[-1])
                    observed = frozenset({above.id}) if above is not None and chance.random() < 0.4 else frozenset()
                    ratings.append(Rating(plan.stage.id, competency.id, question.id, score, observed=observed))
                    if chance.random() < 0.05:
                        ratings.append(Rating(plan.stage.id, competency.id, question.id, chance.choice(POINTS),
                                              shadowing=True))
        sheets.append(ratings)
    return sheets


# The technical screen's own rule: whether the candidate goes on to the onsite. One interviewer rates one
# or two questions per competency, and one such rating is volatile (interviewing.io saw the same candidate's
# scores swing from interview to interview), while every competency the screen rates is rated again onsite
# (LK101), where the debrief rule decides on several independent ratings. So the screen stops a candidate
# only on clear evidence: a rating of 1, or ratings below the bar on balance; one point below next to one
# above goes on to the onsite, where the rule above still needs every must-have at its bar.

ADVANCE, STOP = "Advance", "Stop"
SCREEN_OUTCOMES = (ADVANCE, STOP, HOLD)
SCREEN_MEAN = 0  # the screen's mean distance from the bar may not fall below this


@dataclass(frozen=True)
class ScreenDecision:
    outcome: str
    reasons: tuple[str, ...]


def screen_rule(packet: Packet) -> tuple[Step, ...]:
    """The screen's pass rule, in the words packets print; the numbers are those `screen_decide` applies."""
    screen = packet.phase("screen")
    names = ", ".join(b.competency.name for plan in screen for b in plan.blocks) or "none"
    return (
        Step("Leave out", "ratings marked “no evidence” and those of an interviewer who is shadowing."),
        Step(HOLD, f"when a screened competency ({names}) has no scored rating: screen it again rather than "
                   "guess it."),
        Step(STOP, f"otherwise, when any screened rating is a {BLOCKING}, or when the mean distance from the bar "
                   f"of all the screen's scored ratings is below {minus(SCREEN_MEAN)}."),
        Step(ADVANCE, "otherwise: the onsite rates every screened competency again, and the screen's ratings "
                      "count in the debrief with the onsite's."),
    )


def screen_decide(packet: Packet, ratings: Iterable[Rating]) -> ScreenDecision:
    """Apply the screen's rule to its score sheet; ratings of other stages are ignored."""
    screen = {plan.stage.id: plan for plan in packet.phase("screen")}
    asked = {q.id: q for plan in screen.values() for b in plan.blocks for q in (b.primary, *b.alternates)}
    level = packet.level.id
    scored: dict[str, list[tuple[int, int]]] = {b.competency.id: [] for plan in screen.values() for b in plan.blocks}
    for rating in ratings:
        if rating.stage not in screen or rating.shadowing or rating.score is None:
            continue
        if rating.question not in asked:
            raise ValueError(f"question {rating.question!r} is not in the screen of {packet.slug}")
        scored[rating.competency].append((rating.score, rating.score - asked[rating.question].bar[level].meets))
    missing = [name for name, pairs in scored.items() if not pairs]
    if missing:
        return ScreenDecision(HOLD, tuple(f"{name}: no scored rating" for name in missing))
    pairs = [pair for found in scored.values() for pair in found]
    mean = sum(d for _, d in pairs) / len(pairs) if pairs else 0
    reasons = [f"{name}: a rating of {BLOCKING}" for name, found in scored.items()
               if any(score == BLOCKING for score, _ in found)]
    if mean < SCREEN_MEAN:
        reasons.append(f"mean distance {minus(round(mean, 2))}, below {minus(SCREEN_MEAN)}")
    if reasons:
        return ScreenDecision(STOP, tuple(reasons))
    return ScreenDecision(ADVANCE, (f"no {BLOCKING}, and the screen at or above its bar on balance",))


@dataclass(frozen=True)
class ScreenRow:
    pattern: str
    expected: str
    computed: str

    @property
    def agrees(self) -> bool:
        return self.expected == self.computed


def simulate_screen(packet: Packet) -> list[ScreenRow]:
    """The screen's rule run on score patterns whose outcome its printed steps fix; none without a screen."""
    screen = packet.phase("screen")
    if not screen:
        return []
    level = packet.level.id
    bar = lambda question: question.bar[level].meets  # noqa: E731
    blocks = [(plan, b) for plan in screen for b in plan.blocks]
    rows = []

    def row(pattern: str, expected: str, score, pick=lambda b: b.primary, shadow: bool = False) -> None:
        ratings = [Rating(plan.stage.id, b.competency.id, pick(b).id, score(n, pick(b))) for n, (plan, b)
                   in enumerate(blocks)]
        if shadow:
            ratings += [Rating(r.stage, r.competency, r.question, BLOCKING, shadowing=True) for r in ratings]
        rows.append(ScreenRow(pattern, expected, screen_decide(packet, ratings).outcome))

    row("Every screen question at its bar", ADVANCE, lambda n, q: bar(q))
    row("Every screen question one point below its bar", STOP, lambda n, q: bar(q) - 1)
    for k, (_, b) in enumerate(blocks):
        row(f"A {BLOCKING} on {b.competency.name}, every other screen question at 4", STOP,
            lambda n, q, k=k: BLOCKING if n == k else 4)
        row(f"“No evidence” on {b.competency.name}, the rest at the bar", HOLD,
            lambda n, q, k=k: None if n == k else bar(q))
    below = next((k for k, (_, b) in enumerate(blocks) if bar(b.primary) - 1 > BLOCKING), None)
    if len(blocks) > 1 and below is not None:
        row(f"One point below the bar on {blocks[below][1].competency.name}, one above on the rest", ADVANCE,
            lambda n, q: bar(q) - 1 if n == below else bar(q) + 1)
    row(f"Every screen question at its bar, and a shadowing interviewer's {BLOCKING}s", ADVANCE,
        lambda n, q: bar(q), shadow=True)
    most = max((len(b.alternates) for _, b in blocks), default=0)
    for k in range(most):
        pick = lambda b, k=k: b.alternates[min(k, len(b.alternates) - 1)] if b.alternates else b.primary  # noqa: E731
        row(f"Every screen primary swapped for its alternate {k + 1}, at its bar", ADVANCE, lambda n, q: bar(q), pick)
    return rows
